// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "connection.h"

#include <QHash>
#include <QPointer>
#include <QTcpServer>
#include <QTimer>

// The listening socket QtHttpServer is bound to. It sees every accepted socket first: it sets
// TCP_NODELAY (a streamed piece must leave at once, not wait for Nagle) and gives the socket
// its Connection guard. It also indexes sockets by peer address, which Qt >= 6.5 needs
// because the responder no longer exposes its socket. Lives in the server thread.
//
// Out of descriptors (EMFILE, ENFILE), QTcpServer pauses accepting for good; this server
// resumes after kAcceptRetryMs instead, so it neither spins on a listening socket it cannot
// drain nor stays deaf once connections close. Waiting clients stay in the kernel's backlog.
class LabTcpServer : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabTcpServer)
public:
    static constexpr int kListenBacklog = 4096;  // Qt's default, 50, drops SYNs in bursts
    static constexpr int kAcceptRetryMs = 100;

    explicit LabTcpServer(const ConnectionConfig &config, QObject *parent = nullptr);

    QTcpSocket *nextPendingConnection() override;

    QTcpSocket *socketFor(const QHostAddress &address, quint16 port) const;
    int connectionCount() const { return int(m_byPeer.size()); }
    // How many times accepting failed (typically: out of file descriptors).
    int acceptFailures() const { return m_acceptFailures; }

private:
    static QString peerKey(const QHostAddress &address, quint16 port);
    void onAcceptError(QAbstractSocket::SocketError error);

    ConnectionConfig m_config;
    QHash<QString, QPointer<QTcpSocket>> m_byPeer;
    QTimer m_acceptRetry;
    int m_acceptFailures = 0;
};
