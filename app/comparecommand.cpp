// SPDX-License-Identifier: GPL-3.0-only
#include "comparecommand.h"

#include "commandline.h"
#include "proberunner.h"
#include "serverhost.h"
#include "signalwatcher.h"
#include "summary.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrlQuery>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

const QStringList kTechniques{u"buffered"_s, u"stream"_s, u"chunked"_s,
                              u"sse"_s,      u"poll"_s,   u"ws"_s};
const QStringList kPayloads{u"text"_s, u"image"_s, u"records"_s, u"push"_s};
constexpr int kLaneTimeoutMs = 30'000;
constexpr int kSubscribeGraceMs = 3000;
constexpr int kLaneGuardMs = 20'000;

bool isPush(const QString &technique)
{
    return technique == u"sse"_s || technique == u"poll"_s || technique == u"ws"_s;
}

struct Plan
{
    QString payload = u"text"_s;
    QStringList techniques = kTechniques;
    int chunk = 64;
    int interval = 20;
    int count = 0; // records or push messages; 0 = the payload's default
    SummaryFormat format = SummaryFormat::Table;
    QString output;
    QString topic;
    QList<QByteArray> messages; // what the push lanes receive, published one per interval
};

Result<int> boundedInt(const QCommandLineParser &parser, const QString &name, int low, int high)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < low || value > high) {
        return Result<int>::failure(
            u"--%1: must be a number from %2 to %3, got '%4'"_s.arg(name).arg(low).arg(high).arg(
                parser.value(name)));
    }
    return Result<int>::success(value);
}

