// SPDX-License-Identifier: GPL-3.0-only
#include "httpwire.h"

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace httpwire {

namespace {

constexpr qint64 kMaxChunkSize = qint64(1) << 62;
constexpr qsizetype kMaxDecimalDigits = 18; // 10^18 - 1 fits in qint64
constexpr qsizetype kMaxLineLimit = qsizetype(1) << 40;
constexpr qsizetype kExcerptBytes = 60; // enough to recognise a line in a message

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Only SP and HTAB: QByteArray::trimmed() would also swallow a stray CR, which must show.
QByteArrayView trimOws(QByteArrayView text)
{
    while (!text.isEmpty() && isOws(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isOws(text.back()))
        text.chop(1);
    return text;
}

// Untrusted bytes made safe for a note or a message: short, printable ASCII, never invalid
// UTF-8 and never a control character that could garble a log or a view.
QString printable(QByteArrayView bytes)
{
    QString text;
    const qsizetype shown = std::min(bytes.size(), kExcerptBytes);
    for (qsizetype i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\')
            text += QLatin1Char(char(c));
        else
            text += u"\\x%1"_s.arg(uint(c), 2, 16, QLatin1Char('0'));
    }
    if (shown < bytes.size())
        text += u"…"_s;
    return text;
}

QString quoted(QByteArrayView bytes)
{
    return u'"' + printable(bytes) + u'"';
}

std::optional<qint64> parseDecimal(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > kMaxDecimalDigits
        || !std::all_of(text.begin(), text.end(), isDigit))
        return std::nullopt;
    qint64 value = 0;
    for (char c : text)
        value = value * 10 + (c - '0');
    return value;
}

struct StatusLine
{
    QByteArray version;
    int status = 0;
    QByteArray reason;
    QString error;
};

// status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ] (RFC 9112 §4); the SP before an
// empty reason is often missing in practice, so it is optional here.
StatusLine parseStatusLine(const QByteArray &text)
{
    StatusLine result;
    QString why;
    if (text.isEmpty())
        why = u"empty line where a status line was expected"_s;
    else if (!text.startsWith("HTTP/"))
        why = u"it does not start with \"HTTP/\""_s;
    else if (text.size() < 8 || !text.startsWith("HTTP/1.") || !isDigit(text[7])
             || (text.size() > 8 && text[8] != ' '))
        why = u"the version is not HTTP/1.x"_s;
    else if (text.size() < 12 || !std::all_of(text.begin() + 9, text.begin() + 12, isDigit)
             || (text.size() > 12 && text[12] != ' '))
        why = u"the status code is not three digits"_s;
    else if (text[9] == '0')
        why = u"the status code is below 100"_s;
    if (!why.isEmpty()) {
        result.error = u"bad status line "_s + quoted(text) + u": "_s + why;
        return result;
    }
    result.version = text.first(8);
    result.status = text.mid(9, 3).toInt();
    result.reason = text.mid(13);
    return result;
}

struct Field
{
    QByteArray name;
    QByteArray value;
    QString error;
};

Field parseField(const QByteArray &text, QLatin1StringView section)
{
    Field field;
    const qsizetype colon = text.indexOf(':');
    if (colon < 0) {
        field.error = section + u" line without ':': "_s + quoted(text);
        return field;
    }
    const QByteArrayView name = QByteArrayView(text).first(colon);
    const QByteArrayView value = trimOws(QByteArrayView(text).sliced(colon + 1));
    if (!isToken(name)) {
        // Whitespace before the colon lands here too: RFC 9112 §5.1 forbids it, because
        // parsers that disagree about it can be made to see different fields.
        field.error = section + u" field name "_s + quoted(name) + u" is not a valid token"_s;
    } else if (value.contains('\0') || value.contains('\r')) {
        field.error = section + u" field "_s + QString::fromLatin1(name)
                      + u" contains a NUL or bare CR byte"_s;
    }
    field.name = name.toByteArray();
    field.value = value.toByteArray();
    return field;
}

struct ChunkSize
{
    qint64 size = 0;
    QByteArray extension; // from the ';' on, as sent
    QString error;
};

// chunk-size [ BWS ";" chunk-ext ] (RFC 9112 §7.1). Extensions are kept for the note but not
// interpreted: no chunk extension is defined that changes framing.
ChunkSize parseChunkSize(const QByteArray &text)
{
    ChunkSize chunk;
    const auto bad = [&](const QString &why) {
        chunk.error = u"bad chunk size "_s + quoted(text) + u": "_s + why;
        return chunk;
    };
    qsizetype i = 0;
    for (; i < text.size() && hexValue(text[i]) >= 0; ++i) {
        const int digit = hexValue(text[i]);
        if (chunk.size > (kMaxChunkSize - digit) / 16)
            return bad(u"larger than 2^62 bytes"_s);
        chunk.size = chunk.size * 16 + digit;
    }
    if (text.isEmpty())
        return bad(u"empty chunk-size line"_s);
    if (i == 0)
        return bad(u"not a hexadecimal number"_s);
    while (i < text.size() && isOws(text[i]))
        ++i;
    if (i < text.size() && text[i] != ';')
        return bad(u"unexpected "_s + quoted(text.mid(i, 1)) + u" after the hex digits"_s);
    chunk.extension = text.mid(i);
    return chunk;
}

QString bodyTooLarge(qint64 limit)
{
    return u"body larger than the limit of %1 bytes"_s.arg(limit);
}

QString bytesMissing(qint64 left, qint64 total)
{
    return u" (%1 of %2 bytes missing)"_s.arg(left).arg(total);
}

} // namespace

QLatin1StringView segmentKindName(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::StatusLine:
        return "StatusLine"_L1;
    case SegmentKind::HeaderLine:
        return "HeaderLine"_L1;
    case SegmentKind::HeaderEnd:
        return "HeaderEnd"_L1;
    case SegmentKind::BodyData:
        return "BodyData"_L1;
    case SegmentKind::ChunkSizeLine:
        return "ChunkSizeLine"_L1;
    case SegmentKind::ChunkData:
        return "ChunkData"_L1;
    case SegmentKind::ChunkDataEnd:
        return "ChunkDataEnd"_L1;
    case SegmentKind::LastChunk:
        return "LastChunk"_L1;
    case SegmentKind::TrailerLine:
        return "TrailerLine"_L1;
    case SegmentKind::TrailerEnd:
        return "TrailerEnd"_L1;
    case SegmentKind::Error:
        return "Error"_L1;
    }
    return "Unknown"_L1;
}

