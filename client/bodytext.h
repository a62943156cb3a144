// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "sseparser.h"

#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <optional>

// Deciding whether a response body is text, and decoding it read by read. Pure: no networking.
// Thread: none of its own; an instance is used from one thread at a time.
namespace bodytext {

enum class Decoding {
    None, // never decode
    Utf8, // always decode as UTF-8
    Auto, // decide from the Content-Type and the first read
};

// "none", "utf-8" (or "utf8"), "auto"; nothing for any other name.
std::optional<Decoding> decodingFromName(QStringView name);

// text/*, and types whose name says JSON, NDJSON, XML, JavaScript or event-stream
// (application/json, application/x-ndjson, image/svg+xml, text/event-stream, …).
// `contentType` is a Content-Type header value; parameters are ignored.
bool isTextualMimeType(QByteArrayView contentType);
// True when the value carries no real type information: empty, or application/octet-stream.
bool isUnlabelledMimeType(QByteArrayView contentType);
// No NUL byte, and valid UTF-8 except possibly for one sequence cut off at the very end.
bool looksLikeUtf8Text(QByteArrayView firstRead);
// The whole decision: `None` never, `Utf8` always, `Auto` for textual types, or for unlabelled
// ones whose first read looks like UTF-8 text.
bool shouldDecode(Decoding decoding, QByteArrayView contentType, QByteArrayView firstRead);

// A streaming UTF-8 decoder (the Encoding Standard's, via sse::Utf8Decoder): a character cut
// across reads is completed by the next read, never replaced.
class StreamDecoder
{
public:
    QString decode(QByteArrayView bytes);
    // The end of the stream: a sequence still cut off becomes one U+FFFD; else empty.
    QString finish();

private:
    sse::Utf8Decoder m_decoder;
};

} // namespace bodytext
