// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "observation.h"
#include "probesettings.h"
#include "result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

// One run of the lab: its lanes, how each was set up, everything each saw, and (when the
// server kept one) what the server wrote and when. Plain data: probes fill it, views and
// exports read it. Saved as the JSON session file; exported as CSV and HAR 1.2.

// One write the server made, from its send log (/api/sendlog?id=N).
struct SentWrite
{
    qint64 tNs = 0;    // monotonicNowNs() on the server when the write reached the kernel
    qint64 bytes = 0;  // payload bytes (without chunk framing)
    qint64 offset = 0; // payload offset of its first byte in the response body
};

// The server's record of one exchange of a lane, joined by the X-StreamLab-Id header.
struct ExchangeSends
{
    int exchange = 0;
    qint64 sendLogId = 0;
    bool isComplete = false;
    QList<SentWrite> writes;
};

struct Lane
{
    QString name; // for people: "stream", "buffered", "sse #2"…
    ProbeSettings settings;
    QList<ExchangeSends> sends; // empty when the server keeps no send log
};

class Recording
{
public:
    static constexpr int kFormatVersion = 1;

    QString title;
    QDateTime startedAt;   // wall clock when the run started, for people and for HAR
    qint64 startedNs = 0;  // monotonicNowNs() at the same moment: the recording's zero
    QList<Lane> lanes;
    QList<Observation> observations; // in the order they were recorded

    // Observations of one lane, in order.
    QList<Observation> laneObservations(int lane) const;
    // Milliseconds of `tNs` since startedNs (µs precision).
    double msSinceStart(qint64 tNs) const;

    // The session file.
    QJsonObject toJson() const;
    static Result<Recording> fromJson(const QJsonObject &object);
    Result<bool> save(const QString &path) const;
    static Result<Recording> load(const QString &path);

    // CSV, RFC 4180: one row per observation, a header row first.
    QByteArray toCsv() const;
    // HAR 1.2 of the HTTP lanes (not WebSocket, not raw): one entry per exchange. Chunk times
    // go into the `_chunks` extension of each entry's response content:
    //   "_chunks": [{"t": ms since the entry's startedDateTime, "bytes": n}, …]
    QJsonObject toHar() const;
};

// Joins every payload piece with the server writes that delivered it, for the lanes with
// sends: each Chunk, Event and Range observation of an exchange gets `lag_ms` (receive time
// minus the send time of the newest write whose last byte it completed) and `writes` (how many
// writes it completed; more than one means the read coalesced writes). WebSocket messages
// carrying a `t_server_ns` in their JSON get `lag_ms` from it.
void joinSendLog(Recording &recording);

// Recordings of several runs as one, for the views (recordingmerge.cpp). Each input lane
// becomes one lane of the result, appended after the lanes before it; its observations keep
// their order and their Done stays last, `lane` is renumbered, exchanges stay as they were
// (they count within a lane), and sends move with their lane. The first recording's title,
// startedAt and startedNs are kept.
//
// "Repeat N": the runs side by side, as if started together. Lanes of the second run on are
// named "<name> · run 2", "… · run 3"; their observation and send times are shifted by the
// difference of startedNs, so that every run starts at the first run's startedNs.
// Observations are merged by time, each run's own order kept. Fields are kept as recorded
// (lag_ms stays valid; a t_server_ns field stays on the clock it was read from). No runs: an
// empty recording.
Recording overlayRuns(const QList<Recording> &runs);
// Pause and resume: `later`'s lanes appended to `earlier`'s, named "<name> · resumed", with
// their times unchanged (both runs read the same monotonic clock), so the pause shows as a
// gap. `later`'s observations follow `earlier`'s.
Recording continueRun(const Recording &earlier, const Recording &later);

// A send log entry as served by /api/sendlog?id=N, turned into ExchangeSends.
Result<ExchangeSends> parseSendLogEntry(const QJsonObject &entry, int exchange);
