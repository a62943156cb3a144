// SPDX-License-Identifier: GPL-3.0-only
#include "rangeprobe.h"

#include "qnamprobe.h"
#include "replyfields.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QNetworkRequest identityRequest(const ProbeSettings &settings, const QUrl &url)
{
    QNetworkRequest request = qnam::makeRequest(settings, url);
    // Offsets must be those of the file itself, never of a compressed representation.
    request.setRawHeader("Accept-Encoding", "identity");
    return request;
}

qint64 contentLengthOf(const QNetworkReply &reply)
{
    const QVariant length = reply.header(QNetworkRequest::ContentLengthHeader);
    return length.isValid() ? length.toLongLong() : -1;
}

QString spanText(const rangeplan::Span &span)
{
    return u"bytes %1-%2"_s.arg(span.first).arg(span.last);
}

} // namespace

RangeProbe::RangeProbe(ProbeSettings settings, QObject *parent) : Probe(std::move(settings), parent)
{
}

RangeProbe::~RangeProbe() = default;

void RangeProbe::begin()
{
    advance();
}

// The one place that decides what happens next; event handlers only record and call it.
void RangeProbe::advance()
{
    if (isFinished())
        return;
    switch (m_state) {
    case State::Idle:
        m_state = State::Probing;
        sendHead();
        return;
    case State::Probing: // the HEAD is complete
        startDownload();
        return;
    case State::Segmented:
        while (!m_pending.isEmpty() && activeCount() < qMin(kMaxParallel, settings().segments))
            launch(m_pending.takeFirst());
        if (m_pending.isEmpty() && activeCount() == 0)
            verify();
        return;
    case State::Whole:
        if (std::none_of(m_segments.cbegin(), m_segments.cend(),
                         [](const Segment &segment) { return segment.isWhole; }))
            launch(std::nullopt);
        else if (activeCount() == 0)
            verify();
        return;
    case State::Done:
        return;
    }
}

void RangeProbe::sendHead()
{
    observeRequest(QByteArrayLiteral("HEAD"), settings().url);
    m_head = network()->head(identityRequest(settings(), settings().url));
    connect(m_head, &QNetworkReply::metaDataChanged, this, &RangeProbe::onHeadMetaData);
    connect(m_head, &QNetworkReply::finished, this, &RangeProbe::onHeadFinished);
}

void RangeProbe::onHeadMetaData()
{
    if (!m_head || m_hasHeadHeaders || replyfields::status(*m_head) == 0)
        return;
    m_hasHeadHeaders = true;
    QJsonObject fields = replyfields::headers(*m_head);
    fields.insert(u"size"_s, contentLengthOf(*m_head));
    fields.insert(u"accept_ranges"_s, QString::fromLatin1(m_head->rawHeader("Accept-Ranges")));
    fields.insert(u"etag"_s, QString::fromLatin1(m_head->rawHeader("ETag")));
    fields.insert(u"last_modified"_s, QString::fromLatin1(m_head->rawHeader("Last-Modified")));
    observeIn(0, ObservationKind::Headers, 0, fields);
}

void RangeProbe::onHeadFinished()
{
    if (!m_head || isFinished())
        return;
    onHeadMetaData();
    QNetworkReply &head = *m_head;
    const int status = replyfields::status(head);
    m_resource.url = head.url();
    // A server that does not implement HEAD still gets one plain GET.
    const bool isHeadRefused = status == 405 || status == 501;
    const QString failure = qnam::failureMessage(head, settings().timeoutMs);
    if (!failure.isEmpty() && !isHeadRefused) {
        fail(u"HEAD: "_s + failure);
        return;
    }
    if (!isHeadRefused) {
        m_resource.size = contentLengthOf(head);
        m_resource.acceptsRanges = head.rawHeader("Accept-Ranges").toLower().contains("bytes");
        m_resource.etag = head.rawHeader("ETag");
        m_resource.lastModified = head.rawHeader("Last-Modified");
    }
    dropReply(m_head);
    advance();
}

