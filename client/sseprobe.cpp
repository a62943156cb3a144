// SPDX-License-Identifier: GPL-3.0-only
#include "sseprobe.h"

#include "replyfields.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

constexpr auto kDroppedByUser = "connection dropped by the user"_L1;

// The spec leaves the initial reconnection time to the user agent; browsers use 3 s.
constexpr int kDefaultReconnectionMs = 3000;
// Caps each readyRead (and what QNAM buffers ahead of us), which also applies back-pressure.
constexpr qint64 kReadBufferBytes = 64 * 1024;

// "Text/Event-Stream; charset=utf-8" → "text/event-stream": the MIME type's essence.
QByteArray mimeTypeOf(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.left(semicolon)).trimmed().toLower();
}

// A redirect QNAM follows by itself (RedirectPolicyAttribute): its target's head comes next.
bool isFollowedRedirect(const QNetworkReply &reply)
{
    const int status = replyfields::status(reply);
    const bool isRedirect =
            status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    return isRedirect && reply.hasRawHeader(QByteArrayLiteral("Location"));
}

bool isLineTerminator(char c)
{
    return c == '\r' || c == '\n';
}

} // namespace

SseProbe::SseProbe(ProbeSettings settings, QObject *parent)
    : Probe(std::move(settings), parent)
{
    m_reconnectTimer.setSingleShot(true);
    m_reconnectTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &SseProbe::connectStream);
}

SseProbe::~SseProbe()
{
    releaseReply();
}

void SseProbe::begin()
{
    connectStream();
}

void SseProbe::abortTransfer()
{
    m_reconnectTimer.stop();
    releaseReply();
    m_state = State::Idle;
}

// One connection (the spec's "fetch"): a new exchange with Last-Event-ID when there is one.
void SseProbe::connectStream()
{
    if (isFinished())
        return;
    m_parser.resetForNewConnection();
    QNetworkRequest request(settings().url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    if (settings().timeoutMs > 0)
        request.setTransferTimeout(settings().timeoutMs);
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("text/event-stream"));
    request.setRawHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
    for (const auto &[name, value] : settings().headers)
        request.setRawHeader(name, value);
    if (!m_parser.lastEventId().isEmpty())
        request.setRawHeader(QByteArrayLiteral("Last-Event-ID"), m_parser.lastEventId().toUtf8());

    m_state = State::Connecting;
    m_bodyBytes = 0;
    observeRequest(QByteArrayLiteral("GET"), settings().url);
    m_reply = network()->get(request);
    m_reply->setReadBufferSize(kReadBufferBytes);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &SseProbe::onMetaDataChanged);
    connect(m_reply, &QNetworkReply::readyRead, this, &SseProbe::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &SseProbe::onFinished);
}

void SseProbe::onMetaDataChanged()
{
    if (!m_reply || m_state != State::Connecting)
        return;
    observe(ObservationKind::Headers, 0, replyfields::headers(*m_reply));
    if (!isFollowedRedirect(*m_reply))
        acceptResponse();
}

// The spec's "announce the connection" or "fail the connection": only a 200 whose MIME type is
// text/event-stream is a stream; anything else ends the run, without reconnecting.
bool SseProbe::acceptResponse()
{
    if (replyfields::status(*m_reply) != 200) {
        finish(false, replyfields::describeStatus(*m_reply)
                              + u": an event stream needs 200 OK; not reconnecting"_s);
        return false;
    }
    const QByteArray contentType = m_reply->rawHeader(QByteArrayLiteral("Content-Type"));
    const QByteArray mimeType = mimeTypeOf(contentType);
    if (mimeType != "text/event-stream") {
        const QString url = m_reply->url().toString(QUrl::FullyEncoded);
        finish(false, contentType.isEmpty()
                              ? u"no Content-Type from %1: an event stream needs "
                                "text/event-stream; not reconnecting"_s.arg(url)
                              : u"MIME type %1 from %2 is not text/event-stream; not "
                                "reconnecting"_s.arg(QString::fromLatin1(mimeType), url));
        return false;
    }
    m_state = State::Open;
    m_hasConnected = true;
    return true;
}

void SseProbe::onReadyRead()
{
    if (!m_reply || !m_reply->isOpen())
        return;
    const QByteArray bytes = m_reply->readAll();
    if (bytes.isEmpty())
        return;
    m_bodyBytes += bytes.size();
    observe(ObservationKind::Chunk, bytes.size());
    if (m_state == State::Open)
        feed(bytes);
}

// Feeds one line at a time: each feed ends at most one line, so the comments and events it
// yields are observed in stream order, and a comment's text is still the parser's last one.
// Returns false when the run ended (a parser limit, or maxEvents).
bool SseProbe::feed(QByteArrayView bytes)
{
    while (!bytes.isEmpty()) {
        const auto terminator = std::find_if(bytes.begin(), bytes.end(), isLineTerminator);
        const qsizetype length =
                terminator == bytes.end() ? bytes.size() : terminator - bytes.begin() + 1;
        if (!observeLine(bytes.first(length)))
            return false;
        bytes = bytes.sliced(length);
    }
    return true;
}

