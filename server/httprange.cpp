// SPDX-License-Identifier: GPL-3.0-only
#include "httprange.h"

#include <QDate>
#include <QRandomGenerator>
#include <QTime>

#include <algorithm>
#include <array>
#include <limits>
#include <tuple>

namespace httprange {

namespace {

// Stands for "a number too large for qint64"; it is >= any valid size, which is all the
// range logic needs to know about such a number.
constexpr qint64 kSaturated = std::numeric_limits<qint64>::max();

constexpr std::array<const char *, 7> kShortDays = {"Mon", "Tue", "Wed", "Thu",
                                                    "Fri", "Sat", "Sun"};
constexpr std::array<const char *, 7> kLongDays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                   "Friday", "Saturday", "Sunday"};
constexpr std::array<const char *, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Strips SP and HTAB only; other whitespace (CR, LF) is not OWS and stays, so it fails parsing.
QByteArrayView trimOws(QByteArrayView text)
{
    while (!text.isEmpty() && isOws(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isOws(text.back()))
        text.chop(1);
    return text;
}

// 1*DIGIT -> value, saturating at kSaturated instead of overflowing.
std::optional<qint64> parseDigits(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    qint64 value = 0;
    for (const char c : text) {
        if (!isDigit(c))
            return std::nullopt;
        const int digit = c - '0';
        if (value > (kSaturated - digit) / 10)
            value = kSaturated;
        else
            value = value * 10 + digit;
    }
    return value;
}

// Compares two 1*DIGIT strings by numeric value without converting them, so "first > last"
// is detected exactly even when both are beyond qint64.
int compareDecimal(QByteArrayView a, QByteArrayView b)
{
    while (a.size() > 1 && a.front() == '0')
        a = a.sliced(1);
    while (b.size() > 1 && b.front() == '0')
        b = b.sliced(1);
    if (a.size() != b.size())
        return a.size() < b.size() ? -1 : 1;
    return a.compare(b);
}

enum class SpecStatus { Malformed, Unsatisfiable, Satisfiable };

struct SpecResult
{
    SpecStatus status = SpecStatus::Malformed;
    ByteRange range;
};

SpecResult resolveSuffix(QByteArrayView lengthText, qint64 size)
{
    const std::optional<qint64> length = parseDigits(lengthText);
    if (!length)
        return {};
    if (*length == 0 || size == 0)
        return {SpecStatus::Unsatisfiable, {}};
    const qint64 first = *length >= size ? 0 : size - *length;
    return {SpecStatus::Satisfiable, {first, size - 1}};
}

// One non-empty range-spec, already stripped of OWS: "a-b", "a-" or "-n".
SpecResult parseSpec(QByteArrayView spec, qint64 size)
{
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return {};
    const QByteArrayView firstText = spec.first(dash);
    const QByteArrayView lastText = spec.sliced(dash + 1);
    if (firstText.isEmpty())
        return resolveSuffix(lastText, size);

    const std::optional<qint64> first = parseDigits(firstText);
    if (!first)
        return {};
    qint64 last = kSaturated;
    if (!lastText.isEmpty()) {
        const std::optional<qint64> parsedLast = parseDigits(lastText);
        if (!parsedLast || compareDecimal(firstText, lastText) > 0)
            return {};
        last = *parsedLast;
    }
    if (*first >= size)
        return {SpecStatus::Unsatisfiable, {}};
    return {SpecStatus::Satisfiable, {*first, qMin(last, size - 1)}};
}

} // namespace

RangeResult parseRange(QByteArrayView header, qint64 size)
{
    const RangeResult ignore;
    if (size < 0)
        return ignore;
    const QByteArrayView value = trimOws(header);
    const qsizetype equals = value.indexOf('=');
    if (equals < 0 || value.first(equals).compare("bytes", Qt::CaseInsensitive) != 0)
        return ignore;

    RangeResult result;
    const QByteArrayView rangeSet = value.sliced(equals + 1);
    int specCount = 0;
    qint64 totalLength = 0;
    qsizetype start = 0;
    while (start <= rangeSet.size()) {
        qsizetype comma = rangeSet.indexOf(',', start);
        if (comma < 0)
            comma = rangeSet.size();
        const QByteArrayView element = trimOws(rangeSet.sliced(start, comma - start));
        start = comma + 1;
        if (element.isEmpty())
            continue; // RFC 9110 §5.6.1: empty list elements are allowed and not counted
        if (++specCount > kMaxRangeSpecs)
            return ignore;
        const SpecResult spec = parseSpec(element, size);
        if (spec.status == SpecStatus::Malformed)
            return ignore;
        if (spec.status == SpecStatus::Unsatisfiable)
            continue;
        // totalLength <= size holds here, so the subtraction cannot overflow.
        if (spec.range.length() > size - totalLength)
            return ignore; // overlapping specs would send more than the whole file
        totalLength += spec.range.length();
        result.ranges.append(spec.range);
    }
    if (specCount == 0)
        return ignore;
    result.outcome = result.ranges.isEmpty() ? RangeOutcome::Unsatisfiable
                                             : RangeOutcome::Satisfiable;
    return result;
}

QByteArray contentRange(const ByteRange &r, qint64 size)
{
    return "bytes " + QByteArray::number(r.first) + '-' + QByteArray::number(r.last) + '/'
           + QByteArray::number(size);
}

QByteArray unsatisfiedContentRange(qint64 size)
{
    return "bytes */" + QByteArray::number(size);
}

namespace {

QByteArray zeroPadded(int value, int width)
{
    return QByteArray::number(value).rightJustified(width, '0');
}

} // namespace

QByteArray formatHttpDate(const QDateTime &when)
{
    if (!when.isValid())
        return {};
    const QDateTime utc = when.toUTC();
    const QDate date = utc.date();
    const QTime time = utc.time();
    if (date.year() < 1 || date.year() > 9999)
        return {};
    return QByteArray(kShortDays[date.dayOfWeek() - 1]) + ", " + zeroPadded(date.day(), 2) + ' '
           + kMonths[date.month() - 1] + ' ' + zeroPadded(date.year(), 4) + ' '
           + zeroPadded(time.hour(), 2) + ':' + zeroPadded(time.minute(), 2) + ':'
           + zeroPadded(time.second(), 2) + " GMT";
}

namespace {

// The fields of an HTTP-date before validation; weekday is 1 (Monday) .. 7 (Sunday).
struct DateFields
{
    int weekday = 0;
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
};

// Consumes an HTTP-date from left to right; every take* returns false (or nullopt) on mismatch.
struct Scanner
{
    QByteArrayView rest;

