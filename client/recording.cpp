// SPDX-License-Identifier: GPL-3.0-only
#include "recording.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr auto kFormatName = "streamlab-recording"_L1;

double roundedMs(qint64 ns)
{
    return std::round(double(ns) / 1000.0) / 1000.0;
}

QJsonObject observationToJson(const Observation &observation, qint64 zeroNs)
{
    QJsonObject object = observation.fields;
    object.insert(u"lane"_s, observation.lane);
    object.insert(u"t_ns"_s, QString::number(observation.tNs - zeroNs));
    object.insert(u"kind"_s, QString(observationKindName(observation.kind)));
    object.insert(u"bytes"_s, observation.bytes);
    object.insert(u"total"_s, observation.total);
    object.insert(u"exchange"_s, observation.exchange);
    return object;
}

Result<Observation> observationFromJson(const QJsonObject &object, qint64 zeroNs, int laneCount)
{
    Observation observation;
    const QString kindName = object.value(u"kind"_s).toString();
    const std::optional<ObservationKind> kind = observationKindFromName(QLatin1StringView(
            kindName.toLatin1()));
    if (!kind)
        return Result<Observation>::failure(u"observation kind: unknown '%1'"_s.arg(kindName));
    bool isNumber = false;
    const qint64 offset = object.value(u"t_ns"_s).toString().toLongLong(&isNumber);
    if (!isNumber)
        return Result<Observation>::failure(u"observation t_ns: not an integer string"_s);
    observation.kind = *kind;
    observation.tNs = zeroNs + offset;
    observation.lane = object.value(u"lane"_s).toInt(-1);
    if (observation.lane < 0 || observation.lane >= laneCount)
        return Result<Observation>::failure(u"observation lane: no such lane"_s);
    observation.bytes = qint64(object.value(u"bytes"_s).toDouble());
    observation.total = qint64(object.value(u"total"_s).toDouble());
    observation.exchange = object.value(u"exchange"_s).toInt();
    QJsonObject fields = object;
    for (const QString &common : {u"lane"_s, u"t_ns"_s, u"kind"_s, u"bytes"_s, u"total"_s,
                                  u"exchange"_s}) {
        fields.remove(common);
    }
    observation.fields = fields;
    return Result<Observation>::success(observation);
}

QJsonObject sendsToJson(const ExchangeSends &sends)
{
    QJsonArray writes;
    for (const SentWrite &write : sends.writes) {
        writes.append(QJsonArray{QString::number(write.tNs), double(write.bytes),
                                 double(write.offset)});
    }
    return {{u"exchange"_s, sends.exchange},
            {u"send_log_id"_s, double(sends.sendLogId)},
            {u"complete"_s, sends.isComplete},
            {u"writes"_s, writes}};
}

ExchangeSends sendsFromJson(const QJsonObject &object)
{
    ExchangeSends sends;
    sends.exchange = object.value(u"exchange"_s).toInt();
    sends.sendLogId = qint64(object.value(u"send_log_id"_s).toDouble());
    sends.isComplete = object.value(u"complete"_s).toBool();
    for (const QJsonValue &value : object.value(u"writes"_s).toArray()) {
        const QJsonArray triple = value.toArray();
        sends.writes.append({triple.at(0).toString().toLongLong(), qint64(triple.at(1).toDouble()),
                             qint64(triple.at(2).toDouble())});
    }
    return sends;
}

} // namespace

QList<Observation> Recording::laneObservations(int lane) const
{
    QList<Observation> result;
    for (const Observation &observation : observations) {
        if (observation.lane == lane)
            result.append(observation);
    }
    return result;
}

double Recording::msSinceStart(qint64 tNs) const
{
    return roundedMs(tNs - startedNs);
}

