// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QtGlobal>

// The process's limit on open files (RLIMIT_NOFILE). Every connection holds one descriptor,
// and distributions default the soft limit to 1024: far below ten thousand subscribers.
struct FileLimit
{
    qint64 before = -1;  // soft limit found; -1 when unknown (no such limit on this system)
    qint64 soft = -1;    // soft limit now
    qint64 hard = -1;    // hard limit (-1: unlimited or unknown)
    bool isRaised() const { return soft > before && before >= 0; }
};

// Raises the soft limit to the hard limit (capped at what the kernel allows per process).
// Idempotent; safe from any thread. Returns the limits before and after.
FileLimit raiseOpenFileLimit();
// The limits now, without changing them.
FileLimit currentOpenFileLimit();
