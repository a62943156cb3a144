// SPDX-License-Identifier: GPL-3.0-only
#include "timingreport.h"

#include "timingclock.h"
#include "timingseries.h"

#include <QJsonArray>
#include <QMap>
#include <QTextStream>

#include <algorithm>
#include <functional>
#include <tuple>

using namespace Qt::StringLiterals;

namespace timing {

namespace {

constexpr double kNsPerMs = 1e6;
constexpr double kMedianGoalMs = 1;
constexpr double kP99GoalMs = 5;
constexpr double kPacketGoalMs = 1;
constexpr double kFrameGoalMs = 16;

// The statistics of one lane in one run.
struct LaneRun
{
    std::optional<Summary> vsInterval;
    std::optional<Summary> vsServer;
    std::optional<Summary> vsPacket;
    std::optional<Summary> wire; // the matched packets' own inter-arrival error: the pacing
                                 // as it left the server, seen by the kernel
    int reads = 0;
    int unmatched = 0; // reads no captured packet could be found for
    QList<double> intervalErrors, serverErrors, packetDeltas, wireErrors; // pooled in notes
};

struct Key
{
    int order = 0; // lane index: keeps the lanes' order
    QString probe;
    int intervalMs = 0;
    bool operator<(const Key &other) const
    {
        return std::tie(order, other.intervalMs) < std::tie(other.order, intervalMs);
    }
};

ClockPair clockFromJson(const QJsonObject &object)
{
    return {qint64(object.value(u"mono_ns"_s).toDouble()),
            qint64(object.value(u"real_ns"_s).toDouble()),
            qint64(object.value(u"gap_ns"_s).toDouble())};
}

QByteArray targetOf(const QUrl &url)
{
    return QByteArray::fromPercentEncoding(
        url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment));
}

// The captured connection of a lane: same request target, request sent nearest to the lane's
// Request observation.
const TcpConnection *connectionOf(const QList<TcpConnection> &connections, const QUrl &url,
                                  qint64 requestRealNs)
{
    const QByteArray target = targetOf(url);
    const TcpConnection *best = nullptr;
    for (const TcpConnection &connection : connections) {
        if (connection.requestTarget() != target)
            continue;
        if (!best
            || std::abs(connection.requestEpochNs - requestRealNs)
                   < std::abs(best->requestEpochNs - requestRealNs))
            best = &connection;
    }
    return best;
}

// For each read: recorded read time − capture time of the packet that carried the read's last
// byte, in ms (`deltas`); for consecutive matched reads, |Δpacket time − interval| (`wire`).
void matchPackets(const LaneReads &reads, const TcpConnection &connection, double intervalMs,
                  const ClockPair &before, const ClockPair &after, LaneRun &result)
{
    const BodyWireMap body(connection.toClient);
    const QList<qint64> messageEnds = webSocketMessageEnds(connection.toClient);
    std::optional<qint64> previousPacketNs;
    for (const ReadPoint &read : reads.reads) {
        std::optional<qint64> wire;
        switch (reads.position) {
        case Position::Body:
            wire = body.bodyToWire(read.end - 1);
            break;
        case Position::Wire:
            wire = read.end - 1;
            break;
        case Position::Message:
            if (read.end <= messageEnds.size())
                wire = messageEnds.at(read.end - 1);
            break;
        }
        const std::optional<Packet> packet = wire ? connection.packetAt(*wire) : std::nullopt;
        if (!packet) {
            ++result.unmatched;
            previousPacketNs.reset();
            continue;
        }
        const qint64 readRealNs = monoToRealNs(before, after, read.tNs);
        result.packetDeltas.append(double(readRealNs - packet->epochNs) / kNsPerMs);
        if (previousPacketNs) {
            const double gapMs = double(packet->epochNs - *previousPacketNs) / kNsPerMs;
            result.wireErrors.append(std::abs(gapMs - intervalMs));
        }
        previousPacketNs = packet->epochNs;
    }
    result.vsPacket = summarize(result.packetDeltas);
    result.wire = summarize(result.wireErrors);
}

LaneRun analyzeLane(const Recording &recording, int lane, int intervalMs, const ClockPair &before,
                    const ClockPair &after, const Capture &capture)
{
    LaneRun result;
    const LaneReads reads = pacedReads(recording, lane);
    result.reads = int(reads.reads.size());
    result.intervalErrors = intervalErrorsMs(reads, intervalMs);
    result.serverErrors = serverErrorsMs(reads);
    result.vsInterval = summarize(result.intervalErrors);
    result.vsServer = summarize(result.serverErrors);
    if (capture.isAvailable && reads.requestNs >= 0) {
        const TcpConnection *connection
            = connectionOf(capture.connections, recording.lanes.at(lane).settings.url,
                           monoToRealNs(before, after, reads.requestNs));
        if (connection)
            matchPackets(reads, *connection, intervalMs, before, after, result);
        else
            result.unmatched = result.reads;
    }
    return result;
}

QJsonObject spread(const QList<double> &runs)
{
    QList<double> sorted = runs;
    std::sort(sorted.begin(), sorted.end());
    const std::optional<Summary> s = summarize(sorted);
    QJsonArray array;
    for (double value : runs)
        array.append(value);
    return {{u"median"_s, s->median}, {u"min"_s, s->min}, {u"max"_s, s->max}, {u"runs"_s, array}};
}

QJsonObject figure(const QString &id, const QString &label, const QList<double> &runs,
                   std::optional<double> goalMs = std::nullopt)
{
    QJsonObject object{
        {u"id"_s, id}, {u"label"_s, label}, {u"unit"_s, u"ms"_s}, {u"streamlab"_s, spread(runs)}};
    if (goalMs) {
        const double median = object.value(u"streamlab"_s).toObject().value(u"median"_s).toDouble();
        object.insert(u"goal"_s, QJsonObject{{u"text"_s, u"<= %1 ms"_s.arg(*goalMs)},
                                             {u"met"_s, median <= *goalMs}});
    }
    return object;
}

QString describeProbe(const QString &probe)
{
    static const QMap<QString, QString> descriptions{
        {u"stream"_s, u"stream probe (QNAM readyRead), /text octet-stream"_s},
        {u"records"_s, u"stream probe (QNAM readyRead), /records chunked NDJSON"_s},
        {u"sse"_s, u"sse probe (EventSource), /sse ticker"_s},
        {u"ws"_s, u"ws probe (QWebSocket), /ws ticker"_s},
        {u"raw"_s, u"raw probe (QTcpSocket), /records on the wire"_s},
    };
    return descriptions.value(probe, probe);
}

using Metric = std::function<std::optional<double>(const LaneRun &)>;

// One figure per metric, over the runs that have it.
void addFigures(QJsonArray &figures, const Key &key, const QList<LaneRun> &runs)
{
    const QString base = u"timing.%1.%2ms."_s.arg(key.probe).arg(key.intervalMs);
    const QString who = u"%1 @ %2 ms: "_s.arg(describeProbe(key.probe)).arg(key.intervalMs);
    struct Spec
    {
        QString id;
        QString label;
        Metric metric;
        std::optional<double> goal;
    };
    const auto of = [](std::optional<Summary> LaneRun::*member, double Summary::*field) {
        return Metric([member, field](const LaneRun &run) -> std::optional<double> {
            const std::optional<Summary> &s = run.*member;
            return s ? std::optional<double>((*s).*field) : std::nullopt;
        });
    };
    const QList<Spec> specs{
        {u"median_abs_err"_s, u"median |inter-arrival − interval|"_s,
         of(&LaneRun::vsInterval, &Summary::median), kMedianGoalMs},
        {u"p99_abs_err"_s, u"p99 |inter-arrival − interval|"_s,
         of(&LaneRun::vsInterval, &Summary::p99), kP99GoalMs},
        {u"max_abs_err"_s, u"max |inter-arrival − interval|"_s,
         of(&LaneRun::vsInterval, &Summary::max), std::nullopt},
        {u"median_abs_err_vs_server"_s, u"median |inter-arrival − server's write interval|"_s,
         of(&LaneRun::vsServer, &Summary::median), std::nullopt},
        {u"wire_median_abs_err"_s,
         u"median |packet inter-arrival − interval| (the pacing on the wire)"_s,
         of(&LaneRun::wire, &Summary::median), std::nullopt},
        {u"wire_p99_abs_err"_s, u"p99 |packet inter-arrival − interval| (the pacing on the wire)"_s,
         of(&LaneRun::wire, &Summary::p99), std::nullopt},
        {u"read_minus_packet_median"_s, u"median (recorded read − packet capture time)"_s,
         of(&LaneRun::vsPacket, &Summary::median), kPacketGoalMs},
        {u"read_minus_packet_p99"_s, u"p99 (recorded read − packet capture time)"_s,
         of(&LaneRun::vsPacket, &Summary::p99), std::nullopt},
    };
    for (const Spec &spec : specs) {
        QList<double> values;
        for (const LaneRun &run : runs) {
            if (const std::optional<double> value = spec.metric(run))
                values.append(*value);
        }
        if (!values.isEmpty())
            figures.append(figure(base + spec.id, who + spec.label, values, spec.goal));
    }
}

QString cell(const std::optional<Summary> &s)
{
    if (!s)
        return u"-"_s;
    return u"%1 / %2 / %3 / %4"_s.arg(s->min, 0, 'f', 3)
        .arg(s->median, 0, 'f', 3)
        .arg(s->p99, 0, 'f', 3)
        .arg(s->max, 0, 'f', 3);
}

// A markdown table of every lane's samples pooled over all runs.
QString pooledTable(const QMap<Key, QList<LaneRun>> &lanes)
{
    QString table = u"Pooled over all runs (min / median / p99 / max, ms):\n\n"
                    "| probe | interval | reads | vs interval | vs server writes | packets vs "
                    "interval | read − packet | unmatched |\n|---|---|---|---|---|---|---|---|\n"_s;
    for (auto it = lanes.begin(); it != lanes.end(); ++it) {
        QList<double> interval, server, packet, wire;
        int reads = 0;
        int unmatched = 0;
        for (const LaneRun &run : it.value()) {
            interval += run.intervalErrors;
            server += run.serverErrors;
            packet += run.packetDeltas;
            wire += run.wireErrors;
            reads += run.reads;
            unmatched += run.unmatched;
        }
        table += u"| %1 | %2 ms | %3 | %4 | %5 | %6 | %7 | %8 |\n"_s.arg(it.key().probe)
                     .arg(it.key().intervalMs)
                     .arg(reads)
                     .arg(cell(summarize(interval)), cell(summarize(server)), cell(summarize(wire)),
                          cell(summarize(packet)))
                     .arg(unmatched);
    }
    return table;
}

// Paint times and frame rate of the live view, per run.
void addPaintFigures(QJsonArray &figures, const QJsonArray &runs, QString &note)
{
    QList<double> medians, p99s, rates;
    QList<double> pooled;
    for (const QJsonValue &value : runs) {
        const QJsonArray frames = value.toObject().value(u"frames"_s).toArray();
        QList<double> paints;
        for (const QJsonValue &frame : frames)
            paints.append(frame.toArray().at(1).toDouble() / kNsPerMs);
        const std::optional<Summary> s = summarize(paints);
        if (!s || frames.size() < 2)
            continue;
        pooled += paints;
        medians.append(s->median);
        p99s.append(s->p99);
        const double spanS
            = (frames.last().toArray().at(0).toDouble() - frames.first().toArray().at(0).toDouble())
              / 1e9;
        rates.append(double(frames.size() - 1) / spanS);
    }
    if (medians.isEmpty()) {
        note = u"The live timeline painted no frame: the GUI load was not applied."_s;
        return;
    }
    figures.append(figure(u"timing.gui.paint_median"_s,
                          u"live timeline during the runs: median paint time"_s, medians,
                          kFrameGoalMs));
    figures.append(figure(u"timing.gui.paint_p99"_s,
                          u"live timeline during the runs: p99 paint time"_s, p99s, kFrameGoalMs));
    QJsonObject rate = figure(u"timing.gui.frames_per_s"_s,
                              u"live timeline during the runs: frames painted per second"_s, rates);
    rate.insert(u"unit"_s, u"fps"_s);
    figures.append(rate);
    const std::optional<Summary> all = summarize(pooled);
    note = u"GUI load: %1 frames painted during the runs (median %2 ms, p99 %3 ms, max %4 ms "
           "per paint; median %5 frames/s)."_s.arg(all->count)
               .arg(all->median, 0, 'f', 2)
               .arg(all->p99, 0, 'f', 2)
               .arg(all->max, 0, 'f', 2)
               .arg(spread(rates).value(u"median"_s).toDouble(), 0, 'f', 1);
}

QString methodNote(const QJsonObject &recorded, const Capture &capture)
{
    QString lanes;
    for (const QJsonValue &lane : recorded.value(u"lanes"_s).toArray())
        lanes += u"\n  - `"_s + lane.toString() + u'`';
    const QString method
        = u"**Method.** One process (`bench_timing`) with a QApplication shows a live "
          "TimelineView (QPA platform `%1`, 1280×600) whose window follows the clock and repaints "
          "every 16 ms, while a ProbeRunner reads five lanes side by side in its worker thread "
          "from `streamlab serve` (a separate process) on 127.0.0.1:%2\n\n"
          "%3 runs per interval, interleaved (100 ms, 10 ms, 100 ms, …). A *paced read* is a read "
          "that carried paced data: body bytes (stream, records, sse), a data message (ws), or "
          "chunk data (raw; reads of headers or of the last-chunk line alone are not paced "
          "reads). Inter-arrival error = |t(read k) − t(read k−1) − interval| over consecutive "
          "paced reads (a read that coalesced two writes counts as one long gap). *vs server* "
          "replaces the interval by the difference of the server's own send times (same "
          "CLOCK_MONOTONIC) of the writes holding each read's last byte: the send log, or the "
          "ws message's `t_server_ns`; it separates the client's jitter from the server's. Each "
          "figure is the median over runs of that run's statistic, with min and max over runs; "
          "goals are judged on that median. Load average when the bench started: %4."_s
              .arg(recorded.value(u"platform"_s).toString(), lanes)
              .arg(recorded.value(u"runs_per_interval"_s).toInt())
              .arg(recorded.value(u"load_average"_s).toString());
    const QString kernel
        = u"**Kernel truth.** tshark captured `lo`, filtered to the server's port, around the "
          "whole bench (the part script starts it and waits for it to report capturing before "
          "the first request). Each paced read is matched to the captured server→client TCP "
          "segment that carried the read's *last* byte, i.e. the segment whose arrival made "
          "that read possible: connections are reassembled by TCP sequence number; a lane's "
          "connection is the one whose request line has the lane's request target and whose "
          "request was captured nearest to the lane's Request observation; stream, records and "
          "sse reads count de-chunked body bytes, mapped to wire offsets by parsing the "
          "captured response with the client's own HTTP/1.1 parser (headers and chunk framing "
          "skipped); raw reads count wire bytes directly; the k-th ws message ends at the last "
          "byte of the k-th data frame after the 101. Read times (CLOCK_MONOTONIC) are mapped "
          "to CLOCK_REALTIME by clock pairs sampled before and after each run, interpolated; "
          "the packet time is the kernel's CLOCK_REALTIME stamp of the segment on `lo` "
          "(µs resolution). The difference contains the kernel's wake-up of the reader, Qt's "
          "event dispatch and, for QNAM-based probes, QNAM's own HTTP thread and the queued "
          "readyRead to the probe's thread. %1"_s.arg(capture.note);
    return method + u"\n\n"_s + kernel;
}

// What the uncounted first run of the process saw: its worst inter-arrival error and its
// slowest paint (one-time start-up: plugins, fonts, the first QNAM and its thread).
QString warmUpNote(const QJsonObject &run)
{
    const ::Result<Recording> recording = Recording::fromJson(run.value(u"recording"_s).toObject());
    if (run.isEmpty() || !recording.isOk())
        return u"No warm-up run (--no-warm-up): the first run includes start-up costs."_s;
    const int intervalMs = run.value(u"interval_ms"_s).toInt();
    double worst = 0;
    for (int lane = 0; lane < recording.value().lanes.size(); ++lane) {
        for (double error : intervalErrorsMs(pacedReads(recording.value(), lane), intervalMs))
            worst = std::max(worst, error);
    }
    double slowestPaint = 0;
    for (const QJsonValue &frame : run.value(u"frames"_s).toArray())
        slowestPaint = std::max(slowestPaint, frame.toArray().at(1).toDouble() / kNsPerMs);
    return u"A warm-up run (%1 ms, %2 pieces per lane) came first and is not counted: the "
           "process' first run pays one-time start-up costs. Its worst inter-arrival error was "
           "%3 ms and its slowest paint %4 ms."_s.arg(intervalMs)
               .arg(run.value(u"count"_s).toInt())
               .arg(worst, 0, 'f', 2)
               .arg(slowestPaint, 0, 'f', 2);
}

} // namespace