    bool takeLiteral(QByteArrayView literal)
    {
        if (!rest.startsWith(literal))
            return false;
        rest = rest.sliced(literal.size());
        return true;
    }

    std::optional<int> takeDigits(qsizetype count)
    {
        if (rest.size() < count)
            return std::nullopt;
        int value = 0;
        for (qsizetype i = 0; i < count; ++i) {
            if (!isDigit(rest.at(i)))
                return std::nullopt;
            value = value * 10 + (rest.at(i) - '0');
        }
        rest = rest.sliced(count);
        return value;
    }

    // Returns the 1-based index of the name that `rest` starts with.
    template<std::size_t N>
    std::optional<int> takeName(const std::array<const char *, N> &names)
    {
        for (std::size_t i = 0; i < N; ++i) {
            if (takeLiteral(names[i]))
                return int(i) + 1;
        }
        return std::nullopt;
    }

    // time-of-day = hour ":" minute ":" second
    bool takeTimeOfDay(DateFields &fields)
    {
        const std::optional<int> hour = takeDigits(2);
        if (!hour || !takeLiteral(":"))
            return false;
        const std::optional<int> minute = takeDigits(2);
        if (!minute || !takeLiteral(":"))
            return false;
        const std::optional<int> second = takeDigits(2);
        if (!second)
            return false;
        fields.hour = *hour;
        fields.minute = *minute;
        fields.second = *second;
        return true;
    }
};

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<DateFields> scanImfFixdate(QByteArrayView text)
{
    Scanner in{text};
    DateFields fields;
    const std::optional<int> weekday = in.takeName(kShortDays);
    if (!weekday || !in.takeLiteral(", "))
        return std::nullopt;
    const std::optional<int> day = in.takeDigits(2);
    if (!day || !in.takeLiteral(" "))
        return std::nullopt;
    const std::optional<int> month = in.takeName(kMonths);
    if (!month || !in.takeLiteral(" "))
        return std::nullopt;
    const std::optional<int> year = in.takeDigits(4);
    if (!year || !in.takeLiteral(" ") || !in.takeTimeOfDay(fields) || !in.takeLiteral(" GMT")
        || !in.rest.isEmpty()) {
        return std::nullopt;
    }
    fields.weekday = *weekday;
    fields.day = *day;
    fields.month = *month;
    fields.year = *year;
    return fields;
}

// RFC 9110 §5.6.7: a two-digit year that appears to be more than 50 years in the future means
// the most recent past year with the same last two digits.
int resolveTwoDigitYear(int twoDigits, const DateFields &fields, const QDateTime &nowUtc)
{
    const QDate today = nowUtc.date();
    const QTime now = nowUtc.time();
    const int year = today.year() - today.year() % 100 + twoDigits;
    const auto candidate = std::make_tuple(year, fields.month, fields.day, fields.hour,
                                           fields.minute, fields.second);
    const auto limit = std::make_tuple(today.year() + 50, today.month(), today.day(), now.hour(),
                                       now.minute(), now.second());
    return candidate > limit ? year - 100 : year;
}

// rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<DateFields> scanRfc850(QByteArrayView text, const QDateTime &nowUtc)
{
    Scanner in{text};
    DateFields fields;
    const std::optional<int> weekday = in.takeName(kLongDays);
    if (!weekday || !in.takeLiteral(", "))
        return std::nullopt;
    const std::optional<int> day = in.takeDigits(2);
    if (!day || !in.takeLiteral("-"))
        return std::nullopt;
    const std::optional<int> month = in.takeName(kMonths);
    if (!month || !in.takeLiteral("-"))
        return std::nullopt;
    const std::optional<int> year = in.takeDigits(2);
    if (!year || !in.takeLiteral(" ") || !in.takeTimeOfDay(fields) || !in.takeLiteral(" GMT")
        || !in.rest.isEmpty()) {
        return std::nullopt;
    }
    fields.weekday = *weekday;
    fields.day = *day;
    fields.month = *month;
    fields.year = resolveTwoDigitYear(*year, fields, nowUtc);
    return fields;
}

// asctime-date: "Sun Nov  6 08:49:37 1994"; the day is 2DIGIT or SP DIGIT.
std::optional<DateFields> scanAsctime(QByteArrayView text)
{
    Scanner in{text};
    DateFields fields;
    const std::optional<int> weekday = in.takeName(kShortDays);
    if (!weekday || !in.takeLiteral(" "))
        return std::nullopt;
    const std::optional<int> month = in.takeName(kMonths);
    if (!month || !in.takeLiteral(" "))
        return std::nullopt;
    const bool isPadded = in.takeLiteral(" ");
    const std::optional<int> day = in.takeDigits(isPadded ? 1 : 2);
    if (!day || !in.takeLiteral(" ") || !in.takeTimeOfDay(fields) || !in.takeLiteral(" "))
        return std::nullopt;
    const std::optional<int> year = in.takeDigits(4);
    if (!year || !in.rest.isEmpty())
        return std::nullopt;
    fields.weekday = *weekday;
    fields.day = *day;
    fields.month = *month;
    fields.year = *year;
    return fields;
}

std::optional<QDateTime> toUtcDateTime(const DateFields &fields)
{
    const QDate date(fields.year, fields.month, fields.day);
    if (!date.isValid() || date.dayOfWeek() != fields.weekday)
        return std::nullopt;
    const bool isLeapSecond = fields.hour == 23 && fields.minute == 59 && fields.second == 60;
    const QTime time(fields.hour, fields.minute, isLeapSecond ? 59 : fields.second);
    if (!time.isValid())
        return std::nullopt;
    return QDateTime(date, time, Qt::UTC);
}

// Whole seconds since the epoch, rounding towards the past so that pre-1970 times with
// milliseconds truncate the same way the HTTP-date text does.
qint64 floorSecsSinceEpoch(const QDateTime &when)
{
    const qint64 msecs = when.toMSecsSinceEpoch();
    return msecs / 1000 - (msecs % 1000 < 0 ? 1 : 0);
}

} // namespace

std::optional<QDateTime> parseHttpDate(QByteArrayView text)
{
    return parseHttpDate(text, QDateTime::currentDateTimeUtc());
}

std::optional<QDateTime> parseHttpDate(QByteArrayView text, const QDateTime &now)
{
    const QByteArrayView value = trimOws(text);
    const QDateTime nowUtc = now.isValid() ? now.toUTC() : QDateTime::currentDateTimeUtc();
    std::optional<DateFields> fields = scanImfFixdate(value);
    if (!fields)
        fields = scanRfc850(value, nowUtc);
    if (!fields)
        fields = scanAsctime(value);
    if (!fields)
        return std::nullopt;
    return toUtcDateTime(*fields);
}

QByteArray makeStrongEtag(qint64 size, const QDateTime &lastModified)
{
    return '"' + QByteArray::number(size, 16) + '-'
           + QByteArray::number(lastModified.toMSecsSinceEpoch(), 16) + '"';
}

namespace {

struct EntityTag
{
    bool isWeak = false;
    QByteArrayView opaque; // including the surrounding quotes
};

// etagc = %x21 / %x23-7E / obs-text
bool isEtagChar(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return byte == 0x21 || (byte >= 0x23 && byte <= 0x7E) || byte >= 0x80;
}

// Takes one entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE from the front of `text`.
// Note that etagc includes ',', so a list cannot simply be split on commas.
std::optional<EntityTag> takeEntityTag(QByteArrayView &text)
{
    EntityTag tag;
    QByteArrayView rest = text;
    if (rest.startsWith("W/")) {
        tag.isWeak = true;
        rest = rest.sliced(2);
    }
    if (!rest.startsWith('"'))
        return std::nullopt;
    qsizetype end = 1;
    while (end < rest.size() && isEtagChar(rest.at(end)))
        ++end;
    if (end >= rest.size() || rest.at(end) != '"')
        return std::nullopt;
    tag.opaque = rest.first(end + 1);
    text = rest.sliced(end + 1);
    return tag;
}

// The whole of `text` (after OWS trimming) must be exactly one entity-tag.
std::optional<EntityTag> parseEntityTag(QByteArrayView text)
{
    QByteArrayView rest = trimOws(text);
    const std::optional<EntityTag> tag = takeEntityTag(rest);
    if (!tag || !rest.isEmpty())
        return std::nullopt;
    return tag;
}

QByteArrayView skipOws(QByteArrayView text)
{
    while (!text.isEmpty() && isOws(text.front()))
        text = text.sliced(1);
    return text;
}

} // namespace

bool ifRangeMatches(QByteArrayView ifRange, QByteArrayView currentEtag,
                    const QDateTime &lastModified)
{
    const QByteArrayView value = trimOws(ifRange);
    // §13.1.5: an entity-tag is told apart from a date by a DQUOTE in the first three bytes.
    if (value.first(qMin<qsizetype>(3, value.size())).contains('"')) {
        const std::optional<EntityTag> tag = parseEntityTag(value);
        const std::optional<EntityTag> current = parseEntityTag(currentEtag);
        return tag && current && !tag->isWeak && !current->isWeak
               && tag->opaque == current->opaque;
    }
    const std::optional<QDateTime> date = parseHttpDate(value);
    if (!date || !lastModified.isValid())
        return false;
    return date->toSecsSinceEpoch() == floorSecsSinceEpoch(lastModified);
}

bool ifNoneMatchMatches(QByteArrayView ifNoneMatch, QByteArrayView currentEtag)
{
    QByteArrayView rest = trimOws(ifNoneMatch);
    if (rest == "*")
        return true;
    const std::optional<EntityTag> current = parseEntityTag(currentEtag);
    if (!current)
        return false;

    // #entity-tag: [ tag ] *( OWS "," OWS [ tag ] ); parse it all so that garbage anywhere
    // makes the whole header false, as a malformed list must not match.
    bool isMatched = false;
    while (!(rest = skipOws(rest)).isEmpty()) {
        if (rest.front() == ',') {
            rest = rest.sliced(1);
            continue;
        }
        const std::optional<EntityTag> tag = takeEntityTag(rest);
        if (!tag)
            return false;
        isMatched = isMatched || tag->opaque == current->opaque;
        rest = skipOws(rest);
        if (!rest.isEmpty() && rest.front() != ',')
            return false;
    }
    return isMatched; // also false for a list of only empty elements
}

namespace {

// tchar (RFC 9110 §5.6.2); a boundary made only of these needs no quotes as a parameter.
bool isTokenChar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

QByteArray boundaryParameter(QByteArrayView boundary)
{
    const bool isToken = !boundary.isEmpty()
                         && std::all_of(boundary.begin(), boundary.end(), isTokenChar);
    // RFC 2046 bchars contain neither '"' nor '\\', so quoting needs no escapes.
    return isToken ? boundary.toByteArray() : '"' + boundary.toByteArray() + '"';
}

} // namespace

MultipartPlan planMultipart(const QList<ByteRange> &ranges, qint64 size,
                            QByteArrayView partContentType, QByteArrayView boundary)
{
    MultipartPlan plan;
    plan.contentType = "multipart/byteranges; boundary=" + boundaryParameter(boundary);
    plan.parts.reserve(ranges.size());
    for (const ByteRange &range : ranges) {
        QByteArray head;
        if (!plan.parts.isEmpty())
            head.append("\r\n"); // the CRLF before a delimiter belongs to the delimiter
        head.append("--").append(boundary).append("\r\n");
        if (!partContentType.isEmpty())
            head.append("Content-Type: ").append(partContentType).append("\r\n");
        head.append("Content-Range: ").append(contentRange(range, size)).append("\r\n\r\n");
        plan.contentLength += head.size() + range.length();
        plan.parts.append({head, range});
    }
    plan.tail.append("\r\n--").append(boundary).append("--\r\n");
    plan.contentLength += plan.tail.size();
    return plan;
}

QByteArray makeBoundary()
{
    std::array<quint32, 3> random{};
    QRandomGenerator::global()->fillRange(random.data(), random.size());
    const QByteArray bytes(reinterpret_cast<const char *>(random.data()),
                           qsizetype(sizeof(random)));
    return "StreamLab-" + bytes.toHex();
}

} // namespace httprange
