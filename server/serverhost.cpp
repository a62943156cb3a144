// SPDX-License-Identifier: GPL-3.0-only
#include "serverhost.h"

#include <QAbstractEventDispatcher>

using namespace Qt::StringLiterals;

ServerHost::ServerHost(const ServerConfig &config, QObject *parent)
    : QObject(parent), m_config(config)
{
    m_thread.setObjectName(u"StreamLab server"_s);
}

ServerHost::~ServerHost()
{
    stop();
}

template <typename Function>
auto ServerHost::callInServerThread(Function function) const
{
    decltype(function()) result{};
    QMetaObject::invokeMethod(m_anchor, [&result, &function] { result = function(); },
                              Qt::BlockingQueuedConnection);
    return result;
}

Result<QUrl> ServerHost::start()
{
    if (m_server)
        return Result<QUrl>::success(m_baseUrl);
    m_fileLimit = raiseOpenFileLimit();
    m_anchor = new QObject;
    m_anchor->moveToThread(&m_thread);
    // Qt picks a new thread's dispatcher when the thread starts: GLib's unless
    // QT_NO_THREADED_GLIB (or QT_NO_GLIB) is set. Set it for the server thread only, and put
    // the environment back once the thread runs (start() returns after the server thread
    // has processed an event, so its dispatcher exists by then).
    const bool wasSet = qEnvironmentVariableIsSet("QT_NO_THREADED_GLIB");
    const QByteArray previous = qgetenv("QT_NO_THREADED_GLIB");
    qputenv("QT_NO_THREADED_GLIB", "1");
    m_thread.start();
    // The server and everything QtHttpServer creates inside it must be born in the server
    // thread, so construction happens there.
    Result<QUrl> started = Result<QUrl>::failure(u"server thread did not start"_s);
    QMetaObject::invokeMethod(
        m_anchor,
        [this, &started] {
            auto *server = new LabServer(m_config, &m_sendLog, m_anchor);
            started = server->listen();
            if (started.isOk())
                m_server = server;
            else
                delete server;
        },
        Qt::BlockingQueuedConnection);
    if (wasSet)
        qputenv("QT_NO_THREADED_GLIB", previous);
    else
        qunsetenv("QT_NO_THREADED_GLIB");
    if (!started.isOk()) {
        stop();
        return started;
    }
    m_baseUrl = started.value();
    return started;
}

void ServerHost::stop()
{
    if (!m_anchor)
        return;
    QMetaObject::invokeMethod(m_anchor, [this] {
        delete m_server;
        m_server = nullptr;
    }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_anchor;
    m_anchor = nullptr;
}

int ServerHost::liveStreamCount() const
{
    if (!m_server)
        return 0;
    return callInServerThread([this] { return m_server->liveStreamCount(); });
}

int ServerHost::connectionCount() const
{
    if (!m_server)
        return 0;
    return callInServerThread([this] { return m_server->connectionCount(); });
}

QByteArray ServerHost::eventDispatcherName() const
{
    if (!m_anchor)
        return {};
    return callInServerThread([] {
        const QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
        return dispatcher ? QByteArray(dispatcher->metaObject()->className()) : QByteArray();
    });
}
