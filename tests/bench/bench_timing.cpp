// SPDX-License-Identifier: GPL-3.0-only
// Timing truth: how exactly each probe's timestamps follow a paced stream, with the GUI
// repainting a live timeline at the same time, and how they compare with the kernel's packet
// timestamps. Two steps (tests/bench/parts/timing runs both, with tshark capturing between):
//
//   bench_timing --url http://127.0.0.1:PORT/ --out recorded.json [--runs N] [--quick]
//       One process, one QApplication: shows the live timeline and runs the probes (stream,
//       records, sse, ws, raw) together against a StreamLab server, paced at 100 ms and at
//       10 ms, N runs of each, interleaved. Writes every recording, the clock pairs that map
//       its monotonic times to the wall clock, and the paint time of every frame.
//
//   bench_timing --analyze recorded.json --json timing.json
//                [--packets packets.tsv --port PORT] [--capture-note TEXT]
//       Computes the figures (and, with the capture's packets, read time − packet time) and
//       writes the harness' part JSON; prints a table.
#include "monoclock.h"
#include "timing/timingreport.h"
#include "timing/timingrun.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTextStream>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

struct Pace
{
    int intervalMs = 0;
    int count = 0; // paced pieces per lane
};

constexpr int kRunsDefault = 3;
constexpr int kRunsQuick = 1;
constexpr Pace kPaces[] = {{100, 100}, {10, 500}};
constexpr Pace kPacesQuick[] = {{100, 30}, {10, 150}};
// Not counted: the process' first run pays one-time start-up costs (see the report's notes).
constexpr Pace kWarmUp = {10, 30};
constexpr int kLimitSlackMs = 20'000;
constexpr int kFetchTimeoutMs = 10'000;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QUrl endpoint(const QUrl &base, const QString &path,
              const QList<std::pair<QString, QString>> &query)
{
    QUrl url = base.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    url.setPath(path);
    QUrlQuery q;
    for (const auto &[key, value] : query)
        q.addQueryItem(key, value);
    url.setQuery(q);
    return url;
}

// The /text document's size in bytes, to cut it into `count` pieces.
qint64 textBytes(const QUrl &base)
{
    QNetworkAccessManager network;
    QNetworkRequest request(
        endpoint(base, u"/text"_s, {{u"mode"_s, u"buffered"_s}, {u"interval"_s, u"0"_s}}));
    request.setTransferTimeout(kFetchTimeoutMs);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return reply->error() == QNetworkReply::NoError ? reply->readAll().size() : -1;
}

Lane lane(const QString &name, ProbeMode mode, const QUrl &url)
{
    Lane lane;
    lane.name = name;
    lane.settings.mode = mode;
    lane.settings.url = url;
    return lane;
}

QList<Lane> lanesFor(const QUrl &base, const Pace &pace, qint64 documentBytes)
{
    const QString interval = QString::number(pace.intervalMs);
    const QString count = QString::number(pace.count);
    const qint64 chunk = std::max<qint64>(1, (documentBytes + pace.count - 1) / pace.count);
    QList<Lane> lanes;
    lanes.append(lane(u"stream"_s, ProbeMode::Stream,
                      endpoint(base, u"/text"_s,
                               {{u"mode"_s, u"stream"_s},
                                {u"split"_s, u"bytes"_s},
                                {u"type"_s, u"application/octet-stream"_s},
                                {u"chunk"_s, QString::number(chunk)},
                                {u"interval"_s, interval}})));
    lanes.append(
        lane(u"records"_s, ProbeMode::Stream,
             endpoint(base, u"/records"_s, {{u"count"_s, count}, {u"delay"_s, interval}})));
    Lane sse = lane(u"sse"_s, ProbeMode::Sse,
                    endpoint(base, u"/sse"_s,
                             {{u"topic"_s, u"timing"_s},
                              {u"interval"_s, interval},
                              {u"count"_s, count},
                              {u"heartbeat"_s, u"0"_s}}));
    sse.settings.reconnect = false;
    lanes.append(sse);
    QUrl wsUrl
        = endpoint(base, u"/ws"_s,
                   {{u"topic"_s, u"timing"_s}, {u"interval"_s, interval}, {u"ping"_s, u"3600"_s}});
    wsUrl.setScheme(u"ws"_s);
    Lane ws = lane(u"ws"_s, ProbeMode::WebSocket, wsUrl);
    ws.settings.maxEvents = pace.count;
    lanes.append(ws);
    lanes.append(
        lane(u"raw"_s, ProbeMode::Raw,
             endpoint(base, u"/records"_s,
                      {{u"count"_s, count}, {u"delay"_s, interval}, {u"format"_s, u"ndjson"_s}})));
    return lanes;
}

