// SPDX-License-Identifier: GPL-3.0-only
#include "wirebytes.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace wirebytes {

namespace {

constexpr qsizetype kFieldNameBytes = 32; // enough to name any SSE field

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

} // namespace

QString escapeWireBytes(QByteArrayView bytes)
{
    static constexpr char kHex[] = "0123456789abcdef";
    QString text;
    text.reserve(bytes.size());
    for (const char c : bytes) {
        const auto byte = uchar(c);
        switch (byte) {
        case '\r':
            text += u"\\r"_s;
            break;
        case '\n':
            text += u"\\n"_s;
            break;
        case '\t':
            text += u"\\t"_s;
            break;
        case '\\':
            text += u"\\\\"_s;
            break;
        default:
            if (byte >= 0x20 && byte <= 0x7E) {
                text += QLatin1Char(char(byte));
            } else {
                text += u"\\x"_s;
                text += QLatin1Char(kHex[byte >> 4]);
                text += QLatin1Char(kHex[byte & 0xF]);
            }
        }
    }
    return text;
}

Result<QByteArray> unescapeWireBytes(QStringView text)
{
    QByteArray bytes;
    bytes.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c != u'\\') {
            if (c < 0x20 || c > 0x7E)
                return Result<QByteArray>::failure(
                    u"character U+%1 at %2 is not printable ASCII"_s.arg(uint(c), 4, 16, QLatin1Char('0'))
                        .arg(i));
            bytes += char(c);
            continue;
        }
        const char16_t next = i + 1 < text.size() ? text.at(i + 1).unicode() : u'\0';
        switch (next) {
        case u'r': bytes += '\r'; ++i; continue;
        case u'n': bytes += '\n'; ++i; continue;
        case u't': bytes += '\t'; ++i; continue;
        case u'\\': bytes += '\\'; ++i; continue;
        case u'x': {
            const int high = i + 2 < text.size() ? hexValue(text.at(i + 2)) : -1;
            const int low = i + 3 < text.size() ? hexValue(text.at(i + 3)) : -1;
            if (high < 0 || low < 0)
                return Result<QByteArray>::failure(
                    u"\\x at %1 is not followed by two hex digits"_s.arg(i));
            bytes += char(high * 16 + low);
            i += 3;
            continue;
        }
        default:
            return Result<QByteArray>::failure(u"unknown escape after the backslash at %1"_s.arg(i));
        }
    }
    return Result<QByteArray>::success(std::move(bytes));
}

QByteArray requestTarget(const QUrl &url)
{
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    return target;
}

QByteArray hostHeader(const QUrl &url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const QString scheme = url.scheme().toLower();
    const bool isSecure = scheme == u"https"_s || scheme == u"wss"_s;
    const int defaultPort = isSecure ? 443 : 80;
    const int port = url.port(defaultPort);
    if (port != defaultPort)
        host += ':' + QByteArray::number(port);
    return host;
}

QString SseLineAnnotator::annotate(QByteArrayView piece)
{
    QStringList parts;
    for (const char c : piece) {
        if (c == '\n' && m_isAfterCr) {
            m_isAfterCr = false; // the LF of a CRLF whose CR already ended the line
            continue;
        }
        m_isAfterCr = c == '\r';
        if (c == '\r' || c == '\n') {
            parts += describeLine();
            m_lineStart.clear();
            m_lineBytes = 0;
            continue;
        }
        if (m_lineStart.size() < kFieldNameBytes)
            m_lineStart += c;
        ++m_lineBytes;
    }
    if (m_lineBytes > 0)
        parts += describeLine() + u" (line continues)"_s;
    return parts.isEmpty() ? QString() : u"SSE: "_s + parts.join(u", "_s);
}

QString SseLineAnnotator::describeLine() const
{
    if (m_lineBytes == 0)
        return u"blank line (dispatch)"_s;
    if (m_lineStart.startsWith(':'))
        return u"comment"_s;
    const qsizetype colon = m_lineStart.indexOf(':');
    const QByteArray name = colon < 0 ? m_lineStart : m_lineStart.left(colon);
    if (name == "data" || name == "event" || name == "id" || name == "retry")
        return QString::fromLatin1(name);
    return u"unknown field \""_s + escapeWireBytes(name) + u'"';
}

} // namespace wirebytes
