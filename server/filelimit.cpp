// SPDX-License-Identifier: GPL-3.0-only
#include "filelimit.h"

#include <QFile>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace {

// Linux refuses a soft limit above fs.nr_open even when the hard limit is "unlimited".
qint64 kernelMaximum()
{
    QFile file(QStringLiteral("/proc/sys/fs/nr_open"));
    if (file.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const qint64 value = file.readAll().trimmed().toLongLong(&ok);
        if (ok && value > 0)
            return value;
    }
    return 1 << 20;
}

} // namespace

FileLimit currentOpenFileLimit()
{
    FileLimit limit;
#ifdef Q_OS_UNIX
    rlimit now{};
    if (getrlimit(RLIMIT_NOFILE, &now) != 0)
        return limit;
    limit.before = limit.soft = now.rlim_cur == RLIM_INFINITY ? -1 : qint64(now.rlim_cur);
    limit.hard = now.rlim_max == RLIM_INFINITY ? -1 : qint64(now.rlim_max);
#endif
    return limit;
}

FileLimit raiseOpenFileLimit()
{
    FileLimit limit = currentOpenFileLimit();
#ifdef Q_OS_UNIX
    if (limit.soft < 0)
        return limit;  // unlimited already, or unknown
    const qint64 target = limit.hard < 0 ? kernelMaximum() : limit.hard;
    if (target <= limit.soft)
        return limit;
    rlimit raised{};
    raised.rlim_cur = rlim_t(target);
    raised.rlim_max = limit.hard < 0 ? RLIM_INFINITY : rlim_t(limit.hard);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
        limit.soft = target;
#endif
    return limit;
}