Report buildReport(const QJsonObject &recorded, const Capture &capture)
{
    QMap<Key, QList<LaneRun>> lanes;
    qint64 worstGapNs = 0;
    QStringList incomplete;
    const QJsonArray runs = recorded.value(u"runs"_s).toArray();
    for (const QJsonValue &value : runs) {
        const QJsonObject run = value.toObject();
        const int intervalMs = run.value(u"interval_ms"_s).toInt();
        const ClockPair before = clockFromJson(run.value(u"clock_before"_s).toObject());
        const ClockPair after = clockFromJson(run.value(u"clock_after"_s).toObject());
        worstGapNs = std::max({worstGapNs, before.gapNs, after.gapNs});
        if (!run.value(u"complete"_s).toBool())
            incomplete.append(
                u"run %1 at %2 ms"_s.arg(run.value(u"run"_s).toInt()).arg(intervalMs));
        const ::Result<Recording> recording
            = Recording::fromJson(run.value(u"recording"_s).toObject());
        if (!recording.isOk())
            continue;
        for (int lane = 0; lane < recording.value().lanes.size(); ++lane) {
            const Key key{lane, recording.value().lanes.at(lane).name, intervalMs};
            lanes[key].append(
                analyzeLane(recording.value(), lane, intervalMs, before, after, capture));
        }
    }

    QJsonArray figures;
    for (auto it = lanes.begin(); it != lanes.end(); ++it)
        addFigures(figures, it.key(), it.value());
    QString paintNote;
    addPaintFigures(figures, runs, paintNote);

    QJsonArray notes{methodNote(recorded, capture), pooledTable(lanes), paintNote,
                     warmUpNote(recorded.value(u"warm_up"_s).toObject()),
                     u"Clock pairs (monotonic, realtime, monotonic; tightest of 64): worst "
                     "uncertainty %1 µs."_s.arg(double(worstGapNs) / 1000.0, 0, 'f', 3)};
    if (!incomplete.isEmpty())
        notes.append(QString(u"Runs stopped at their time limit (a lane never finished): "_s
                             + incomplete.join(u", "_s) + u'.'));

    Report report;
    report.part = {{u"part"_s, u"timing"_s},
                   {u"title"_s, u"Timing truth"_s},
                   {u"command"_s, u"tests/bench/run --only timing"_s},
                   {u"figures"_s, figures},
                   {u"notes"_s, notes}};
    report.text = pooledTable(lanes) + u'\n' + paintNote + u'\n';
    return report;
}

} // namespace timing
