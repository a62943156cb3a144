// SPDX-License-Identifier: GPL-3.0-only
#include "rawprobe.h"

#include "monoclock.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kReadBytes = 64 * 1024;
constexpr qsizetype kPreviewChars = 60;

#ifdef STREAMLAB_VERSION
constexpr QByteArrayView kUserAgent = "streamlab/" STREAMLAB_VERSION;
#else
constexpr QByteArrayView kUserAgent = "streamlab";
#endif

httpwire::Limits httpLimits()
{
    httpwire::Limits limits;
    limits.maxBody = 64LL * 1024 * 1024; // the parser keeps the de-chunked body
    return limits;
}

wsframe::Limits frameLimits()
{
    wsframe::Limits limits;
    limits.maskPolicy = wsframe::MaskPolicy::MustNotBeMasked;
    return limits;
}

bool isWebSocketScheme(const QString &scheme)
{
    return scheme == u"ws"_s || scheme == u"wss"_s;
}

QJsonObject segmentJson(QLatin1StringView kind, const QString &note, qint64 bytes)
{
    return {{u"kind"_s, QString(kind)}, {u"note"_s, note}, {u"bytes"_s, bytes}};
}

QByteArray withoutLineEnd(QByteArray line)
{
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return line;
}

// "text frame 0x81, 26 bytes payload: {"type":"tick",…"
QString frameNote(const wsframe::Frame &frame)
{
    QString note = wsframe::opcodeName(frame.opcode) + u" frame 0x"_s
                   + QString::number(quint8(frame.raw.at(0)), 16) + u", "_s
                   + QString::number(frame.payload.size()) + u" bytes payload"_s;
    if (!frame.fin)
        note += u", not FIN"_s;
    if (frame.opcode == wsframe::Opcode::Close) {
        const Result<wsframe::CloseInfo> close = wsframe::parseClosePayload(frame.payload);
        if (close.isOk())
            note += u", code %1 (%2)"_s.arg(close.value().code)
                        .arg(wsframe::closeCodeName(close.value().code));
    }
    if (frame.opcode == wsframe::Opcode::Text || frame.opcode == wsframe::Opcode::Continuation
        || frame.opcode == wsframe::Opcode::Ping || frame.opcode == wsframe::Opcode::Pong) {
        const QByteArray head = frame.payload.left(kPreviewChars);
        note += u": "_s + wirebytes::escapeWireBytes(head)
                + (frame.payload.size() > kPreviewChars ? u"…"_s : QString());
    }
    return note;
}

} // namespace

RawProbe::RawProbe(ProbeSettings settings, QObject *parent)
    : Probe(std::move(settings), parent), m_http(httpLimits()), m_frames(frameLimits())
{
}

RawProbe::~RawProbe() = default;

QByteArray RawProbe::requestBytes(const ProbeSettings &settings, const QByteArray &wsKey)
{
    const QUrl &url = settings.url;
    if (isWebSocketScheme(url.scheme())) {
        QList<QPair<QByteArray, QByteArray>> headers{{"User-Agent", kUserAgent.toByteArray()}};
        headers += settings.headers;
        return wsframe::handshakeRequest(url, wsKey, headers);
    }
    QByteArray request = settings.method + ' ' + wirebytes::requestTarget(url) + " HTTP/1.1\r\n"
                         + "Host: " + wirebytes::hostHeader(url) + "\r\n"
                         + "User-Agent: " + kUserAgent.toByteArray() + "\r\n"
                         + "Accept: */*\r\n";
    for (const auto &[name, value] : settings.headers)
        request += name + ": " + value + "\r\n";
    if (!settings.body.isEmpty())
        request += "Content-Length: " + QByteArray::number(settings.body.size()) + "\r\n";
    return request + "Connection: close\r\n\r\n" + settings.body;
}

void RawProbe::begin()
{
    const QUrl &url = settings().url;
    const QString scheme = url.scheme().toLower();
    const bool isWebSocket = isWebSocketScheme(scheme);
    if (isWebSocket)
        m_wsKey = wsframe::makeKey();
    m_method = isWebSocket ? QByteArray("GET") : settings().method;
    const QByteArray request = requestBytes(settings(), m_wsKey);
    observeRequest(m_method, url, {{u"raw"_s, wirebytes::escapeWireBytes(request)}});
    useOwnInactivityTimer();
    if (scheme == u"https"_s || scheme == u"wss"_s) {
        finish(false, u"TLS not supported in raw mode"_s);
        return;
    }
    if (scheme != u"http"_s && !isWebSocket) {
        finish(false, u"raw mode speaks http:// and ws:// only, not %1://"_s.arg(scheme));
        return;
    }
    m_http.expectResponseTo(m_method);
    m_socket = new QTcpSocket(this);
    m_socket->setReadBufferSize(kReadBytes);
    connect(m_socket, &QTcpSocket::connected, this, &RawProbe::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &RawProbe::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &RawProbe::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &RawProbe::onSocketError);
    m_socket->connectToHost(url.host(), quint16(url.port(80)));
}

