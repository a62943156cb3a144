// SPDX-License-Identifier: GPL-3.0-only
#include "wsprobe.h"

#include "handwebsocket.h"
#include "monoclock.h"
#include "wsframe.h"

#include <QNetworkRequest>
#include <QWebSocket>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMaxMessageBytes = 64LL * 1024 * 1024;
constexpr qsizetype kMaxPingsInFlight = 64; // older unanswered pings are forgotten

QJsonObject headersJson(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QJsonObject object;
    for (const auto &[name, value] : headers) {
        const QString key = QString::fromLatin1(name);
        const QString text = QString::fromLatin1(value);
        object.insert(key, object.contains(key) ? object.value(key).toString() + u", "_s + text
                                                : text);
    }
    return object;
}

double msBetween(qint64 fromNs, qint64 toNs)
{
    return std::round(double(toNs - fromNs) / 1000.0) / 1000.0;
}

} // namespace

WsProbe::WsProbe(ProbeSettings settings, QObject *parent) : Probe(std::move(settings), parent)
{
    m_pinger.setTimerType(Qt::PreciseTimer);
    connect(&m_pinger, &QTimer::timeout, this, &WsProbe::sendPing);
}

WsProbe::~WsProbe() = default;

QUrl WsProbe::webSocketUrl(const QUrl &url)
{
    QUrl result = url;
    const QString scheme = url.scheme().toLower();
    if (scheme == u"http"_s)
        result.setScheme(u"ws"_s);
    else if (scheme == u"https"_s)
        result.setScheme(u"wss"_s);
    return result;
}

void WsProbe::begin()
{
    const QUrl url = webSocketUrl(settings().url);
    observeRequest("GET", url);
    useOwnInactivityTimer();
    const QString scheme = url.scheme();
    if (scheme != u"ws"_s && scheme != u"wss"_s) {
        finish(false, u"not a WebSocket URL: the scheme must be ws, wss, http or https"_s);
        return;
    }
    if (settings().autoPong) {
        openWithQWebSocket(url);
        return;
    }
    if (scheme == u"wss"_s) {
        finish(false, u"wss:// is not supported with automatic pong off (no TLS in the "
                      u"hand-driven client)"_s);
        return;
    }
    openByHand(url);
}

void WsProbe::openWithQWebSocket(const QUrl &url)
{
    m_webSocket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket *ws = m_webSocket;
    ws->setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
    ws->setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
    connect(ws, &QWebSocket::connected, this, [this] {
        onOpen({{u"status"_s, 101}, {u"reason"_s, u"Switching Protocols"_s}});
    });
    connect(ws, &QWebSocket::textMessageReceived, this,
            [this](const QString &text) { onMessage(text.toUtf8(), false); });
    connect(ws, &QWebSocket::binaryMessageReceived, this,
            [this](const QByteArray &data) { onMessage(data, true); });
    connect(ws, &QWebSocket::pong, this,
            [this](quint64, const QByteArray &payload) { onPong(payload); });
    connect(ws, &QWebSocket::disconnected, this, &WsProbe::onQWebSocketGone);
    // QWebSocket reports 1000 as the close code even when no close frame came; it emits
    // aboutToClose when it answers the server's close frame, so that tells the two apart.
    connect(ws, &QWebSocket::aboutToClose, this, [this] { m_hasCloseFrame = true; });
    connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError error) {
                // Once open, a closed connection is told by disconnected() and its close code.
                if (m_isOpen && error == QAbstractSocket::RemoteHostClosedError)
                    return;
                finish(false, u"WebSocket error: "_s + m_webSocket->errorString());
            });
    QNetworkRequest request(url);
    for (const auto &[name, value] : settings().headers)
        request.setRawHeader(name, value);
    ws->open(request);
}

void WsProbe::openByHand(const QUrl &url)
{
    m_handSocket = new HandWebSocket(this);
    HandWebSocket *ws = m_handSocket;
    connect(ws, &HandWebSocket::bytesReceived, this, [this] { noteActivity(); });
    connect(ws, &HandWebSocket::connected, this, [this] {
        const httpwire::Response &response = m_handSocket->handshakeResponse();
        onOpen({{u"status"_s, response.status},
                {u"reason"_s, QString::fromLatin1(response.reason)},
                {u"headers"_s, headersJson(response.headers)}});
    });
    connect(ws, &HandWebSocket::messageReceived, this, &WsProbe::onMessage);
    connect(ws, &HandWebSocket::pingReceived, this, &WsProbe::onPingReceived);
    connect(ws, &HandWebSocket::pongReceived, this, &WsProbe::onPong);
    connect(ws, &HandWebSocket::closed, this, &WsProbe::onClosed);
    connect(ws, &HandWebSocket::failed, this, [this](const QString &error) { finish(false, error); });
    ws->open(url, settings().headers);
}

