// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QStringList>

// `streamlab serve [--bind ADDR] [--port N] [--files DIR] [--idle-timeout S] [--max-body N]
//                  [--token T] [--retain N]`:
// runs only the built-in server, prints its base URL on one line of stdout as soon as it
// listens, and stops cleanly on SIGINT or SIGTERM. Needs a QCoreApplication.
// Returns the process exit code: 0 after a clean stop, 1 when the server cannot start,
// 2 for a bad option (with a one-line message on stderr).
int runServe(const QStringList &arguments);
