// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QJsonObject>
#include <QLatin1StringView>
#include <QMetaType>

#include <optional>

// The unit of every recording: one thing a probe saw, stamped on the lab's monotonic clock
// (monotonicNowNs) at the moment the probe read it. Every probe emits these, the recording
// stores them, and the views and exports only read them.

enum class ObservationKind {
    Request,   // a request went out (each reconnect, poll, range segment is a new exchange)
    Headers,   // response headers arrived (status and header fields)
    Chunk,     // one read of response body bytes (a readyRead's worth)
    Event,     // one SSE event dispatched, or one message delivered by a long poll (not a
               // payload kind: its bytes were counted by the Chunk that carried them)
    Comment,   // one SSE comment line (a heartbeat)
    Message,   // one WebSocket text or binary message
    Sent,      // the probe sent a WebSocket message
    Ping,      // a WebSocket ping, sent by the probe or received from the server
    Pong,      // a WebSocket pong: the round trip of one of the probe's pings
    Poll,      // one long-poll round trip completed
    Reconnect, // the probe will reconnect after a delay
    Range,     // bytes of one byte range arrived
    Wire,      // the exact bytes of one socket read (raw probe), annotated
    Close,     // the WebSocket closed (code and reason)
    Error,     // something failed; the message says what, for a person
    Done,      // the lane finished; always the lane's last observation
};

// "request", "headers", "chunk", …: the names used in JSON, CSV and `probe --json`.
QLatin1StringView observationKindName(ObservationKind kind);
std::optional<ObservationKind> observationKindFromName(QLatin1StringView name);
// Kinds whose `bytes` are counted into `total`: Chunk, Message, Range, Wire. An SSE Event's
// or a polled message's bytes are already counted by the Chunk reads that carried them.
bool isPayloadKind(ObservationKind kind);

struct Observation
{
    int lane = 0;          // index of the lane in its recording
    qint64 tNs = 0;        // monotonicNowNs() when the probe read it
    ObservationKind kind = ObservationKind::Error;
    qint64 bytes = 0;      // bytes this observation stands for: body bytes of a read, data
                           // bytes of an event or message, wire bytes of a raw read
    qint64 total = 0;      // payload bytes of the lane so far (payload kinds only: body
                           // reads, WS messages, ranges, raw wire reads), this piece included
    int exchange = 0;      // request ordinal within the lane: 0, 1, 2… (reconnects, polls,
                           // range segments); observations belong to the latest Request
                           // with this number
    // Kind-specific fields, named as in `probe --json`:
    //  request   {method, url}
    //  headers   {status, reason, headers: {name: value}} (repeated fields joined by ", ")
    //  chunk     {text?, naive_text?, data_b64?}  text: decoded by a streaming UTF-8 decoder
    //            when the body is text; naive_text: the same read decoded on its own (only
    //            when it differs, i.e. a character was cut across reads); data_b64: the read's
    //            bytes as base64, only for a body not decoded as text and only when the lane's
    //            ProbeSettings::keepsBody is on
    //  event     {type, data, id}      data without the final LF; id: last event ID in force
    //  comment   {text}
    //  message   {data, binary}        binary data as base64
    //  sent      {data}
    //  ping      {direction: "sent"|"received", payload?}
    //  pong      {rtt_ms}
    //  poll      {status, rtt_ms, messages}
    //  reconnect {delay_ms, last_event_id, error?}  error: why, when a transport failure
    //            caused it (range probe: {delay_ms: 0, reason})
    //  range     {start, end, segment}   inclusive byte offsets in the resource
    //  wire      {raw, segments: [{kind, note, bytes}]}  raw: the bytes, printable ASCII
    //            kept, others escaped as \r \n \t \\ \xNN (reversible)
    //  close     {code, reason}
    //  error     {message}
    //  done      {chunks, headers_ms, first_byte_ms, total_ms, ok}; its `bytes` is the
    //            lane's total; a range probe adds {verified, sha256?, size?, paused?}
    //            (sha256 and size only once the file verified)
    // Fields never repeat the common members (lane, t_ns, kind, bytes, total, exchange).
    // After a send-log join, payload pieces may also carry {lag_ms, writes}.
    QJsonObject fields;
};

Q_DECLARE_METATYPE(Observation)
