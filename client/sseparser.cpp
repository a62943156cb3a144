// SPDX-License-Identifier: GPL-3.0-only
#include "sseparser.h"

#include <algorithm>
#include <climits>
#include <utility>

using namespace Qt::StringLiterals;

namespace sse {

namespace {

constexpr char32_t kReplacementCharacter = 0xFFFD;
constexpr char32_t kByteOrderMark = 0xFEFF;

// "If the field value consists of only ASCII digits": an empty value is no number, so it is
// ignored like any other invalid one. A value too large for an int saturates rather than wraps.
std::optional<int> parseRetry(QStringView value)
{
    if (value.isEmpty())
        return std::nullopt;
    qint64 ms = 0;
    for (const QChar c : value) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        ms = std::min<qint64>(ms * 10 + (c.unicode() - u'0'), INT_MAX);
    }
    return int(ms);
}

bool isLineTerminator(char c)
{
    return c == '\r' || c == '\n';
}

} // namespace

// The steps of the Encoding Standard's UTF-8 decoder, one byte at a time.
void Utf8Decoder::decode(QByteArrayView bytes, QString &out)
{
    qsizetype i = 0;
    while (i < bytes.size()) {
        const auto byte = uchar(bytes[i]);
        if (m_bytesNeeded == 0) {
            startSequence(byte, out);
            ++i;
            continue;
        }
        if (byte < m_lowerBoundary || byte > m_upperBoundary) {
            // The byte cannot continue the sequence: the sequence so far is one U+FFFD, and
            // the byte is looked at again (without ++i) as the start of a new one.
            resetSequence();
            emitCodePoint(kReplacementCharacter, out);
            continue;
        }
        m_lowerBoundary = 0x80;
        m_upperBoundary = 0xBF;
        m_codePoint = (m_codePoint << 6) | (byte & 0x3F);
        ++i;
        if (++m_bytesSeen == m_bytesNeeded) {
            const char32_t codePoint = m_codePoint;
            resetSequence();
            emitCodePoint(codePoint, out);
        }
    }
}

// The boundaries rule out overlong forms, surrogates and code points above U+10FFFF as soon as
// the second byte arrives, which is what makes each maximal invalid subpart one U+FFFD.
void Utf8Decoder::startSequence(uchar byte, QString &out)
{
    if (byte <= 0x7F) {
        emitCodePoint(byte, out);
    } else if (byte >= 0xC2 && byte <= 0xDF) {
        m_bytesNeeded = 1;
        m_codePoint = byte & 0x1F;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
        if (byte == 0xE0)
            m_lowerBoundary = 0xA0;
        if (byte == 0xED)
            m_upperBoundary = 0x9F;
        m_bytesNeeded = 2;
        m_codePoint = byte & 0x0F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
        if (byte == 0xF0)
            m_lowerBoundary = 0x90;
        if (byte == 0xF4)
            m_upperBoundary = 0x8F;
        m_bytesNeeded = 3;
        m_codePoint = byte & 0x07;
    } else {
        emitCodePoint(kReplacementCharacter, out);
    }
}

// A U+FEFF can be the first code point only if the stream began with EF BB BF, so dropping it
// here is exactly "UTF-8 decode"'s BOM sniffing, even when those three bytes arrive apart.
void Utf8Decoder::emitCodePoint(char32_t codePoint, QString &out)
{
    if (m_isAtStreamStart) {
        m_isAtStreamStart = false;
        if (codePoint == kByteOrderMark)
            return;
    }
    if (QChar::requiresSurrogates(codePoint)) {
        out.append(QChar(QChar::highSurrogate(codePoint)));
        out.append(QChar(QChar::lowSurrogate(codePoint)));
    } else {
        out.append(QChar(char16_t(codePoint)));
    }
}

void Utf8Decoder::resetSequence()
{
    m_codePoint = 0;
    m_bytesNeeded = 0;
    m_bytesSeen = 0;
    m_lowerBoundary = 0x80;
    m_upperBoundary = 0xBF;
}

Parser::Parser(Limits limits)
    : m_limits(limits)
{
}

QList<Event> Parser::feed(QByteArrayView bytes)
{
    QList<Event> events;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        switch (m_state) {
        case State::Failed:
            return events;
        case State::AfterCr:
            m_state = State::InLine;
            if (bytes[pos] == '\n') {
                // The LF completes the CRLF of a line already handled. It joins that line's
                // bytes, unless that line was the blank line ending an event (then empty).
                ++pos;
                if (!m_eventRaw.isEmpty())
                    appendEventRaw("\n");
            }
            break;
        case State::InLine: {
            pos += appendLineBytes(bytes.sliced(pos));
            if (m_state == State::Failed || pos == bytes.size())
                break;
            const char terminator = bytes[pos++];
            endLine(terminator, events);
            if (m_state != State::Failed && terminator == '\r')
                m_state = State::AfterCr;
            break;
        }
        }
    }
    return events;
}