QByteArray Response::value(QByteArrayView name) const
{
    QByteArray joined;
    bool isFound = false;
    for (const auto &[fieldName, fieldValue] : headers) {
        if (QByteArrayView(fieldName).compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (isFound)
            joined += ", ";
        joined += fieldValue;
        isFound = true;
    }
    return joined;
}

ResponseParser::ResponseParser(Limits limits) : m_limits(limits)
{
    // Out-of-range limits would make the arithmetic below overflow.
    m_limits.maxLine = std::clamp<qsizetype>(m_limits.maxLine, 0, kMaxLineLimit);
    m_limits.maxHeaders = std::max(m_limits.maxHeaders, 0);
    m_limits.maxBody = std::max<qint64>(m_limits.maxBody, 0);
}

void ResponseParser::expectResponseTo(QByteArrayView method)
{
    m_methods.append(method.toByteArray());
}

QList<Segment> ResponseParser::feed(QByteArrayView bytes)
{
    QList<Segment> out;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        const QByteArrayView rest = bytes.sliced(pos);
        switch (m_state) {
        case State::StatusLine:
            if (const auto line = takeLine(bytes, pos, "status line"_L1, out))
                onStatusLine(*line, out);
            break;
        case State::Headers:
            if (const auto line = takeLine(bytes, pos, "header line"_L1, out))
                onHeaderLine(*line, out);
            break;
        case State::Body:
            pos += takeBody(rest, out);
            break;
        case State::CloseDelimitedBody:
            pos += takeCloseDelimitedBody(rest, out);
            break;
        case State::ChunkSize:
            if (const auto line = takeLine(bytes, pos, "chunk-size line"_L1, out))
                onChunkSizeLine(*line, out);
            break;
        case State::ChunkData:
            pos += takeChunkData(rest, out);
            break;
        case State::ChunkDataEnd:
            pos += takeChunkDataEnd(rest.front(), out);
            break;
        case State::Trailers:
            if (const auto line = takeLine(bytes, pos, "trailer line"_L1, out))
                onTrailerLine(*line, out);
            break;
        case State::Opaque:
            pos += takeOpaque(rest, out);
            break;
        case State::Failed:
            return out;
        }
    }
    return out;
}

