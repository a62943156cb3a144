// SPDX-License-Identifier: GPL-3.0-only
#include "connection.h"

#include "compat.h"
#include "responsewriter.h"

#include <QTcpSocket>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kMaxDrainBytes = 16 * 1024 * 1024;  // what a rejected client may still send
}

Connection::Connection(QTcpSocket *socket, const ConnectionConfig &config)
    : QObject(socket), m_socket(socket), m_config(config), m_scanner(config.limits)
{
    setObjectName(u"StreamLabConnection"_s);
    m_idle.setSingleShot(true);
    m_linger.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, &Connection::onIdleTimeout);
    connect(&m_linger, &QTimer::timeout, m_socket, &QAbstractSocket::abort);
    // Connected before QtHttpServer connects its own slot (it calls nextPendingConnection
    // first), so this slot sees every byte before Qt's parser consumes it.
    connect(m_socket, &QIODevice::readyRead, this, &Connection::onReadyRead);
    restartIdleTimer();
}

Connection *Connection::of(const QTcpSocket *socket)
{
    return socket ? socket->findChild<Connection *>(QString(), Qt::FindDirectChildrenOnly)
                  : nullptr;
}

void Connection::onReadyRead()
{
    if (m_isUpgraded)
        return;
    if (m_isClosing) {
        drainAndDiscard();
        return;
    }
    // Qt's parser reads everything available unless it completes a request; then it leaves
    // the rest (a pipelined request) and re-emits readyRead. Those leftover bytes were
    // scanned already; requestDispatched() measured them.
    const qint64 available = m_socket->bytesAvailable();
    const qint64 seen = std::exchange(m_qtLeftover, 0);
    if (available <= seen)
        return;
    const QByteArray fresh = m_socket->peek(available).mid(seen);
    restartIdleTimer();
    for (const ScanEvent &event : m_scanner.feed(fresh)) {
        if (event.kind == ScanEvent::Kind::Reject) {
            reject(event.status, event.message);
            return;
        }
        m_heads.enqueue(event.head);
        ++m_inFlight;
        if (event.head.expectsContinue && !compat::kServerAnswersExpectContinue) {
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            m_socket->flush();
        }
    }
}

RequestHead Connection::requestDispatched()
{
    m_qtLeftover = m_socket->bytesAvailable();
    return m_heads.isEmpty() ? RequestHead() : m_heads.dequeue();
}

void Connection::responseFinished(bool keepAlive)
{
    m_inFlight = qMax(0, m_inFlight - 1);
    if (!keepAlive) {
        closeGracefully();
        return;
    }
    restartIdleTimer();
}

void Connection::markUpgraded()
{
    m_isUpgraded = true;
    m_idle.stop();
    disconnect(m_socket, nullptr, this, nullptr);
}

void Connection::reject(int status, const QByteArray &message)
{
    m_isRejecting = true;
    drainAndDiscard();
    if (m_inFlight > m_heads.size()) {
        // A response is being written on this connection; an error now would corrupt it.
        m_socket->abort();
        return;
    }
    RequestHead head;
    head.keepAlive = false;
    RequestContext context;
    context.head = head;
    ++m_inFlight;
    ResponseWriter writer(context, m_socket, this, nullptr, nullptr);
    writer.sendText(status, message);  // ends with responseFinished(false): closeGracefully()
}

void Connection::closeGracefully()
{
    if (m_isClosing)
        return;
    m_isClosing = true;
    m_idle.stop();
    if (!m_isRejecting) {
        m_socket->disconnectFromHost();  // sends what is queued first
        return;
    }
#ifdef Q_OS_UNIX
    // Lingering close (RFC 9112 §9.6): stop sending once the answer is out, but keep reading
    // and discarding, so a client still uploading sees our answer rather than a reset.
    connect(m_socket, &QIODevice::bytesWritten, this, &Connection::shutDownWritesWhenFlushed);
    shutDownWritesWhenFlushed();
    m_linger.start(m_config.lingerMs);
#else
    m_socket->disconnectFromHost();
#endif
}

void Connection::shutDownWritesWhenFlushed()
{
#ifdef Q_OS_UNIX
    if (m_hasShutDownWrites || m_socket->bytesToWrite() > 0)
        return;
    m_hasShutDownWrites = true;
    if (::shutdown(int(m_socket->socketDescriptor()), SHUT_WR) != 0)
        m_socket->abort();
#endif
}

void Connection::drainAndDiscard()
{
    // Qt keeps an open read transaction across partial requests; committing it lets the
    // discarded bytes be freed instead of kept for a replay that will never happen.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_drainedBytes += m_socket->skip(m_socket->bytesAvailable());
    if (m_drainedBytes > kMaxDrainBytes)
        m_socket->abort();
}

void Connection::onIdleTimeout()
{
    if (m_isClosing || m_isUpgraded)
        return;
    const int responding = m_inFlight - int(m_heads.size());
    if (responding > 0)
        return;  // a response is streaming or holding; restarted when it finishes
    if (!m_scanner.isIdle() || !m_heads.isEmpty()) {
        reject(408, "request not completed within " + QByteArray::number(m_config.idleTimeoutMs)
                        + " ms");
        return;
    }
    closeGracefully();
}

void Connection::restartIdleTimer()
{
    if (m_config.idleTimeoutMs > 0 && !m_isUpgraded && !m_isClosing)
        m_idle.start(m_config.idleTimeoutMs);
}
