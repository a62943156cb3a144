// SPDX-License-Identifier: GPL-3.0-only
// The recording model without a network: the session file round trip, its error messages,
// CSV and HAR 1.2 export, the send-log join, the summary figures, and merging runs (overlay
// for Repeat N, continuation for pause and resume).
#include "recording.h"
#include "summary.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMs = 1'000'000;
// A realistic CLOCK_MONOTONIC value (days of uptime) with nanoseconds that JSON doubles lose.
constexpr qint64 kZero = 987'654'321'123'456'789LL / 1000;

Observation make(int lane, qint64 tNs, ObservationKind kind, qint64 bytes, qint64 total,
                 int exchange, QJsonObject fields = {})
{
    Observation observation;
    observation.lane = lane;
    observation.tNs = tNs;
    observation.kind = kind;
    observation.bytes = bytes;
    observation.total = total;
    observation.exchange = exchange;
    observation.fields = std::move(fields);
    return observation;
}

QJsonObject headersFields(int status, const QJsonObject &headers)
{
    return {{u"status"_s, status}, {u"reason"_s, u"OK"_s}, {u"headers"_s, headers}};
}

// Two lanes: a chunked stream (3 reads, send log with 3 writes) and a WebSocket lane.
Recording sample()
{
    Recording recording;
    recording.title = u"sample, \"quoted\""_s;
    recording.startedAt = QDateTime(QDate(2026, 12, 5), QTime(12, 0, 0, 250), Qt::UTC);
    recording.startedNs = kZero;
    ProbeSettings stream;
    stream.mode = ProbeMode::Stream;
    stream.url = QUrl(u"http://127.0.0.1:8765/text?mode=stream&chunk=5"_s);
    stream.headers = {{"X-Test", "1"}};
    ProbeSettings ws;
    ws.mode = ProbeMode::WebSocket;
    ws.url = QUrl(u"ws://127.0.0.1:8765/ws"_s);
    ws.sends = {u"hello"_s};
    ExchangeSends sends{0, 42, true, {{kZero + 20 * kMs, 10, 0}, {kZero + 30 * kMs, 10, 10},
                                      {kZero + 40 * kMs, 10, 20}}};
    recording.lanes = {Lane{u"stream"_s, stream, {sends}}, Lane{u"ws"_s, ws, {}}};
    const QJsonObject chunked{{u"Content-Type"_s, u"text/plain"_s},
                              {u"Transfer-Encoding"_s, u"chunked"_s},
                              {u"X-StreamLab-Id"_s, u"42"_s}};
    recording.observations = {
            make(0, kZero + 1, ObservationKind::Request, 0, 0, 0,
                 {{u"method"_s, u"GET"_s}, {u"url"_s, stream.url.toString()}}),
            make(1, kZero + 2 * kMs, ObservationKind::Request, 0, 0, 0,
                 {{u"method"_s, u"GET"_s}, {u"url"_s, ws.url.toString()}}),
            make(0, kZero + 10 * kMs + 7, ObservationKind::Headers, 0, 0, 0,
                 headersFields(200, chunked)),
            make(0, kZero + 21 * kMs, ObservationKind::Chunk, 10, 10, 0,
                 {{u"text"_s, u"line one,\n"_s}}),
            make(0, kZero + 45 * kMs, ObservationKind::Chunk, 20, 30, 0,
                 {{u"text"_s, u"say \"two\" and 3\r\n"_s}}),
            make(1, kZero + 50 * kMs, ObservationKind::Message, 28, 28, 0,
                 {{u"data"_s, QString(u"{\"t_server_ns\":%1}"_s).arg(kZero + 49 * kMs)},
                  {u"binary"_s, false}}),
            make(0, kZero + 60 * kMs, ObservationKind::Done, 30, 30, 0, {{u"ok"_s, true}}),
            make(1, kZero + 61 * kMs, ObservationKind::Error, 0, 28, 0,
                 {{u"message"_s, u"closed: 1001"_s}}),
            make(1, kZero + 61 * kMs, ObservationKind::Done, 0, 28, 0, {{u"ok"_s, false}}),
    };
    return recording;
}

QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QList<QByteArrayList> parseCsv(const QByteArray &csv)
{
    QList<QByteArrayList> rows{{}};
    QByteArray cell;
    bool isQuoted = false;
    for (qsizetype i = 0; i < csv.size(); ++i) {
        const char c = csv.at(i);
        if (isQuoted) {
            if (c == '"' && i + 1 < csv.size() && csv.at(i + 1) == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                isQuoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            isQuoted = true;
        } else if (c == ',') {
            rows.last() += cell;
            cell.clear();
        } else if (c == '\r' && i + 1 < csv.size() && csv.at(i + 1) == '\n') {
            rows.last() += cell;
            cell.clear();
            rows += QByteArrayList();
            ++i;
        } else {
            cell += c;
        }
    }
    if (rows.last().isEmpty())
        rows.removeLast();
    return rows;
}

// `recording` as if its run had started `shiftNs` later: every time moves, sends included.
Recording shifted(Recording recording, qint64 shiftNs)
{
    recording.startedNs += shiftNs;
    for (Lane &lane : recording.lanes) {
        for (ExchangeSends &sends : lane.sends) {
            for (SentWrite &write : sends.writes)
                write.tNs += shiftNs;
        }
    }
    for (Observation &observation : recording.observations)
        observation.tNs += shiftNs;
    return recording;
}

// What the views rely on: every observation names a lane that exists, and each lane's only
// Done is its last observation. Returns what is broken, or an empty string.
QString brokenInvariant(const Recording &recording)
{
    for (const Observation &observation : recording.observations) {
        if (observation.lane < 0 || observation.lane >= recording.lanes.size())
            return u"lane %1 does not exist"_s.arg(observation.lane);
    }
    for (int lane = 0; lane < recording.lanes.size(); ++lane) {
        const QList<Observation> observations = recording.laneObservations(lane);
        for (qsizetype i = 0; i < observations.size(); ++i) {
            const bool isLast = i == observations.size() - 1;
            if ((observations.at(i).kind == ObservationKind::Done) != isLast)
                return u"lane %1: Done is not (only) last"_s.arg(lane);
        }
    }
    return {};
}

// The same observation in another lane of another recording: kind, time, exchange, bytes,
// total and fields equal.
bool isSameObservation(const Observation &a, const Observation &b)
{
    return a.kind == b.kind && a.tNs == b.tNs && a.exchange == b.exchange && a.bytes == b.bytes
            && a.total == b.total && a.fields == b.fields;
}

} // namespace

class tst_Recording : public QObject
{
    Q_OBJECT

private slots:
    void sessionFileRoundTrip();
    void sessionFileErrors_data();
    void sessionFileErrors();
    void csvExport();
    void harExportHasEveryRequiredField();
    void harExportSplitsParallelExchanges();
    void joinPieces_data();
    void joinPieces();
    void joinEventsAndMessages();
    void summaryFigures();
    void percentiles_data();
    void percentiles();
    void overlayRunsStartsEveryRunTogether();
    void overlayRunsOfNoneOrOne();
    void continueRunKeepsThePauseAsAGap();
};

