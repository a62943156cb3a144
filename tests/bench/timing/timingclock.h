// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QtGlobal>

#include <ctime>

// Maps the lab's monotonic clock (CLOCK_MONOTONIC, what every observation is stamped with) to
// the wall clock pcap timestamps use (CLOCK_REALTIME). A pair is sampled as
// monotonic, realtime, monotonic; the tightest of many samples bounds how far apart the two
// readings can be (its gap). Pairs taken before and after a run are interpolated, which also
// absorbs a slow slew of the wall clock during the run.

namespace timing {

struct ClockPair
{
    qint64 monoNs = 0; // midpoint of the two monotonic readings
    qint64 realNs = 0; // the realtime reading between them
    qint64 gapNs = 0;  // the two monotonic readings' distance: the pair's uncertainty
};

inline qint64 readClockNs(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The tightest of `samples` pairs.
inline ClockPair sampleClockPair(int samples = 64)
{
    ClockPair best;
    best.gapNs = -1;
    for (int i = 0; i < samples; ++i) {
        const qint64 before = readClockNs(CLOCK_MONOTONIC);
        const qint64 real = readClockNs(CLOCK_REALTIME);
        const qint64 after = readClockNs(CLOCK_MONOTONIC);
        if (best.gapNs < 0 || after - before < best.gapNs)
            best = {before + (after - before) / 2, real, after - before};
    }
    return best;
}

// `monoNs` on the realtime clock, interpolating between the pairs (extrapolating outside).
inline qint64 monoToRealNs(const ClockPair &before, const ClockPair &after, qint64 monoNs)
{
    const qint64 offsetBefore = before.realNs - before.monoNs;
    const qint64 offsetAfter = after.realNs - after.monoNs;
    if (after.monoNs == before.monoNs)
        return monoNs + offsetBefore;
    const double fraction = double(monoNs - before.monoNs) / double(after.monoNs - before.monoNs);
    return monoNs + offsetBefore + qint64(fraction * double(offsetAfter - offsetBefore));
}

} // namespace timing
