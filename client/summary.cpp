// SPDX-License-Identifier: GPL-3.0-only
#include "summary.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// The piece of a lane's observations that delivers what the application reads.
bool isUnit(ProbeMode mode, const Observation &observation)
{
    switch (mode) {
    case ProbeMode::Sse:
    case ProbeMode::Poll:
        return observation.kind == ObservationKind::Event
                && observation.fields.value(u"type"_s).toString() != u"gap"_s;
    case ProbeMode::WebSocket:
        return observation.kind == ObservationKind::Message;
    case ProbeMode::Raw:
        return observation.kind == ObservationKind::Wire;
    case ProbeMode::Range:
        return observation.kind == ObservationKind::Range && observation.bytes > 0;
    case ProbeMode::Buffered:
    case ProbeMode::Stream:
        return observation.kind == ObservationKind::Chunk;
    }
    return false;
}

// The application payload of a WebSocket message: for the built-in server's message frames,
// {"type":"message","data":…}, the published data; otherwise the whole message.
qint64 messagePayloadBytes(const Observation &message)
{
    if (!message.fields.value(u"binary"_s).toBool()) {
        const QJsonObject frame =
                QJsonDocument::fromJson(message.fields.value(u"data"_s).toString().toUtf8()).object();
        if (frame.value(u"type"_s).toString() == u"message"_s && frame.value(u"data"_s).isString())
            return frame.value(u"data"_s).toString().toUtf8().size();
    }
    return message.bytes;
}

qint64 headerBlockBytes(const QJsonObject &headersObservation)
{
    // "HTTP/1.1 200 OK\r\n", each "Name: value\r\n", then "\r\n".
    qint64 size = QByteArrayLiteral("HTTP/1.1 000 \r\n").size()
            + headersObservation.value(u"reason"_s).toString().toUtf8().size() + 2;
    const QJsonObject headers = headersObservation.value(u"headers"_s).toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it)
        size += it.key().toUtf8().size() + 2 + it.value().toString().toUtf8().size() + 2;
    return size;
}

bool isChunked(const QJsonObject &headersObservation)
{
    const QJsonObject headers = headersObservation.value(u"headers"_s).toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        if (it.key().compare(u"transfer-encoding"_s, Qt::CaseInsensitive) == 0)
            return it.value().toString().contains(u"chunked"_s, Qt::CaseInsensitive);
    }
    return false;
}

qint64 chunkFramingBytes(const QList<SentWrite> &writes)
{
    qint64 size = 5; // "0\r\n\r\n"
    for (const SentWrite &write : writes)
        size += QByteArray::number(write.bytes, 16).size() + 4;
    return size;
}

// WebSocket server-to-client frame header: 2 bytes, +2 or +8 for longer payloads.
qint64 wsFrameHeaderBytes(qint64 payload)
{
    return payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10;
}

qint64 rawPayloadBytes(const Observation &wire)
{
    qint64 bytes = 0;
    for (const QJsonValue &segment : wire.fields.value(u"segments"_s).toArray()) {
        const QString kind = segment.toObject().value(u"kind"_s).toString();
        if (kind == u"BodyData"_s || kind == u"ChunkData"_s)
            bytes += qint64(segment.toObject().value(u"bytes"_s).toDouble());
    }
    return bytes;
}

void addWireBytes(LaneSummary &row, const Lane &lane, const QList<Observation> &observations)
{
    const ProbeMode mode = lane.settings.mode;
    if (mode == ProbeMode::Raw) {
        row.isWireExact = true;
        for (const Observation &observation : observations) {
            if (observation.kind == ObservationKind::Wire) {
                row.wireBytes += observation.bytes;
                row.payloadBytes += rawPayloadBytes(observation);
            }
        }
        return;
    }
    if (mode == ProbeMode::WebSocket) {
        for (const Observation &observation : observations) {
            if (observation.kind == ObservationKind::Message)
                row.wireBytes += observation.bytes + wsFrameHeaderBytes(observation.bytes);
        }
        return;
    }
    for (const Observation &observation : observations) {
        if (observation.kind == ObservationKind::Chunk || observation.kind == ObservationKind::Range)
            row.wireBytes += observation.bytes;
        if (observation.kind != ObservationKind::Headers)
            continue;
        row.wireBytes += headerBlockBytes(observation.fields);
        if (!isChunked(observation.fields))
            continue;
        for (const ExchangeSends &sends : lane.sends) {
            if (sends.exchange == observation.exchange)
                row.wireBytes += chunkFramingBytes(sends.writes);
        }
    }
}