QList<Segment> ResponseParser::finish()
{
    QList<Segment> out;
    switch (m_state) {
    case State::StatusLine:
        if (!m_line.isEmpty())
            fail(u"connection closed in the middle of a status line"_s, m_line, out);
        break;
    case State::Headers:
        fail(u"connection closed in the middle of the header section"_s, m_line, out);
        break;
    case State::Body:
        fail(u"connection closed in the middle of the body"_s + bytesMissing(m_left, m_total), {},
             out);
        break;
    case State::CloseDelimitedBody:
        // The close is what ends this body (RFC 9112 §6.3 rule 8): a complete response.
        completeResponse(State::StatusLine);
        break;
    case State::ChunkSize:
        fail(u"connection closed in the middle of a chunked body, before the last chunk"_s, m_line,
             out);
        break;
    case State::ChunkData:
        fail(u"connection closed in the middle of chunk data"_s + bytesMissing(m_left, m_total), {},
             out);
        break;
    case State::ChunkDataEnd:
        fail(u"connection closed before the CRLF after chunk data"_s, m_line, out);
        break;
    case State::Trailers:
        fail(u"connection closed in the middle of the trailer section"_s, m_line, out);
        break;
    case State::Opaque:
    case State::Failed:
        break;
    }
    return out;
}

// Hands out one complete line, or keeps the partial line in m_line for the next feed. Never
// holds more than maxLine + CRLF bytes, however many bytes arrive without an LF.
std::optional<ResponseParser::Line> ResponseParser::takeLine(QByteArrayView bytes, qsizetype &pos,
                                                             QLatin1StringView what,
                                                             QList<Segment> &out)
{
    const qsizetype room = m_limits.maxLine + 2 - m_line.size();
    const QByteArrayView window = bytes.sliced(pos, std::min(room, bytes.size() - pos));
    const qsizetype newline = window.indexOf('\n');
    const qsizetype taken = newline < 0 ? window.size() : newline + 1;
    m_line.append(window.first(taken));
    pos += taken;
    const auto tooLong = [&]() -> QString {
        return what + u" longer than "_s + QString::number(m_limits.maxLine) + u" bytes"_s;
    };
    if (newline < 0) {
        if (m_line.size() >= m_limits.maxLine + 2)
            fail(tooLong(), m_line, out);
        return std::nullopt;
    }
    Line line;
    line.raw = std::exchange(m_line, QByteArray());
    line.text = line.raw.chopped(1);
    if (line.text.endsWith('\r'))
        line.text.chop(1);
    if (line.text.size() > m_limits.maxLine) {
        fail(tooLong(), line.raw, out);
        return std::nullopt;
    }
    return line;
}

qsizetype ResponseParser::takeBody(QByteArrayView bytes, QList<Segment> &out)
{
    const auto size = qsizetype(std::min<qint64>(m_left, bytes.size()));
    const QByteArrayView piece = bytes.first(size);
    m_current.body.append(piece);
    m_left -= size;
    push(SegmentKind::BodyData, piece,
         u"body %1 bytes (%2 of %3 left)"_s.arg(size).arg(m_left).arg(m_total), out);
    if (m_left == 0)
        completeResponse(State::StatusLine);
    return size;
}