void RangeProbe::startDownload()
{
    const bool canRange = m_resource.acceptsRanges && m_resource.size > 0;
    const QString error = prepareOutput(canRange);
    if (!error.isEmpty()) {
        fail(error);
        return;
    }
    if (canRange) {
        m_pending = rangeplan::splitForSegments(m_complete.missing(m_resource.size),
                                                settings().segments, kMinSegmentBytes);
        m_state = State::Segmented;
    } else {
        m_state = State::Whole;
    }
    advance();
}

// Opens the output; with resume, takes over the sidecar's spans when it describes the same
// resource, else empties the file (recording a Reconnect when the resource changed).
QString RangeProbe::prepareOutput(bool canRange)
{
    const QString path = settings().outputPath;
    const bool wantsResume = settings().resume && !path.isEmpty() && QFile::exists(path);
    QString error = m_output.open(path, wantsResume);
    if (!error.isEmpty())
        return error;
    bool isResuming = false;
    if (wantsResume) {
        const Result<rangeplan::PartialState> partial = m_output.loadSidecar();
        const QString change = partial.isOk() ? changeSince(partial.value()) : QString();
        isResuming = partial.isOk() && change.isEmpty() && canRange;
        if (isResuming)
            m_complete = partial.value().complete;
        if (!change.isEmpty()) {
            observe(ObservationKind::Reconnect, 0,
                    {{u"delay_ms"_s, 0},
                     {u"reason"_s, QString(change + u"; restarting from byte 0"_s)}});
        }
    }
    if (!isResuming) {
        error = m_output.reset(canRange ? m_resource.size : -1);
        if (!error.isEmpty())
            return error;
    }
    m_isResumable = canRange && !path.isEmpty() && !ifRangeValidator().isEmpty();
    if (!m_isResumable) {
        m_output.removeSidecar();
        return {};
    }
    return saveSidecar(true);
}

QString RangeProbe::changeSince(const rangeplan::PartialState &partial) const
{
    if (partial.url != settings().url.toString(QUrl::FullyEncoded))
        return u"the partial file holds %1, not this URL"_s.arg(partial.url);
    if (partial.etag != m_resource.etag) {
        return u"the file changed on the server: ETag %1 → %2"_s.arg(
            QString::fromLatin1(partial.etag), QString::fromLatin1(m_resource.etag));
    }
    if (partial.lastModified != m_resource.lastModified) {
        return u"the file changed on the server: Last-Modified %1 → %2"_s.arg(
            QString::fromLatin1(partial.lastModified),
            QString::fromLatin1(m_resource.lastModified));
    }
    if (partial.size != m_resource.size) {
        return u"the file changed on the server: %1 → %2 bytes"_s.arg(partial.size)
            .arg(m_resource.size);
    }
    return {};
}

void RangeProbe::launch(std::optional<rangeplan::Span> span)
{
    Segment segment;
    segment.index = int(m_segments.size());
    observeRequest(QByteArrayLiteral("GET"), m_resource.url);
    segment.exchange = exchange();
    QNetworkRequest request = identityRequest(settings(), m_resource.url);
    if (span) {
        segment.asked = *span;
        segment.next = span->first;
        request.setRawHeader("Range", "bytes=" + QByteArray::number(span->first) + '-'
                                          + QByteArray::number(span->last));
        if (const QByteArray validator = ifRangeValidator(); !validator.isEmpty())
            request.setRawHeader("If-Range", validator);
    } else {
        segment.isWhole = true;
    }
    QNetworkReply *reply = network()->get(request);
    reply->setReadBufferSize(qnam::kReadBufferBytes);
    segment.reply = reply;
    const int index = segment.index;
    m_segments.append(segment);
    connect(reply, &QNetworkReply::metaDataChanged, this,
            [this, index] { onSegmentHeaders(index); });
    connect(reply, &QNetworkReply::readyRead, this, [this, index] { onSegmentReadyRead(index); });
    connect(reply, &QNetworkReply::finished, this, [this, index] { onSegmentFinished(index); });
}

