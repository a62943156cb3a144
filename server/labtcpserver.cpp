// SPDX-License-Identifier: GPL-3.0-only
#include "labtcpserver.h"

#include "compat.h"

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

QTcpSocket *compat::socketOf(const QHttpServerRequest &request, QHttpServerResponder &responder,
                             const LabTcpServer *tcp)
{
#if STREAMLAB_HTTPSERVER_AT_LEAST(6, 5)
    Q_UNUSED(responder);
    return tcp->socketFor(request.remoteAddress(), request.remotePort());
#else
    Q_UNUSED(request);
    Q_UNUSED(tcp);
    return responder.socket();
#endif
}

void compat::allowWebSocketUpgrades(QHttpServer &server, QObject *context, const QString &path,
                                    UpgradeHandler onRequest)
{
#if STREAMLAB_HTTPSERVER_AT_LEAST(6, 8)
    server.addWebSocketUpgradeVerifier(context, [path](const QHttpServerRequest &request) {
        return request.url().path() == path ? QHttpServerWebSocketUpgradeResponse::accept()
                                            : QHttpServerWebSocketUpgradeResponse::passToNext();
    });
    server.route(path, context, [onRequest](const QHttpServerRequest &request,
                                            QHttpServerResponder &responder) {
        onRequest(request, responder);
    });
#else
    Q_UNUSED(context);
    server.route(path, [onRequest](const QHttpServerRequest &request, ResponderArg responder) {
        onRequest(request, responder);
    });
#endif
}