void addGapsAndLags(LaneSummary &row, const QList<Observation> &units)
{
    QList<double> gaps;
    QList<double> lags;
    for (qsizetype i = 0; i < units.size(); ++i) {
        if (i > 0)
            gaps.append(double(units.at(i).tNs - units.at(i - 1).tNs) / 1e6);
        if (units.at(i).fields.contains(u"lag_ms"_s))
            lags.append(units.at(i).fields.value(u"lag_ms"_s).toDouble());
    }
    row.units = int(units.size());
    if (!gaps.isEmpty()) {
        double sum = 0;
        for (double gap : gaps)
            sum += gap;
        row.meanGapMs = sum / double(gaps.size());
        row.p95GapMs = percentile(gaps, 95);
    }
    row.lagP50Ms = percentile(lags, 50);
    row.lagP95Ms = percentile(lags, 95);
}

LaneSummary summarizeLane(const Recording &recording, int laneIndex)
{
    const Lane &lane = recording.lanes.at(laneIndex);
    const QList<Observation> observations = recording.laneObservations(laneIndex);
    LaneSummary row;
    row.lane = lane.name;
    row.mode = probeModeName(lane.settings.mode);
    qint64 startNs = -1;
    QList<Observation> units;
    int coalesced = 0;
    bool hasJoinedReads = false;
    for (const Observation &observation : observations) {
        const double ms =
                startNs >= 0 ? std::round(double(observation.tNs - startNs) / 1e3) / 1e3 : -1;
        switch (observation.kind) {
        case ObservationKind::Request:
            if (startNs < 0)
                startNs = observation.tNs;
            break;
        case ObservationKind::Headers:
            if (row.headersMs < 0)
                row.headersMs = ms;
            break;
        case ObservationKind::Chunk:
        case ObservationKind::Range:
        case ObservationKind::Message:
        case ObservationKind::Wire:
            ++row.reads;
            if (observation.fields.contains(u"writes"_s)) {
                hasJoinedReads = true;
                coalesced += observation.fields.value(u"writes"_s).toInt() > 1 ? 1 : 0;
            }
            break;
        case ObservationKind::Error:
            if (row.error.isEmpty())
                row.error = observation.fields.value(u"message"_s).toString();
            break;
        case ObservationKind::Done:
            row.isSuccess = observation.fields.value(u"ok"_s).toBool();
            break;
        default:
            break;
        }
        if (isUnit(lane.settings.mode, observation)) {
            units.append(observation);
            if (row.firstByteMs < 0)
                row.firstByteMs = ms;
            row.lastByteMs = ms;
            if (observation.kind == ObservationKind::Event)
                row.payloadBytes += observation.fields.value(u"data"_s).toString().toUtf8().size();
            else if (observation.kind == ObservationKind::Message)
                row.payloadBytes += messagePayloadBytes(observation);
            else if (observation.kind != ObservationKind::Wire)
                row.payloadBytes += observation.bytes;
        }
    }
    addWireBytes(row, lane, observations);
    if (hasJoinedReads)
        row.coalescedReads = coalesced;
    if (!lane.sends.isEmpty()) {
        row.piecesSent = 0;
        for (const ExchangeSends &sends : lane.sends)
            row.piecesSent += int(sends.writes.size());
    } else if (lane.settings.mode == ProbeMode::WebSocket) {
        row.piecesSent = int(units.size());
    }
    addGapsAndLags(row, units);
    return row;
}

QString cell(double value)
{
    return value < 0 ? u"-"_s : QString::number(value, 'f', 1);
}

QString cell(qint64 value)
{
    return value < 0 ? u"-"_s : QString::number(value);
}

struct Column
{
    QString title;
    std::function<QString(const LaneSummary &)> text;
};