int RangeProbe::activeCount() const
{
    int count = 0;
    for (const Segment &segment : m_segments)
        count += segment.reply && !segment.isDone ? 1 : 0;
    return count;
}

void RangeProbe::onSegmentHeaders(int index)
{
    Segment &segment = m_segments[index];
    if (!segment.reply || segment.hasHeaders || isFinished())
        return;
    QNetworkReply &reply = *segment.reply;
    const int status = replyfields::status(reply);
    if (status == 0)
        return;
    segment.hasHeaders = true;
    QJsonObject fields = replyfields::headers(reply);
    fields.insert(u"segment"_s, index);
    if (!segment.isWhole) {
        checkRangedStatus(segment, fields);
        return;
    }
    observeIn(segment.exchange, ObservationKind::Headers, 0, fields);
    if (status >= 400) {
        fail(qnam::failureMessage(reply, settings().timeoutMs));
    } else if (status != 200) {
        fail(u"unexpected HTTP %1 to a GET of %2"_s.arg(status).arg(
            reply.url().toString(QUrl::FullyEncoded)));
    } else {
        segment.wholeSize = contentLengthOf(reply);
        m_resource.size = segment.wholeSize; // may differ from HEAD's: the file changed since
    }
}

void RangeProbe::checkRangedStatus(Segment &segment, QJsonObject &fields)
{
    QNetworkReply &reply = *segment.reply;
    const int status = replyfields::status(reply);
    const QString url = reply.url().toString(QUrl::FullyEncoded);
    if (status == 200) {
        takeFullResponse(segment, fields);
        return;
    }
    observeIn(segment.exchange, ObservationKind::Headers, 0, fields);
    const QByteArray contentRange = reply.rawHeader("Content-Range");
    if (status == 206) {
        const auto range = rangeplan::parseContentRange(contentRange);
        if (!range || !(range->span == segment.asked)
            || (range->size >= 0 && range->size != m_resource.size)) {
            fail(u"segment %1 asked for %2 of the %3-byte file, but the 206 from %4 has "
                 "Content-Range: %5"_s.arg(segment.index)
                     .arg(spanText(segment.asked))
                     .arg(m_resource.size)
                     .arg(url, QString::fromLatin1(contentRange.left(200))));
        }
    } else if (status == 416) {
        fail(u"HTTP 416 Range Not Satisfiable for %1 of %2 (Content-Range: %3), although HEAD "
             "announced %4 bytes"_s
                 .arg(spanText(segment.asked), url, QString::fromLatin1(contentRange.left(200)))
                 .arg(m_resource.size));
    } else if (status >= 400) {
        fail(u"segment %1: "_s.arg(segment.index)
             + qnam::failureMessage(reply, settings().timeoutMs));
    } else {
        fail(u"segment %1: unexpected HTTP %2 to a ranged GET of %3"_s.arg(segment.index)
                 .arg(status)
                 .arg(url));
    }
}