QJsonObject clockJson(const timing::ClockPair &pair)
{
    return {{u"mono_ns"_s, double(pair.monoNs)},
            {u"real_ns"_s, double(pair.realNs)},
            {u"gap_ns"_s, double(pair.gapNs)}};
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return u"unknown"_s;
    const QList<QByteArray> parts = file.readAll().split(' ');
    return QString::fromLatin1(parts.mid(0, 3).join(' '));
}

bool writeJson(const QString &path, const QJsonObject &object)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        err() << "bench_timing: cannot write " << path << ": " << file.errorString() << '\n';
        return false;
    }
    file.write(QJsonDocument(object).toJson(QJsonDocument::Indented));
    return true;
}

QJsonObject runJson(const timing::LiveRun::Outcome &outcome, int run, const Pace &pace)
{
    QJsonArray frames;
    for (const timing::TimedTimelineView::Frame &frame : outcome.frames)
        frames.append(QJsonArray{double(frame.startNs), double(frame.paintNs)});
    return {{u"run"_s, run},
            {u"interval_ms"_s, pace.intervalMs},
            {u"count"_s, pace.count},
            {u"complete"_s, outcome.isComplete},
            {u"clock_before"_s, clockJson(outcome.before)},
            {u"clock_after"_s, clockJson(outcome.after)},
            {u"frames"_s, frames},
            {u"recording"_s, outcome.recording.toJson()}};
}

timing::LiveRun::Outcome runOnce(timing::LiveRun &live, const QUrl &base, const Pace &pace,
                                 qint64 documentBytes, const QString &title)
{
    const timing::LiveRun::Outcome outcome = live.run(lanesFor(base, pace, documentBytes), title,
                                                      pace.count * pace.intervalMs + kLimitSlackMs);
    out() << u"%1: %2 observations, %3 frames painted%4\n"_s.arg(title)
                 .arg(outcome.recording.observations.size())
                 .arg(outcome.frames.size())
                 .arg(outcome.isComplete ? QString() : u" (stopped at its limit)"_s);
    out().flush();
    return outcome;
}

int record(const QUrl &base, const QString &outPath, int runs, bool isQuick, bool hasWarmUp,
           bool reusesRunner, bool showsView)
{
    const qint64 documentBytes = textBytes(base);
    if (documentBytes <= 0) {
        err() << "bench_timing: no /text from " << base.toString() << '\n';
        return 1;
    }
    timing::LiveRun live(showsView);
    live.setReusesRunner(reusesRunner);
    QJsonObject recorded{{u"server"_s, base.toString()},
                         {u"platform"_s, QGuiApplication::platformName()},
                         {u"load_average"_s, loadAverage()},
                         {u"runs_per_interval"_s, runs}};
    if (hasWarmUp) {
        const timing::LiveRun::Outcome warmUp
            = runOnce(live, base, kWarmUp, documentBytes, u"warm-up at 10 ms"_s);
        recorded.insert(u"warm_up"_s, runJson(warmUp, 0, kWarmUp));
    }
    QJsonArray lanesText;
    for (const Lane &l : lanesFor(base, kPaces[0], documentBytes))
        lanesText.append(QString(l.name + u": "_s + l.settings.url.toString()));
    QJsonArray runArray;
    const Pace *paces = isQuick ? kPacesQuick : kPaces;
    for (int run = 1; run <= runs; ++run) {
        for (int p = 0; p < 2; ++p) {
            const Pace &pace = paces[p];
            const timing::LiveRun::Outcome outcome
                = runOnce(live, base, pace, documentBytes,
                          u"run %1 at %2 ms"_s.arg(run).arg(pace.intervalMs));
            runArray.append(runJson(outcome, run, pace));
        }
    }
    recorded.insert(u"lanes"_s, lanesText);
    recorded.insert(u"runs"_s, runArray);
    return writeJson(outPath, recorded) ? 0 : 1;
}