void tst_Recording::sessionFileRoundTrip()
{
    const Recording original = sample();
    QTemporaryDir dir;
    const QString path = dir.filePath(u"run.json"_s);
    const Result<bool> saved = original.save(path);
    QVERIFY2(saved.isOk(), qPrintable(saved.error()));
    const Result<Recording> loaded = Recording::load(path);
    QVERIFY2(loaded.isOk(), qPrintable(loaded.error()));
    const Recording &copy = loaded.value();
    QCOMPARE(copy.title, original.title);
    QCOMPARE(copy.startedAt, original.startedAt);
    QCOMPARE(copy.startedNs, original.startedNs);
    QCOMPARE(copy.lanes.size(), 2);
    QCOMPARE(copy.lanes.at(0).settings.toJson(), original.lanes.at(0).settings.toJson());
    QCOMPARE(copy.lanes.at(1).settings.sends, QStringList{u"hello"_s});
    QCOMPARE(copy.lanes.at(0).sends.size(), 1);
    QCOMPARE(copy.lanes.at(0).sends.first().sendLogId, 42);
    QCOMPARE(copy.lanes.at(0).sends.first().writes.size(), 3);
    QCOMPARE(copy.lanes.at(0).sends.first().writes.at(2).tNs, kZero + 40 * kMs);
    QCOMPARE(copy.observations.size(), original.observations.size());
    for (qsizetype i = 0; i < original.observations.size(); ++i) {
        const Observation &a = original.observations.at(i);
        const Observation &b = copy.observations.at(i);
        QCOMPARE(b.tNs, a.tNs); // nanoseconds survive
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.lane, a.lane);
        QCOMPARE(b.bytes, a.bytes);
        QCOMPARE(b.total, a.total);
        QCOMPARE(b.exchange, a.exchange);
        QCOMPARE(compactJson(b.fields), compactJson(a.fields));
    }
    // Saved again, the file is the same.
    QCOMPARE(compactJson(copy.toJson()), compactJson(original.toJson()));
}

void tst_Recording::sessionFileErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    const QJsonObject good = sample().toJson();
    const auto with = [&good](const QString &key, const QJsonValue &value) {
        QJsonObject object = good;
        object.insert(key, value);
        return QJsonDocument(object).toJson();
    };
    QJsonArray badKind = good.value(u"observations"_s).toArray();
    QJsonObject first = badKind.at(0).toObject();
    first.insert(u"kind"_s, u"teleport"_s);
    badKind.replace(0, first);
    QJsonArray badLane = good.value(u"observations"_s).toArray();
    first = badLane.at(0).toObject();
    first.insert(u"lane"_s, 7);
    badLane.replace(0, first);
    QJsonArray badMode = good.value(u"lanes"_s).toArray();
    QJsonObject lane = badMode.at(0).toObject();
    QJsonObject settings = lane.value(u"settings"_s).toObject();
    settings.insert(u"mode"_s, u"carrier-pigeon"_s);
    lane.insert(u"settings"_s, settings);
    badMode.replace(0, lane);
    QTest::newRow("not_json") << QByteArray("{ nope") << u"is not valid JSON"_s;
    QTest::newRow("json_array") << QByteArray("[1,2]") << u"is not valid JSON"_s;
    QTest::newRow("other_format") << with(u"format"_s, u"har"_s) << u"not a StreamLab recording"_s;
    QTest::newRow("future_version") << with(u"version"_s, 99) << u"version 99 is not supported"_s;
    QTest::newRow("unknown_kind") << with(u"observations"_s, badKind) << u"unknown 'teleport'"_s;
    QTest::newRow("lane_out_of_range") << with(u"observations"_s, badLane) << u"no such lane"_s;
    QTest::newRow("unknown_mode") << with(u"lanes"_s, badMode) << u"'carrier-pigeon'"_s;
}

void tst_Recording::sessionFileErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bad.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    const Result<Recording> loaded = Recording::load(path);
    QVERIFY(!loaded.isOk());
    QVERIFY2(loaded.error().contains(expected), qPrintable(loaded.error()));
    QVERIFY2(loaded.error().contains(path), "the message names the file");
    QVERIFY(!Recording::load(dir.filePath(u"missing.json"_s)).isOk());
}

void tst_Recording::csvExport()
{
    const Recording recording = sample();
    const QList<QByteArrayList> rows = parseCsv(recording.toCsv());
    QCOMPARE(rows.size(), 1 + recording.observations.size());
    const QByteArrayList header = rows.first();
    QCOMPARE(header.first(), "lane");
    const qsizetype kind = header.indexOf("kind");
    const qsizetype text = header.indexOf("text");
    const qsizetype tMs = header.indexOf("t_ms");
    QVERIFY(kind > 0 && text > 0 && tMs > 0);
    for (const QByteArrayList &row : rows)
        QCOMPARE(row.size(), header.size());
    // Row 4 is the first chunk: a comma and a newline survive quoting; row 5 has quotes.
    QCOMPARE(rows.at(4).at(kind), "chunk");
    QCOMPARE(rows.at(4).at(text), "line one,\n");
    QCOMPARE(rows.at(5).at(text), "say \"two\" and 3\r\n");
    QCOMPARE(rows.at(4).at(tMs), "21.000");
    QCOMPARE(rows.at(3).at(tMs), "10.000"); // 10 ms + 7 ns, rounded to µs
}