qsizetype ResponseParser::takeCloseDelimitedBody(QByteArrayView bytes, QList<Segment> &out)
{
    const qint64 room = m_limits.maxBody - m_current.body.size();
    const auto size = qsizetype(std::min<qint64>(room, bytes.size()));
    if (size > 0) {
        const QByteArrayView piece = bytes.first(size);
        m_current.body.append(piece);
        push(SegmentKind::BodyData, piece,
             u"body %1 bytes (%2 so far, until the connection closes)"_s.arg(size).arg(
                 m_current.body.size()),
             out);
    }
    if (size < bytes.size())
        fail(bodyTooLarge(m_limits.maxBody), {}, out);
    return bytes.size();
}

qsizetype ResponseParser::takeChunkData(QByteArrayView bytes, QList<Segment> &out)
{
    const auto size = qsizetype(std::min<qint64>(m_left, bytes.size()));
    const QByteArrayView piece = bytes.first(size);
    m_current.body.append(piece);
    m_left -= size;
    push(SegmentKind::ChunkData, piece,
         u"chunk data %1 bytes (%2 of %3 left)"_s.arg(size).arg(m_left).arg(m_total), out);
    if (m_left == 0)
        m_state = State::ChunkDataEnd;
    return size;
}

// Byte by byte, because the CR and the LF may arrive in different reads, and because a wrong
// byte here means the chunk size lied: better to stop at once than to wait for a newline.
qsizetype ResponseParser::takeChunkDataEnd(char byte, QList<Segment> &out)
{
    if (byte == '\r' && m_line.isEmpty()) {
        m_line.append(byte);
        return 1;
    }
    const QByteArray raw = std::exchange(m_line, QByteArray()) + byte;
    if (byte == '\n') {
        push(SegmentKind::ChunkDataEnd, raw,
             raw.size() == 1 ? u"bare LF after chunk data"_s : u"CRLF after chunk data"_s, out);
        m_state = State::ChunkSize;
    } else {
        fail(u"missing CRLF after chunk data: got "_s + quoted(raw)
                 + u" after the %1 bytes the chunk size announced"_s.arg(m_total),
             raw, out);
    }
    return 1;
}

qsizetype ResponseParser::takeOpaque(QByteArrayView bytes, QList<Segment> &out)
{
    push(SegmentKind::BodyData, bytes, m_opaqueNote, out);
    return bytes.size();
}

void ResponseParser::onStatusLine(const Line &line, QList<Segment> &out)
{
    StatusLine status = parseStatusLine(line.text);
    if (!status.error.isEmpty()) {
        fail(status.error, line.raw, out);
        return;
    }
    m_current.version = std::move(status.version);
    m_current.status = status.status;
    m_current.reason = std::move(status.reason);
    QString note = u"status "_s + QString::number(m_current.status);
    if (!m_current.reason.isEmpty())
        note += u' ' + printable(m_current.reason);
    if (m_current.isInterim())
        note += u" (interim response)"_s;
    push(SegmentKind::StatusLine, line.raw, note, out);
    m_state = State::Headers;
}

void ResponseParser::onHeaderLine(const Line &line, QList<Segment> &out)
{
    if (line.text.isEmpty()) {
        onHeaderEnd(line, out);
        return;
    }
    // Counting lines rather than fields also bounds memory spent on folded continuations.
    if (++m_sectionLines > m_limits.maxHeaders) {
        fail(u"more than %1 header fields"_s.arg(m_limits.maxHeaders), line.raw, out);
        return;
    }
    if (isOws(line.text.front())) {
        onFoldedLine(line, m_current.headers, out);
        return;
    }
    Field field = parseField(line.text, "header"_L1);
    if (!field.error.isEmpty()) {
        fail(field.error, line.raw, out);
        return;
    }
    if (!noteFraming(field.name, field.value, line, out))
        return;
    push(SegmentKind::HeaderLine, line.raw, u"header "_s + QString::fromLatin1(field.name), out);
    m_current.headers.append({std::move(field.name), std::move(field.value)});
}