int analyze(const QString &recordedPath, const QString &jsonPath, const QString &packetsPath,
            quint16 port, const QString &captureNote)
{
    QFile file(recordedPath);
    if (!file.open(QIODevice::ReadOnly)) {
        err() << "bench_timing: cannot read " << recordedPath << '\n';
        return 1;
    }
    const QJsonObject recorded = QJsonDocument::fromJson(file.readAll()).object();
    timing::Capture capture;
    capture.note = captureNote;
    if (!packetsPath.isEmpty()) {
        QFile packets(packetsPath);
        if (!packets.open(QIODevice::ReadOnly)) {
            err() << "bench_timing: cannot read " << packetsPath << '\n';
            return 1;
        }
        const Result<QList<timing::TcpConnection>> parsed
            = timing::parseTsharkFields(packets.readAll(), port);
        if (!parsed.isOk()) {
            err() << "bench_timing: " << parsed.error() << '\n';
            return 1;
        }
        capture.isAvailable = true;
        capture.connections = parsed.value();
    }
    const timing::Report report = timing::buildReport(recorded, capture);
    out() << report.text;
    return writeJson(jsonPath, report.part) ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM") && !qEnvironmentVariableIsSet("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption urlOption(u"url"_s, u"StreamLab server base URL"_s, u"url"_s);
    const QCommandLineOption outOption(u"out"_s, u"recorded runs (JSON)"_s, u"file"_s);
    const QCommandLineOption runsOption(u"runs"_s, u"runs per interval"_s, u"n"_s);
    const QCommandLineOption quickOption(u"quick"_s, u"fewer pieces, one run"_s);
    const QCommandLineOption noWarmUpOption(u"no-warm-up"_s, u"measure the first run too"_s);
    const QCommandLineOption reuseOption(u"reuse-runner"_s,
                                         u"diagnosis: one ProbeRunner for all runs"_s);
    const QCommandLineOption noViewOption(u"no-view"_s, u"diagnosis: no live timeline"_s);
    const QCommandLineOption analyzeOption(u"analyze"_s, u"recorded runs to analyze"_s, u"file"_s);
    const QCommandLineOption jsonOption(u"json"_s, u"part JSON to write"_s, u"file"_s);
    const QCommandLineOption packetsOption(u"packets"_s, u"tshark fields (TSV)"_s, u"file"_s);
    const QCommandLineOption portOption(u"port"_s, u"server port in the capture"_s, u"port"_s);
    const QCommandLineOption noteOption(u"capture-note"_s, u"how the capture went"_s, u"text"_s);
    parser.addOptions({urlOption, outOption, runsOption, quickOption, noWarmUpOption, reuseOption,
                       noViewOption, analyzeOption, jsonOption, packetsOption, portOption,
                       noteOption});
    parser.process(app);

    if (parser.isSet(analyzeOption)) {
        if (!parser.isSet(jsonOption) || (parser.isSet(packetsOption) && !parser.isSet(portOption)))
            parser.showHelp(2);
        return analyze(parser.value(analyzeOption), parser.value(jsonOption),
                       parser.value(packetsOption), quint16(parser.value(portOption).toUInt()),
                       parser.value(noteOption));
    }
    if (!parser.isSet(urlOption) || !parser.isSet(outOption))
        parser.showHelp(2);
    const bool isQuick = parser.isSet(quickOption);
    const int runs = parser.isSet(runsOption) ? std::max(1, parser.value(runsOption).toInt())
                                              : (isQuick ? kRunsQuick : kRunsDefault);
    return record(QUrl(parser.value(urlOption)), parser.value(outOption), runs, isQuick,
                  !parser.isSet(noWarmUpOption), parser.isSet(reuseOption),
                  !parser.isSet(noViewOption));
}
