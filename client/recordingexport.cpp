// SPDX-License-Identifier: GPL-3.0-only
// Recording → CSV and HAR 1.2. The session file (recording.cpp) is the lossless format; these
// two are for spreadsheets and for HAR viewers.
#include "recording.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QUrlQuery>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

QByteArray csvField(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n')
        || bytes.contains('\r')) {
        bytes.replace("\"", "\"\"");
        return '"' + bytes + '"';
    }
    return bytes;
}

QString number(double value)
{
    return QString::number(value, 'f', 3);
}

// The main text of an observation, whatever its kind calls it.
QString observationText(const Observation &observation)
{
    for (const QString &key : {u"text"_s, u"data"_s, u"message"_s, u"raw"_s, u"url"_s,
                               u"reason"_s}) {
        if (observation.fields.contains(key))
            return observation.fields.value(key).toString();
    }
    return {};
}

bool isHttpLane(const Lane &lane)
{
    switch (lane.settings.mode) {
    case ProbeMode::Buffered:
    case ProbeMode::Stream:
    case ProbeMode::Sse:
    case ProbeMode::Poll:
    case ProbeMode::Range:
        return true;
    case ProbeMode::WebSocket:
    case ProbeMode::Raw:
        return false;
    }
    return false;
}

QJsonArray harHeaders(const QJsonObject &headers)
{
    QJsonArray array;
    for (auto it = headers.begin(); it != headers.end(); ++it)
        array.append(QJsonObject{{u"name"_s, it.key()}, {u"value"_s, it.value().toString()}});
    return array;
}

QJsonObject harRequest(const Lane &lane, const Observation &request)
{
    const QUrl url(request.fields.value(u"url"_s).toString());
    QJsonArray query;
    for (const auto &[name, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
        query.append(QJsonObject{{u"name"_s, name}, {u"value"_s, value}});
    QJsonArray headers;
    for (const auto &[name, value] : lane.settings.headers) {
        headers.append(QJsonObject{{u"name"_s, QString::fromLatin1(name)},
                                   {u"value"_s, QString::fromLatin1(value)}});
    }
    QJsonObject object{{u"method"_s, request.fields.value(u"method"_s).toString()},
                       {u"url"_s, url.toString(QUrl::FullyEncoded)},
                       {u"httpVersion"_s, u"HTTP/1.1"_s},
                       {u"cookies"_s, QJsonArray()},
                       {u"headers"_s, headers},
                       {u"queryString"_s, query},
                       {u"headersSize"_s, -1},
                       {u"bodySize"_s, lane.settings.body.size()}};
    if (!lane.settings.body.isEmpty()) {
        object.insert(u"postData"_s, QJsonObject{{u"mimeType"_s, u""_s},
                                                 {u"text"_s, QString::fromUtf8(lane.settings.body)}});
    }
    return object;
}

// One HAR entry from the observations of one exchange (the first is its Request).
QJsonObject harEntry(const Recording &recording, const Lane &lane,
                     const QList<Observation> &exchange)
{
    const Observation &request = exchange.first();
    const qint64 startNs = request.tNs;
    qint64 headersNs = -1;
    qint64 endNs = startNs;
    qint64 bodyBytes = 0;
    QJsonObject headers;
    int status = 0;
    QString reason;
    QString text;
    QString error;
    QJsonArray chunks;
    for (const Observation &observation : exchange) {
        endNs = qMax(endNs, observation.tNs);
        switch (observation.kind) {
        case ObservationKind::Headers:
            headersNs = observation.tNs;
            status = observation.fields.value(u"status"_s).toInt();
            reason = observation.fields.value(u"reason"_s).toString();
            headers = observation.fields.value(u"headers"_s).toObject();
            break;
        case ObservationKind::Chunk:
        case ObservationKind::Range:
            bodyBytes += observation.bytes;
            text += observation.fields.value(u"text"_s).toString();
            chunks.append(QJsonObject{
                    {u"t"_s, std::round(double(observation.tNs - startNs) / 1000.0) / 1000.0},
                    {u"bytes"_s, observation.bytes}});
            break;
        case ObservationKind::Error:
            error = observation.fields.value(u"message"_s).toString();
            break;
        default:
            break;
        }
    }
    QString mimeType;
    QString location;
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        if (it.key().compare(u"content-type"_s, Qt::CaseInsensitive) == 0)
            mimeType = it.value().toString();
        if (it.key().compare(u"location"_s, Qt::CaseInsensitive) == 0)
            location = it.value().toString();
    }
    QJsonObject content{{u"size"_s, bodyBytes}, {u"mimeType"_s, mimeType}, {u"_chunks"_s, chunks}};
    if (!text.isEmpty())
        content.insert(u"text"_s, text);
    const double totalMs = std::round(double(endNs - startNs) / 1000.0) / 1000.0;
    const double waitMs = headersNs >= 0
            ? std::round(double(headersNs - startNs) / 1000.0) / 1000.0
            : totalMs;
    QJsonObject entry{
            {u"startedDateTime"_s,
             recording.startedAt.addMSecs(qint64(recording.msSinceStart(startNs)))
                     .toString(Qt::ISODateWithMs)},
            {u"time"_s, totalMs},
            {u"request"_s, harRequest(lane, request)},
            {u"response"_s,
             QJsonObject{{u"status"_s, status},
                         {u"statusText"_s, reason},
                         {u"httpVersion"_s, u"HTTP/1.1"_s},
                         {u"cookies"_s, QJsonArray()},
                         {u"headers"_s, harHeaders(headers)},
                         {u"content"_s, content},
                         {u"redirectURL"_s, location},
                         {u"headersSize"_s, -1},
                         {u"bodySize"_s, bodyBytes}}},
            {u"cache"_s, QJsonObject()},
            {u"timings"_s, QJsonObject{{u"blocked"_s, -1}, {u"dns"_s, -1}, {u"connect"_s, -1},
                                       {u"send"_s, 0}, {u"wait"_s, waitMs},
                                       {u"receive"_s, qMax(0.0, totalMs - waitMs)}}},
            {u"_lane"_s, lane.name},
            {u"_technique"_s, QString(probeModeName(lane.settings.mode))},
    };
    if (!error.isEmpty())
        entry.insert(u"_error"_s, error);
    return entry;
}

} // namespace

