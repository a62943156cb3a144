// SPDX-License-Identifier: GPL-3.0-only
#pragma once

// The one place where QtHttpServer's version differences live (see the project's
// qt64-streaming-notes, section 3). Endpoint code never tests QTHTTPSERVER_VERSION itself.
//
// StreamLab serialises every response itself (status line, headers, framing) and writes the
// bytes to the connection's socket, which LabTcpServer hands out on every version. So the
// only differences that matter here are how a route receives its responder and how the
// socket of a request is found.

#include <QtHttpServer/QHttpServer>
#include <QtHttpServer/QHttpServerRequest>
#include <QtHttpServer/QHttpServerResponder>
#include <QtHttpServer/qthttpserverversion.h>

#include <QHostAddress>
#include <QTcpSocket>

#include <functional>

#define STREAMLAB_HTTPSERVER_AT_LEAST(major, minor) \
    (QTHTTPSERVER_VERSION >= QT_VERSION_CHECK(major, minor, 0))

class LabTcpServer;

namespace compat {

// Route handlers take the responder by rvalue reference up to 6.7 and by lvalue from 6.8.
#if STREAMLAB_HTTPSERVER_AT_LEAST(6, 8)
using ResponderArg = QHttpServerResponder &;
#else
using ResponderArg = QHttpServerResponder &&;
#endif

// Qt 6.4 hands out the request's socket through the responder (a raw pointer that dangles
// after a disconnect: callers wrap it in a QPointer at once). 6.5 removed responder.socket(),
// so there the socket is looked up by the peer's address and port in our own QTcpServer.
QTcpSocket *socketOf(const QHttpServerRequest &request, QHttpServerResponder &responder,
                     const LabTcpServer *tcp);

// Lets WebSocket upgrades through on `path`. Up to 6.7 that takes a route whose handler
// writes nothing (anything it wrote would precede the 101); 6.8 replaced it with upgrade
// verifiers. `onRequest` runs for every request on the path, upgrade or not.
using UpgradeHandler = std::function<void(const QHttpServerRequest &, QHttpServerResponder &)>;
void allowWebSocketUpgrades(QHttpServer &server, QObject *context, const QString &path,
                            UpgradeHandler onRequest);

// 6.5+ answer "Expect: 100-continue" themselves; 6.4 never does, so Connection must.
constexpr bool kServerAnswersExpectContinue = STREAMLAB_HTTPSERVER_AT_LEAST(6, 5);

} // namespace compat
