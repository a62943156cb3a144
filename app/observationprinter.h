// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "observation.h"

#include <QByteArray>

// Turns one lane's observations into the lines `streamlab probe` prints: JSON Lines (one
// object per observation, `t` in ms since the lane's first request, µs precision) or an
// aligned line for a person. Keeps the lane's first request time; one printer per lane.
class ObservationPrinter
{
public:
    QByteArray jsonLine(const Observation &observation);
    QByteArray humanLine(const Observation &observation);

private:
    double msSinceRequest(const Observation &observation);

    qint64 m_requestNs = -1;
};
