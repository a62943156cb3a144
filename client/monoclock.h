// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QDeadlineTimer>

// The lab's one clock: CLOCK_MONOTONIC in nanoseconds, the same clock QElapsedTimer uses. The
// server stamps its send log with it and the probes stamp every read with it, so a send time
// and a receive time taken in any two processes on the same machine can be compared. Never
// wall-clock time: it cannot jump.
inline qint64 monotonicNowNs()
{
    return QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
}
