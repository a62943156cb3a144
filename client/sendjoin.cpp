// SPDX-License-Identifier: GPL-3.0-only
// Joins what a probe received with what the server says it sent (its send log), on the one
// monotonic clock both use.
#include "recording.h"

#include <QHash>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

double lagMs(qint64 receivedNs, qint64 sentNs)
{
    return std::round(double(receivedNs - sentNs) / 1000.0) / 1000.0;
}

// Marks one body piece [begin, end) received at `tNs`.
void joinPiece(Observation &piece, const QList<SentWrite> &writes, qint64 begin, qint64 end)
{
    if (writes.isEmpty() || end <= begin)
        return;
    // lower_bound with this finds the first write that ends after `offset`.
    const auto endsBy = [](const SentWrite &write, qint64 offset) {
        return write.offset + write.bytes <= offset;
    };
    // The writes whose last byte lies in [begin, end) were completed by this read.
    const auto first = std::lower_bound(writes.begin(), writes.end(), begin, endsBy);
    const auto last = std::lower_bound(writes.begin(), writes.end(), end, endsBy);
    const qsizetype completed = last - first;
    // The newest write this read carries bytes of: the one holding the read's last byte,
    // whether the read completed it or stopped inside it.
    const auto holding = std::lower_bound(writes.begin(), writes.end(), end - 1, endsBy);
    const SentWrite *newest =
            holding != writes.end() && holding->offset < end ? &*holding : nullptr;
    if (!newest)
        return;
    piece.fields.insert(u"lag_ms"_s, lagMs(piece.tNs, newest->tNs));
    piece.fields.insert(u"writes"_s, int(completed));
}

void joinLane(Recording &recording, int laneIndex)
{
    const Lane &lane = recording.lanes.at(laneIndex);
    QHash<int, const ExchangeSends *> byExchange;
    for (const ExchangeSends &sends : lane.sends)
        byExchange.insert(sends.exchange, &sends);
    QHash<int, qint64> received;     // body bytes so far, per exchange
    QHash<int, double> lastChunkLag; // lag of the latest joined read, per exchange
    for (Observation &observation : recording.observations) {
        if (observation.lane != laneIndex)
            continue;
        const ExchangeSends *sends = byExchange.value(observation.exchange);
        switch (observation.kind) {
        case ObservationKind::Chunk:
        case ObservationKind::Range: {
            qint64 &offset = received[observation.exchange];
            if (sends) {
                joinPiece(observation, sends->writes, offset, offset + observation.bytes);
                if (observation.fields.contains(u"lag_ms"_s)) {
                    lastChunkLag.insert(observation.exchange,
                                        observation.fields.value(u"lag_ms"_s).toDouble());
                }
            }
            offset += observation.bytes;
            break;
        }
        case ObservationKind::Event:
            // An event is dispatched while its read is processed: it shares that read's lag.
            if (lastChunkLag.contains(observation.exchange))
                observation.fields.insert(u"lag_ms"_s, lastChunkLag.value(observation.exchange));
            break;
        default:
            break;
        }
    }
}

// A WebSocket message or polled message that carries the server's own send or publish time.
void joinEmbeddedTimes(Recording &recording)
{
    for (Observation &observation : recording.observations) {
        if (observation.kind == ObservationKind::Message
            && !observation.fields.value(u"binary"_s).toBool()) {
            const QJsonObject frame =
                    QJsonDocument::fromJson(observation.fields.value(u"data"_s).toString().toUtf8())
                            .object();
            const qint64 sentNs = qint64(frame.value(u"t_server_ns"_s).toDouble());
            if (sentNs > 0)
                observation.fields.insert(u"lag_ms"_s, lagMs(observation.tNs, sentNs));
        } else if (observation.kind == ObservationKind::Event
                   && observation.fields.contains(u"t_server_ns"_s)) {
            const qint64 publishedNs = qint64(observation.fields.value(u"t_server_ns"_s).toDouble());
            if (publishedNs > 0) {
                observation.fields.insert(u"latency_ms"_s,
                                          lagMs(observation.tNs, publishedNs));
            }
        }
    }
}

} // namespace

void joinSendLog(Recording &recording)
{
    for (int lane = 0; lane < recording.lanes.size(); ++lane) {
        if (!recording.lanes.at(lane).sends.isEmpty())
            joinLane(recording, lane);
    }
    joinEmbeddedTimes(recording);
}