void RawProbe::onConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->write(requestBytes(settings(), m_wsKey));
}

void RawProbe::onReadyRead()
{
    while (m_socket && !isFinished() && m_socket->bytesAvailable() > 0)
        readBytes(m_socket->read(kReadBytes));
}

// One socket read: one Wire observation, then what it completed.
void RawProbe::readBytes(const QByteArray &bytes)
{
    const qint64 now = monotonicNowNs();
    noteActivity();
    const QJsonArray segments = annotate(m_http.feed(bytes));
    observe(ObservationKind::Wire, bytes.size(),
            {{u"raw"_s, wirebytes::escapeWireBytes(bytes)}, {u"segments"_s, segments}}, now);
    afterRead(now);
}

QJsonArray RawProbe::annotate(const QList<httpwire::Segment> &segments)
{
    QJsonArray out;
    for (const httpwire::Segment &segment : segments) {
        const QLatin1StringView kind = httpwire::segmentKindName(segment.kind);
        switch (segment.kind) {
        case httpwire::SegmentKind::BodyData:
            if (m_isUpgraded) {
                annotateFrames(segment.raw, out);
                continue;
            }
            Q_FALLTHROUGH();
        case httpwire::SegmentKind::ChunkData: {
            const QString sse = m_isEventStream ? m_sse.annotate(segment.raw) : QString();
            out.append(segmentJson(kind, sse.isEmpty() ? segment.note : segment.note + u"; "_s + sse,
                                   segment.raw.size()));
            continue;
        }
        case httpwire::SegmentKind::StatusLine:
        case httpwire::SegmentKind::HeaderLine:
        case httpwire::SegmentKind::HeaderEnd:
            noteHead(segment);
            break;
        default:
            break;
        }
        out.append(segmentJson(kind, segment.note, segment.raw.size()));
    }
    return out;
}

// Collects the status and header fields of the response being read, for its Headers.
void RawProbe::noteHead(const httpwire::Segment &segment)
{
    const QByteArray line = withoutLineEnd(segment.raw);
    if (segment.kind == httpwire::SegmentKind::StatusLine) {
        const QList<QByteArray> parts = line.split(' ');
        m_status = parts.value(1).toInt();
        m_reason = parts.size() > 2 ? line.mid(parts.at(0).size() + parts.at(1).size() + 2) : "";
        m_headers.clear();
    } else if (segment.kind == httpwire::SegmentKind::HeaderLine) {
        if ((line.startsWith(' ') || line.startsWith('\t')) && !m_headers.isEmpty()) {
            m_headers.last().second += ' ' + line.trimmed(); // obsolete line folding
            return;
        }
        const qsizetype colon = line.indexOf(':');
        m_headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    } else if (m_status >= 200 || m_status == 101) {
        m_hasHeadersToReport = true;
        m_isUpgraded = m_status == 101;
        m_isEventStream = std::any_of(m_headers.cbegin(), m_headers.cend(), [](const auto &field) {
            return field.first.compare("Content-Type", Qt::CaseInsensitive) == 0
                   && field.second.toLower().startsWith("text/event-stream");
        });
        m_sse = wirebytes::SseLineAnnotator();
    }
}

QJsonObject RawProbe::headersFields() const
{
    QJsonObject headers;
    for (const auto &[name, value] : m_headers) {
        const QString key = QString::fromLatin1(name);
        const QString text = QString::fromLatin1(value);
        headers.insert(key, headers.contains(key) ? headers.value(key).toString() + u", "_s + text
                                                  : text);
    }
    return {{u"status"_s, m_status},
            {u"reason"_s, QString::fromLatin1(m_reason)},
            {u"headers"_s, headers}};
}

// Splits bytes after the 101 into frame segments whose sizes add up to bytes.size().
void RawProbe::annotateFrames(const QByteArray &bytes, QJsonArray &out)
{
    const qsizetype pendingBefore = m_frames.pendingBytes();
    const QList<wsframe::Frame> frames = m_frames.feed(bytes);
    qsizetype used = 0;
    for (qsizetype i = 0; i < frames.size(); ++i) {
        const wsframe::Frame &frame = frames.at(i);
        const qsizetype here = frame.raw.size() - (i == 0 ? pendingBefore : 0);
        QString note = frameNote(frame);
        if (i == 0 && pendingBefore > 0)
            note += u" (ends a frame begun %1 bytes earlier)"_s.arg(pendingBefore);
        out.append(segmentJson("WsFrame"_L1, note, here));
        used += here;
    }
    m_newFrames += frames;
    const qsizetype rest = bytes.size() - used;
    if (m_frames.hasError())
        out.append(segmentJson("Error"_L1, u"WebSocket: "_s + m_frames.errorString(), rest));
    else if (rest > 0)
        out.append(segmentJson("WsFramePart"_L1,
                               u"part of a frame (%1 bytes so far)"_s.arg(m_frames.pendingBytes()),
                               rest));
}

