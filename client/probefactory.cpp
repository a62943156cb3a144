// SPDX-License-Identifier: GPL-3.0-only
#include "probefactory.h"

#include "bufferedprobe.h"
#include "pollprobe.h"
#include "rangeprobe.h"
#include "rawprobe.h"
#include "sseprobe.h"
#include "streamprobe.h"
#include "wsprobe.h"

Probe *createProbe(const ProbeSettings &settings, QObject *parent)
{
    switch (settings.mode) {
    case ProbeMode::Buffered:
        return new BufferedProbe(settings, parent);
    case ProbeMode::Stream:
        return new StreamProbe(settings, parent);
    case ProbeMode::Sse:
        return new SseProbe(settings, parent);
    case ProbeMode::Poll:
        return new PollProbe(settings, parent);
    case ProbeMode::WebSocket:
        return new WsProbe(settings, parent);
    case ProbeMode::Range:
        return new RangeProbe(settings, parent);
    case ProbeMode::Raw:
        return new RawProbe(settings, parent);
    }
    return new StreamProbe(settings, parent);
}
