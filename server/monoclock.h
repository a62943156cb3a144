// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QDeadlineTimer>

// The server's clock: CLOCK_MONOTONIC in nanoseconds, the same clock QElapsedTimer uses, so
// send times logged here can be compared with receive times taken by a probe in any process
// on the same machine. Never wall-clock time: it cannot jump.
inline qint64 monotonicNowNs()
{
    return QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
}
