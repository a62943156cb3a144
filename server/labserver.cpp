// SPDX-License-Identifier: GPL-3.0-only
#include "labserver.h"

#include "compat.h"
#include "heartbeatclock.h"
#include "hub.h"
#include "labtcpserver.h"
#include "samples.h"
#include "sendlog.h"
#include "stream.h"

#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;
using Method = QHttpServerRequest::Method;

namespace {

QByteArray methodList(QHttpServerRequest::Methods methods)
{
    QByteArrayList names;
    const std::pair<Method, const char *> known[] = {
        {Method::Get, "GET"}, {Method::Head, "HEAD"}, {Method::Post, "POST"},
        {Method::Put, "PUT"}, {Method::Delete, "DELETE"}, {Method::Patch, "PATCH"}};
    for (const auto &[method, name] : known) {
        if (methods.testFlag(method))
            names.append(name);
    }
    names.append("OPTIONS");
    return names.join(", ");
}

// Access-Control-Request-Headers is echoed only when it is a clean list of header names.
QByteArray allowedRequestHeaders(const QByteArray &requested)
{
    const QByteArray fallback = "Range, If-Range, Last-Event-ID, Authorization, Content-Type, "
                                "Cache-Control";
    if (requested.isEmpty() || requested.size() > 1024)
        return fallback;
    for (char c : requested) {
        const bool isNameChar = std::isalnum(static_cast<unsigned char>(c)) || c == '-'
            || c == '_' || c == ',' || c == ' ';
        if (!isNameChar)
            return fallback;
    }
    return requested;
}

} // namespace

LabServer::LabServer(const ServerConfig &config, SendLog *sendLog, QObject *parent)
    : QObject(parent),
      m_config(config),
      m_sendLog(sendLog),
      m_samples(std::make_unique<Samples>()),
      m_hub(new Hub(config.retention, this)),
      m_tcp(new LabTcpServer(config.connection, this))
{
    m_streams.setObjectName(u"streams"_s);
    m_env.streamParent = &m_streams;
    m_env.samples = m_samples.get();
    m_env.sendLog = m_sendLog;
    m_env.hub = m_hub;
    m_env.heartbeats = new HeartbeatClock(this);
    m_env.token = config.token;
    registerRoutes();
}

LabServer::~LabServer()
{
    // Streams first: their writers abort connections whose responses cannot complete.
    qDeleteAll(m_streams.children());
}

void LabServer::registerRoutes()
{
    const Methods read = Method::Get | Method::Head;
    const Methods publish = Method::Get | Method::Post;
    //       path               methods      endpoint               options
    addRoute(u"/"_s,            read,        &endpoints::index,     Plain);
    addRoute(u"/text"_s,        read,        &endpoints::text,      LogSends);
    addRoute(u"/image"_s,       read,        &endpoints::image,     LogSends);
    addRoute(u"/records"_s,     read,        &endpoints::records,   LogSends);
    addRoute(u"/slow"_s,        read,        &endpoints::slow,      LogSends);
    addRoute(u"/files/<arg>"_s, read,        &endpoints::files,     LogSends);
    addRoute(u"/api/sendlog"_s, Method::Get, &endpoints::sendLog,   Plain);
    addRoute(u"/publish"_s,     publish,     &endpoints::publish,   NeedsToken);
    addRoute(u"/send"_s,        publish,     &endpoints::publish,   NeedsToken);
    addRoute(u"/sse"_s,         read,        &endpoints::sse,       LogSends | NeedsToken);
    addRoute(u"/poll"_s,        read,        &endpoints::poll,      LogSends | NeedsToken);
    compat::allowWebSocketUpgrades(m_http, this, u"/ws"_s,
                                   [this](const QHttpServerRequest &request,
                                          QHttpServerResponder &responder) {
                                       onWebSocketPath(request, responder);
                                   });
    connect(&m_http, &QAbstractHttpServer::newWebSocketConnection, this, [this] {
        while (m_http.hasPendingWebSocketConnections())
            endpoints::webSocket(m_env, m_http.nextPendingWebSocketConnection());
    });

    m_http.setMissingHandler([this](const QHttpServerRequest &request,
                                    QHttpServerResponder &&responder) {
        dispatch(request, responder, Method::Get | Method::Head,
                 [](const EndpointEnv &, ResponseWriter &&writer) {
                     writer.sendText(404, "not found: " + writer.request().encodedPath().left(200)
                                              + "\nsee / for the list of endpoints");
                 },
                 Plain);
    });
}

