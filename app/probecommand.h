// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QStringList>

// `streamlab probe URL [--mode buffered|stream|sse|poll|ws|range|raw] [--json]
//                  [--header 'K: V']... [--method M] [--data BODY] [--timeout-ms N]
//                  [--duration-ms N] [--max-events N] [--no-reconnect] [--send TEXT]...
//                  [--output recording.json] …`:
// reads one URL (any server, not only the built-in one) with one probe in a worker thread and
// prints every observation as it happens, then a summary. Needs a QCoreApplication.
// Exit code: 0 on success, 1 when the transfer or connection failed, 2 for a usage error.
int runProbe(const QStringList &arguments);