Result<Plan> planFrom(const QCommandLineParser &parser)
{
    using R = Result<Plan>;
    Plan plan;
    plan.payload = parser.value(u"payload"_s);
    if (!kPayloads.contains(plan.payload)) {
        return R::failure(
            u"--payload: '%1' is not one of %2"_s.arg(plan.payload, kPayloads.join(u", "_s)));
    }
    plan.techniques = parser.value(u"techniques"_s).split(u',', Qt::SkipEmptyParts);
    if (plan.techniques.isEmpty())
        return R::failure(u"--techniques: name at least one technique"_s);
    for (const QString &technique : std::as_const(plan.techniques)) {
        if (!kTechniques.contains(technique)) {
            return R::failure(
                u"--techniques: '%1' is not one of %2"_s.arg(technique, kTechniques.join(u", "_s)));
        }
    }
    plan.techniques.removeDuplicates();
    const Result<int> chunk = boundedInt(parser, u"chunk"_s, 1, 65536);
    const Result<int> interval = boundedInt(parser, u"interval"_s, 0, 10'000);
    const Result<int> count = boundedInt(parser, u"count"_s, 0, 100'000);
    for (const Result<int> *value : {&chunk, &interval, &count}) {
        if (!value->isOk())
            return R::failure(value->error());
    }
    plan.chunk = chunk.value();
    plan.interval = interval.value();
    plan.count = count.value();
    const QString format = parser.value(u"format"_s);
    const QMap<QString, SummaryFormat> formats{{u"table"_s, SummaryFormat::Table},
                                               {u"json"_s, SummaryFormat::Json},
                                               {u"csv"_s, SummaryFormat::Csv}};
    if (!formats.contains(format))
        return R::failure(u"--format: '%1' is not one of table, json, csv"_s.arg(format));
    plan.format = formats.value(format);
    plan.output = parser.value(u"output"_s);
    return R::success(plan);
}

// The messages the push lanes get: the same bytes, in the same pieces, as the HTTP lanes.
QList<QByteArray> pushMessages(const Plan &plan, const QByteArray &text)
{
    QList<QByteArray> messages;
    if (plan.payload == u"text"_s) {
        // `chunk` characters (code points) per piece, as /text cuts them: never through one.
        const QString characters = QString::fromUtf8(text);
        QString piece;
        int inPiece = 0;
        for (qsizetype i = 0; i < characters.size(); ++i) {
            piece += characters.at(i);
            if (characters.at(i).isHighSurrogate() && i + 1 < characters.size())
                piece += characters.at(++i);
            if (++inPiece == plan.chunk) {
                messages.append(piece.toUtf8());
                piece.clear();
                inPiece = 0;
            }
        }
        if (!piece.isEmpty())
            messages.append(piece.toUtf8());
    } else {
        const int count = plan.count > 0 ? plan.count : 20;
        for (int seq = 1; seq <= count; ++seq) {
            messages.append(QJsonDocument(QJsonObject{{u"seq"_s, seq}, {u"of"_s, count}})
                                .toJson(QJsonDocument::Compact));
        }
    }
    return messages;
}

// The URL each technique reads for the plan's payload; empty when it does not apply.
QUrl laneUrl(const Plan &plan, const QString &technique, const QUrl &base)
{
    QUrl url = base;
    QUrlQuery query;
    if (isPush(technique)) {
        if (plan.payload == u"image"_s)
            return {};
        url.setPath(technique == u"sse"_s    ? u"/sse"_s
                    : technique == u"poll"_s ? u"/poll"_s
                                             : u"/ws"_s);
        query.addQueryItem(u"topic"_s, plan.topic);
        // From the first message of this fresh topic on, however late the lane subscribes.
        query.addQueryItem(technique == u"sse"_s ? u"lastEventId"_s : u"since"_s, u"0"_s);
        if (technique == u"ws"_s)
            url.setScheme(u"ws"_s);
    } else if (plan.payload == u"push"_s) {
        return {};
    } else if (plan.payload == u"records"_s) {
        url.setPath(u"/records"_s);
        query.addQueryItem(u"count"_s, QString::number(plan.messages.size()));
        query.addQueryItem(u"delay"_s, QString::number(plan.interval));
        if (technique == u"buffered"_s)
            query.addQueryItem(u"format"_s, u"json-array"_s);
    } else {
        url.setPath(plan.payload == u"image"_s ? u"/image"_s : u"/text"_s);
        query.addQueryItem(u"mode"_s, technique == u"buffered"_s ? u"buffered"_s : u"stream"_s);
        query.addQueryItem(u"chunk"_s, QString::number(plan.chunk));
        query.addQueryItem(u"interval"_s, QString::number(plan.interval));
    }
    url.setQuery(query);
    return url;
}

QList<Lane> lanesFor(const Plan &plan, const QUrl &base)
{
    QList<Lane> lanes;
    for (const QString &technique : plan.techniques) {
        const QUrl url = laneUrl(plan, technique, base);
        if (url.isEmpty()) {
            std::fprintf(stderr,
                         "streamlab compare: %s does not apply to the %s payload; skipped\n",
                         qPrintable(technique), qPrintable(plan.payload));
            continue;
        }
        ProbeSettings settings;
        settings.url = url;
        settings.timeoutMs = kLaneTimeoutMs;
        settings.mode = technique == u"buffered"_s  ? ProbeMode::Buffered
                        : technique == u"stream"_s  ? ProbeMode::Stream
                        : technique == u"chunked"_s ? ProbeMode::Raw
                        : technique == u"sse"_s     ? ProbeMode::Sse
                        : technique == u"poll"_s    ? ProbeMode::Poll
                                                    : ProbeMode::WebSocket;
        if (isPush(technique))
            settings.maxEvents = int(plan.messages.size());
        // A guard, far beyond the paced run's own length, so that a lane never hangs.
        settings.durationMs = int(plan.messages.size()) * plan.interval + kLaneGuardMs;
        lanes.append(Lane{technique, settings, {}});
    }
    return lanes;
}

// Publishes the plan's messages one per interval once every push lane has subscribed.
class Publisher : public QObject
{
public:
    Publisher(const Plan &plan, const QUrl &base, QObject *parent)
        : QObject(parent), m_plan(plan), m_base(base)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, &Publisher::publishNext);
    }

    void start()
    {
        if (!m_timer.isActive() && m_released == 0)
            m_timer.start(qMax(1, m_plan.interval));
    }

private:
    // Each tick releases one message; they go out one request at a time, so the hub gets them
    // in order even when a request is slower than the interval.
    void publishNext()
    {
        if (m_released < m_plan.messages.size())
            ++m_released;
        else
            m_timer.stop();
        sendPending();
    }

    void sendPending()
    {
        if (m_isSending || m_sent >= m_released)
            return;
        QUrl url = m_base;
        url.setPath(u"/publish"_s);
        url.setQuery(QUrlQuery{{u"topic"_s, m_plan.topic}});
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"text/plain; charset=utf-8"_s);
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        QNetworkReply *reply = m_network.post(request, m_plan.messages.at(m_sent++));
        m_isSending = true;
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            if (reply->error() != QNetworkReply::NoError) {
                std::fprintf(stderr, "streamlab compare: publishing failed: %s\n",
                             qPrintable(reply->errorString()));
            }
            m_isSending = false;
            sendPending();
        });
    }

    const Plan &m_plan;
    QUrl m_base;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    qsizetype m_released = 0; // messages whose time has come
    qsizetype m_sent = 0;
    bool m_isSending = false;
};

