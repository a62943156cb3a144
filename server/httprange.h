// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QtGlobal>

#include <optional>

// Pure helpers for byte-range requests (RFC 9110 §13, §14): Range parsing, Content-Range,
// HTTP dates, entity tags, conditional headers and multipart/byteranges planning.
// Everything here is reentrant, free of networking and safe on hostile input: no function
// has undefined behaviour or crashes for any header value.
namespace httprange {

// One byte range, resolved against a representation of known size.
// Offsets are in bytes, zero-based; both `first` and `last` are INCLUSIVE,
// so 0 <= first <= last <= size - 1.
struct ByteRange
{
    qint64 first = 0;
    qint64 last = 0;

    qint64 length() const { return last - first + 1; }
};

enum class RangeOutcome {
    Ignore,        // no usable Range header: answer 200 with the whole representation
    Satisfiable,   // answer 206 with `ranges`
    Unsatisfiable, // valid syntax but nothing overlaps: answer 416 with unsatisfiedContentRange()
};

struct RangeResult
{
    RangeOutcome outcome = RangeOutcome::Ignore;
    // Only the satisfiable specs, in request order; empty unless outcome is Satisfiable.
    QList<ByteRange> ranges;
};

// Upper bound on the number of range specs (empty list elements are not counted).
constexpr int kMaxRangeSpecs = 100;

// Parses a Range header value (RFC 9110 §14.1.1, §14.2) against a representation of `size`
// bytes. Only the "bytes" unit (case-insensitive) is understood. Leading and trailing OWS of
// the value and OWS around commas are allowed, as are empty list elements.
// Returns Ignore for another unit, malformed syntax, more than kMaxRangeSpecs specs, a negative
// `size`, or when the satisfiable lengths add up to more than `size` (overlap amplification).
// Numbers too large for qint64 behave as "beyond any size": a huge last-pos clamps to size - 1,
// a huge first-pos is unsatisfiable, a huge suffix length selects the whole representation.
RangeResult parseRange(QByteArrayView header, qint64 size);

// Content-Range value for a 206 part: "bytes FIRST-LAST/SIZE".
QByteArray contentRange(const ByteRange &r, qint64 size);
// Content-Range value for a 416 response: "bytes */SIZE".
QByteArray unsatisfiedContentRange(qint64 size);

// Formats `when` as an IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7).
// The time is converted to UTC and milliseconds are dropped; names are fixed English, never
// the locale. Returns an empty QByteArray for an invalid QDateTime or a year outside 1..9999.
QByteArray formatHttpDate(const QDateTime &when);

// Parses an HTTP-date: IMF-fixdate, obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") or
// asctime ("Sun Nov  6 08:49:37 1994"). Surrounding OWS is allowed; names and "GMT" are
// case-sensitive as in the RFC grammar. Returns a UTC QDateTime, or nullopt for any other text,
// an impossible date or time (Feb 30, hour 25), or a day name that does not match the date.
// A leap second (23:59:60) is read as 23:59:59, since QDateTime cannot represent it.
// RFC 850 two-digit years are placed in the century of now (UTC), then moved back 100 years if
// that would be more than 50 years in the future.
std::optional<QDateTime> parseHttpDate(QByteArrayView text);
// Same, with an explicit reference time for the RFC 850 two-digit-year rule (for tests);
// an invalid `now` means the current time.
std::optional<QDateTime> parseHttpDate(QByteArrayView text, const QDateTime &now);

// Strong entity tag for a file, quotes included: "\"<size hex>-<mtime ms since epoch hex>\"".
// `size` is in bytes (>= 0); an mtime before 1970 gives a '-' in the hex part, which is valid.
QByteArray makeStrongEtag(qint64 size, const QDateTime &lastModified);

// If-Range (RFC 9110 §13.1.5). `ifRange` is an entity-tag or an HTTP-date.
// Entity-tag: true only if both it and `currentEtag` are strong and equal byte for byte.
// Date: true only if it parses and equals `lastModified` truncated to whole seconds.
// Anything else, including an invalid `lastModified`, gives false (send the whole file).
bool ifRangeMatches(QByteArrayView ifRange, QByteArrayView currentEtag,
                    const QDateTime &lastModified);

// If-None-Match (RFC 9110 §13.1.2) for an existing representation whose tag is `currentEtag`.
// "*" matches. Otherwise the value is a comma-separated list of entity-tags (empty elements and
// OWS allowed) compared with the weak comparison (a W/ prefix is ignored on both sides).
// A malformed list, or a malformed `currentEtag`, gives false.
bool ifNoneMatchMatches(QByteArrayView ifNoneMatch, QByteArrayView currentEtag);

// One body part of a multipart/byteranges response: `head` is sent verbatim, then the bytes
// `range` of the file. The first head is "--BOUNDARY\r\n...", every later one starts with
// "\r\n--BOUNDARY\r\n"; each ends with the blank line that precedes the part's data.
struct MultipartPart
{
    QByteArray head;
    ByteRange range;
};

struct MultipartPlan
{
    QList<MultipartPart> parts;
    QByteArray tail;          // "\r\n--BOUNDARY--\r\n", sent after the last part's data
    qint64 contentLength = 0; // bytes: all heads + all range lengths + tail
    QByteArray contentType;   // "multipart/byteranges; boundary=BOUNDARY" (quoted if needed)
};

// Plans the exact body of a multipart/byteranges response (RFC 9110 §14.6) so the caller can
// send Content-Length up front and stream each part from disk.
// Preconditions: `ranges` is non-empty and resolved against `size` (as parseRange returns
// them); `boundary` is a valid RFC 2046 boundary (1..70 characters) that does not occur in the
// data. Each head carries "Content-Type: <partContentType>" unless `partContentType` is empty,
// and "Content-Range: bytes a-b/SIZE".
MultipartPlan planMultipart(const QList<ByteRange> &ranges, qint64 size,
                            QByteArrayView partContentType, QByteArrayView boundary);

// A fresh boundary: "StreamLab-" followed by 24 lowercase hex digits (96 bits) from
// QRandomGenerator::global(). Thread-safe.
QByteArray makeBoundary();

} // namespace httprange
