// SPDX-License-Identifier: GPL-3.0-only
#include "pollprobe.h"

#include "monoclock.h"
#include "replyfields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QUrlQuery>

#include <climits>
#include <cmath>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kReadBufferBytes = 64 * 1024;
constexpr qint64 kMaxBodyBytes = 64 * 1024 * 1024;
constexpr int kHoldMarginMs = 5000;
constexpr int kMinEmptyRoundMs = 100;
constexpr int kFirstBackoffMs = 500;
constexpr int kMaxBackoffMs = 10'000;

// Any JSON value as compact JSON text (a bare string keeps its quotes).
QString jsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.sliced(1, wrapped.size() - 2));
}

// An id as text: a string as is, a whole number without exponent; anything else is no id.
QString idText(const QJsonValue &id)
{
    if (id.isString())
        return id.toString();
    if (!id.isDouble())
        return {};
    const double value = id.toDouble();
    if (std::trunc(value) == value && std::abs(value) < 9.0e18)
        return QString::number(id.toInteger());
    return QString::number(value, 'g', 17);
}

QString dataText(const QJsonValue &data)
{
    if (data.isString())
        return data.toString();
    if (data.isUndefined() || data.isNull())
        return {};
    return jsonText(data);
}

QJsonObject eventFields(const QString &type, const QString &data, const QString &id)
{
    return {{u"type"_s, type}, {u"data"_s, data}, {u"id"_s, id}};
}

QJsonObject messageEvent(const QJsonValue &value)
{
    if (!value.isObject())
        return eventFields(u"message"_s, jsonText(value), QString());
    const QJsonObject message = value.toObject();
    const QString type = message.value(u"event"_s).toString();
    QJsonObject fields = eventFields(type.isEmpty() ? u"message"_s : type,
                                     dataText(message.value(u"data"_s)),
                                     idText(message.value(u"id"_s)));
    const QJsonValue serverNs = message.value(u"t_server_ns"_s);
    if (!serverNs.isUndefined())
        fields.insert(u"t_server_ns"_s, serverNs);
    return fields;
}

// What one 2xx answer delivers: Event fields in order, and where the next poll resumes.
struct Answer
{
    QList<QJsonObject> events;
    int messageCount = 0; // events that are messages (a gap notice is not)
    QString lastId;       // empty: keep the current `since`
};

Answer parseAnswer(const QByteArray &body)
{
    Answer answer;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    const QJsonObject object = document.object();
    const QJsonValue messages = object.value(u"messages"_s);
    if (error.error != QJsonParseError::NoError || !document.isObject() || !messages.isArray()) {
        if (!body.isEmpty()) {
            answer.events.append(eventFields(u"message"_s, QString::fromUtf8(body), QString()));
            answer.messageCount = 1;
        }
        return answer;
    }
    if (object.contains(u"gap"_s))
        answer.events.append(eventFields(u"gap"_s, jsonText(object.value(u"gap"_s)), QString()));
    for (const QJsonValue &message : messages.toArray()) {
        answer.events.append(messageEvent(message));
        ++answer.messageCount;
        const QString id = idText(message.toObject().value(u"id"_s));
        if (!id.isEmpty())
            answer.lastId = id;
    }
    const QString lastId = idText(object.value(u"last_id"_s));
    if (!lastId.isEmpty())
        answer.lastId = lastId;
    return answer;
}

} // namespace

PollProbe::PollProbe(ProbeSettings settings, QObject *parent)
    : Probe(std::move(settings), parent)
{
    m_nextPoll.setSingleShot(true);
    m_nextPoll.setTimerType(Qt::PreciseTimer);
    connect(&m_nextPoll, &QTimer::timeout, this, &PollProbe::poll);
}

PollProbe::~PollProbe()
{
    releaseReply();
}

void PollProbe::begin()
{
    m_since = QUrlQuery(settings().url).queryItemValue(u"since"_s, QUrl::FullyDecoded);
    poll();
}

void PollProbe::abortTransfer()
{
    m_nextPoll.stop();
    releaseReply();
    m_state = State::Idle;
}

void PollProbe::poll()
{
    if (isFinished())
        return;
    const QUrl url = pollUrl();
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    if (settings().timeoutMs > 0)
        request.setTransferTimeout(int(qMin<qint64>(qint64(settings().timeoutMs) + kHoldMarginMs,
                                                    INT_MAX)));
    for (const auto &[name, value] : settings().headers)
        request.setRawHeader(name, value);

    m_body.clear();
    m_state = State::Polling;
    m_requestNs = monotonicNowNs();
    observeRequest(QByteArrayLiteral("GET"), url, m_requestNs);
    m_reply = network()->get(request);
    m_reply->setReadBufferSize(kReadBufferBytes);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &PollProbe::onMetaDataChanged);
    connect(m_reply, &QNetworkReply::readyRead, this, &PollProbe::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &PollProbe::onFinished);
}

// settings().url with since=<last id seen>, replacing the URL's own `since`; the other
// parameters are kept as they were written (no decoding round trip).
QUrl PollProbe::pollUrl() const
{
    QUrl url = settings().url;
    if (m_since.isEmpty())
        return url;
    QStringList items = url.query(QUrl::FullyEncoded).split(u'&', Qt::SkipEmptyParts);
    items.removeIf([](const QString &item) {
        return item == u"since" || item.startsWith(u"since=");
    });
    items.append(u"since="_s + QString::fromLatin1(QUrl::toPercentEncoding(m_since)));
    url.setQuery(items.join(u'&'));
    return url;
}

