// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "recording.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// The figures `streamlab compare` prints and the lab's summary table shows, one row per lane.
// All times are ms since the lane's first request; -1 where a figure does not apply or is not
// known (e.g. no send log, so no lag).
struct LaneSummary
{
    QString lane;
    QString mode;
    bool isSuccess = false;
    QString error;
    double headersMs = -1;   // response headers (time to first byte of the response)
    double firstByteMs = -1; // first payload: first body read, SSE event, message
    double lastByteMs = -1;  // last payload
    qint64 payloadBytes = 0; // what the application got: body, event data, message data
    qint64 wireBytes = 0;    // bytes on the wire for it: headers, framing and payload
    bool isWireExact = false; // true for the raw probe; otherwise computed from headers,
                              // the send log's writes and WebSocket frame sizes
    int piecesSent = -1;     // server writes (send log) or WebSocket messages
    int reads = 0;           // reads (readyRead) or messages observed
    int coalescedReads = -1; // reads that completed more than one server write
    int units = 0;           // events, messages or reads: what inter-arrival is measured on
    double meanGapMs = -1;   // mean inter-arrival of those units
    double p95GapMs = -1;
    double lagP50Ms = -1;    // send→receive lag (send log, or the frame's t_server_ns)
    double lagP95Ms = -1;

    qint64 overheadBytes() const { return wireBytes - payloadBytes; }
    QJsonObject toJson() const;
};

QList<LaneSummary> summarize(const Recording &recording);

// Nearest-rank percentile of `values` (0 < p ≤ 100); -1 for an empty list.
double percentile(QList<double> values, double p);

// The table's columns ("technique", "headers ms", …) and one row's cells, as `compare` prints
// them and the lab's summary table shows them ("-" where a figure does not apply).
QStringList summaryColumnTitles();
QStringList summaryCells(const LaneSummary &row);

enum class SummaryFormat { Table, Json, Csv };
QByteArray formatSummary(const QList<LaneSummary> &rows, SummaryFormat format);
