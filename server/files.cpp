// SPDX-License-Identifier: GPL-3.0-only
// GET/HEAD /files/NAME?rate=BYTES_PER_S : files from the served folder with RFC 9110
// semantics: validators (strong ETag, Last-Modified), conditional GET (304), single and
// multiple byte ranges (206, multipart/byteranges), If-Range, 416; streamed from disk in
// bounded memory, paced by the socket's drain or by `rate`.
#include "endpoints.h"
#include "httprange.h"
#include "queryparams.h"
#include "stream.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QScopedValueRollback>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kReadBlock = 256 * 1024;     // one disk read
constexpr qint64 kLowWater = 1024 * 1024;     // keep at most ~this much queued in Qt
constexpr int kRateTickMs = 20;               // rate limiting granularity
constexpr qint64 kMaxRate = 1024LL * 1024 * 1024;
const QByteArray kFilesPrefix = "/files/";

// Maps the request path to a file strictly inside `root`, or nothing. Each segment is
// percent-decoded on its own, so encoded dots and slashes cannot form "..", and the
// canonical path (symlinks resolved) must still lie under the root.
std::optional<QString> resolveInside(const QString &root, const QByteArray &encodedPath)
{
    if (!encodedPath.startsWith(kFilesPrefix))
        return std::nullopt;
    QStringList segments;
    for (const QByteArray &raw : encodedPath.mid(kFilesPrefix.size()).split('/')) {
        const QByteArray decoded = QByteArray::fromPercentEncoding(raw);
        const bool isBad = decoded.isEmpty() || decoded.startsWith('.') || decoded.contains('/')
            || decoded.contains('\\') || decoded.contains('\0') || decoded.contains(':');
        const QString segment = QString::fromUtf8(decoded);
        if (isBad || segment.toUtf8() != decoded)  // invalid UTF-8 does not round-trip
            return std::nullopt;
        segments.append(segment);
    }
    const QFileInfo info(root + u'/' + segments.join(u'/'));
    const QString canonical = info.canonicalFilePath();
    if (canonical.isEmpty() || !info.isFile() || !canonical.startsWith(root + u'/'))
        return std::nullopt;
    return canonical;
}

struct BodyPart
{
    QByteArray literal;        // multipart headers and trailer
    qint64 first = 0;          // file range, when length > 0
    qint64 length = 0;
};

class FileStream : public Stream
{
public:
    FileStream(ResponseWriter &&response, std::unique_ptr<QFile> file, QList<BodyPart> parts,
               qint64 rate, QObject *parent)
        : Stream(std::move(response), parent),
          m_file(std::move(file)),
          m_parts(std::move(parts)),
          m_rate(rate),
          m_tick(new Pacer(this))
    {
        connect(m_tick, &Pacer::fired, this, &FileStream::onRateTick);
    }

    void start()
    {
        if (m_rate > 0) {
            m_budget = m_rate * kRateTickMs / 1000 + 1;
            m_tick->startRepeating(kRateTickMs);
            onRateTick();
        } else {
            pumpWhileDraining(kLowWater, [this] { return sendSome(kReadBlock); });
        }
    }

private:
    void onRateTick()
    {
        if (m_isSending)
            return;
        const QScopedValueRollback<bool> sending(m_isSending, true);
        // A token bucket refilled every tick; unspent budget carries over for one second.
        m_budget = qMin(m_budget + m_rate * kRateTickMs / 1000 + 1, m_rate + 1);
        while (m_budget > 0 && writer().bytesToWrite() < kLowWater) {
            const qint64 want = qMin(m_budget, kReadBlock);
            if (!sendSome(want)) {
                finish();
                return;
            }
        }
    }

    // Sends up to `maxBytes` of the next part. Returns false when the body is complete.
    // State advances before each write: a write can re-enter this stream through signals.
    bool sendSome(qint64 maxBytes)
    {
        if (m_part >= m_parts.size())
            return false;
        BodyPart &part = m_parts[m_part];
        QByteArray bytes;
        if (!part.literal.isEmpty()) {
            bytes = std::exchange(part.literal, QByteArray());
        } else if (part.length > 0) {
            bytes = readAt(part.first, qMin(maxBytes, part.length));
            if (bytes.isEmpty()) {
                m_part = m_parts.size();
                writer().end();  // the file shrank or failed: the client sees a short body
                return false;
            }
            part.first += bytes.size();
            part.length -= bytes.size();
        }
        if (part.literal.isEmpty() && part.length == 0)
            ++m_part;
        m_budget -= bytes.size();
        writer().write(bytes);
        return m_part < m_parts.size();
    }

    QByteArray readAt(qint64 offset, qint64 length)
    {
        if (m_file->pos() != offset && !m_file->seek(offset))
            return {};
        return m_file->read(length);
    }

    std::unique_ptr<QFile> m_file;
    QList<BodyPart> m_parts;
    qint64 m_rate;
    Pacer *m_tick;
    qsizetype m_part = 0;
    qint64 m_budget = 0;
    bool m_isSending = false;
};

