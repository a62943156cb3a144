// SPDX-License-Identifier: GPL-3.0-only
#include "timingseries.h"

#include "summary.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace timing {

namespace {

constexpr double kNsPerMs = 1e6;

// The server's time of the write holding body byte `offset`, or -1.
qint64 writeTimeAt(const QList<SentWrite> &writes, qint64 offset)
{
    const auto holding = std::lower_bound(
        writes.begin(), writes.end(), offset,
        [](const SentWrite &write, qint64 value) { return write.offset + write.bytes <= value; });
    if (holding == writes.end() || holding->offset > offset)
        return -1;
    return holding->tNs;
}

QList<SentWrite> firstExchangeWrites(const Lane &lane)
{
    for (const ExchangeSends &sends : lane.sends) {
        if (sends.exchange == 0)
            return sends.writes;
    }
    return {};
}

// Body bytes a raw Wire read carried, from its segment annotations.
qint64 wireBodyBytes(const Observation &wire)
{
    qint64 bytes = 0;
    for (const QJsonValue &value : wire.fields.value(u"segments"_s).toArray()) {
        const QJsonObject segment = value.toObject();
        const QString kind = segment.value(u"kind"_s).toString();
        if (kind == u"ChunkData"_s || kind == u"BodyData"_s)
            bytes += qint64(segment.value(u"bytes"_s).toDouble());
    }
    return bytes;
}

qint64 messageServerNs(const Observation &message)
{
    const QJsonObject data
        = QJsonDocument::fromJson(message.fields.value(u"data"_s).toString().toUtf8()).object();
    const QJsonValue t = data.value(u"t_server_ns"_s);
    return t.isDouble() ? qint64(t.toDouble()) : -1;
}

} // namespace

LaneReads pacedReads(const Recording &recording, int lane)
{
    LaneReads result;
    const Lane &settings = recording.lanes.at(lane);
    const QList<SentWrite> writes = firstExchangeWrites(settings);
    switch (settings.settings.mode) {
    case ProbeMode::Raw:
        result.position = Position::Wire;
        break;
    case ProbeMode::WebSocket:
        result.position = Position::Message;
        break;
    default:
        result.position = Position::Body;
        break;
    }
    qint64 bodyTotal = 0;
    qint64 messages = 0;
    for (const Observation &o : recording.observations) {
        if (o.lane != lane)
            continue;
        if (o.kind == ObservationKind::Request && result.requestNs < 0)
            result.requestNs = o.tNs;
        if (o.exchange != 0)
            continue;
        if (o.kind == ObservationKind::Chunk && o.bytes > 0) {
            result.reads.append({o.tNs, o.total, writeTimeAt(writes, o.total - 1)});
        } else if (o.kind == ObservationKind::Wire) {
            const qint64 body = wireBodyBytes(o);
            bodyTotal += body;
            if (body > 0)
                result.reads.append({o.tNs, o.total, writeTimeAt(writes, bodyTotal - 1)});
        } else if (o.kind == ObservationKind::Message) {
            result.reads.append({o.tNs, ++messages, messageServerNs(o)});
        }
    }
    return result;
}

QList<double> intervalErrorsMs(const LaneReads &reads, double intervalMs)
{
    QList<double> errors;
    for (qsizetype i = 1; i < reads.reads.size(); ++i) {
        const double gapMs = double(reads.reads.at(i).tNs - reads.reads.at(i - 1).tNs) / kNsPerMs;
        errors.append(std::abs(gapMs - intervalMs));
    }
    return errors;
}

QList<double> serverErrorsMs(const LaneReads &reads)
{
    QList<double> errors;
    for (qsizetype i = 1; i < reads.reads.size(); ++i) {
        const ReadPoint &a = reads.reads.at(i - 1);
        const ReadPoint &b = reads.reads.at(i);
        if (a.serverNs < 0 || b.serverNs < 0)
            continue;
        errors.append(std::abs(double((b.tNs - a.tNs) - (b.serverNs - a.serverNs)) / kNsPerMs));
    }
    return errors;
}

std::optional<Summary> summarize(QList<double> values)
{
    if (values.isEmpty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    Summary summary;
    summary.count = int(n);
    summary.median = n % 2 == 1 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
    summary.p99 = percentile(values, 99); // nearest rank, as streamlab compare reports it
    summary.max = values.last();
    summary.min = values.first();
    return summary;
}

} // namespace timing
