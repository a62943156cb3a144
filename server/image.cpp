// SPDX-License-Identifier: GPL-3.0-only
// GET /image?mode=stream|buffered&chunk=1024&interval=100
// The interlaced PNG the project draws itself, so a browser can show it progressively.
#include "endpoints.h"
#include "pacedbody.h"
#include "samples.h"

using namespace Qt::StringLiterals;

void endpoints::image(const EndpointEnv &env, ResponseWriter &&writer)
{
    QueryParams params(writer.request().query);
    const QString mode = params.choice(u"mode"_s, {u"stream"_s, u"buffered"_s});
    const qint64 chunk = params.integer(u"chunk"_s, 1024, 1, limits::kMaxChunkBytes, u"bytes");
    const qint64 interval = params.integer(u"interval"_s, 100, 0, limits::kMaxIntervalMs, u"ms");

    PacedPlan plan;
    plan.payload = env.samples->image();
    plan.pieceEnds = evenPieceEnds(plan.payload.size(), chunk);
    plan.intervalMs = int(interval);
    plan.isBuffered = mode == u"buffered"_s;
    plan.headers = {{"Content-Type", "image/png"}, {"Cache-Control", "no-store"}};
    servePaced(env.streamParent, std::move(writer), params, std::move(plan));
}
