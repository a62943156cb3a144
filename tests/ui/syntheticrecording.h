// SPDX-License-Identifier: GPL-3.0-only
#pragma once

// Made-up recordings for the timeline's tests, benchmark and sample screenshots: what the
// probes would have recorded, without a network. Header-only, for test targets.

#include "recording.h"

#include <QJsonObject>

#include <algorithm>

namespace Synthetic {

using namespace Qt::StringLiterals;

inline constexpr qint64 kUs = 1'000;
inline constexpr qint64 kMs = 1'000'000;
inline constexpr qint64 kStartNs = 5'000 * kMs; // the recording's startedNs

inline Observation observation(int lane, qint64 msFromStartNs, ObservationKind kind,
                               qint64 bytes = 0, qint64 total = 0, int exchange = 0,
                               const QJsonObject &fields = {})
{
    Observation o;
    o.lane = lane;
    o.tNs = kStartNs + msFromStartNs;
    o.kind = kind;
    o.bytes = bytes;
    o.total = total;
    o.exchange = exchange;
    o.fields = fields;
    return o;
}

inline Lane lane(const QString &name, ProbeMode mode)
{
    Lane result;
    result.name = name;
    result.settings.mode = mode;
    return result;
}

inline Recording emptyRecording(const QString &title)
{
    Recording recording;
    recording.title = title;
    recording.startedNs = kStartNs;
    return recording;
}

// Lane `laneIndex`: request, headers, then the server writes `count` pieces of `bytes` every
// `everyNs` from `firstNs`; the client reads each write `readDelayNs` later, except that when
// `isBuffered`, it reads everything in one piece after the last write. Done at the end.
inline void addHttpLane(Recording &recording, int laneIndex, int count, qint64 bytes,
                        qint64 firstNs, qint64 everyNs, qint64 readDelayNs, bool isBuffered)
{
    using K = ObservationKind;
    recording.observations.append(
        observation(laneIndex, 0, K::Request, 0, 0, 0,
                    {{u"method"_s, u"GET"_s}, {u"url"_s, u"http://127.0.0.1/stream"_s}}));
    recording.observations.append(observation(laneIndex, firstNs / 2, K::Headers, 0, 0, 0,
                                              {{u"status"_s, 200}, {u"reason"_s, u"OK"_s}}));
    ExchangeSends sends;
    sends.isComplete = true;
    qint64 total = 0;
    for (int i = 0; i < count; ++i) {
        const qint64 sentNs = firstNs + i * everyNs;
        sends.writes.append({kStartNs + sentNs, bytes, i * bytes});
        total += bytes;
        if (!isBuffered) {
            recording.observations.append(
                observation(laneIndex, sentNs + readDelayNs, K::Chunk, bytes, total, 0,
                            {{u"text"_s, u"piece %1 of the streamed body\n"_s.arg(i)}}));
        }
    }
    const qint64 lastNs = firstNs + (count - 1) * everyNs + readDelayNs;
    if (isBuffered) {
        recording.observations.append(
            observation(laneIndex, lastNs, K::Chunk, total, total, 0, {{u"text"_s, u"all"_s}}));
    }
    recording.lanes[laneIndex].sends.append(sends);
    recording.observations.append(
        observation(laneIndex, lastNs + kMs, K::Done, total, total, 0, {{u"ok"_s, true}}));
}

// An SSE lane: an event every 100 ms, the connection drops at 430 ms, the probe reconnects
// after 100 ms and the stream goes on to 1 s.
inline void addSseLane(Recording &recording, int laneIndex)
{
    using K = ObservationKind;
    constexpr qint64 kEventBytes = 38;
    qint64 total = 0;
    int exchange = 0;
    const auto request = [&](qint64 atNs) {
        recording.observations.append(
            observation(laneIndex, atNs, K::Request, 0, total, exchange,
                        {{u"method"_s, u"GET"_s}, {u"url"_s, u"http://127.0.0.1/sse"_s}}));
        recording.observations.append(observation(laneIndex, atNs + 3 * kMs, K::Headers, 0, total,
                                                  exchange, {{u"status"_s, 200}}));
    };
    request(0);
    for (qint64 atNs = 50 * kMs; atNs <= 1'000 * kMs; atNs += 100 * kMs) {
        if (atNs > 430 * kMs && exchange == 0) {
            recording.observations.append(observation(laneIndex, 430 * kMs, K::Error, 0, total, 0,
                                                      {{u"message"_s, u"connection reset"_s}}));
            recording.observations.append(observation(laneIndex, 431 * kMs, K::Reconnect, 0, total,
                                                      0, {{u"delay_ms"_s, 100}}));
            exchange = 1;
            request(531 * kMs);
            continue;
        }
        total += kEventBytes;
        recording.observations.append(
            observation(laneIndex, atNs, K::Chunk, kEventBytes, total, exchange));
        recording.observations.append(
            observation(laneIndex, atNs + 20 * kUs, K::Event, kEventBytes - 14, total, exchange,
                        {{u"type"_s, u"tick"_s}, {u"data"_s, u"{\"n\": %1}"_s.arg(atNs / kMs)}}));
    }
    recording.observations.append(
        observation(laneIndex, 1'001 * kMs, K::Done, total, total, exchange, {{u"ok"_s, true}}));
}

// The sample of the screenshots: buffered, streamed (with server writes) and SSE lanes.
inline Recording sample()
{
    Recording recording = emptyRecording(u"sample"_s);
    recording.lanes = {lane(u"buffered"_s, ProbeMode::Buffered),
                       lane(u"stream"_s, ProbeMode::Stream), lane(u"sse"_s, ProbeMode::Sse)};
    addHttpLane(recording, 0, 10, 1'000, 40 * kMs, 100 * kMs, 300 * kUs, true);
    addHttpLane(recording, 1, 48, 200, 30 * kMs, 20 * kMs, 300 * kUs, false);
    addSseLane(recording, 2);
    std::stable_sort(recording.observations.begin(), recording.observations.end(),
                     [](const Observation &a, const Observation &b) { return a.tNs < b.tNs; });
    return recording;
}

// `lanes` lanes of `readsPerLane` streamed reads each, spread over `spanNs`, each read
// `bytes(i)` = 1 + i % 997 bytes; every second lane has the matching server writes.
inline Recording manyReads(int lanes, int readsPerLane, qint64 spanNs)
{
    Recording recording = emptyRecording(u"many"_s);
    for (int l = 0; l < lanes; ++l) {
        recording.lanes.append(lane(u"lane %1"_s.arg(l + 1), ProbeMode::Stream));
        ExchangeSends sends;
        qint64 total = 0;
        recording.observations.append(observation(l, 0, ObservationKind::Request));
        for (int i = 0; i < readsPerLane; ++i) {
            const qint64 atNs = spanNs * (i + 1) / (readsPerLane + 1) + l * kUs;
            const qint64 bytes = 1 + i % 997;
            if (l % 2 == 0)
                sends.writes.append({kStartNs + atNs - 50 * kUs, bytes, total});
            total += bytes;
            recording.observations.append(
                observation(l, atNs, ObservationKind::Chunk, bytes, total));
        }
        if (!sends.writes.isEmpty())
            recording.lanes.last().sends.append(sends);
        recording.observations.append(observation(l, spanNs, ObservationKind::Done, total, total));
    }
    return recording;
}

} // namespace Synthetic