void tst_Recording::harExportHasEveryRequiredField()
{
    const QJsonObject har = sample().toHar();
    const QJsonObject log = har.value(u"log"_s).toObject();
    QCOMPARE(log.value(u"version"_s).toString(), u"1.2"_s);
    QVERIFY(log.value(u"creator"_s).toObject().contains(u"name"_s));
    QVERIFY(log.value(u"creator"_s).toObject().contains(u"version"_s));
    const QJsonArray entries = log.value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), 1); // the WebSocket lane is not HTTP
    const QJsonObject entry = entries.first().toObject();
    for (const QString &key : {u"startedDateTime"_s, u"time"_s, u"request"_s, u"response"_s,
                               u"cache"_s, u"timings"_s})
        QVERIFY2(entry.contains(key), qPrintable(key));
    const QDateTime started =
            QDateTime::fromString(entry.value(u"startedDateTime"_s).toString(), Qt::ISODateWithMs);
    QVERIFY(started.isValid());
    QCOMPARE(started.toMSecsSinceEpoch(), sample().startedAt.toMSecsSinceEpoch());
    const QJsonObject request = entry.value(u"request"_s).toObject();
    for (const QString &key : {u"method"_s, u"url"_s, u"httpVersion"_s, u"cookies"_s,
                               u"headers"_s, u"queryString"_s, u"headersSize"_s, u"bodySize"_s})
        QVERIFY2(request.contains(key), qPrintable(key));
    QCOMPARE(request.value(u"queryString"_s).toArray().size(), 2);
    const QJsonObject response = entry.value(u"response"_s).toObject();
    for (const QString &key : {u"status"_s, u"statusText"_s, u"httpVersion"_s, u"cookies"_s,
                               u"headers"_s, u"content"_s, u"redirectURL"_s, u"headersSize"_s,
                               u"bodySize"_s})
        QVERIFY2(response.contains(key), qPrintable(key));
    QCOMPARE(response.value(u"status"_s).toInt(), 200);
    const QJsonObject content = response.value(u"content"_s).toObject();
    QCOMPARE(content.value(u"size"_s).toInt(), 30);
    QCOMPARE(content.value(u"mimeType"_s).toString(), u"text/plain"_s);
    const QJsonArray chunks = content.value(u"_chunks"_s).toArray();
    QCOMPARE(chunks.size(), 2);
    QCOMPARE(chunks.at(0).toObject().value(u"t"_s).toDouble(), 21.0); // from the request
    QCOMPARE(chunks.at(1).toObject().value(u"bytes"_s).toInt(), 20);
    const QJsonObject timings = entry.value(u"timings"_s).toObject();
    for (const QString &key : {u"send"_s, u"wait"_s, u"receive"_s}) {
        QVERIFY2(timings.value(key).isDouble(), qPrintable(key));
        QVERIFY(timings.value(key).toDouble() >= 0);
    }
    QCOMPARE(timings.value(u"wait"_s).toDouble(), 10.0);
    QCOMPARE(entry.value(u"time"_s).toDouble(),
             timings.value(u"send"_s).toDouble() + timings.value(u"wait"_s).toDouble()
                     + timings.value(u"receive"_s).toDouble());
}