void WsProbe::onOpen(const QJsonObject &headerFields)
{
    m_isOpen = true;
    noteActivity();
    observe(ObservationKind::Headers, 0, headerFields);
    for (const QString &text : settings().sends) {
        if (isFinished())
            return;
        sendText(text);
    }
    if (settings().pingIntervalMs > 0 && !isFinished())
        m_pinger.start(settings().pingIntervalMs);
}

void WsProbe::onMessage(const QByteArray &data, bool isBinary)
{
    noteActivity();
    const QString text = isBinary ? QString::fromLatin1(data.toBase64()) : QString::fromUtf8(data);
    observe(ObservationKind::Message, data.size(), {{u"data"_s, text}, {u"binary"_s, isBinary}});
    countEvent();
}

void WsProbe::onPingReceived(const QByteArray &payload)
{
    noteActivity();
    observe(ObservationKind::Ping, 0,
            {{u"direction"_s, u"received"_s}, {u"payload"_s, QString::fromUtf8(payload)}});
}

void WsProbe::onPong(const QByteArray &payload)
{
    const qint64 now = monotonicNowNs();
    noteActivity();
    QJsonObject fields{{u"payload"_s, QString::fromUtf8(payload)}};
    for (qsizetype i = 0; i < m_pingsInFlight.size(); ++i) {
        if (m_pingsInFlight.at(i).first == payload) {
            fields.insert(u"rtt_ms"_s, msBetween(m_pingsInFlight.at(i).second, now));
            m_pingsInFlight.remove(0, i + 1); // earlier pings will not be answered any more
            break;
        }
    }
    observe(ObservationKind::Pong, 0, fields, now);
}

void WsProbe::onClosed(int code, const QString &reason)
{
    observe(ObservationKind::Close, 0, {{u"code"_s, code}, {u"reason"_s, reason}});
    if (code == 1000) {
        finish(true);
        return;
    }
    QString message = u"the server closed the WebSocket with code %1 (%2)"_s.arg(code).arg(
        wsframe::closeCodeName(code));
    if (code == 1006)
        message = u"the WebSocket connection ended without a close frame (1006 abnormal closure)"_s;
    if (!reason.isEmpty() && code != 1006)
        message += u": "_s + reason;
    finish(false, message);
}

void WsProbe::onQWebSocketGone()
{
    if (!m_isOpen) {
        finish(false, u"WebSocket connection failed: "_s + m_webSocket->errorString());
        return;
    }
    if (m_hasCloseFrame) {
        onClosed(int(m_webSocket->closeCode()), m_webSocket->closeReason());
        return;
    }
    // QWebSocket reads frames in a queued call: a close frame that arrived together with the
    // FIN may still be waiting. Decide one event-loop pass later.
    QTimer::singleShot(0, this, [this] {
        if (m_webSocket && m_hasCloseFrame)
            onClosed(int(m_webSocket->closeCode()), m_webSocket->closeReason());
        else
            onClosed(1006, u"the connection closed without a close frame"_s);
    });
}

void WsProbe::sendPing()
{
    const QByteArray payload = QByteArray::number(++m_pingCount);
    m_pingsInFlight.append({payload, monotonicNowNs()});
    if (m_pingsInFlight.size() > kMaxPingsInFlight)
        m_pingsInFlight.removeFirst();
    if (m_webSocket)
        m_webSocket->ping(payload);
    else if (m_handSocket)
        m_handSocket->ping(payload);
    observe(ObservationKind::Ping, 0,
            {{u"direction"_s, u"sent"_s}, {u"payload"_s, QString::fromLatin1(payload)}},
            m_pingsInFlight.last().second);
}

void WsProbe::sendText(const QString &text)
{
    if (m_webSocket)
        m_webSocket->sendTextMessage(text);
    else if (m_handSocket)
        m_handSocket->sendText(text);
    observe(ObservationKind::Sent, text.toUtf8().size(), {{u"data"_s, text}});
}

Result<bool> WsProbe::dropConnection()
{
    return Result<bool>::failure(
            u"a WebSocket lane cannot drop its connection: a WebSocket does not reconnect by "
            "itself, so the run would just end"_s);
}

Result<bool> WsProbe::sendMessage(const QString &text)
{
    const bool isConnected = m_webSocket
            ? m_webSocket->state() == QAbstractSocket::ConnectedState
            : m_handSocket && m_handSocket->isOpen();
    if (isFinished() || !m_isOpen || !isConnected) {
        return Result<bool>::failure(m_isOpen ? u"the WebSocket is closed: nothing can be sent"_s
                                              : u"the WebSocket is not open yet: wait for the "
                                                "handshake (101) before sending"_s);
    }
    sendText(text);
    return Result<bool>::success(true);
}

void WsProbe::abortTransfer()
{
    m_pinger.stop();
    if (m_webSocket) {
        m_webSocket->disconnect(this);
        if (m_webSocket->state() == QAbstractSocket::ConnectedState)
            m_webSocket->close(QWebSocketProtocol::CloseCodeNormal, u"probe finished"_s);
        else
            m_webSocket->abort();
    }
    if (m_handSocket) {
        m_handSocket->disconnect(this);
        m_handSocket->close(1000, u"probe finished"_s);
    }
}
