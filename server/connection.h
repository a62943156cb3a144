// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "requestscanner.h"

#include <QObject>
#include <QQueue>
#include <QTimer>

class QTcpSocket;

struct ConnectionConfig
{
    ScanLimits limits;
    int idleTimeoutMs = 60'000;  // close a keep-alive connection idle this long; <= 0: never
    int lingerMs = 2'000;        // after rejecting a request, how long to drain before closing
};

// One per accepted socket (qBittorrent's Connection-per-socket idea), a child of the socket,
// living in the server thread. It sees every byte before QtHttpServer's parser does and adds
// the HTTP hygiene Qt 6.4 lacks:
//  - answers "Expect: 100-continue";
//  - rejects oversized or ambiguous requests (413, 414, 431, 400, 417, 505) and then closes
//    gracefully, draining what the client still sends so it can read the answer;
//  - closes after a response when the request asked for it (Connection: close, HTTP/1.0);
//  - closes keep-alive connections that stay idle longer than the configured time, and
//    answers 408 to a request whose headers never complete.
// It also remembers each request's version and keep-alive wish (QHttpServerRequest has no
// accessor for either) and hands them to the response when Qt dispatches the request.
class Connection : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connection)
public:
    Connection(QTcpSocket *socket, const ConnectionConfig &config);

    static Connection *of(const QTcpSocket *socket);

    // QtHttpServer has parsed a complete request and is about to dispatch it. Returns what
    // our scanner saw of that request.
    RequestHead requestDispatched();
    // The response to the oldest dispatched request is complete.
    void responseFinished(bool keepAlive);
    // The socket now speaks WebSocket: stop guarding and timing it.
    void markUpgraded();

    int requestsInFlight() const { return m_inFlight; }

private:
    void onReadyRead();
    void reject(int status, const QByteArray &message);
    void closeGracefully();
    void drainAndDiscard();
    void onIdleTimeout();
    void shutDownWritesWhenFlushed();
    void restartIdleTimer();

    QTcpSocket *m_socket;  // our parent
    ConnectionConfig m_config;
    RequestScanner m_scanner;
    QQueue<RequestHead> m_heads;   // scanned but not yet dispatched by Qt
    qint64 m_qtLeftover = 0;       // bytes Qt left unread after its last dispatch (pipelining)
    int m_inFlight = 0;            // requests whose response has not finished
    qint64 m_drainedBytes = 0;
    bool m_isClosing = false;
    bool m_isRejecting = false;
    bool m_hasShutDownWrites = false;
    bool m_isUpgraded = false;
    QTimer m_idle;
    QTimer m_linger;
};
