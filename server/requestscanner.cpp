// SPDX-License-Identifier: GPL-3.0-only
#include "requestscanner.h"

#include <optional>

namespace {

constexpr qint64 kMaxChunkSizeDigits = 15;  // 15 hex digits < 2^60: no overflow possible

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// True when the comma-separated list `list` holds `token` (case-insensitive).
bool listHasToken(QByteArrayView list, QByteArrayView token)
{
    for (const QByteArray &item : list.toByteArray().split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

std::optional<qint64> parseDecimal(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 18)
        return std::nullopt;
    qint64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

QByteArray appendListValue(const QByteArray &existing, QByteArrayView value)
{
    return existing.isEmpty() ? value.toByteArray() : existing + ", " + value;
}

} // namespace

RequestScanner::RequestScanner(ScanLimits limits) : m_limits(limits) {}

bool RequestScanner::isIdle() const
{
    return m_state == State::RequestLine && m_line.isEmpty();
}

bool RequestScanner::isStopped() const
{
    return m_state == State::Stopped;
}

bool RequestScanner::takeLine(QByteArrayView bytes, qsizetype &pos, qsizetype limit,
                              QByteArray &line, bool &tooLong)
{
    const qsizetype newline = bytes.indexOf('\n', pos);
    const qsizetype end = newline < 0 ? bytes.size() : newline;
    // +1 leaves room for the CR that precedes LF.
    if (m_line.size() + (end - pos) > limit + 1) {
        tooLong = true;
        return false;
    }
    m_line.append(bytes.sliced(pos, end - pos));
    pos = newline < 0 ? bytes.size() : newline + 1;
    if (newline < 0)
        return false;
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    line = std::exchange(m_line, QByteArray());
    return true;
}

QList<ScanEvent> RequestScanner::feed(QByteArrayView bytes)
{
    QList<ScanEvent> events;
    qsizetype pos = 0;
    while (pos < bytes.size() && m_state != State::Stopped) {
        QByteArray line;
        bool tooLong = false;
        switch (m_state) {
        case State::RequestLine:
            if (takeLine(bytes, pos, m_limits.maxRequestLine, line, tooLong))
                onRequestLine(line, events);
            else if (tooLong)
                reject(414, "request line longer than " + QByteArray::number(m_limits.maxRequestLine)
                           + " bytes", events);
            break;
        case State::Headers:
        case State::Trailers:
            if (takeLine(bytes, pos, m_limits.maxHeaderBytes - m_headerBytes, line, tooLong))
                onHeaderLine(line, events);
            else if (tooLong)
                reject(431, "request header fields larger than "
                           + QByteArray::number(m_limits.maxHeaderBytes) + " bytes", events);
            break;
        case State::ChunkSize:
            if (takeLine(bytes, pos, 1024, line, tooLong))
                onChunkSizeLine(line, events);
            else if (tooLong)
                reject(400, "chunk-size line of the request body is too long", events);
            break;
        case State::Body:
        case State::ChunkData: {
            const qint64 take = qMin<qint64>(m_bodyLeft, bytes.size() - pos);
            pos += take;
            m_bodyLeft -= take;
            if (m_bodyLeft == 0) {
                if (m_state == State::Body)
                    startNextRequest();
                else
                    m_state = State::ChunkDataEnd;
            }
            break;
        }
        case State::ChunkDataEnd:
            if (takeLine(bytes, pos, 0, line, tooLong) && line.isEmpty())
                m_state = State::ChunkSize;
            else if (tooLong || !line.isEmpty())
                reject(400, "chunk data of the request body is not followed by CRLF", events);
            break;
        case State::Stopped:
            break;
        }
    }
    return events;
}

void RequestScanner::onRequestLine(const QByteArray &line, QList<ScanEvent> &events)
{
    if (line.isEmpty())
        return;  // RFC 9112 §2.2: ignore empty lines before a request line
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
        reject(400, "malformed request line (expected: METHOD SP TARGET SP HTTP/1.1)", events);
        return;
    }
    const QByteArray &version = parts[2];
    if (version == "HTTP/1.1" || version == "HTTP/1.0") {
        m_head = RequestHead();
        m_head.method = parts[0];
        m_head.target = parts[1];
        m_head.minorVersion = version.back() - '0';
        m_state = State::Headers;
        return;
    }
    if (version.startsWith("HTTP/") && version.size() == 8)
        reject(505, "HTTP version " + version.mid(5) + " not supported; use HTTP/1.1 or HTTP/1.0",
               events);
    else
        reject(400, "malformed HTTP version in the request line", events);
}

void RequestScanner::onHeaderLine(const QByteArray &line, QList<ScanEvent> &events)
{
    m_headerBytes += line.size() + 2;
    if (line.isEmpty()) {
        if (m_state == State::Trailers)
            startNextRequest();
        else
            onHeadersDone(events);
        return;
    }
    if (++m_headerFields > m_limits.maxHeaderFields) {
        reject(431, "more than " + QByteArray::number(m_limits.maxHeaderFields)
                   + " request header fields", events);
        return;
    }
    if (line.front() == ' ' || line.front() == '\t') {
        reject(400, "obsolete line folding in request headers is not accepted", events);
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray name = colon < 0 ? QByteArray() : line.left(colon);
    if (!isToken(name)) {
        reject(400, "malformed request header line (expected: Name: value)", events);
        return;
    }
    if (m_state == State::Trailers)
        return;
    const QByteArray value = line.mid(colon + 1).trimmed();
    const QByteArray lower = name.toLower();
    if (lower == "content-length")
        m_contentLengths.append(value.split(','));
    else if (lower == "transfer-encoding")
        m_transferEncoding = appendListValue(m_transferEncoding, value);
    else if (lower == "connection")
        m_connection = appendListValue(m_connection, value);
    else if (lower == "upgrade")
        m_upgrade = value;
    else if (lower == "expect")
        m_expect = value;
    else if (lower == "host")
        m_hasHost = true;
}

void RequestScanner::onHeadersDone(QList<ScanEvent> &events)
{
    if (m_head.minorVersion == 1 && !m_hasHost)
        return reject(400, "missing Host header (required in HTTP/1.1)", events);
    if (!m_transferEncoding.isEmpty() && !m_contentLengths.isEmpty())
        return reject(400, "both Transfer-Encoding and Content-Length given", events);
    if (!m_transferEncoding.isEmpty()) {
        if (m_transferEncoding.trimmed().compare("chunked", Qt::CaseInsensitive) != 0)
            return reject(501, "Transfer-Encoding \"" + m_transferEncoding
                               + "\" not supported; only chunked", events);
        m_head.contentLength = -1;
    }
    std::optional<qint64> declared;
    for (const QByteArray &text : std::as_const(m_contentLengths)) {
        const std::optional<qint64> length = parseDecimal(text.trimmed());
        if (!length || (declared && *declared != *length))
            return reject(400, "invalid or conflicting Content-Length", events);
        declared = length;
    }
    if (declared)
        m_head.contentLength = *declared;
    if (m_head.contentLength > m_limits.maxBodyBytes)
        return reject(413, "request body of " + QByteArray::number(m_head.contentLength)
                           + " bytes exceeds the limit of "
                           + QByteArray::number(m_limits.maxBodyBytes) + " bytes", events);
    const bool hasBody = m_head.contentLength != 0;
    if (!m_expect.isEmpty()) {
        if (m_expect.compare("100-continue", Qt::CaseInsensitive) != 0)
            return reject(417, "Expect: only 100-continue is supported", events);
        m_head.expectsContinue = hasBody && m_head.minorVersion == 1;
    }
    const bool closeAsked = listHasToken(m_connection, "close");
    m_head.keepAlive = m_head.minorVersion == 1 && !closeAsked;
    m_head.isUpgrade = !m_upgrade.isEmpty() && listHasToken(m_connection, "upgrade");

    ScanEvent event;
    event.head = m_head;
    events.append(event);

    if (m_head.isUpgrade) {
        m_state = State::Stopped;  // what follows belongs to the upgraded protocol
    } else if (m_head.contentLength < 0) {
        m_bodySeen = 0;
        m_state = State::ChunkSize;
    } else if (m_head.contentLength > 0) {
        m_bodyLeft = m_head.contentLength;
        m_state = State::Body;
    } else {
        startNextRequest();
    }
}

void RequestScanner::onChunkSizeLine(const QByteArray &line, QList<ScanEvent> &events)
{
    const qsizetype extension = line.indexOf(';');
    const QByteArray sizeText = (extension < 0 ? line : line.left(extension)).trimmed();
    bool ok = !sizeText.isEmpty() && sizeText.size() <= kMaxChunkSizeDigits;
    const qint64 size = ok ? sizeText.toLongLong(&ok, 16) : 0;
    if (!ok || size < 0)
        return reject(400, "malformed chunk size in the request body", events);
    if (m_bodySeen + size > m_limits.maxBodyBytes)
        return reject(413, "chunked request body exceeds the limit of "
                           + QByteArray::number(m_limits.maxBodyBytes) + " bytes", events);
    m_bodySeen += size;
    if (size == 0) {
        m_state = State::Trailers;
        return;
    }
    m_bodyLeft = size;
    m_state = State::ChunkData;
}

void RequestScanner::reject(int status, const QByteArray &message, QList<ScanEvent> &events)
{
    ScanEvent event;
    event.kind = ScanEvent::Kind::Reject;
    event.status = status;
    event.message = message;
    events.append(event);
    m_state = State::Stopped;
    m_line.clear();
}

void RequestScanner::startNextRequest()
{
    m_state = State::RequestLine;
    m_headerBytes = 0;
    m_headerFields = 0;
    m_contentLengths.clear();
    m_transferEncoding.clear();
    m_connection.clear();
    m_upgrade.clear();
    m_expect.clear();
    m_hasHost = false;
    m_bodyLeft = 0;
    m_bodySeen = 0;
}