void tst_Recording::harExportSplitsParallelExchanges()
{
    Recording recording = sample();
    recording.lanes.first().settings.mode = ProbeMode::Range;
    recording.observations = {
            make(0, kZero + 1 * kMs, ObservationKind::Request, 0, 0, 0,
                 {{u"method"_s, u"GET"_s}, {u"url"_s, u"http://h/f"_s}}),
            make(0, kZero + 2 * kMs, ObservationKind::Request, 0, 0, 1,
                 {{u"method"_s, u"GET"_s}, {u"url"_s, u"http://h/f"_s}}),
            make(0, kZero + 3 * kMs, ObservationKind::Range, 100, 100, 0),
            make(0, kZero + 4 * kMs, ObservationKind::Range, 50, 150, 1),
            make(0, kZero + 5 * kMs, ObservationKind::Range, 100, 250, 0),
    };
    const QJsonArray entries = recording.toHar().value(u"log"_s).toObject().value(u"entries"_s)
                                       .toArray();
    QCOMPARE(entries.size(), 2);
    const auto size = [&entries](int i) {
        return entries.at(i).toObject().value(u"response"_s).toObject().value(u"bodySize"_s)
                .toInt();
    };
    QCOMPARE(size(0), 200);
    QCOMPARE(size(1), 50);
}

void tst_Recording::joinPieces_data()
{
    // Three writes of 10 bytes at 20, 30 and 40 ms; reads given as (bytes, ms).
    QTest::addColumn<QList<int>>("readBytes");
    QTest::addColumn<QList<int>>("readMs");
    QTest::addColumn<QList<int>>("expectedWrites");
    QTest::addColumn<QList<double>>("expectedLagMs");
    QTest::newRow("one_read_per_write") << QList<int>{10, 10, 10} << QList<int>{21, 32, 43}
                                        << QList<int>{1, 1, 1} << QList<double>{1, 2, 3};
    QTest::newRow("one_read_coalesces_all") << QList<int>{30} << QList<int>{45}
                                            << QList<int>{3} << QList<double>{5};
    QTest::newRow("read_stops_inside_a_write")
            << QList<int>{15, 15} << QList<int>{31, 41} << QList<int>{1, 2}
            << QList<double>{1, 1};
    QTest::newRow("write_split_over_reads") << QList<int>{4, 6, 20} << QList<int>{22, 23, 44}
                                            << QList<int>{0, 1, 2} << QList<double>{2, 3, 4};
}

void tst_Recording::joinPieces()
{
    QFETCH(QList<int>, readBytes);
    QFETCH(QList<int>, readMs);
    QFETCH(QList<int>, expectedWrites);
    QFETCH(QList<double>, expectedLagMs);
    Recording recording = sample();
    recording.observations.clear();
    qint64 total = 0;
    for (qsizetype i = 0; i < readBytes.size(); ++i) {
        total += readBytes.at(i);
        recording.observations.append(make(0, kZero + readMs.at(i) * kMs, ObservationKind::Chunk,
                                           readBytes.at(i), total, 0));
    }
    joinSendLog(recording);
    for (qsizetype i = 0; i < readBytes.size(); ++i) {
        const QJsonObject &fields = recording.observations.at(i).fields;
        QCOMPARE(fields.value(u"writes"_s).toInt(), expectedWrites.at(i));
        QCOMPARE(fields.value(u"lag_ms"_s).toDouble(), expectedLagMs.at(i));
    }
}

void tst_Recording::joinEventsAndMessages()
{
    Recording recording = sample();
    recording.lanes.first().settings.mode = ProbeMode::Sse;
    recording.observations.insert(4, make(0, kZero + 21 * kMs, ObservationKind::Event, 3, 10, 0,
                                          {{u"type"_s, u"message"_s}, {u"data"_s, u"one"_s}}));
    joinSendLog(recording);
    QCOMPARE(recording.observations.at(4).fields.value(u"lag_ms"_s).toDouble(), 1.0);
    const Observation message = recording.laneObservations(1).at(1);
    QCOMPARE(message.kind, ObservationKind::Message);
    QCOMPARE(message.fields.value(u"lag_ms"_s).toDouble(), 1.0);
}

