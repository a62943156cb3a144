// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "connection.h"

#include <QHash>
#include <QPointer>
#include <QTcpServer>

// The listening socket QtHttpServer is bound to. It sees every accepted socket first: it sets
// TCP_NODELAY (a streamed piece must leave at once, not wait for Nagle) and gives the socket
// its Connection guard. It also indexes sockets by peer address, which Qt >= 6.5 needs
// because the responder no longer exposes its socket. Lives in the server thread.
class LabTcpServer : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabTcpServer)
public:
    explicit LabTcpServer(const ConnectionConfig &config, QObject *parent = nullptr);

    QTcpSocket *nextPendingConnection() override;

    QTcpSocket *socketFor(const QHostAddress &address, quint16 port) const;
    int connectionCount() const { return int(m_byPeer.size()); }

private:
    static QString peerKey(const QHostAddress &address, quint16 port);

    ConnectionConfig m_config;
    QHash<QString, QPointer<QTcpSocket>> m_byPeer;
};