void LabServer::addRoute(const QString &path, Methods allowed, Endpoint endpoint,
                         RouteOptions options)
{
    // Every route accepts every method so that a wrong one gets 405 and OPTIONS a preflight
    // answer, instead of QtHttpServer's bare 404.
    if (path.contains(u"<arg>"_s)) {
        m_http.route(path, Method::AnyKnown,
                     [this, allowed, endpoint, options](const QUrl &, const QHttpServerRequest &request,
                                                        compat::ResponderArg responder) {
                         dispatch(request, responder, allowed, endpoint, options);
                     });
        return;
    }
    m_http.route(path, Method::AnyKnown,
                 [this, allowed, endpoint, options](const QHttpServerRequest &request,
                                                    compat::ResponderArg responder) {
                     dispatch(request, responder, allowed, endpoint, options);
                 });
}

void LabServer::dispatch(const QHttpServerRequest &request, QHttpServerResponder &responder,
                         Methods allowed, Endpoint endpoint, RouteOptions options)
{
    QTcpSocket *socket = compat::socketOf(request, responder, m_tcp);
    Connection *connection = Connection::of(socket);
    const RequestHead head = connection ? connection->requestDispatched() : RequestHead();
    ResponseWriter writer(RequestContext::from(request, head), socket, connection,
                          options.testFlag(LogSends) ? m_sendLog : nullptr,
                          std::make_unique<QHttpServerResponder>(std::move(responder)));
    if (request.method() == Method::Options) {
        answerPreflight(std::move(writer), allowed);
        return;
    }
    if (!allowed.testFlag(request.method())) {
        writer.sendText(405, "method " + writer.request().methodName + " not allowed here; use "
                                 + methodList(allowed),
                        {{"Allow", methodList(allowed)}});
        return;
    }
    if (options.testFlag(NeedsToken) && !writer.request().hasToken(m_env.token)) {
        writer.sendText(401, "token: this server requires ?token= or Authorization: Bearer",
                        {{"WWW-Authenticate", "Bearer"}});
        return;
    }
    endpoint(m_env, std::move(writer));
}

void LabServer::onWebSocketPath(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    QTcpSocket *socket = compat::socketOf(request, responder, m_tcp);
    Connection *connection = Connection::of(socket);
    const RequestHead head = connection ? connection->requestDispatched() : RequestHead();
    if (head.isUpgrade && connection) {
        // QtHttpServer completes the handshake after this returns; a single byte written
        // here would precede its 101 and break it.
        connection->markUpgraded();
        return;
    }
    ResponseWriter writer(RequestContext::from(request, head), socket, connection, nullptr,
                          std::make_unique<QHttpServerResponder>(std::move(responder)));
    writer.sendText(426, "/ws speaks WebSocket: send Connection: Upgrade and Upgrade: websocket",
                    {{"Upgrade", "websocket"}});
}

void LabServer::answerPreflight(ResponseWriter &&writer, Methods allowed)
{
    const QByteArray methods = methodList(allowed);
    writer.sendEmpty(204, {{"Allow", methods},
                           {"Access-Control-Allow-Methods", methods},
                           {"Access-Control-Allow-Headers",
                            allowedRequestHeaders(writer.request().header(
                                "Access-Control-Request-Headers"))},
                           {"Access-Control-Max-Age", "600"}});
}

Result<QUrl> LabServer::listen()
{
    QString root = m_config.filesDir;
    if (root.isEmpty()) {
        m_samplesDir = std::make_unique<QTemporaryDir>();
        const Result<QString> made = m_samples->writeTo(m_samplesDir->path());
        if (!made.isOk())
            return Result<QUrl>::failure(made.error());
        root = made.value();
    }
    const QFileInfo rootInfo(root);
    if (!rootInfo.isDir())
        return Result<QUrl>::failure(u"--files: not a folder: "_s + root);
    m_env.filesRoot = rootInfo.canonicalFilePath();

    if (!m_tcp->listen(m_config.address, m_config.port)) {
        return Result<QUrl>::failure(u"cannot listen on "_s + m_config.address.toString() + u':'
                                     + QString::number(m_config.port) + u": "_s
                                     + m_tcp->errorString());
    }
    m_http.bind(m_tcp);
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(m_tcp->serverAddress().toString());
    url.setPort(m_tcp->serverPort());
    url.setPath(u"/"_s);
    return Result<QUrl>::success(url);
}

quint16 LabServer::port() const
{
    return m_tcp->serverPort();
}

int LabServer::liveStreamCount() const
{
    return int(m_streams.children().size());
}

int LabServer::connectionCount() const
{
    return m_tcp->connectionCount();
}