QByteArray mimeTypeOf(const QFileInfo &info)
{
    static const QMimeDatabase database;
    const QMimeType type = database.mimeTypeForFile(info, QMimeDatabase::MatchExtension);
    QByteArray name = type.name().toLatin1();
    if (type.inherits(u"text/plain"_s))
        name += "; charset=utf-8";
    return name;
}

} // namespace

void endpoints::files(const EndpointEnv &env, ResponseWriter &&writer)
{
    const RequestContext &request = writer.request();
    const std::optional<QString> path = resolveInside(env.filesRoot, request.encodedPath());
    auto file = std::make_unique<QFile>(path.value_or(QString()));
    if (!path || !file->open(QIODevice::ReadOnly)) {
        writer.sendText(404, "not found: " + request.encodedPath().left(200));
        return;
    }
    QueryParams params(request.query);
    const qint64 rate = params.integer(u"rate"_s, 0, 1, kMaxRate, u"bytes per second");
    if (!params.isValid()) {
        writer.sendText(400, params.error());
        return;
    }
    const QFileInfo info(*path);
    const qint64 size = file->size();
    const QDateTime modified = info.lastModified().toUTC();
    const QByteArray etag = httprange::makeStrongEtag(size, modified);
    HeaderList validators{{"ETag", etag},
                          {"Last-Modified", httprange::formatHttpDate(modified)},
                          {"Accept-Ranges", "bytes"},
                          {"Cache-Control", "no-cache"}};

    // Conditional GET (RFC 9110 §13.2.2): If-None-Match wins over If-Modified-Since.
    const QByteArray ifNoneMatch = request.header("If-None-Match");
    bool isNotModified = !ifNoneMatch.isEmpty() && httprange::ifNoneMatchMatches(ifNoneMatch, etag);
    if (ifNoneMatch.isEmpty() && request.hasHeader("If-Modified-Since")) {
        const auto since = httprange::parseHttpDate(request.header("If-Modified-Since"));
        isNotModified = since && modified.toSecsSinceEpoch() <= since->toSecsSinceEpoch();
    }
    if (isNotModified) {
        writer.sendEmpty(304, validators);
        return;
    }

    // Range applies to GET only; If-Range turns a stale range request into a full one.
    httprange::RangeResult range;
    const QByteArray rangeHeader = request.header("Range");
    const QByteArray ifRange = request.header("If-Range");
    if (!request.isHead() && !rangeHeader.isEmpty()
        && (ifRange.isEmpty() || httprange::ifRangeMatches(ifRange, etag, modified))) {
        range = httprange::parseRange(rangeHeader, size);
    }
    if (range.outcome == httprange::RangeOutcome::Unsatisfiable) {
        validators.append({"Content-Range", httprange::unsatisfiedContentRange(size)});
        writer.sendText(416, "Range: none of the requested ranges lies inside the "
                                 + QByteArray::number(size) + "-byte file",
                        validators);
        return;
    }

    const QByteArray type = mimeTypeOf(info);
    QList<BodyPart> parts;
    int status = 200;
    qint64 length = size;
    HeaderList headers = validators;
    if (range.outcome == httprange::RangeOutcome::Satisfiable && range.ranges.size() == 1) {
        const httprange::ByteRange &only = range.ranges.first();
        status = 206;
        length = only.length();
        headers.append({"Content-Type", type});
        headers.append({"Content-Range", httprange::contentRange(only, size)});
        parts.append(BodyPart{{}, only.first, only.length()});
    } else if (range.outcome == httprange::RangeOutcome::Satisfiable) {
        const httprange::MultipartPlan plan = httprange::planMultipart(
            range.ranges, size, type, httprange::makeBoundary());
        status = 206;
        length = plan.contentLength;
        headers.append({"Content-Type", plan.contentType});
        for (const httprange::MultipartPart &part : plan.parts) {
            parts.append(BodyPart{part.head, 0, 0});
            parts.append(BodyPart{{}, part.range.first, part.range.length()});
        }
        parts.append(BodyPart{plan.tail, 0, 0});
    } else {
        headers.append({"Content-Type", type});
        parts.append(BodyPart{{}, 0, size});
    }
    if (rate > 0 && length / rate > limits::kMaxDurationMs / 1000) {
        writer.sendText(400, "rate: " + QByteArray::number(length) + " bytes at "
                                 + QByteArray::number(rate)
                                 + " bytes/s would take over "
                                 + QByteArray::number(limits::kMaxDurationMs / 1000)
                                 + " s; raise rate");
        return;
    }
    writer.beginFixed(status, headers, length);
    if (request.isHead() || length == 0) {
        writer.end();
        return;
    }
    auto *stream = new FileStream(std::move(writer), std::move(file), std::move(parts), rate,
                                  env.streamParent);
    stream->start();
}