bool SseProbe::observeLine(QByteArrayView line)
{
    const QList<sse::Event> events = m_parser.feed(line);
    if (m_parser.hasError()) {
        finish(false, m_parser.errorString());
        return false;
    }
    if (m_parser.commentCount() != m_commentsSeen) {
        m_commentsSeen = m_parser.commentCount();
        const QByteArray text = m_parser.lastComment();
        observe(ObservationKind::Comment, text.size(), {{u"text"_s, QString::fromUtf8(text)}});
    }
    for (const sse::Event &event : events) {
        observe(ObservationKind::Event, event.data.toUtf8().size(),
                {{u"type"_s, event.type}, {u"data"_s, event.data}, {u"id"_s, event.lastEventId}});
        if (countEvent())
            return false;
    }
    return true;
}

void SseProbe::onFinished()
{
    if (!m_reply)
        return;
    if (m_state == State::Open)
        onReadyRead(); // whatever the last readyRead left
    if (!m_reply)
        return; // the run ended while reading it
    const QNetworkReply::NetworkError error = m_reply->error();
    const bool isHttpAnswer = replyfields::status(*m_reply) > 0
            && (error == QNetworkReply::NoError || replyfields::isHttpStatusError(error));
    // A response can finish without metaDataChanged (an empty body): judge its head now.
    if (m_state == State::Connecting && isHttpAnswer && !acceptResponse())
        return;
    if (replyfields::isTimeout(error)) {
        finish(false, u"no data for %1 ms from %2: the inactivity timeout (--timeout-ms) "
                      "expired"_s.arg(settings().timeoutMs)
                              .arg(m_reply->url().toString(QUrl::FullyEncoded)));
        return;
    }
    QString failure;
    switch (m_state) {
    case State::Connecting: // no acceptable head arrived: a transport failure
        failure = networkErrorMessage();
        break;
    case State::Open: // the stream ended: cleanly, cut short, or by a transport error
        failure = replyfields::truncation(*m_reply, m_bodyBytes);
        if (failure.isEmpty() && error != QNetworkReply::NoError)
            failure = networkErrorMessage();
        break;
    case State::Idle:
    case State::WaitingToReconnect:
        return; // no reply is being read
    }
    releaseReply();
    m_parser.finish();
    m_state = State::Idle;
    if (!settings().reconnect)
        finish(failure.isEmpty(), failure);
    else if (!m_hasConnected)
        finish(false, failure); // a wrong URL is not retried forever
    else
        scheduleReconnect(failure);
}

// As onFinished() after a transport error, without its first-connection rule: a drop the user
// made says nothing about the URL.
Result<bool> SseProbe::dropConnection()
{
    switch (m_state) {
    case State::Connecting:
    case State::Open:
        break;
    case State::Idle:
        return Result<bool>::failure(u"the SSE lane is not running"_s);
    case State::WaitingToReconnect:
        return Result<bool>::failure(
                u"the SSE lane has no connection to drop: it reconnects in %1 ms"_s.arg(
                        qMax(0, m_reconnectTimer.remainingTime())));
    }
    releaseReply();
    m_parser.finish();
    m_state = State::Idle;
    if (settings().reconnect)
        scheduleReconnect(kDroppedByUser);
    else
        finish(false, kDroppedByUser);
    return Result<bool>::success(true);
}

// The spec's "reestablish the connection": wait the reconnection time, then connect again.
void SseProbe::scheduleReconnect(const QString &error)
{
    const int delayMs = m_parser.retryMs().value_or(kDefaultReconnectionMs);
    QJsonObject fields{{u"delay_ms"_s, delayMs}, {u"last_event_id"_s, m_parser.lastEventId()}};
    if (!error.isEmpty())
        fields.insert(u"error"_s, error);
    observe(ObservationKind::Reconnect, 0, fields);
    if (isFinished())
        return; // stopped by whoever watched the Reconnect
    m_state = State::WaitingToReconnect;
    m_reconnectTimer.start(delayMs);
}

// Disconnects first: QNAM reports abort() as OperationCanceledError, the code its transfer
// timeout uses too, and the probe must only ever see the latter.
void SseProbe::releaseReply()
{
    replyfields::release(std::exchange(m_reply, nullptr), this);
}

QString SseProbe::networkErrorMessage() const
{
    const QString url = m_reply->url().toString(QUrl::FullyEncoded);
    if (m_reply->error() == QNetworkReply::NoError)
        return u"%1 ended without an HTTP response"_s.arg(url);
    return u"%1: %2"_s.arg(url, m_reply->errorString());
}
