// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "observation.h"

#include <QList>

class Probe;

// What one probe run produced, for tests that drive a probe in the test's own thread.
struct ProbeRun
{
    QList<Observation> observations;
    bool isFinished = false;
    bool isSuccess = false;

    QList<Observation> ofKind(ObservationKind kind) const;
    int count(ObservationKind kind) const { return int(ofKind(kind).size()); }
    // The kinds in order with runs folded: "request headers chunk*3 done".
    QString kindSequence() const;
    // The message of the first Error observation, or an empty string.
    QString firstError() const;
    // Concatenated payload of all Chunk observations' `text` fields.
    QString chunkText() const;
};

// Starts `probe` and waits up to `timeoutMs` for finished(); on timeout, stops it (the run
// then reports isFinished = false so the test can fail on it).
ProbeRun runProbe(Probe &probe, int timeoutMs = 15000);
