// SPDX-License-Identifier: GPL-3.0-only
// The definitions behind compat.h: the only place with QtHttpServer version checks.
#include "compat.h"

#include "labtcpserver.h"

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
