// SPDX-License-Identifier: GPL-3.0-only
#include "probecommand.h"

#include "commandline.h"
#include "observationprinter.h"
#include "proberunner.h"
#include "signalwatcher.h"
#include "summary.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

constexpr int kMaxMs = 24 * 3600 * 1000;

std::optional<int> parseCount(const QString &text, int maximum)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 0 || value > maximum)
        return std::nullopt;
    return value;
}

struct Options
{
    QCommandLineOption mode{u"mode"_s,
                            u"How to read: %1 (default: ws for ws:// URLs, else stream)."_s.arg(
                                probeModeNames().join(u'|')),
                            u"MODE"_s};
    QCommandLineOption json{u"json"_s, u"Print JSON Lines, one object per observation."_s};
    QCommandLineOption header{u"header"_s, u"Add a request header 'Name: value' (repeatable)."_s,
                              u"K: V"_s};
    QCommandLineOption method{u"method"_s, u"Request method (default GET)."_s, u"M"_s, u"GET"_s};
    QCommandLineOption data{u"data"_s, u"Request body."_s, u"BODY"_s};
    QCommandLineOption timeout{u"timeout-ms"_s,
                               u"Fail after this long without data; 0 = never (default 30000)."_s,
                               u"N"_s, u"30000"_s};
    QCommandLineOption duration{u"duration-ms"_s, u"Stop after this long; 0 = at the end."_s,
                                u"N"_s, u"0"_s};
    QCommandLineOption maxEvents{u"max-events"_s,
                                 u"Stop after N SSE events, polled messages or WS messages."_s,
                                 u"N"_s, u"0"_s};
    QCommandLineOption noReconnect{u"no-reconnect"_s,
                                   u"SSE: do not reconnect when the stream ends."_s};
    QCommandLineOption send{u"send"_s, u"WS/raw ws: send this text message (repeatable)."_s,
                            u"TEXT"_s};
    QCommandLineOption ping{u"ping-ms"_s, u"WS: ping this often and show the round trip."_s, u"N"_s,
                            u"0"_s};
    QCommandLineOption noPong{u"no-pong"_s,
                              u"WS: never answer the server's pings (shows its timeout)."_s};
    QCommandLineOption segments{u"segments"_s, u"Range: parallel segments, 1-16 (default 1)."_s,
                                u"N"_s, u"1"_s};
    QCommandLineOption saveTo{u"save-to"_s, u"Range: assemble the file here."_s, u"FILE"_s};
    QCommandLineOption resume{u"resume"_s, u"Range: resume a partial --save-to file."_s};
    QCommandLineOption output{u"output"_s, u"Save the recording (session file) here."_s, u"FILE"_s};
};

// Settings from the command line, or a usage error message.
Result<ProbeSettings> settingsFrom(const QCommandLineParser &parser, const Options &o)
{
    using R = Result<ProbeSettings>;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return R::failure(positional.isEmpty() ? u"missing URL"_s : u"expected one URL"_s);
    ProbeSettings settings;
    const Result<QUrl> url = parseProbeUrl(positional.first());
    if (!url.isOk())
        return R::failure(u"URL: "_s + url.error());
    settings.url = url.value();
    settings.mode
        = settings.url.scheme().startsWith(u"ws"_s) ? ProbeMode::WebSocket : ProbeMode::Stream;
    if (parser.isSet(o.mode)) {
        const std::optional<ProbeMode> mode = probeModeFromName(parser.value(o.mode));
        if (!mode) {
            return R::failure(u"--mode: '%1' is not one of %2"_s.arg(
                parser.value(o.mode), probeModeNames().join(u", "_s)));
        }
        settings.mode = *mode;
    }
    if (const Result<ProbeMode> fits = checkModeForUrl(settings.mode, settings.url); !fits.isOk())
        return R::failure(u"--mode: "_s + fits.error());
    for (const QString &line : parser.values(o.header)) {
        const Result<QPair<QByteArray, QByteArray>> header = parseHeaderLine(line);
        if (!header.isOk())
            return R::failure(u"--header: "_s + header.error());
        settings.headers.append(header.value());
    }
    const Result<QByteArray> method = parseMethod(parser.value(o.method));
    if (!method.isOk())
        return R::failure(u"--method: "_s + method.error());
    settings.method = method.value();
    settings.body = parser.value(o.data).toUtf8();
    const struct
    {
        const QCommandLineOption &option;
        int maximum;
        int *target;
    } numbers[] = {{o.timeout, kMaxMs, &settings.timeoutMs},
                   {o.duration, kMaxMs, &settings.durationMs},
                   {o.maxEvents, 100'000'000, &settings.maxEvents},
                   {o.ping, kMaxMs, &settings.pingIntervalMs},
                   {o.segments, 16, &settings.segments}};
    for (const auto &number : numbers) {
        const std::optional<int> value = parseCount(parser.value(number.option), number.maximum);
        if (!value) {
            return R::failure(u"--%1: must be a number from 0 to %2, got '%3'"_s
                                  .arg(number.option.names().first())
                                  .arg(number.maximum)
                                  .arg(parser.value(number.option)));
        }
        *number.target = *value;
    }
    if (settings.segments < 1)
        return R::failure(u"--segments: must be a number from 1 to 16, got '0'"_s);
    settings.reconnect = !parser.isSet(o.noReconnect);
    settings.sends = parser.values(o.send);
    settings.autoPong = !parser.isSet(o.noPong);
    settings.outputPath = parser.value(o.saveTo);
    settings.resume = parser.isSet(o.resume);
    if (settings.resume && settings.outputPath.isEmpty())
        return R::failure(u"--resume: needs --save-to FILE"_s);
    return R::success(settings);
}