void printLessons(const QList<LaneSummary> &rows)
{
    const auto find = [&rows](const QString &name) -> const LaneSummary * {
        for (const LaneSummary &row : rows) {
            if (row.lane == name)
                return &row;
        }
        return nullptr;
    };
    QStringList notes;
    const LaneSummary *buffered = find(u"buffered"_s);
    const LaneSummary *stream = find(u"stream"_s);
    if (buffered && stream && buffered->firstByteMs >= 0 && stream->firstByteMs >= 0) {
        notes += u"Streaming showed the first bytes at %1 ms; buffering showed nothing until "
                 "%2 ms, then all %3 bytes at once."_s.arg(stream->firstByteMs, 0, 'f', 1)
                     .arg(buffered->firstByteMs, 0, 'f', 1)
                     .arg(buffered->payloadBytes);
    }
    if (stream && stream->coalescedReads > 0) {
        notes += u"Reads are not writes: the stream lane saw %1 reads for %2 server writes; %3 "
                 "reads carried more than one write."_s.arg(stream->reads)
                     .arg(stream->piecesSent)
                     .arg(stream->coalescedReads);
    }
    for (const LaneSummary &row : rows) {
        if (row.payloadBytes > 0 && (row.lane == u"chunked"_s || isPush(row.lane))) {
            notes += u"%1 carried %2 payload bytes in %3 bytes on the wire (%4% framing and "
                     "headers)%5."_s.arg(row.lane)
                         .arg(row.payloadBytes)
                         .arg(row.wireBytes)
                         .arg(100.0 * double(row.overheadBytes())
                                  / double(qMax<qint64>(1, row.wireBytes)),
                              0, 'f', 0)
                         .arg(row.isWireExact ? u", counted on the wire"_s : QString());
        }
    }
    if (notes.isEmpty())
        return;
    std::fputs("\n", stdout);
    for (const QString &note : std::as_const(notes))
        std::printf("* %s\n", qPrintable(note));
}

} // namespace

