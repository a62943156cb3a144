// SPDX-License-Identifier: GPL-3.0-only
// ws://HOST/ws?topic=T&interval=ms&since=ID&ping=s&token=X : WebSocket on the same port,
// upgraded by QtHttpServer. Published messages and ticks go out as JSON text frames; text and
// binary frames are echoed; {"publish":"…","event":"…"} publishes to the hub; the server pings
// every `ping` s and closes a client that stops answering.
#include "endpoints.h"
#include "hub.h"
#include "monoclock.h"
#include "queryparams.h"
#include "stream.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QScopedValueRollback>
#include <QWebSocket>

#include <atomic>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWebSocket, "streamlab.ws")

namespace {

constexpr qint64 kHighWater = 256 * 1024;
constexpr int kBatch = 64;
constexpr qint64 kMaxIncomingBytes = 1024 * 1024;
std::atomic<int> g_liveSessions{0};

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

class WebSocketSession : public QObject
{
public:
    WebSocketSession(std::unique_ptr<QWebSocket> socket, Hub *hub, const QString &topic,
                     qint64 afterId, int intervalMs, int pingSeconds, QObject *parent)
        : QObject(parent),
          m_socket(std::move(socket)),
          m_hub(hub),
          m_cursor(hub, topic, afterId),
          m_ticker(new Pacer(this)),
          m_pinger(new Pacer(this)),
          m_pingSeconds(pingSeconds)
    {
        ++g_liveSessions;
        QWebSocket *ws = m_socket.get();
        ws->setMaxAllowedIncomingMessageSize(kMaxIncomingBytes);
        connect(ws, &QWebSocket::textMessageReceived, this, &WebSocketSession::onText);
        connect(ws, &QWebSocket::binaryMessageReceived, ws,
                [ws](const QByteArray &message) { ws->sendBinaryMessage(message); });
        connect(ws, &QWebSocket::pong, this, [this] { m_isAwaitingPong = false; });
        connect(ws, &QWebSocket::bytesWritten, this, &WebSocketSession::deliver);
        connect(ws, &QWebSocket::disconnected, this, &WebSocketSession::onDisconnected);
        connect(hub, &Hub::published, this, [this](const QString &publishedTopic) {
            if (publishedTopic == m_cursor.topic())
                deliver();
        });
        connect(m_ticker, &Pacer::fired, this, &WebSocketSession::tick);
        connect(m_pinger, &Pacer::fired, this, &WebSocketSession::ping);
        if (intervalMs > 0)
            m_ticker->startRepeating(intervalMs);
        m_pinger->startRepeating(pingSeconds * 1000);
        deliver();
    }

    ~WebSocketSession() override { --g_liveSessions; }

private:
    void deliver()
    {
        if (m_isDelivering || m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        const QScopedValueRollback<bool> delivering(m_isDelivering, true);
        while (m_socket->bytesToWrite() < kHighWater && !m_cursor.isCaughtUp()) {
            const HubCursor::Batch batch = m_cursor.next(kBatch);
            if (batch.gapFirstAvailable) {
                QJsonObject gap = batch.gapJson();
                gap.insert(u"type"_s, u"gap"_s);
                m_socket->sendTextMessage(compact(gap));
            }
            // The frame's text was encoded once, at publish, for every subscriber.
            for (const HubMessagePtr &message : batch.messages)
                m_socket->sendTextMessage(message->wsText);
            if (batch.messages.isEmpty() && !batch.gapFirstAvailable)
                break;
        }
        // Out now, in this pass, rather than when the event loop next polls the socket.
        m_socket->flush();
    }

    void tick()
    {
        if (!m_cursor.isCaughtUp() || m_socket->bytesToWrite() >= kHighWater)
            return;  // a tick never overtakes a message with a smaller id
        m_socket->sendTextMessage(compact({{u"type"_s, u"tick"_s},
                                           {u"id"_s, m_hub->allocateId()},
                                           {u"seq"_s, ++m_ticks},
                                           {u"t_server_ns"_s, monotonicNowNs()}}));
    }

    void ping()
    {
        if (m_isAwaitingPong) {
            m_socket->close(QWebSocketProtocol::CloseCodeGoingAway,
                            u"no pong within %1 s"_s.arg(m_pingSeconds));
            return;
        }
        m_isAwaitingPong = true;
        m_socket->ping(QByteArray::number(monotonicNowNs()));
    }

    void onText(const QString &text)
    {
        const QJsonObject object = QJsonDocument::fromJson(text.toUtf8()).object();
        if (!object.value(u"publish"_s).isString()) {
            m_socket->sendTextMessage(text);  // echo
            return;
        }
        const QString event = object.value(u"event"_s).toString(u"message"_s);
        const QByteArray data = object.value(u"publish"_s).toString().toUtf8();
        QString problem;
        if (!Hub::isValidName(event))
            problem = u"event: must be 1 to 64 characters of A-Z a-z 0-9 _ . -"_s;
        else if (data.size() > Hub::kMaxDataBytes)
            problem = u"publish: at most %1 bytes"_s.arg(Hub::kMaxDataBytes);
        else if (!m_hub->publish(m_cursor.topic(), event.toLatin1(), data))
            problem = u"topic: the server holds too many topics"_s;
        if (!problem.isEmpty())
            m_socket->sendTextMessage(compact({{u"type"_s, u"error"_s}, {u"message"_s, problem}}));
    }

    void onDisconnected()
    {
        qCInfo(lcWebSocket, "WebSocket from %s closed: code %d, reason \"%s\"",
               qPrintable(m_socket->peerAddress().toString()), int(m_socket->closeCode()),
               qPrintable(m_socket->closeReason()));
        m_ticker->stop();
        m_pinger->stop();
        deleteLater();
    }

    std::unique_ptr<QWebSocket> m_socket;
    Hub *m_hub;
    HubCursor m_cursor;
    Pacer *m_ticker;
    Pacer *m_pinger;
    int m_pingSeconds;
    qint64 m_ticks = 0;
    bool m_isAwaitingPong = false;
    bool m_isDelivering = false;
};

} // namespace

int endpoints::liveWebSocketSessions()
{
    return g_liveSessions.load();
}

void endpoints::webSocket(const EndpointEnv &env, std::unique_ptr<QWebSocket> socket)
{
    const QUrlQuery query(socket->requestUrl());
    QueryParams params(query);
    const QString topic = params.name(u"topic"_s, u"default"_s);
    const qint64 interval = params.integer(u"interval"_s, 0, 0, limits::kMaxIntervalMs, u"ms");
    const qint64 since = params.integer(u"since"_s, -1, 0, std::numeric_limits<qint64>::max() / 2);
    const qint64 ping = params.integer(u"ping"_s, 30, 1, 3600, u"s");
    const bool isAuthorized = RequestContext::tokenMatches(
        env.token, socket->request().rawHeader("Authorization"), query);
    // The handshake is already answered: refusals are close frames that name the problem.
    if (!isAuthorized || !params.isValid()) {
        const QString reason = !isAuthorized ? u"token: required"_s
                                              : QString::fromUtf8(params.error()).left(120);
        QWebSocket *ws = socket.release();
        QObject::connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
        return;
    }
    const qint64 after = since >= 0 ? since : env.hub->lastIdOf(topic);
    new WebSocketSession(std::move(socket), env.hub, topic, after, int(interval), int(ping),
                         env.streamParent);
}