// Acts on what the last read completed, after its Wire observation.
void RawProbe::afterRead(qint64 tNs)
{
    if (m_hasHeadersToReport) {
        m_hasHeadersToReport = false;
        observe(ObservationKind::Headers, 0, headersFields(), tNs);
        if (m_isUpgraded) {
            const QString error = m_http.responses().isEmpty()
                                      ? QString()
                                      : wsframe::handshakeError(m_http.responses().last(), m_wsKey);
            if (!error.isEmpty() && !m_wsKey.isEmpty()) {
                finish(false, error);
                return;
            }
            for (const QString &text : settings().sends) {
                sendFrame(wsframe::Opcode::Text, text.toUtf8());
                observe(ObservationKind::Sent, text.toUtf8().size(), {{u"data"_s, text}});
            }
        }
    }
    for (const wsframe::Frame &frame : std::exchange(m_newFrames, {})) {
        if (isFinished())
            return;
        onFrame(frame);
    }
    if (isFinished())
        return;
    if (m_http.hasError())
        finish(false, m_http.errorString());
    else if (m_frames.hasError()) {
        sendFrame(wsframe::Opcode::Close,
                  wsframe::closePayload(m_frames.errorCloseCode(), m_frames.errorString()));
        finish(false, u"WebSocket protocol error from the server: "_s + m_frames.errorString());
    } else if (isResponseComplete()) {
        finishComplete();
    }
}

// A complete response is a success, unless it refused a WebSocket handshake.
void RawProbe::finishComplete()
{
    if (!m_wsKey.isEmpty() && !m_isUpgraded)
        finish(false, wsframe::handshakeError(m_http.responses().last(), m_wsKey));
    else
        finish(true);
}

void RawProbe::onFrame(const wsframe::Frame &frame)
{
    switch (frame.opcode) {
    case wsframe::Opcode::Ping:
        if (settings().autoPong)
            sendFrame(wsframe::Opcode::Pong, frame.payload);
        return;
    case wsframe::Opcode::Close: {
        m_hasCloseFrame = true;
        const wsframe::CloseInfo close = wsframe::parseClosePayload(frame.payload).value();
        observe(ObservationKind::Close, 0, {{u"code"_s, close.code}, {u"reason"_s, close.reason}});
        sendFrame(wsframe::Opcode::Close, frame.payload.left(2)); // echo the code
        return;
    }
    case wsframe::Opcode::Pong:
        return;
    case wsframe::Opcode::Text:
    case wsframe::Opcode::Binary:
    case wsframe::Opcode::Continuation:
        if (frame.message)
            countEvent();
        return;
    }
}

void RawProbe::sendFrame(wsframe::Opcode opcode, QByteArrayView payload)
{
    if (!m_socket || m_hasSentClose)
        return;
    m_hasSentClose = opcode == wsframe::Opcode::Close;
    m_socket->write(wsframe::encodeFrame(opcode, payload, true, wsframe::randomMaskKey()));
}

bool RawProbe::isResponseComplete() const
{
    if (m_isUpgraded)
        return false; // a WebSocket ends with its close frame and the connection's end
    const QList<httpwire::Response> &responses = m_http.responses();
    return m_http.isIdle() && !responses.isEmpty() && !responses.last().isInterim();
}

void RawProbe::onDisconnected()
{
    onReadyRead(); // whatever arrived with the FIN
    if (isFinished())
        return;
    m_http.finish();
    if (m_http.hasError())
        finish(false, m_http.errorString());
    else if (m_isUpgraded && m_hasCloseFrame)
        finish(true);
    else if (m_isUpgraded)
        finish(false, u"the connection closed without a WebSocket close frame"_s);
    else if (isResponseComplete())
        finishComplete();
    else
        finish(false, u"the server closed the connection without sending a response"_s);
}

void RawProbe::onSocketError(QAbstractSocket::SocketError error)
{
    if (error == QAbstractSocket::RemoteHostClosedError)
        return; // disconnected() follows
    finish(false, u"connection failed: "_s + m_socket->errorString());
}

void RawProbe::abortTransfer()
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    if (m_isUpgraded && !m_hasSentClose)
        sendFrame(wsframe::Opcode::Close, wsframe::closePayload(1000, u"probe finished"_s));
    m_socket->flush();
    m_socket->disconnectFromHost();
}
