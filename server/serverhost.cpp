// SPDX-License-Identifier: GPL-3.0-only
#include "serverhost.h"

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
    m_anchor = new QObject;
    m_anchor->moveToThread(&m_thread);
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
