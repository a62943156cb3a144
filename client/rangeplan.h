// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// The pure part of the range downloader: byte spans, Content-Range parsing, how missing bytes
// are cut into segments, and the resume sidecar's contents. No networking, no files.
namespace rangeplan {

// Bytes first..last of a resource, both INCLUSIVE (as in HTTP): 0 <= first <= last.
struct Span
{
    qint64 first = 0;
    qint64 last = 0;

    qint64 length() const { return last - first + 1; }
    friend bool operator==(const Span &a, const Span &b)
    {
        return a.first == b.first && a.last == b.last;
    }
};

// A set of byte offsets kept as sorted, disjoint, non-adjacent spans.
class SpanSet
{
public:
    // Adds `span`; returns how many of its bytes were already in the set (0 when none).
    qint64 add(Span span);
    const QList<Span> &spans() const { return m_spans; }
    qint64 byteCount() const;
    // The spans of 0..size-1 that are not in the set, in order.
    QList<Span> missing(qint64 size) const;
    bool isEmpty() const { return m_spans.isEmpty(); }
    void clear() { m_spans.clear(); }

private:
    QList<Span> m_spans;
};

struct ContentRange
{
    Span span;
    qint64 size = -1; // complete length; -1 when the server sent "*"
};

// Parses a 206 Content-Range value, "bytes FIRST-LAST/SIZE" or "bytes FIRST-LAST/*" (RFC 9110
// §14.4): digits only, first <= last, last < size, no number beyond 2^53. Anything else, an
// unsatisfied "bytes */SIZE" included, gives nothing.
std::optional<ContentRange> parseContentRange(QByteArrayView value);

// Cuts `missing` into about `pieces` spans of similar length, never shorter than `minBytes`
// unless a missing span already is; spans are only cut, never merged. Order is kept.
QList<Span> splitForSegments(const QList<Span> &missing, int pieces, qint64 minBytes);

// What the resume sidecar (<output>.streamlab-partial) records: which resource the partial
// file holds and which of its bytes are on disk.
struct PartialState
{
    static constexpr qint64 kMaxSidecarBytes = 1024 * 1024;
    static constexpr qsizetype kMaxSpans = 100'000;

    QString url;
    QByteArray etag;
    QByteArray lastModified;
    qint64 size = 0;
    SpanSet complete;

    QJsonObject toJson() const;
    // Strict: a sidecar is local but may be stale, edited or truncated; every span must lie in
    // 0..size-1. The error names the first problem.
    static Result<PartialState> fromJson(const QByteArray &json);
};

} // namespace rangeplan
