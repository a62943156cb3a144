// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QUrl>

// Small pure helpers for the clients that speak on the wire by hand (the raw probe, the
// hand-driven WebSocket): how wire bytes are shown, and the request line's pieces.
// Pure: no networking, no event loop. Thread: any.

namespace wirebytes {

// Wire bytes as text, reversibly: printable ASCII (0x20–0x7E) is kept, except the backslash;
// CR, LF and TAB become \r \n \t, the backslash \\, every other byte \xNN (two lower-case hex
// digits). The result is pure ASCII.
QString escapeWireBytes(QByteArrayView bytes);
// The inverse of escapeWireBytes. Fails, naming the position, on a backslash that starts no
// known escape, on \x without two hex digits, and on characters that escapeWireBytes never
// produces (outside printable ASCII).
Result<QByteArray> unescapeWireBytes(QStringView text);

// The request-target of an origin-form request: the encoded path ("/" when empty) and the
// query when the URL has one.
QByteArray requestTarget(const QUrl &url);
// The Host header's value: the host (IPv6 in brackets) and the port when it is not the
// scheme's default (80 for http/ws, 443 for https/wss).
QByteArray hostHeader(const QUrl &url);

// Names the text/event-stream lines inside successive pieces of one response body, for the
// raw probe's segment notes: "SSE: id, data, blank line (dispatch)". Lines may be cut across
// pieces; a piece that ends inside a line says "… (line continues)". Holds at most the first
// bytes of the current line (enough for its field name), so memory stays bounded.
class SseLineAnnotator
{
public:
    // Describes the lines (or line parts) in `piece`, the next bytes of the body.
    QString annotate(QByteArrayView piece);

private:
    QString describeLine() const;

    QByteArray m_lineStart;    // the first bytes of the current line (bounded)
    qsizetype m_lineBytes = 0; // bytes of the current line so far
    bool m_isAfterCr = false;  // the last byte was a CR: a LF now only completes a CRLF
};

} // namespace wirebytes
