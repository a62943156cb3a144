// SPDX-License-Identifier: GPL-3.0-only
#include "labtcpserver.h"


#include <QTcpSocket>

using namespace Qt::StringLiterals;

LabTcpServer::LabTcpServer(const ConnectionConfig &config, QObject *parent)
    : QTcpServer(parent), m_config(config)
{
    setListenBacklogSize(kListenBacklog);
    m_acceptRetry.setSingleShot(true);
    connect(&m_acceptRetry, &QTimer::timeout, this, &QTcpServer::resumeAccepting);
    connect(this, &QTcpServer::acceptError, this, &LabTcpServer::onAcceptError);
}

void LabTcpServer::onAcceptError(QAbstractSocket::SocketError error)
{
    // QTcpServer has paused accepting already (it does for any error but a temporary one).
    if (m_acceptFailures++ % 1000 == 0) {
        qWarning("StreamLab: accepting a connection failed (%s, %d times so far); retrying "
                 "in %d ms", qPrintable(errorString()), m_acceptFailures, kAcceptRetryMs);
    }
    Q_UNUSED(error);
    if (!m_acceptRetry.isActive())
        m_acceptRetry.start(kAcceptRetryMs);
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