// Takes the bytes of `bytes` up to the first CR or LF into the current line; returns how many.
qsizetype Parser::appendLineBytes(QByteArrayView bytes)
{
    const auto end = std::find_if(bytes.begin(), bytes.end(), isLineTerminator);
    const QByteArrayView run = bytes.first(end - bytes.begin());
    if (m_lineBytes.size() + run.size() > m_limits.maxLineBytes) {
        fail(u"line longer than %1 bytes"_s.arg(m_limits.maxLineBytes));
        return run.size();
    }
    m_lineBytes.append(run);
    m_decoder.decode(run, m_lineText);
    return run.size();
}

bool Parser::appendEventRaw(QByteArrayView bytes)
{
    if (m_eventRaw.size() + bytes.size() > m_limits.maxDataBytes) {
        fail(u"event longer than %1 bytes"_s.arg(m_limits.maxDataBytes));
        return false;
    }
    m_eventRaw.append(bytes);
    return true;
}

void Parser::endLine(char terminator, QList<Event> &events)
{
    // The terminator goes through the decoder too: it turns a sequence it cuts into U+FFFD, and
    // a line ending before any other byte means a later U+FEFF is not at the stream's start.
    m_decoder.decode(QByteArrayView(&terminator, 1), m_lineText);
    m_lineText.chop(1);
    if (!appendEventRaw(m_lineBytes) || !appendEventRaw(QByteArrayView(&terminator, 1)))
        return;
    processLine(m_lineText, events);
    m_lineBytes.clear();
    m_lineText.clear();
}

void Parser::processLine(QStringView line, QList<Event> &events)
{
    if (line.isEmpty()) {
        dispatch(events);
        return;
    }
    if (line.front() == u':') {
        if (m_commentCount < INT_MAX)
            ++m_commentCount;
        // The raw line may begin with a BOM the decoder dropped; the first ':' is still this one.
        m_lastComment = m_lineBytes.sliced(m_lineBytes.indexOf(':') + 1);
        return;
    }
    const qsizetype colon = line.indexOf(u':');
    if (colon < 0) {
        processField(line, QStringView());
        return;
    }
    QStringView value = line.sliced(colon + 1);
    if (value.startsWith(u' '))
        value = value.sliced(1);
    processField(line.first(colon), value);
}

void Parser::processField(QStringView field, QStringView value)
{
    if (field == u"event") {
        m_eventType = value.toString();
    } else if (field == u"data") {
        m_data.append(value);
        m_data.append(u'\n');
    } else if (field == u"id") {
        if (!value.contains(QChar(u'\0')))
            m_lastEventIdBuffer = value.toString();
    } else if (field == u"retry") {
        if (const std::optional<int> ms = parseRetry(value))
            m_retryMs = ms;
    }
}

void Parser::dispatch(QList<Event> &events)
{
    m_lastEventId = m_lastEventIdBuffer;
    QByteArray raw = std::exchange(m_eventRaw, QByteArray());
    if (m_data.isEmpty()) {
        m_eventType.clear();
        return;
    }
    if (m_data.endsWith(u'\n'))
        m_data.chop(1);
    Event event;
    event.type = m_eventType.isEmpty() ? u"message"_s : m_eventType;
    event.data = std::exchange(m_data, QString());
    event.lastEventId = m_lastEventId;
    event.raw = std::move(raw);
    m_eventType.clear();
    events.append(std::move(event));
}

void Parser::finish()
{
    discardStream();
    if (m_state != State::Failed)
        m_state = State::InLine;
}

void Parser::resetForNewConnection()
{
    discardStream();
    m_decoder = Utf8Decoder();
    m_state = State::InLine;
    m_error.clear();
    m_lastEventIdBuffer = m_lastEventId;
}

void Parser::discardStream()
{
    m_lineBytes.clear();
    m_lineText.clear();
    m_eventRaw.clear();
    m_data.clear();
    m_eventType.clear();
}

void Parser::fail(const QString &message)
{
    m_state = State::Failed;
    m_error = message;
    discardStream();
}

QString Parser::lastEventId() const
{
    return m_lastEventId;
}

std::optional<int> Parser::retryMs() const
{
    return m_retryMs;
}

int Parser::commentCount() const
{
    return m_commentCount;
}

QByteArray Parser::lastComment() const
{
    return m_lastComment;
}

bool Parser::hasError() const
{
    return m_state == State::Failed;
}

QString Parser::errorString() const
{
    return m_error;
}

} // namespace sse
