// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "queryparams.h"
#include "stream.h"

#include <QList>

// How /text and /image deliver one payload: in pieces every `intervalMs` (stream mode,
// chunked, each piece flushed on its own), or whole after the same total time (buffered
// mode: one Content-Length response, headers included, leaves only at the end).
struct PacedPlan
{
    QByteArray payload;
    QList<qsizetype> pieceEnds;   // exclusive end offset of each piece; last == payload.size()
    int intervalMs = 100;
    bool isBuffered = false;
    HeaderList headers;           // Content-Type and friends, for both modes
};

// Piece ends every `perPiece` bytes of a payload of `size` bytes.
QList<qsizetype> evenPieceEnds(qsizetype size, qint64 perPiece);

// Piece k is written at k × interval; the buffered answer at (pieces − 1) × interval, so both
// modes take the same time. Checks that total against limits::kMaxDurationMs (naming
// `interval` and `chunk` when it is too long), answers 400 with the first problem `params`
// recorded, or starts serving `plan`; the Stream object manages itself from there on.
void servePaced(QObject *streamParent, ResponseWriter &&writer, QueryParams &params,
                PacedPlan plan);