void tst_Recording::summaryFigures()
{
    Recording recording = sample();
    joinSendLog(recording);
    const QList<LaneSummary> rows = summarize(recording);
    QCOMPARE(rows.size(), 2);
    const LaneSummary &stream = rows.at(0);
    QVERIFY(stream.isSuccess);
    QCOMPARE(stream.headersMs, 10.0);
    QCOMPARE(stream.firstByteMs, 21.0);
    QCOMPARE(stream.lastByteMs, 45.0);
    QCOMPARE(stream.payloadBytes, 30);
    QCOMPARE(stream.piecesSent, 3);
    QCOMPARE(stream.reads, 2);
    QCOMPARE(stream.coalescedReads, 1); // the second read carried writes 2 and 3
    QCOMPARE(stream.meanGapMs, 24.0);
    QCOMPARE(stream.lagP50Ms, 1.0);
    QCOMPARE(stream.lagP95Ms, 5.0);
    // The header block as it was on the wire, then "a\r\n…\r\n" around each write and the
    // last chunk "0\r\n\r\n".
    const QByteArray headerBlock = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                   "Transfer-Encoding: chunked\r\nX-StreamLab-Id: 42\r\n\r\n";
    QCOMPARE(stream.overheadBytes(), headerBlock.size() + 3 * 5 + 5);
    const LaneSummary &ws = rows.at(1);
    QVERIFY(!ws.isSuccess);
    QCOMPARE(ws.error, u"closed: 1001"_s);
    QCOMPARE(ws.payloadBytes, 28);
    QCOMPARE(ws.overheadBytes(), 2); // one short unmasked frame header
    const QByteArray table = formatSummary(rows, SummaryFormat::Table);
    QVERIFY(table.startsWith("technique"));
    QVERIFY(table.contains("closed: 1001"));
    const QJsonObject json = QJsonDocument::fromJson(formatSummary(rows, SummaryFormat::Json))
                                     .object();
    QCOMPARE(json.value(u"techniques"_s).toArray().size(), 2);
    QCOMPARE(parseCsv(formatSummary(rows, SummaryFormat::Csv)).size(), 3);
}

void tst_Recording::percentiles_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("expected");
    QTest::newRow("empty") << QList<double>{} << 50.0 << -1.0;
    QTest::newRow("single") << QList<double>{7} << 95.0 << 7.0;
    QTest::newRow("median_of_unsorted") << QList<double>{5, 1, 3} << 50.0 << 3.0;
    QTest::newRow("p95_of_twenty") << QList<double>{1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                                     11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
                                   << 95.0 << 19.0;
    QTest::newRow("p100_is_max") << QList<double>{4, 9, 2} << 100.0 << 9.0;
}

void tst_Recording::percentiles()
{
    QFETCH(QList<double>, values);
    QFETCH(double, p);
    QFETCH(double, expected);
    QCOMPARE(percentile(values, p), expected);
}

