// SPDX-License-Identifier: GPL-3.0-only
#include "bodytext.h"

#include <QByteArray>

using namespace Qt::StringLiterals;

namespace bodytext {

std::optional<Decoding> decodingFromName(QStringView name)
{
    if (name == u"none"_s)
        return Decoding::None;
    if (name == u"utf-8"_s || name == u"utf8"_s)
        return Decoding::Utf8;
    if (name == u"auto"_s)
        return Decoding::Auto;
    return std::nullopt;
}

namespace {

QByteArray mediaTypeOf(QByteArrayView contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArrayView type = semicolon < 0 ? contentType : contentType.first(semicolon);
    return type.toByteArray().trimmed().toLower();
}

// The number of bytes a UTF-8 sequence starting with `lead` has, and the allowed range of its
// second byte (RFC 3629 §4: no overlongs, no surrogates, nothing above U+10FFFF); 0 = invalid.
int sequenceLength(uchar lead, uchar &low, uchar &high)
{
    low = 0x80;
    high = 0xBF;
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF) {
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
        return 4;
    }
    return 0;
}

} // namespace

bool isTextualMimeType(QByteArrayView contentType)
{
    const QByteArray type = mediaTypeOf(contentType);
    if (type.startsWith("text/"))
        return true;
    for (const char *marker : {"json", "xml", "javascript", "event-stream"}) {
        if (type.contains(marker)) // ndjson contains json
            return true;
    }
    return false;
}

bool isUnlabelledMimeType(QByteArrayView contentType)
{
    const QByteArray type = mediaTypeOf(contentType);
    return type.isEmpty() || type == "application/octet-stream";
}

bool looksLikeUtf8Text(QByteArrayView bytes)
{
    qsizetype i = 0;
    while (i < bytes.size()) {
        const uchar lead = uchar(bytes.at(i));
        if (lead == 0)
            return false;
        uchar low = 0;
        uchar high = 0;
        const int length = sequenceLength(lead, low, high);
        if (length == 0)
            return false;
        for (int k = 1; k < length; ++k) {
            if (i + k >= bytes.size())
                return true; // cut off at the end of the read: the next read completes it
            const uchar next = uchar(bytes.at(i + k));
            if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF))
                return false;
        }
        i += length;
    }
    return true;
}

bool shouldDecode(Decoding decoding, QByteArrayView contentType, QByteArrayView firstRead)
{
    switch (decoding) {
    case Decoding::None:
        return false;
    case Decoding::Utf8:
        return true;
    case Decoding::Auto:
        break;
    }
    if (isTextualMimeType(contentType))
        return true;
    return isUnlabelledMimeType(contentType) && looksLikeUtf8Text(firstRead);
}

QString StreamDecoder::decode(QByteArrayView bytes)
{
    QString text;
    m_decoder.decode(bytes, text);
    return text;
}

QString StreamDecoder::finish()
{
    // A byte that can never continue a sequence flushes a pending one as U+FFFD; the
    // byte's own character is then dropped again.
    QString text;
    m_decoder.decode(QByteArrayView("\n", 1), text);
    text.chop(1);
    return text;
}

} // namespace bodytext