int runCompare(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Sends the same payload through several techniques at once, on the built-in "
        "server, and compares when it arrived."_s);
    parser.addHelpOption();
    parser.addOptions({
        {u"payload"_s, u"What is sent: %1 (default text)."_s.arg(kPayloads.join(u'|')), u"P"_s,
         u"text"_s},
        {u"techniques"_s, u"Comma-separated, from %1 (default all)."_s.arg(kTechniques.join(u',')),
         u"LIST"_s, kTechniques.join(u',')},
        {u"chunk"_s, u"Bytes per piece for text and image (default 64)."_s, u"N"_s, u"64"_s},
        {u"interval"_s, u"ms between pieces (default 20)."_s, u"MS"_s, u"20"_s},
        {u"count"_s, u"Records or push messages (default 20)."_s, u"N"_s, u"0"_s},
        {u"format"_s, u"table, json or csv (default table)."_s, u"F"_s, u"table"_s},
        {u"output"_s, u"Save the recording (session file) here."_s, u"FILE"_s},
    });
    if (!parser.parse(arguments))
        return commandline::usageError("compare", parser.errorText());
    if (parser.isSet(u"help"_s))
        commandline::showHelp(parser, "compare");
    if (!parser.positionalArguments().isEmpty())
        return commandline::usageError(
            "compare", u"unexpected argument '%1'"_s.arg(parser.positionalArguments().first()));
    Result<Plan> planned = planFrom(parser);
    if (!planned.isOk())
        return commandline::usageError("compare", planned.error());
    Plan plan = planned.value();
    plan.topic = u"compare-%1"_s.arg(QCoreApplication::applicationPid());
    QFile document(u":/streamlab/text/streaming.txt"_s); // the text every HTTP lane reads
    if (!document.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "streamlab compare: the bundled text is missing\n");
        return 1;
    }
    plan.messages = pushMessages(plan, document.readAll());

    // The in-process server's per-connection log lines would mix into the table.
    QLoggingCategory::setFilterRules(u"streamlab.*.info=false"_s);
    ServerConfig config;
    config.port = 0;
    ServerHost host(config);
    const Result<QUrl> started = host.start();
    if (!started.isOk()) {
        std::fprintf(stderr, "streamlab compare: the built-in server did not start: %s\n",
                     qPrintable(started.error()));
        return 1;
    }
    const QList<Lane> lanes = lanesFor(plan, started.value());
    if (lanes.isEmpty())
        return commandline::usageError(
            "compare", u"--techniques: none of them applies to the %1 payload"_s.arg(plan.payload));

    SignalWatcher watcher;
    ProbeRunner runner;
    Publisher publisher(plan, started.value(), nullptr);
    QSet<int> waitingPush;
    for (int lane = 0; lane < lanes.size(); ++lane) {
        if (isPush(lanes.at(lane).name))
            waitingPush.insert(lane);
    }
    // Publish once every push lane has its request out (SSE and WS: their headers), or after
    // a grace period; the lanes subscribed from id 0, so a slow subscriber misses nothing.
    QObject::connect(&runner, &ProbeRunner::observed, &runner, [&](const Observation &observation) {
        const bool isPoll = lanes.at(observation.lane).name == u"poll"_s;
        if ((observation.kind == ObservationKind::Headers
             || (isPoll && observation.kind == ObservationKind::Request))
            && waitingPush.remove(observation.lane) && waitingPush.isEmpty()) {
            publisher.start();
        }
    });
    if (!waitingPush.isEmpty())
        QTimer::singleShot(kSubscribeGraceMs, &publisher, [&publisher] { publisher.start(); });
    bool isSuccess = true;
    QObject::connect(&runner, &ProbeRunner::laneFinished, &runner,
                     [&isSuccess](int, bool success) { isSuccess = isSuccess && success; });
    QObject::connect(&runner, &ProbeRunner::finished, qApp, &QCoreApplication::quit);
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &runner,
                     [&runner](int) { runner.stop(); });
    std::fprintf(stderr, "streamlab compare: %lld techniques, %s payload, on %s\n",
                 qlonglong(lanes.size()), qPrintable(plan.payload),
                 started.value().toEncoded().constData());
    runner.start(lanes, u"streamlab compare (%1)"_s.arg(plan.payload));
    QCoreApplication::exec();

    const Recording recording = runner.recording();
    const QList<LaneSummary> rows = summarize(recording);
    const QByteArray text = formatSummary(rows, plan.format);
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    if (plan.format == SummaryFormat::Table)
        printLessons(rows);
    std::fflush(stdout);
    if (!plan.output.isEmpty()) {
        const Result<bool> saved = recording.save(plan.output);
        if (!saved.isOk()) {
            std::fprintf(stderr, "streamlab compare: %s\n", qPrintable(saved.error()));
            return 1;
        }
    }
    host.stop();
    return isSuccess ? 0 : 1;
}