// Obsolete line folding (RFC 9112 §5.2): a user agent replaces it with a space. A folded
// framing field is refused, though: its meaning would depend on who unfolds it.
void ResponseParser::onFoldedLine(const Line &line, QList<QPair<QByteArray, QByteArray>> &fields,
                                  QList<Segment> &out)
{
    const QByteArrayView more = trimOws(line.text);
    if (fields.isEmpty()) {
        fail(u"a folded line (starting with whitespace) before the first field"_s, line.raw, out);
        return;
    }
    auto &[name, value] = fields.last();
    if (name.compare("Content-Length", Qt::CaseInsensitive) == 0
        || name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
        fail(u"obsolete line folding in the framing field "_s + QString::fromLatin1(name), line.raw,
             out);
        return;
    }
    if (more.contains('\0') || more.contains('\r')) {
        fail(u"folded line of "_s + QString::fromLatin1(name)
                 + u" contains a NUL or bare CR byte"_s,
             line.raw, out);
        return;
    }
    if (!more.isEmpty() && !value.isEmpty())
        value += ' ';
    value += more;
    const bool isTrailer = m_state == State::Trailers;
    push(isTrailer ? SegmentKind::TrailerLine : SegmentKind::HeaderLine, line.raw,
         u"continuation of "_s + QString::fromLatin1(name) + u" (obsolete line folding)"_s, out);
}

// Records Content-Length and Transfer-Encoding as they arrive, so that a bad or conflicting
// value is reported on the very line that carries it. Returns false after failing.
bool ResponseParser::noteFraming(const QByteArray &name, const QByteArray &value, const Line &line,
                                 QList<Segment> &out)
{
    if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
        m_hasTransferEncoding = true;
        for (const QByteArray &coding : value.split(',')) {
            if (!trimOws(coding).isEmpty())
                m_lastCoding = trimOws(coding).toByteArray().toLower();
        }
        return true;
    }
    if (name.compare("Content-Length", Qt::CaseInsensitive) != 0)
        return true;
    // A list of identical values ("10, 10") is what a proxy makes of repeated fields, and
    // RFC 9110 §8.6 lets a recipient accept it.
    for (const QByteArray &item : value.split(',')) {
        const std::optional<qint64> length = parseDecimal(trimOws(item));
        if (!length) {
            fail(u"invalid Content-Length "_s + quoted(value), line.raw, out);
            return false;
        }
        if (m_contentLength && *m_contentLength != *length) {
            fail(
                u"conflicting Content-Length values %1 and %2"_s.arg(*m_contentLength).arg(*length),
                line.raw, out);
            return false;
        }
        m_contentLength = length;
    }
    return true;
}

// Chooses how the body is delimited, in the order of RFC 9112 §6.3.
void ResponseParser::onHeaderEnd(const Line &line, QList<Segment> &out)
{
    const int status = m_current.status;
    const bool isFinal = !m_current.isInterim() || status == 101; // 101 ends HTTP on this wire
    const QByteArray method = m_methods.isEmpty() ? QByteArray("GET") : m_methods.first();
    if (isFinal && !m_methods.isEmpty())
        m_methods.removeFirst();

    if (status == 101 || (method == "CONNECT" && status / 100 == 2)) {
        m_opaqueNote = status == 101 ? u"upgraded protocol bytes"_s : u"tunnelled bytes"_s;
        push(SegmentKind::HeaderEnd, line.raw,
             u"end of headers; from here on the connection no longer speaks HTTP"_s, out);
        completeResponse(State::Opaque);
    } else if (method == "HEAD" || m_current.isInterim() || status == 204 || status == 304) {
        const QString why
            = method == "HEAD" ? u"a response to HEAD"_s : u"status "_s + QString::number(status);
        push(SegmentKind::HeaderEnd, line.raw, u"end of headers; no body ("_s + why + u')', out);
        completeResponse(State::StatusLine);
    } else if (m_hasTransferEncoding && m_lastCoding == "chunked") {
        m_current.isChunked = true; // even beside a Content-Length (RFC 9112 §6.3 rule 3)
        push(SegmentKind::HeaderEnd, line.raw, u"end of headers; chunked body"_s, out);
        m_state = State::ChunkSize;
    } else if (m_hasTransferEncoding || !m_contentLength) {
        m_current.isCloseDelimited = true;
        push(SegmentKind::HeaderEnd, line.raw,
             u"end of headers; the body runs until the connection closes"_s, out);
        m_state = State::CloseDelimitedBody;
    } else {
        startFixedBody(line, out);
    }
}

