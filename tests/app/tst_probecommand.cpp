// SPDX-License-Identifier: GPL-3.0-only
// `streamlab probe` and `streamlab compare` as processes, as a user or a script runs them:
// JSON Lines parsed line by line, the human output, the session file they save, and exit
// codes 0 (success), 1 (transfer failed) and 2 (usage error).
#include "recording.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Ran
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;
};

Ran run(const QStringList &arguments, int timeoutMs = 30000)
{
    QProcess process;
    QElapsedTimer clock;
    clock.start();
    process.start(QString::fromLocal8Bit(STREAMLAB_BINARY), arguments);
    Ran ran;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        ran.err = "timed out";
        return ran;
    }
    ran.elapsedMs = clock.elapsed();
    ran.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    ran.out = process.readAllStandardOutput();
    ran.err = process.readAllStandardError();
    return ran;
}

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : out.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return {}; // every line must be one object
        objects.append(document.object());
    }
    return objects;
}

QStringList kinds(const QList<QJsonObject> &objects)
{
    QStringList names;
    for (const QJsonObject &object : objects)
        names += object.value(u"kind"_s).toString();
    return names;
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // closed again when `server` goes
}

} // namespace

class tst_ProbeCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sseJsonLines();
    void streamJsonLinesAndRecording();
    void rawShowsTheWire();
    void failuresExitWithOne_data();
    void failuresExitWithOne();
    void usageErrorsExitWithTwo_data();
    void usageErrorsExitWithTwo();
    void compareDefaultRun();
    void compareFormats_data();
    void compareFormats();

private:
    std::unique_ptr<TestServer> m_server;
};

void tst_ProbeCommand::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QCOMPARE(m_server->start(), QString());
}

void tst_ProbeCommand::sseJsonLines()
{
    const Ran ran = run({u"probe"_s, u"--mode"_s, u"sse"_s, u"--json"_s, u"--max-events"_s,
                         u"3"_s, m_server->url(u"/sse?interval=50"_s).toString()});
    QVERIFY2(ran.exitCode == 0, ran.err.constData());
    const QList<QJsonObject> lines = jsonLines(ran.out);
    QVERIFY2(!lines.isEmpty(), ran.out.constData());
    const QStringList names = kinds(lines);
    QCOMPARE(names.first(), u"request"_s);
    QCOMPARE(names.at(1), u"headers"_s);
    QCOMPARE(names.last(), u"done"_s);
    QCOMPARE(names.count(u"event"_s), 3);
    QCOMPARE(lines.first().value(u"method"_s).toString(), u"GET"_s);
    QCOMPARE(lines.at(1).value(u"status"_s).toInt(), 200);
    double previous = -1;
    for (const QJsonObject &line : lines) {
        QVERIFY(line.value(u"t"_s).isDouble());
        QVERIFY2(line.value(u"t"_s).toDouble() >= previous, "t never goes back");
        previous = line.value(u"t"_s).toDouble();
        if (line.value(u"kind"_s).toString() == u"event"_s) {
            QCOMPARE(line.value(u"type"_s).toString(), u"tick"_s);
            QVERIFY(line.contains(u"data"_s));
            QVERIFY(line.contains(u"id"_s));
        }
    }
    // Three ticks 50 ms apart cannot all be there before 100 ms.
    QVERIFY(lines.last().value(u"t"_s).toDouble() >= 90);
    QVERIFY(lines.last().value(u"bytes"_s).toInt() > 0);
}

void tst_ProbeCommand::streamJsonLinesAndRecording()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"probe.json"_s);
    const Ran ran = run({u"probe"_s, u"--json"_s, u"--output"_s, path,
                         m_server->url(u"/text?chunk=400&interval=10"_s).toString()});
    QVERIFY2(ran.exitCode == 0, ran.err.constData());
    const QList<QJsonObject> lines = jsonLines(ran.out);
    QString text;
    qint64 total = 0;
    for (const QJsonObject &line : lines) {
        if (line.value(u"kind"_s).toString() != u"chunk"_s)
            continue;
        text += line.value(u"text"_s).toString();
        total += line.value(u"bytes"_s).toInteger();
        QCOMPARE(line.value(u"total"_s).toInteger(), total);
    }
    QCOMPARE(total, 3199);
    QCOMPARE(text.toUtf8().size(), 3199); // decoded intact across reads
    const QJsonObject done = lines.last();
    QCOMPARE(done.value(u"kind"_s).toString(), u"done"_s);
    QCOMPARE(done.value(u"bytes"_s).toInteger(), 3199);
    for (const QString &key : {u"chunks"_s, u"headers_ms"_s, u"first_byte_ms"_s, u"total_ms"_s})
        QVERIFY2(done.contains(key), qPrintable(key));
    const Result<Recording> recording = Recording::load(path);
    QVERIFY2(recording.isOk(), qPrintable(recording.error()));
    QCOMPARE(recording.value().observations.size(), lines.size());
    QCOMPARE(recording.value().lanes.first().sends.size(), 1); // joined with the send log
}

