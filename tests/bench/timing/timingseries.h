// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "recording.h"

#include <QList>
#include <QString>

#include <optional>

// The probe's side of the timing bench: from one recorded lane, the reads that carried paced
// data, with where each read ends in the byte stream and when the server wrote what it
// completed; and the statistics the bench reports. Pure: no networking, no GUI.

namespace timing {

// What a read's `end` counts.
enum class Position {
    Body,    // body bytes, de-chunked (QNAM-based probes: stream, sse)
    Wire,    // bytes on the wire, headers and framing included (raw probe)
    Message, // WebSocket data messages (ws probe)
};

struct ReadPoint
{
    qint64 tNs = 0;       // the probe's timestamp (monotonicNowNs) of the read
    qint64 end = 0;       // Body/Wire: bytes up to and including this read; Message: ordinal
                          // (1-based) of the message
    qint64 serverNs = -1; // server's monotonic time of the newest write this read completed
                          // (send log or the payload's t_server_ns); -1 when unknown
};

struct LaneReads
{
    Position position = Position::Body;
    qint64 requestNs = -1;  // the lane's first Request observation
    QList<ReadPoint> reads; // reads that carried paced data, in order
};

// The paced reads of `lane` (first exchange only):
//  - Chunk reads (stream, sse): every read with body bytes; end = the lane's body total.
//  - Wire reads (raw): reads that carried body bytes (ChunkData or BodyData segments); a read
//    of headers or of the last-chunk line alone is not a paced read. end = wire total.
//  - Message (ws): every data message; serverNs from its JSON's t_server_ns.
// Server times of Chunk and Wire reads come from the lane's send log (Lane::sends), matched by
// body offset.
LaneReads pacedReads(const Recording &recording, int lane);

// |observed inter-arrival − expected| in ms for each consecutive pair of reads, expected
// being the configured interval (a constant).
QList<double> intervalErrorsMs(const LaneReads &reads, double intervalMs);
// The same against the server's own write times: |Δread − Δwrite| for pairs where both reads
// have a server time.
QList<double> serverErrorsMs(const LaneReads &reads);

struct Summary
{
    int count = 0;
    double median = 0;
    double p99 = 0; // nearest rank
    double max = 0;
    double min = 0;
};
std::optional<Summary> summarize(QList<double> values);

} // namespace timing