QList<Column> columns()
{
    return {
            {u"technique"_s, [](const LaneSummary &r) { return r.lane; }},
            {u"headers ms"_s, [](const LaneSummary &r) { return cell(r.headersMs); }},
            {u"first ms"_s, [](const LaneSummary &r) { return cell(r.firstByteMs); }},
            {u"last ms"_s, [](const LaneSummary &r) { return cell(r.lastByteMs); }},
            {u"bytes"_s, [](const LaneSummary &r) { return cell(r.payloadBytes); }},
            {u"overhead"_s, [](const LaneSummary &r) { return cell(r.overheadBytes()); }},
            {u"sent"_s, [](const LaneSummary &r) { return cell(qint64(r.piecesSent)); }},
            {u"reads"_s, [](const LaneSummary &r) { return cell(qint64(r.reads)); }},
            {u"coalesced"_s, [](const LaneSummary &r) { return cell(qint64(r.coalescedReads)); }},
            {u"gap mean"_s, [](const LaneSummary &r) { return cell(r.meanGapMs); }},
            {u"gap p95"_s, [](const LaneSummary &r) { return cell(r.p95GapMs); }},
            {u"lag p50"_s, [](const LaneSummary &r) { return cell(r.lagP50Ms); }},
            {u"lag p95"_s, [](const LaneSummary &r) { return cell(r.lagP95Ms); }},
    };
}

QByteArray formatTable(const QList<LaneSummary> &rows)
{
    QList<QStringList> cells{summaryColumnTitles()};
    for (const LaneSummary &row : rows)
        cells += summaryCells(row);
    QList<qsizetype> widths(cells.first().size(), 0);
    for (const QStringList &line : cells) {
        for (qsizetype i = 0; i < line.size(); ++i)
            widths[i] = qMax(widths.at(i), line.at(i).size());
    }
    QString out;
    for (const QStringList &line : cells) {
        for (qsizetype i = 0; i < line.size(); ++i) {
            // The first column reads left to right; numbers line up on the right.
            out += i == 0 ? line.at(i).leftJustified(widths.at(i))
                          : u"  "_s + line.at(i).rightJustified(widths.at(i));
        }
        out += u'\n';
    }
    for (const LaneSummary &row : rows) {
        if (!row.error.isEmpty())
            out += row.lane % u": "_s % row.error % u'\n';
    }
    return out.toUtf8();
}

} // namespace

QStringList summaryColumnTitles()
{
    QStringList titles;
    for (const Column &column : columns())
        titles += column.title;
    return titles;
}

QStringList summaryCells(const LaneSummary &row)
{
    QStringList cells;
    for (const Column &column : columns())
        cells += column.text(row);
    return cells;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    const qsizetype rank = qsizetype(std::ceil(p / 100.0 * double(values.size())));
    return values.at(std::clamp<qsizetype>(rank - 1, 0, values.size() - 1));
}

QJsonObject LaneSummary::toJson() const
{
    return {{u"technique"_s, lane},     {u"mode"_s, mode},
            {u"ok"_s, isSuccess},       {u"error"_s, error},
            {u"headers_ms"_s, headersMs}, {u"first_byte_ms"_s, firstByteMs},
            {u"last_byte_ms"_s, lastByteMs}, {u"bytes"_s, payloadBytes},
            {u"wire_bytes"_s, wireBytes}, {u"overhead_bytes"_s, overheadBytes()},
            {u"wire_exact"_s, isWireExact}, {u"pieces_sent"_s, piecesSent},
            {u"reads"_s, reads},       {u"coalesced_reads"_s, coalescedReads},
            {u"units"_s, units},       {u"gap_mean_ms"_s, meanGapMs},
            {u"gap_p95_ms"_s, p95GapMs}, {u"lag_p50_ms"_s, lagP50Ms},
            {u"lag_p95_ms"_s, lagP95Ms}};
}

QList<LaneSummary> summarize(const Recording &recording)
{
    QList<LaneSummary> rows;
    for (int lane = 0; lane < recording.lanes.size(); ++lane)
        rows.append(summarizeLane(recording, lane));
    return rows;
}

QByteArray formatSummary(const QList<LaneSummary> &rows, SummaryFormat format)
{
    switch (format) {
    case SummaryFormat::Table:
        return formatTable(rows);
    case SummaryFormat::Json: {
        QJsonArray array;
        for (const LaneSummary &row : rows)
            array.append(row.toJson());
        return QJsonDocument(QJsonObject{{u"techniques"_s, array}}).toJson(QJsonDocument::Indented);
    }
    case SummaryFormat::Csv: {
        const QList<Column> all = columns();
        QStringList header;
        for (const Column &column : all)
            header += QString(column.title).replace(u' ', u'_');
        QByteArray csv = header.join(u',').toUtf8() + "\r\n";
        for (const LaneSummary &row : rows) {
            QStringList line;
            for (const Column &column : all)
                line += column.text(row).replace(u',', u' ');
            csv += line.join(u',').toUtf8() + "\r\n";
        }
        return csv;
    }
    }
    return {};
}
