// SPDX-License-Identifier: GPL-3.0-only
#include "labtcpserver.h"


#include <QTcpSocket>

using namespace Qt::StringLiterals;

LabTcpServer::LabTcpServer(const ConnectionConfig &config, QObject *parent)
    : QTcpServer(parent), m_config(config)
{
}

QTcpSocket *LabTcpServer::nextPendingConnection()
{
    QTcpSocket *socket = QTcpServer::nextPendingConnection();
    if (!socket)
        return nullptr;
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new Connection(socket, m_config);
    const QString key = peerKey(socket->peerAddress(), socket->peerPort());
    m_byPeer.insert(key, socket);
    connect(socket, &QObject::destroyed, this, [this, key] { m_byPeer.remove(key); });
    return socket;
}

QTcpSocket *LabTcpServer::socketFor(const QHostAddress &address, quint16 port) const
{
    return m_byPeer.value(peerKey(address, port)).data();
}

QString LabTcpServer::peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u'|' + QString::number(port);
}
