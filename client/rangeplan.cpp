// SPDX-License-Identifier: GPL-3.0-only
#include "rangeplan.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace rangeplan {

namespace {

constexpr qint64 kMaxExactInteger = qint64(1) << 53; // JSON numbers stay exact below this
constexpr auto kFormat = "streamlab-partial/1"_L1;

std::optional<qint64> parseDigits(QByteArrayView digits)
{
    if (digits.isEmpty() || digits.size() > 16)
        return std::nullopt;
    qint64 value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value > kMaxExactInteger)
        return std::nullopt;
    return value;
}

} // namespace

qint64 SpanSet::add(Span span)
{
    qint64 overlap = 0;
    QList<Span> merged;
    merged.reserve(m_spans.size() + 1);
    bool isPlaced = false;
    for (const Span &existing : std::as_const(m_spans)) {
        if (existing.last + 1 < span.first) {
            merged.append(existing);
        } else if (span.last + 1 < existing.first) {
            if (!isPlaced)
                merged.append(span);
            isPlaced = true;
            merged.append(existing);
        } else { // touching or overlapping: absorb into `span`
            const qint64 first = qMax(existing.first, span.first);
            const qint64 last = qMin(existing.last, span.last);
            if (first <= last)
                overlap += last - first + 1;
            span = {qMin(existing.first, span.first), qMax(existing.last, span.last)};
        }
    }
    if (!isPlaced)
        merged.append(span);
    m_spans = std::move(merged);
    return overlap;
}

qint64 SpanSet::byteCount() const
{
    qint64 count = 0;
    for (const Span &span : m_spans)
        count += span.length();
    return count;
}

QList<Span> SpanSet::missing(qint64 size) const
{
    QList<Span> gaps;
    qint64 next = 0;
    for (const Span &span : m_spans) {
        if (span.first >= size)
            break;
        if (span.first > next)
            gaps.append({next, span.first - 1});
        next = qMax(next, span.last + 1);
    }
    if (next < size)
        gaps.append({next, size - 1});
    return gaps;
}

std::optional<ContentRange> parseContentRange(QByteArrayView value)
{
    const QByteArray text = value.toByteArray().trimmed();
    if (!text.toLower().startsWith("bytes "))
        return std::nullopt;
    const QByteArray rest = text.mid(6).trimmed();
    const qsizetype dash = rest.indexOf('-');
    const qsizetype slash = rest.indexOf('/');
    if (dash <= 0 || slash <= dash + 1)
        return std::nullopt;
    const auto first = parseDigits(QByteArrayView(rest).sliced(0, dash));
    const auto last = parseDigits(QByteArrayView(rest).sliced(dash + 1, slash - dash - 1));
    const QByteArrayView sizeText = QByteArrayView(rest).sliced(slash + 1);
    const auto size = sizeText == "*" ? std::optional<qint64>(-1) : parseDigits(sizeText);
    if (!first || !last || !size || *first > *last || (*size >= 0 && *last >= *size))
        return std::nullopt;
    return ContentRange{{*first, *last}, *size};
}

QList<Span> splitForSegments(const QList<Span> &missing, int pieces, qint64 minBytes)
{
    qint64 total = 0;
    for (const Span &span : missing)
        total += span.length();
    const qint64 target = qMax(qMax<qint64>(minBytes, 1), total / qMax(1, pieces));
    QList<Span> result;
    for (const Span &span : missing) {
        const qint64 count = qMax<qint64>(1, span.length() / target);
        const qint64 each = span.length() / count;
        qint64 first = span.first;
        for (qint64 i = 0; i < count; ++i) {
            const qint64 last = i + 1 == count ? span.last : first + each - 1;
            result.append({first, last});
            first = last + 1;
        }
    }
    return result;
}

QJsonObject PartialState::toJson() const
{
    QJsonArray spans;
    for (const Span &span : complete.spans())
        spans.append(QJsonArray{span.first, span.last});
    return {{u"format"_s, QString(kFormat)},
            {u"url"_s, url},
            {u"etag"_s, QString::fromLatin1(etag)},
            {u"last_modified"_s, QString::fromLatin1(lastModified)},
            {u"size"_s, size},
            {u"complete"_s, spans}};
}

Result<PartialState> PartialState::fromJson(const QByteArray &json)
{
    using R = Result<PartialState>;
    if (json.size() > kMaxSidecarBytes)
        return R::failure(u"the sidecar is larger than %1 bytes"_s.arg(kMaxSidecarBytes));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (!document.isObject())
        return R::failure(u"the sidecar is not a JSON object: %1"_s.arg(error.errorString()));
    const QJsonObject object = document.object();
    if (object.value(u"format"_s).toString() != kFormat)
        return R::failure(u"the sidecar's format is not %1"_s.arg(kFormat));
    PartialState state;
    state.url = object.value(u"url"_s).toString();
    state.etag = object.value(u"etag"_s).toString().toLatin1();
    state.lastModified = object.value(u"last_modified"_s).toString().toLatin1();
    const double size = object.value(u"size"_s).toDouble(-1);
    if (size < 0 || size > double(kMaxExactInteger) || size != double(qint64(size)))
        return R::failure(u"the sidecar's size is not a whole number of bytes"_s);
    state.size = qint64(size);
    const QJsonArray spans = object.value(u"complete"_s).toArray();
    if (spans.size() > kMaxSpans)
        return R::failure(u"the sidecar lists more than %1 spans"_s.arg(kMaxSpans));
    for (const QJsonValue &value : spans) {
        const QJsonArray pair = value.toArray();
        const double first = pair.at(0).toDouble(-1);
        const double last = pair.at(1).toDouble(-1);
        if (pair.size() != 2 || first < 0 || last < first || last >= size
            || first != double(qint64(first)) || last != double(qint64(last)))
            return R::failure(u"the sidecar lists a span outside the %1-byte file"_s.arg(state.size));
        state.complete.add({qint64(first), qint64(last)});
    }
    return R::success(std::move(state));
}

} // namespace rangeplan