void ResponseParser::startFixedBody(const Line &line, QList<Segment> &out)
{
    m_total = m_left = *m_contentLength;
    push(SegmentKind::HeaderEnd, line.raw,
         u"end of headers; body of %1 bytes (Content-Length)"_s.arg(m_total), out);
    if (m_total > m_limits.maxBody) {
        const QString detail = u" (Content-Length: %1)"_s.arg(m_total);
        fail(bodyTooLarge(m_limits.maxBody) + detail, {}, out);
    } else if (m_total == 0) {
        completeResponse(State::StatusLine);
    } else {
        m_state = State::Body;
    }
}

void ResponseParser::onChunkSizeLine(const Line &line, QList<Segment> &out)
{
    const ChunkSize chunk = parseChunkSize(line.text);
    if (!chunk.error.isEmpty()) {
        fail(chunk.error, line.raw, out);
        return;
    }
    const QString extension
        = chunk.extension.isEmpty() ? QString() : u", extension "_s + printable(chunk.extension);
    if (chunk.size == 0) {
        push(SegmentKind::LastChunk, line.raw, u"last chunk"_s + extension, out);
        m_sectionLines = 0;
        m_state = State::Trailers;
        return;
    }
    if (chunk.size > m_limits.maxBody - m_current.body.size()) {
        const QString detail
            = u": a chunk of %1 bytes after %2 bytes"_s.arg(chunk.size).arg(m_current.body.size());
        fail(bodyTooLarge(m_limits.maxBody) + detail, line.raw, out);
        return;
    }
    m_current.chunkSizes.append(chunk.size);
    m_total = m_left = chunk.size;
    push(SegmentKind::ChunkSizeLine, line.raw,
         u"chunk of %1 bytes (0x%2)"_s.arg(chunk.size).arg(chunk.size, 0, 16) + extension, out);
    m_state = State::ChunkData;
}

void ResponseParser::onTrailerLine(const Line &line, QList<Segment> &out)
{
    if (line.text.isEmpty()) {
        push(SegmentKind::TrailerEnd, line.raw,
             m_current.trailers.isEmpty() ? u"end of chunked body, no trailers"_s
                                          : u"end of trailers"_s,
             out);
        completeResponse(State::StatusLine);
        return;
    }
    if (++m_sectionLines > m_limits.maxHeaders) {
        fail(u"more than %1 trailer fields"_s.arg(m_limits.maxHeaders), line.raw, out);
        return;
    }
    if (isOws(line.text.front())) {
        onFoldedLine(line, m_current.trailers, out);
        return;
    }
    Field field = parseField(line.text, "trailer"_L1);
    if (!field.error.isEmpty()) {
        fail(field.error, line.raw, out);
        return;
    }
    push(SegmentKind::TrailerLine, line.raw, u"trailer "_s + QString::fromLatin1(field.name), out);
    m_current.trailers.append({std::move(field.name), std::move(field.value)});
}

void ResponseParser::completeResponse(State next)
{
    m_responses.append(std::exchange(m_current, Response()));
    m_sectionLines = 0;
    m_contentLength.reset();
    m_hasTransferEncoding = false;
    m_lastCoding.clear();
    m_left = m_total = 0;
    m_state = next;
    // The bytes after an upgrade still belong to the 101 that announced it.
    if (next != State::Opaque)
        m_index = int(m_responses.size());
}

void ResponseParser::fail(const QString &message, const QByteArray &raw, QList<Segment> &out)
{
    m_state = State::Failed;
    m_error = message;
    push(SegmentKind::Error, raw, message, out); // before clearing: raw may be m_line
    m_line.clear();
}

void ResponseParser::push(SegmentKind kind, QByteArrayView raw, const QString &note,
                          QList<Segment> &out) const
{
    out.append(Segment{kind, raw.toByteArray(), m_index, note});
}

} // namespace httpwire