void PollProbe::onMetaDataChanged()
{
    if (m_reply && m_state == State::Polling)
        observe(ObservationKind::Headers, 0, replyfields::headers(*m_reply));
}

void PollProbe::onReadyRead()
{
    if (!m_reply || !m_reply->isOpen())
        return;
    const QByteArray bytes = m_reply->readAll();
    if (bytes.isEmpty())
        return;
    observe(ObservationKind::Chunk, bytes.size());
    if (m_body.size() + bytes.size() > kMaxBodyBytes) {
        finish(false, u"the answer from %1 is larger than %2 MiB"_s.arg(
                              m_reply->url().toString(QUrl::FullyEncoded))
                              .arg(kMaxBodyBytes / (1024 * 1024)));
        return;
    }
    m_body += bytes;
}

void PollProbe::onFinished()
{
    if (!m_reply)
        return;
    onReadyRead(); // whatever the last readyRead left
    if (!m_reply)
        return; // the run ended while reading it
    const QNetworkReply::NetworkError error = m_reply->error();
    const int status = replyfields::status(*m_reply);
    const QString url = m_reply->url().toString(QUrl::FullyEncoded);
    if (replyfields::isTimeout(error)) {
        finish(false, u"no data for %1 ms from %2: the inactivity timeout (--timeout-ms %3, plus "
                      "%4 ms for the server's hold) expired"_s
                              .arg(settings().timeoutMs + kHoldMarginMs)
                              .arg(url)
                              .arg(settings().timeoutMs)
                              .arg(kHoldMarginMs));
        return;
    }
    const QString truncation = replyfields::truncation(*m_reply, m_body.size());
    if (status > 0 && !truncation.isEmpty()) {
        onTransportError(truncation);
        return;
    }
    if (status > 0 && (error == QNetworkReply::NoError || replyfields::isHttpStatusError(error))) {
        onAnswer(status, std::round(double(monotonicNowNs() - m_requestNs) / 1000.0) / 1000.0);
        return;
    }
    onTransportError(u"%1: %2"_s.arg(url, m_reply->errorString()));
}

void PollProbe::onAnswer(int status, double rttMs)
{
    if (status != 204 && (status < 200 || status > 299)) {
        finish(false, replyfields::describeStatus(*m_reply));
        return;
    }
    releaseReply();
    m_hasAnswered = true;
    m_backoffMs = 0;
    const Answer answer = status == 204 ? Answer() : parseAnswer(std::exchange(m_body, {}));
    observe(ObservationKind::Poll, 0,
            {{u"status"_s, status}, {u"rtt_ms"_s, rttMs}, {u"messages"_s, answer.messageCount}});
    if (!answer.lastId.isEmpty())
        m_since = answer.lastId;
    for (const QJsonObject &event : answer.events) {
        observe(ObservationKind::Event, event.value(u"data"_s).toString().toUtf8().size(), event);
        if (countEvent())
            return;
    }
    const bool isEmpty = answer.events.isEmpty();
    scheduleNextPoll(isEmpty && rttMs < kMinEmptyRoundMs ? int(kMinEmptyRoundMs - rttMs) : 0);
}

void PollProbe::onTransportError(const QString &error)
{
    releaseReply();
    if (!m_hasAnswered) {
        finish(false, error); // a wrong URL is not retried forever
        return;
    }
    retryAfterBackoff(error);
}

// As a transport error, without its first-poll rule: a drop the user made says nothing about
// the URL.
Result<bool> PollProbe::dropConnection()
{
    switch (m_state) {
    case State::Polling:
        break;
    case State::Idle:
        return Result<bool>::failure(u"the long-poll lane is not running"_s);
    case State::Waiting:
        return Result<bool>::failure(
                u"the long-poll lane has no request out to drop: the next poll goes out in "
                "%1 ms"_s.arg(qMax(0, m_nextPoll.remainingTime())));
    }
    releaseReply();
    retryAfterBackoff(u"connection dropped by the user"_s);
    return Result<bool>::success(true);
}

void PollProbe::retryAfterBackoff(const QString &error)
{
    m_backoffMs = m_backoffMs == 0 ? kFirstBackoffMs : qMin(m_backoffMs * 2, kMaxBackoffMs);
    observe(ObservationKind::Reconnect, 0,
            {{u"delay_ms"_s, m_backoffMs}, {u"last_event_id"_s, m_since}, {u"error"_s, error}});
    scheduleNextPoll(m_backoffMs);
}

void PollProbe::scheduleNextPoll(int delayMs)
{
    if (isFinished())
        return;
    if (delayMs <= 0) {
        poll();
        return;
    }
    m_state = State::Waiting;
    m_nextPoll.start(delayMs);
}

// Disconnects first: QNAM reports abort() as OperationCanceledError, the code its transfer
// timeout uses too, and the probe must only ever see the latter.
void PollProbe::releaseReply()
{
    replyfields::release(std::exchange(m_reply, nullptr), this);
}
