// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "connection.h"
#include "endpoints.h"
#include "result.h"

#include <QtHttpServer/QHttpServer>

#include <QHostAddress>
#include <QObject>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

class Hub;
class LabTcpServer;
class Samples;
class SendLog;

struct ServerConfig
{
    QHostAddress address = QHostAddress::LocalHost;  // never every address by default
    quint16 port = 0;                                // 0: the OS picks a free port
    QString filesDir;                                // empty: the bundled samples
    int retention = 1000;                            // messages the hub keeps per topic
    QByteArray token;                                // required by push endpoints if set
    ConnectionConfig connection;
};

// StreamLab's built-in server: one QHttpServer, one port, every endpoint. All routes are
// registered in registerRoutes(), method and path side by side; each route only forwards to
// its endpoint function. Lives in the thread it was created in (ServerHost's own thread).
class LabServer : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabServer)
public:
    // Per route: log the response's writes (for the lab's timeline); require the token.
    enum RouteOption { Plain = 0x0, LogSends = 0x1, NeedsToken = 0x2 };
    Q_DECLARE_FLAGS(RouteOptions, RouteOption)

    // `sendLog` is not owned and must outlive the server.
    LabServer(const ServerConfig &config, SendLog *sendLog, QObject *parent = nullptr);
    ~LabServer() override;

    // Prepares the served folder and starts listening. Returns the base URL.
    Result<QUrl> listen();
    quint16 port() const;
    int liveStreamCount() const;
    int connectionCount() const;

private:
    using Methods = QHttpServerRequest::Methods;
    void registerRoutes();
    void addRoute(const QString &path, Methods allowed, Endpoint endpoint, RouteOptions options);
    void dispatch(const QHttpServerRequest &request, QHttpServerResponder &responder,
                  Methods allowed, Endpoint endpoint, RouteOptions options);
    void answerPreflight(ResponseWriter &&writer, Methods allowed);
    void onWebSocketPath(const QHttpServerRequest &request, QHttpServerResponder &responder);

    ServerConfig m_config;
    SendLog *m_sendLog;
    std::unique_ptr<Samples> m_samples;
    Hub *m_hub;           // child
    std::unique_ptr<QTemporaryDir> m_samplesDir;
    QHttpServer m_http;
    LabTcpServer *m_tcp;  // child
    QObject m_streams;    // parent of live Stream objects
    EndpointEnv m_env;
};

Q_DECLARE_OPERATORS_FOR_FLAGS(LabServer::RouteOptions)
