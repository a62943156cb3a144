// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QStringList>

// `streamlab compare [--payload text|image|records|push]
//                    [--techniques buffered,stream,chunked,sse,poll,ws] [--chunk N]
//                    [--interval ms] [--count N] [--format table|json|csv]
//                    [--output recording.json]`:
// starts the built-in server in its own thread, sends the same payload through every chosen
// technique at the same pace, reads each with its own probe side by side, joins the server's
// send log, and prints one row per technique. Needs a QCoreApplication.
// Exit code: 0 when every lane succeeded, 1 when one failed, 2 for a usage error.
int runCompare(const QStringList &arguments);