void printSummary(const Recording &recording)
{
    const QList<LaneSummary> rows = summarize(recording);
    if (rows.isEmpty())
        return;
    std::fputs("\n", stdout);
    std::fputs(formatSummary(rows, SummaryFormat::Table).constData(), stdout);
}

} // namespace

int runProbe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Reads one URL the way one kind of client would and shows when every piece "
        "arrived. Works against any server."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"URL"_s, u"http(s):// or ws(s):// URL to read."_s);
    const Options o;
    parser.addOptions({o.mode, o.json, o.header, o.method, o.data, o.timeout, o.duration,
                       o.maxEvents, o.noReconnect, o.send, o.ping, o.noPong, o.segments, o.saveTo,
                       o.resume, o.output});
    if (!parser.parse(arguments))
        return commandline::usageError("probe", parser.errorText());
    if (parser.isSet(u"help"_s))
        commandline::showHelp(parser, "probe");
    const Result<ProbeSettings> settings = settingsFrom(parser, o);
    if (!settings.isOk())
        return commandline::usageError("probe", settings.error());
    const bool isJson = parser.isSet(o.json);
    const QString outputPath = parser.value(o.output);
    if (!outputPath.isEmpty() && QFileInfo(outputPath).isDir())
        return commandline::usageError("probe", u"--output: '%1' is a folder"_s.arg(outputPath));

    SignalWatcher watcher;
    ProbeRunner runner;
    ObservationPrinter printer;
    bool isSuccess = false;
    QObject::connect(&runner, &ProbeRunner::observed, &runner,
                     [&printer, isJson](const Observation &observation) {
                         const QByteArray line = isJson ? printer.jsonLine(observation)
                                                        : printer.humanLine(observation);
                         std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
                         std::fflush(stdout); // one line at a time, so it can be piped live
                     });
    QObject::connect(&runner, &ProbeRunner::laneFinished, &runner,
                     [&isSuccess](int, bool success) { isSuccess = success; });
    QObject::connect(&runner, &ProbeRunner::finished, qApp, &QCoreApplication::quit);
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &runner,
                     [&runner](int) { runner.stop(); });
    const QString name = QString(probeModeName(settings.value().mode));
    runner.start({Lane{name, settings.value(), {}}}, u"streamlab probe "_s + name);
    QCoreApplication::exec();

    const Recording recording = runner.recording();
    if (!isJson)
        printSummary(recording);
    if (!outputPath.isEmpty()) {
        const Result<bool> saved = recording.save(outputPath);
        if (!saved.isOk()) {
            std::fprintf(stderr, "streamlab probe: %s\n", qPrintable(saved.error()));
            return 1;
        }
    }
    return isSuccess ? 0 : 1;
}