void tst_ProbeCommand::rawShowsTheWire()
{
    const Ran ran = run({u"probe"_s, u"--mode"_s, u"raw"_s,
                         m_server->url(u"/records?count=3&delay=10"_s).toString()});
    QVERIFY2(ran.exitCode == 0, ran.err.constData());
    const QString out = QString::fromUtf8(ran.out);
    QVERIFY2(out.contains(u"HTTP/1.1 200 OK\\r\\n"_s), qPrintable(out));
    QVERIFY(out.contains(u"header Transfer-Encoding"_s));
    QVERIFY(out.contains(u"chunk of"_s));
    // The last chunk, visible: its size line and the empty line after it, one per line.
    static const QRegularExpression lastChunk(uR"(\n\s+0\\r\\n\n\s+\\r\\n\n)"_s);
    QVERIFY2(lastChunk.match(out).hasMatch(), qPrintable(out));
    QVERIFY(out.contains(u" wire "_s));
    QVERIFY(out.contains(u"technique"_s)); // the summary table
}

void tst_ProbeCommand::failuresExitWithOne_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString refused = u"http://127.0.0.1:%1/"_s.arg(closedPort());
    QTest::newRow("connection_refused") << QStringList{refused} << u"refused"_s;
    QTest::newRow("not_found") << QStringList{m_server->url(u"/nowhere"_s).toString()}
                               << u"404"_s;
    QTest::newRow("sse_wrong_mime")
            << QStringList{u"--mode"_s, u"sse"_s, m_server->url(u"/records?count=1"_s).toString()}
            << u"text/event-stream"_s;
    QTest::newRow("inactivity_timeout")
            << QStringList{u"--timeout-ms"_s, u"300"_s, m_server->url(u"/slow?delay=5000"_s).toString()}
            << u"300 ms"_s;
}

void tst_ProbeCommand::failuresExitWithOne()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Ran ran = run(QStringList{u"probe"_s, u"--json"_s} + arguments);
    QCOMPARE(ran.exitCode, 1);
    const QList<QJsonObject> lines = jsonLines(ran.out);
    QVERIFY2(kinds(lines).contains(u"error"_s), ran.out.constData());
    QString error;
    for (const QJsonObject &line : lines) {
        if (line.value(u"kind"_s).toString() == u"error"_s)
            error = line.value(u"message"_s).toString();
    }
    QVERIFY2(error.contains(message, Qt::CaseInsensitive), qPrintable(error));
    QCOMPARE(kinds(lines).last(), u"done"_s);
}

void tst_ProbeCommand::usageErrorsExitWithTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no_url") << QStringList{u"probe"_s} << u"missing URL"_s;
    QTest::newRow("bad_mode") << QStringList{u"probe"_s, u"--mode"_s, u"fax"_s, u"http://x/"_s}
                              << u"--mode"_s;
    QTest::newRow("not_a_url") << QStringList{u"probe"_s, u"ftp://x/"_s} << u"URL"_s;
    QTest::newRow("ws_mode_http_url")
            << QStringList{u"probe"_s, u"--mode"_s, u"ws"_s, u"http://x/"_s} << u"--mode"_s;
    QTest::newRow("bad_header") << QStringList{u"probe"_s, u"--header"_s, u"nocolon"_s,
                                               u"http://x/"_s}
                                << u"--header"_s;
    QTest::newRow("negative_timeout") << QStringList{u"probe"_s, u"--timeout-ms"_s, u"-1"_s,
                                                     u"http://x/"_s}
                                      << u"--timeout-ms"_s;
    QTest::newRow("unknown_option") << QStringList{u"probe"_s, u"--bogus"_s, u"http://x/"_s}
                                    << u"bogus"_s;
    QTest::newRow("compare_technique") << QStringList{u"compare"_s, u"--techniques"_s,
                                                      u"stream,smoke"_s}
                                       << u"'smoke'"_s;
    QTest::newRow("compare_payload") << QStringList{u"compare"_s, u"--payload"_s, u"video"_s}
                                     << u"--payload"_s;
    QTest::newRow("compare_chunk") << QStringList{u"compare"_s, u"--chunk"_s, u"0"_s}
                                   << u"--chunk"_s;
    QTest::newRow("compare_format") << QStringList{u"compare"_s, u"--format"_s, u"xml"_s}
                                    << u"--format"_s;
}