void tst_Recording::overlayRunsStartsEveryRunTogether()
{
    const Recording first = sample();
    const QList<Recording> runs{first, shifted(sample(), 5000 * kMs),
                                shifted(sample(), 9000 * kMs + 3)};
    const Recording overlay = overlayRuns(runs);
    QCOMPARE(overlay.title, first.title);
    QCOMPARE(overlay.startedAt, first.startedAt);
    QCOMPARE(overlay.startedNs, first.startedNs);
    QCOMPARE(overlay.lanes.size(), 6);
    const QStringList names{u"stream"_s, u"ws"_s, u"stream · run 2"_s, u"ws · run 2"_s,
                            u"stream · run 3"_s, u"ws · run 3"_s};
    for (int lane = 0; lane < 6; ++lane)
        QCOMPARE(overlay.lanes.at(lane).name, names.at(lane));
    QCOMPARE(brokenInvariant(overlay), QString());
    QCOMPARE(overlay.observations.size(), 3 * first.observations.size());
    // Each run's lanes are the first run's, at the first run's times.
    for (int lane = 0; lane < 6; ++lane) {
        const QList<Observation> original = first.laneObservations(lane % 2);
        const QList<Observation> merged = overlay.laneObservations(lane);
        QCOMPARE(merged.size(), original.size());
        for (qsizetype i = 0; i < merged.size(); ++i) {
            QCOMPARE(merged.at(i).lane, lane);
            QVERIFY2(isSameObservation(merged.at(i), original.at(i)),
                     qPrintable(u"lane %1, observation %2"_s.arg(lane).arg(i)));
        }
        QCOMPARE(overlay.lanes.at(lane).settings.url, first.lanes.at(lane % 2).settings.url);
    }
    const QList<SentWrite> writes = overlay.lanes.at(4).sends.value(0).writes;
    QCOMPARE(writes.size(), 3);
    for (qsizetype i = 0; i < writes.size(); ++i)
        QCOMPARE(writes.at(i).tNs, first.lanes.at(0).sends.first().writes.at(i).tNs);
    QCOMPARE(overlay.lanes.at(4).sends.first().exchange, 0);
    // Merged by time: the runs interleave.
    for (qsizetype i = 1; i < overlay.observations.size(); ++i)
        QVERIFY(overlay.observations.at(i - 1).tNs <= overlay.observations.at(i).tNs);
    QCOMPARE(overlay.observations.at(1).lane, 2); // run 2's first Request, right after run 1's
    // The session file takes it as it is.
    const Result<Recording> loaded = Recording::fromJson(overlay.toJson());
    QVERIFY2(loaded.isOk(), qPrintable(loaded.error()));
    QCOMPARE(loaded.value().lanes.size(), 6);
}

void tst_Recording::overlayRunsOfNoneOrOne()
{
    const Recording none = overlayRuns({});
    QVERIFY(none.lanes.isEmpty());
    QVERIFY(none.observations.isEmpty());
    const Recording one = overlayRuns({sample()});
    QCOMPARE(one.lanes.size(), 2);
    QCOMPARE(one.lanes.at(0).name, u"stream"_s);
    QCOMPARE(one.observations.size(), sample().observations.size());
    for (qsizetype i = 0; i < one.observations.size(); ++i)
        QVERIFY(isSameObservation(one.observations.at(i), sample().observations.at(i)));
}

void tst_Recording::continueRunKeepsThePauseAsAGap()
{
    const Recording earlier = sample();
    const Recording later = shifted(sample(), 7000 * kMs);
    const Recording continued = continueRun(earlier, later);
    QCOMPARE(continued.title, earlier.title);
    QCOMPARE(continued.startedNs, earlier.startedNs);
    QCOMPARE(continued.lanes.size(), 4);
    QCOMPARE(continued.lanes.at(1).name, u"ws"_s);
    QCOMPARE(continued.lanes.at(2).name, u"stream · resumed"_s);
    QCOMPARE(continued.lanes.at(3).name, u"ws · resumed"_s);
    QCOMPARE(brokenInvariant(continued), QString());
    QCOMPARE(continued.observations.size(), 2 * earlier.observations.size());
    // The earlier run's observations first, unchanged; then the later's, at their own times.
    for (qsizetype i = 0; i < earlier.observations.size(); ++i) {
        QCOMPARE(continued.observations.at(i).lane, earlier.observations.at(i).lane);
        QVERIFY(isSameObservation(continued.observations.at(i), earlier.observations.at(i)));
    }
    const qsizetype offset = earlier.observations.size();
    for (qsizetype i = 0; i < later.observations.size(); ++i) {
        const Observation &observation = continued.observations.at(offset + i);
        QCOMPARE(observation.lane, later.observations.at(i).lane + 2);
        QVERIFY(isSameObservation(observation, later.observations.at(i)));
    }
    const double resumedMs = continued.msSinceStart(continued.laneObservations(2).first().tNs);
    QVERIFY2(resumedMs >= 7000.0, qPrintable(QString::number(resumedMs)));
    QCOMPARE(continued.lanes.at(2).sends.first().writes.first().tNs,
             later.lanes.at(0).sends.first().writes.first().tNs);
}

QTEST_GUILESS_MAIN(tst_Recording)
#include "tst_recording.moc"