// A 200 to a ranged GET: the file changed (If-Range failed) or the server ignores ranges.
// Either way this response is the whole file: every other segment goes, the file restarts.
void RangeProbe::takeFullResponse(Segment &segment, QJsonObject &fields)
{
    QNetworkReply &reply = *segment.reply;
    const QByteArray etag = reply.rawHeader("ETag");
    const QByteArray lastModified = reply.rawHeader("Last-Modified");
    const qint64 length = contentLengthOf(reply);
    QString change;
    if (!etag.isEmpty() && etag != m_resource.etag) {
        change = u"ETag %1 → %2"_s.arg(QString::fromLatin1(m_resource.etag),
                                       QString::fromLatin1(etag));
    } else if (!lastModified.isEmpty() && lastModified != m_resource.lastModified) {
        change = u"Last-Modified %1 → %2"_s.arg(QString::fromLatin1(m_resource.lastModified),
                                                QString::fromLatin1(lastModified));
    } else if (length >= 0 && length != m_resource.size) {
        change = u"%1 → %2 bytes"_s.arg(m_resource.size).arg(length);
    }
    if (change.isEmpty()) {
        fields.insert(u"note"_s, u"the server ignored the Range header (200): falling back to "
                                 "one full download"_s);
    }
    observeIn(segment.exchange, ObservationKind::Headers, 0, fields);
    for (Segment &other : m_segments) {
        if (other.index != segment.index)
            dropReply(other.reply);
    }
    m_pending.clear();
    m_complete.clear();
    m_overlapBytes = 0;
    segment.isWhole = true;
    segment.next = 0;
    segment.wholeSize = length;
    m_resource = {m_resource.url, length, etag, lastModified, !change.isEmpty()};
    m_state = State::Whole;
    if (!change.isEmpty()) {
        observeIn(segment.exchange, ObservationKind::Reconnect, 0,
                  {{u"delay_ms"_s, 0},
                   {u"reason"_s, u"the file changed on the server (%1): restarting from byte 0 "
                                 "with this full response"_s.arg(change)}});
    }
    m_isResumable
        = m_isResumable && !change.isEmpty() && length > 0 && !ifRangeValidator().isEmpty();
    if (!m_isResumable)
        m_output.removeSidecar();
    QString error = m_output.reset(length);
    if (error.isEmpty())
        error = saveSidecar(true);
    if (!error.isEmpty())
        fail(error);
}

void RangeProbe::onSegmentReadyRead(int index)
{
    Segment &segment = m_segments[index];
    if (!segment.reply || isFinished())
        return;
    onSegmentHeaders(index);
    while (!isFinished() && segment.hasHeaders && segment.reply
           && segment.reply->bytesAvailable() > 0) {
        const QByteArray bytes = segment.reply->read(qnam::kReadBufferBytes);
        if (bytes.isEmpty() || !acceptBytes(segment, bytes))
            return;
    }
}

bool RangeProbe::acceptBytes(Segment &segment, const QByteArray &bytes)
{
    const rangeplan::Span span{segment.next, segment.next + bytes.size() - 1};
    const qint64 end = segment.isWhole ? segment.wholeSize : segment.asked.last + 1;
    if (end >= 0 && span.last >= end) {
        fail(u"segment %1: the server sent more than the %2 bytes announced"_s.arg(segment.index)
                 .arg(segment.isWhole ? end : segment.asked.length()));
        return false;
    }
    QString error = m_output.writeAt(span.first, bytes);
    if (!error.isEmpty()) {
        fail(error);
        return false;
    }
    m_overlapBytes += m_complete.add(span);
    observeIn(segment.exchange, ObservationKind::Range, bytes.size(),
              {{u"start"_s, span.first}, {u"end"_s, span.last}, {u"segment"_s, segment.index}});
    segment.next = span.last + 1;
    m_runBytes += bytes.size();
    error = saveSidecar(false);
    if (!error.isEmpty()) {
        fail(error);
        return false;
    }
    if (settings().stopAfterBytes > 0 && m_runBytes >= settings().stopAfterBytes) {
        m_isPaused = true; // a deliberate pause: abortTransfer() saves the sidecar
        m_state = State::Done;
        finish(true);
        return false;
    }
    return true;
}

void RangeProbe::onSegmentFinished(int index)
{
    if (!m_segments[index].reply || isFinished())
        return;
    onSegmentReadyRead(index);
    Segment &segment = m_segments[index];
    if (isFinished() || !segment.reply)
        return;
    QNetworkReply &reply = *segment.reply;
    QString failure = qnam::failureMessage(reply, settings().timeoutMs);
    if (failure.isEmpty() && !segment.hasHeaders)
        failure = u"no HTTP response from %1"_s.arg(reply.url().toString(QUrl::FullyEncoded));
    const qint64 end = segment.isWhole ? segment.wholeSize : segment.asked.last + 1;
    if (failure.isEmpty() && end >= 0 && segment.next != end) {
        failure
            = u"the response ended after byte %1, expected up to byte %2"_s.arg(segment.next - 1)
                  .arg(end - 1);
    }
    if (!failure.isEmpty()) {
        const QString what = segment.isWhole ? u"whole file"_s : spanText(segment.asked);
        fail(u"segment %1 (%2): %3"_s.arg(segment.index).arg(what, failure));
        return;
    }
    if (segment.isWhole && segment.wholeSize < 0)
        m_resource.size = segment.next;
    segment.isDone = true;
    dropReply(segment.reply);
    const QString error = saveSidecar(true);
    if (!error.isEmpty()) {
        fail(error);
        return;
    }
    advance();
}

