// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QLatin1StringView>
#include <QPair>
#include <QStringList>
#include <QUrl>

#include <optional>

// How one lane reads: the technique (mode) and its knobs. Plain data, saved in the session
// file with every lane so that a recording says how it was made.

enum class ProbeMode {
    Buffered,  // QNAM, body read only at finished()
    Stream,    // QNAM, every readyRead
    Sse,       // EventSource-conformant client
    Poll,      // long-poll loop
    WebSocket, // QWebSocket (or a hand-driven socket when automatic pong is off)
    Range,     // HEAD, then ranged GETs: segments, resume, verify
    Raw,       // QTcpSocket speaking HTTP/1.1 (or a WebSocket handshake) by hand
};

QLatin1StringView probeModeName(ProbeMode mode); // "buffered", "stream", "sse", …
std::optional<ProbeMode> probeModeFromName(QStringView name);
QStringList probeModeNames();

// Input checks shared by `streamlab probe` and the lab window. Messages name what was wrong
// (the caller says which option or field it came from).
// An absolute http, https, ws or wss URL with a host.
Result<QUrl> parseProbeUrl(const QString &text);
// A mode that can read a URL of that scheme (ws/wss: ws or raw; http/https: all but ws).
Result<ProbeMode> checkModeForUrl(ProbeMode mode, const QUrl &url);
// One request header line "Name: value" (no CR/LF, a name without spaces).
Result<QPair<QByteArray, QByteArray>> parseHeaderLine(const QString &line);
// A request method token ("GET", "POST", …).
Result<QByteArray> parseMethod(const QString &text);

struct ProbeSettings
{
    ProbeMode mode = ProbeMode::Stream;
    QUrl url;
    QByteArray method = "GET";
    QList<QPair<QByteArray, QByteArray>> headers; // extra request headers, in order
    QByteArray body;                              // request body (with --data)

    int timeoutMs = 30'000; // inactivity timeout; 0 = none
    int durationMs = 0;     // stop (successfully) after this long; 0 = run to the end
    int maxEvents = 0;      // stop after N SSE events, polled messages or WS messages; 0 = no
    bool reconnect = true;  // SSE: reconnect after the retry delay when the stream ends

    // WebSocket
    QStringList sends;      // text messages sent once the socket is open, in order
    int pingIntervalMs = 0; // send a ping this often and record the round trip; 0 = never
    bool autoPong = true;   // false: never answer the server's pings (shows its timeout)

    // Range
    int segments = 1;        // parallel ranged GETs
    QString outputPath;      // where the file is assembled; empty = in memory only
    bool resume = false;     // continue a partial outputPath with If-Range
    qint64 stopAfterBytes = 0; // abort deliberately after this many bytes (to resume later)

    // Stream: how to decode body text: "auto" (by Content-Type), "utf-8", "none"
    QString textDecoding = QStringLiteral("auto");
    // Buffered and stream: also record the bytes of a body that is not decoded as text, as
    // base64 in each Chunk's `data_b64` field (for a view that draws an image). Off by default
    // (recordings stay small); saved in the session file only when on.
    bool keepsBody = false;

    QJsonObject toJson() const;
    static Result<ProbeSettings> fromJson(const QJsonObject &object);
};