QJsonObject Recording::toJson() const
{
    QJsonArray laneArray;
    for (const Lane &lane : lanes) {
        QJsonArray sendArray;
        for (const ExchangeSends &sends : lane.sends)
            sendArray.append(sendsToJson(sends));
        laneArray.append(QJsonObject{{u"name"_s, lane.name},
                                     {u"settings"_s, lane.settings.toJson()},
                                     {u"sends"_s, sendArray}});
    }
    QJsonArray observationArray;
    for (const Observation &observation : observations)
        observationArray.append(observationToJson(observation, startedNs));
    // Times are stored relative to startedNs (as decimal strings: JSON numbers lose
    // nanoseconds past 2^53); startedNs itself is kept so that a loaded recording can still be
    // joined with a send log from the same boot.
    return {{u"format"_s, QString(kFormatName)},
            {u"version"_s, kFormatVersion},
            {u"title"_s, title},
            {u"started_at"_s, startedAt.toString(Qt::ISODateWithMs)},
            {u"started_ns"_s, QString::number(startedNs)},
            {u"lanes"_s, laneArray},
            {u"observations"_s, observationArray}};
}

Result<Recording> Recording::fromJson(const QJsonObject &object)
{
    using R = Result<Recording>;
    if (object.value(u"format"_s).toString() != kFormatName)
        return R::failure(u"not a StreamLab recording (format is not '%1')"_s.arg(kFormatName));
    if (object.value(u"version"_s).toInt() != kFormatVersion) {
        return R::failure(u"recording version %1 is not supported (this StreamLab reads %2)"_s
                                  .arg(object.value(u"version"_s).toInt())
                                  .arg(kFormatVersion));
    }
    Recording recording;
    recording.title = object.value(u"title"_s).toString();
    recording.startedAt =
            QDateTime::fromString(object.value(u"started_at"_s).toString(), Qt::ISODateWithMs);
    recording.startedNs = object.value(u"started_ns"_s).toString().toLongLong();
    for (const QJsonValue &value : object.value(u"lanes"_s).toArray()) {
        const QJsonObject laneObject = value.toObject();
        Result<ProbeSettings> settings =
                ProbeSettings::fromJson(laneObject.value(u"settings"_s).toObject());
        if (!settings.isOk())
            return R::failure(settings.error());
        Lane lane{laneObject.value(u"name"_s).toString(), settings.value(), {}};
        for (const QJsonValue &sends : laneObject.value(u"sends"_s).toArray())
            lane.sends.append(sendsFromJson(sends.toObject()));
        recording.lanes.append(lane);
    }
    for (const QJsonValue &value : object.value(u"observations"_s).toArray()) {
        Result<Observation> observation = observationFromJson(
                value.toObject(), recording.startedNs, int(recording.lanes.size()));
        if (!observation.isOk())
            return R::failure(observation.error());
        recording.observations.append(observation.value());
    }
    return R::success(recording);
}

Result<bool> Recording::save(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Result<bool>::failure(u"cannot write %1: %2"_s.arg(path, file.errorString()));
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return Result<bool>::failure(u"cannot write %1: %2"_s.arg(path, file.errorString()));
    return Result<bool>::success(true);
}

Result<Recording> Recording::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<Recording>::failure(u"cannot read %1: %2"_s.arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        return Result<Recording>::failure(
                u"%1 is not valid JSON: %2 at offset %3"_s.arg(path, error.errorString())
                        .arg(error.offset));
    }
    Result<Recording> recording = fromJson(document.object());
    if (!recording.isOk())
        return Result<Recording>::failure(path % u": "_s % recording.error());
    return recording;
}

Result<ExchangeSends> parseSendLogEntry(const QJsonObject &entry, int exchange)
{
    if (!entry.contains(u"id"_s) || !entry.value(u"writes"_s).isArray())
        return Result<ExchangeSends>::failure(u"send log entry: no id or no writes"_s);
    ExchangeSends sends;
    sends.exchange = exchange;
    sends.sendLogId = qint64(entry.value(u"id"_s).toDouble());
    sends.isComplete = entry.value(u"complete"_s).toBool();
    for (const QJsonValue &value : entry.value(u"writes"_s).toArray()) {
        const QJsonObject write = value.toObject();
        sends.writes.append({qint64(write.value(u"t_ns"_s).toDouble()),
                             qint64(write.value(u"bytes"_s).toDouble()),
                             qint64(write.value(u"offset"_s).toDouble())});
    }
    return Result<ExchangeSends>::success(sends);
}