QByteArray Recording::toCsv() const
{
    QByteArray csv = "lane,lane_name,mode,exchange,t_ms,kind,bytes,total,status,event_type,"
                     "event_id,text,lag_ms,writes\r\n";
    for (const Observation &observation : observations) {
        const Lane *lane = observation.lane < lanes.size() ? &lanes.at(observation.lane) : nullptr;
        const QJsonObject &fields = observation.fields;
        const bool isEvent = observation.kind == ObservationKind::Event;
        const QStringList row{
                QString::number(observation.lane),
                lane ? lane->name : QString(),
                lane ? QString(probeModeName(lane->settings.mode)) : QString(),
                QString::number(observation.exchange),
                number(msSinceStart(observation.tNs)),
                observationKindName(observation.kind),
                QString::number(observation.bytes),
                QString::number(observation.total),
                fields.contains(u"status"_s) ? QString::number(fields.value(u"status"_s).toInt())
                                             : QString(),
                isEvent ? fields.value(u"type"_s).toString() : QString(),
                isEvent ? fields.value(u"id"_s).toString() : QString(),
                observationText(observation),
                fields.contains(u"lag_ms"_s) ? number(fields.value(u"lag_ms"_s).toDouble())
                                             : QString(),
                fields.contains(u"writes"_s) ? QString::number(fields.value(u"writes"_s).toInt())
                                             : QString(),
        };
        QByteArrayList cells;
        for (const QString &cell : row)
            cells += csvField(cell);
        csv += cells.join(',') + "\r\n";
    }
    return csv;
}

QJsonObject Recording::toHar() const
{
    QJsonArray entries;
    for (int laneIndex = 0; laneIndex < lanes.size(); ++laneIndex) {
        const Lane &lane = lanes.at(laneIndex);
        if (!isHttpLane(lane))
            continue;
        // Group by exchange number: parallel range segments interleave in time.
        QMap<int, QList<Observation>> exchanges;
        for (const Observation &observation : laneObservations(laneIndex)) {
            if (observation.kind != ObservationKind::Done)
                exchanges[observation.exchange].append(observation);
        }
        for (const QList<Observation> &exchange : std::as_const(exchanges)) {
            if (exchange.first().kind == ObservationKind::Request)
                entries.append(harEntry(*this, lane, exchange));
        }
    }
    return {{u"log"_s,
             QJsonObject{{u"version"_s, u"1.2"_s},
                         {u"creator"_s, QJsonObject{{u"name"_s, u"StreamLab"_s},
                                                    {u"version"_s, QString::fromLatin1(
                                                                           STREAMLAB_VERSION)}}},
                         {u"comment"_s,
                          u"Chunk arrival times are in each response.content._chunks as "
                          "{t: ms since startedDateTime, bytes}."_s},
                         {u"entries"_s, entries}}}};
}