void tst_ProbeCommand::usageErrorsExitWithTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Ran ran = run(arguments);
    QCOMPARE(ran.exitCode, 2);
    QVERIFY(ran.out.isEmpty());
    const QString err = QString::fromUtf8(ran.err).trimmed();
    QVERIFY2(err.contains(message), qPrintable(err));
    QCOMPARE(err.count(u'\n'), 0); // one line
}

void tst_ProbeCommand::compareDefaultRun()
{
    const Ran ran = run({u"compare"_s, u"--format"_s, u"json"_s}, 60000);
    QVERIFY2(ran.exitCode == 0, ran.err.constData());
    // Under 10 s on an idle machine; the bound is generous for a loaded one.
    QVERIFY2(ran.elapsedMs < 30000, qPrintable(QString::number(ran.elapsedMs)));
    const QJsonArray rows =
            QJsonDocument::fromJson(ran.out).object().value(u"techniques"_s).toArray();
    QCOMPARE(rows.size(), 6);
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &row : rows)
        byName.insert(row.toObject().value(u"technique"_s).toString(), row.toObject());
    for (const QString &name : {u"buffered"_s, u"stream"_s, u"chunked"_s, u"sse"_s, u"poll"_s,
                                u"ws"_s}) {
        const QJsonObject row = byName.value(name);
        QVERIFY2(row.value(u"ok"_s).toBool(), qPrintable(name + u": "_s
                                                          + row.value(u"error"_s).toString()));
        QCOMPARE(row.value(u"bytes"_s).toInteger(), 3199); // the same payload everywhere
        QVERIFY2(row.value(u"overhead_bytes"_s).toInteger() > 0, qPrintable(name));
    }
    // Streaming shows its first bytes long before buffering shows anything.
    QVERIFY(byName.value(u"stream"_s).value(u"first_byte_ms"_s).toDouble() + 200
            < byName.value(u"buffered"_s).value(u"first_byte_ms"_s).toDouble());
    // The push lanes got the same pieces as the server wrote to the stream lane.
    QCOMPARE(byName.value(u"ws"_s).value(u"units"_s).toInt(),
             byName.value(u"stream"_s).value(u"pieces_sent"_s).toInt());
    QCOMPARE(byName.value(u"poll"_s).value(u"units"_s).toInt(),
             byName.value(u"stream"_s).value(u"pieces_sent"_s).toInt());
    QCOMPARE(byName.value(u"buffered"_s).value(u"reads"_s).toInt(), 1);
    QVERIFY(byName.value(u"chunked"_s).value(u"wire_exact"_s).toBool());
    QVERIFY(byName.value(u"ws"_s).value(u"lag_p50_ms"_s).toDouble() >= 0);
}

void tst_ProbeCommand::compareFormats_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTest::newRow("table_records")
            << QStringList{u"--payload"_s, u"records"_s, u"--count"_s, u"5"_s, u"--techniques"_s,
                           u"stream,buffered"_s}
            << u"technique"_s;
    QTest::newRow("csv_push") << QStringList{u"--payload"_s, u"push"_s, u"--count"_s, u"5"_s,
                                             u"--format"_s, u"csv"_s}
                              << u"technique,headers_ms"_s;
}

void tst_ProbeCommand::compareFormats()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const Ran ran = run(QStringList{u"compare"_s, u"--interval"_s, u"10"_s} + arguments, 60000);
    QVERIFY2(ran.exitCode == 0, ran.err.constData());
    const QString out = QString::fromUtf8(ran.out);
    QVERIFY2(out.startsWith(expected), qPrintable(out));
    QVERIFY(out.count(u'\n') >= 3); // a header and a row per technique that applies
}

QTEST_GUILESS_MAIN(tst_ProbeCommand)
#include "tst_probecommand.moc"