void RangeProbe::verify()
{
    m_state = State::Done;
    const qint64 size = qMax<qint64>(0, m_resource.size);
    const QList<rangeplan::Span> missing = m_complete.missing(size);
    const auto &spans = m_complete.spans();
    QString problem;
    if (m_overlapBytes > 0)
        problem = u"%1 bytes arrived twice"_s.arg(m_overlapBytes);
    else if (!missing.isEmpty())
        problem = u"%1 never arrived"_s.arg(spanText(missing.first()));
    else if (!spans.isEmpty() && spans.last().last >= size)
        problem = u"bytes beyond the %1-byte size arrived"_s.arg(size);
    else if (m_output.size() > size)
        problem = m_output.resize(size); // a longer old file under a resumed one
    if (problem.isEmpty() && m_output.size() != size)
        problem = u"the file has %1 bytes, not %2"_s.arg(m_output.size()).arg(size);
    if (!problem.isEmpty()) {
        fail(u"verification failed: "_s + problem);
        return;
    }
    const Result<QByteArray> hash = m_output.sha256();
    if (!hash.isOk()) {
        fail(hash.error());
        return;
    }
    m_sha256 = hash.value();
    m_isVerified = true;
    m_isResumable = false;
    m_output.removeSidecar();
    finish(true);
}

QString RangeProbe::saveSidecar(bool force)
{
    if (!m_isResumable || !m_output.isOpen())
        return {};
    if (!force && m_sinceSidecar.isValid() && m_sinceSidecar.elapsed() < kSidecarIntervalMs)
        return {};
    m_sinceSidecar.start();
    return m_output.saveSidecar(partialState());
}

rangeplan::PartialState RangeProbe::partialState() const
{
    rangeplan::PartialState state;
    state.url = settings().url.toString(QUrl::FullyEncoded);
    state.etag = m_resource.etag;
    state.lastModified = m_resource.lastModified;
    state.size = m_resource.size;
    state.complete = m_complete;
    return state;
}

// If-Range needs a strong entity tag, or else a date (RFC 9110 §13.1.5).
QByteArray RangeProbe::ifRangeValidator() const
{
    if (!m_resource.etag.isEmpty() && !m_resource.etag.startsWith("W/"))
        return m_resource.etag;
    return m_resource.lastModified;
}

void RangeProbe::dropReply(QPointer<QNetworkReply> &reply)
{
    if (QNetworkReply *dropped = reply.data()) {
        reply.clear();
        disconnect(dropped, nullptr, this, nullptr);
        if (dropped->isRunning() && dropped->error() == QNetworkReply::NoError)
            dropped->abort(); // a reply that already failed is only deleted (Qt warns otherwise)
        dropped->deleteLater();
    }
}

void RangeProbe::fail(const QString &message)
{
    m_state = State::Done;
    finish(false, message);
}

void RangeProbe::abortTransfer()
{
    m_state = State::Done;
    dropReply(m_head);
    for (Segment &segment : m_segments)
        dropReply(segment.reply);
    if (!m_isVerified)
        saveSidecar(true); // whatever is on disk stays resumable; an error here has no one to tell
}

QJsonObject RangeProbe::doneFields() const
{
    QJsonObject fields{{u"verified"_s, m_isVerified}};
    if (m_isVerified) {
        fields.insert(u"sha256"_s, QString::fromLatin1(m_sha256));
        fields.insert(u"size"_s, m_resource.size);
    }
    if (m_isPaused)
        fields.insert(u"paused"_s, true);
    return fields;
}
