// SPDX-License-Identifier: GPL-3.0-only
// The range probe over real loopback sockets: HEAD, parallel segments assembled on disk and
// verified, pause and resume with the sidecar, a file that changes in between, servers that
// ignore ranges or answer them wrongly. And the pure helpers underneath.
#include "probeharness.h"
#include "rangeplan.h"
#include "rangeprobe.h"
#include "rogueserver.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using rangeplan::Span;

namespace {

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(generator.bounded(256));
    return bytes;
}

QByteArray sha256Hex(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

qint64 rangeBytes(const ProbeRun &run)
{
    qint64 sum = 0;
    for (const Observation &range : run.ofKind(ObservationKind::Range))
        sum += range.bytes;
    return sum;
}

QJsonObject doneFields(const ProbeRun &run)
{
    return run.observations.isEmpty() ? QJsonObject() : run.observations.last().fields;
}

// "Range: bytes=A-B" of a request head, or nothing.
std::optional<Span> requestedRange(const QByteArray &head)
{
    static const QRegularExpression pattern(u"\\r\\nRange: bytes=(\\d+)-(\\d+)\\r\\n"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(QString::fromLatin1(head));
    if (!match.hasMatch())
        return std::nullopt;
    return Span{match.captured(1).toLongLong(), match.captured(2).toLongLong()};
}

// One response per connection, always closed afterwards, so QNAM never reuses a connection
// the rogue server would ignore.
RogueServer::Script respond(const QByteArray &status, QList<QByteArray> headers,
                            const QByteArray &body, bool isHead = false)
{
    headers.append("Content-Length: " + QByteArray::number(body.size()));
    headers.append("Connection: close");
    return {RogueServer::write(RogueServer::head(status, headers) + (isHead ? QByteArray() : body)),
            RogueServer::close()};
}

} // namespace

class tst_RangeProbe : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void contentRange_data();
    void contentRange();
    void spanSetCountsOverlapAndGaps();
    void splitForSegments();
    void sidecarRejectsNonsense_data();
    void sidecarRejectsNonsense();

    void headRecordsTheResource();
    void fourSegmentsAreByteIdentical();
    void pauseThenResumeFetchesOnlyTheRest();
    void changedFileRestartsFromZero();
    void ifRangeAnsweredWithTheNewFileRestarts();
    void serverIgnoringRangesFallsBack();
    void noAcceptRangesMeansOneGet();
    void unsatisfiableRangeFails();
    void wrongContentRangeFails();

private:
    ProbeSettings settingsFor(const QUrl &url, int segments = 1) const;

    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_out;
};

void tst_RangeProbe::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(m_out.isValid());
}

void tst_RangeProbe::cleanupTestCase()
{
    m_server.reset();
}

ProbeSettings tst_RangeProbe::settingsFor(const QUrl &url, int segments) const
{
    ProbeSettings settings;
    settings.mode = ProbeMode::Range;
    settings.url = url;
    settings.segments = segments;
    settings.timeoutMs = 10000;
    return settings;
}

void tst_RangeProbe::contentRange_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("isValid");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");
    QTest::addColumn<qint64>("size");
    QTest::newRow("plain") << QByteArray("bytes 0-99/1000") << true << 0LL << 99LL << 1000LL;
    QTest::newRow("unknown_size") << QByteArray("bytes 5-5/*") << true << 5LL << 5LL << -1LL;
    QTest::newRow("unit_case_and_ows") << QByteArray(" Bytes 1-2/3 ") << true << 1LL << 2LL << 3LL;
    QTest::newRow("unsatisfied") << QByteArray("bytes */1000") << false << 0LL << 0LL << 0LL;
    QTest::newRow("last_beyond_size") << QByteArray("bytes 0-1000/1000") << false << 0LL << 0LL << 0LL;
    QTest::newRow("reversed") << QByteArray("bytes 9-1/10") << false << 0LL << 0LL << 0LL;
    QTest::newRow("negative") << QByteArray("bytes -1-5/10") << false << 0LL << 0LL << 0LL;
    QTest::newRow("other_unit") << QByteArray("items 0-1/2") << false << 0LL << 0LL << 0LL;
    QTest::newRow("huge") << QByteArray("bytes 0-99999999999999999999/99999999999999999999") << false << 0LL << 0LL << 0LL;
    QTest::newRow("garbage") << QByteArray("bytes 0-1x/2") << false << 0LL << 0LL << 0LL;
    QTest::newRow("empty") << QByteArray() << false << 0LL << 0LL << 0LL;
}

void tst_RangeProbe::contentRange()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, isValid);
    const auto parsed = rangeplan::parseContentRange(value);
    QCOMPARE(parsed.has_value(), isValid);
    if (!isValid)
        return;
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    QFETCH(qint64, size);
    QCOMPARE(parsed->span.first, first);
    QCOMPARE(parsed->span.last, last);
    QCOMPARE(parsed->size, size);
}

void tst_RangeProbe::spanSetCountsOverlapAndGaps()
{
    rangeplan::SpanSet set;
    QCOMPARE(set.add({10, 19}), 0);
    QCOMPARE(set.add({30, 39}), 0);
    QCOMPARE(set.add({20, 29}), 0); // adjacent on both sides: merges into one
    QCOMPARE(set.spans().size(), 1);
    QCOMPARE(set.add({35, 44}), 5);
    QCOMPARE(set.byteCount(), 35);
    QCOMPARE(set.missing(50), (QList<Span>{{0, 9}, {45, 49}}));
    QCOMPARE(set.missing(5), (QList<Span>{{0, 4}}));
}

void tst_RangeProbe::splitForSegments()
{
    QCOMPARE(rangeplan::splitForSegments({{0, 99}}, 4, 1),
             (QList<Span>{{0, 24}, {25, 49}, {50, 74}, {75, 99}}));
    QCOMPARE(rangeplan::splitForSegments({{0, 99}}, 4, 60), (QList<Span>{{0, 99}}));
    QCOMPARE(rangeplan::splitForSegments({{0, 9}, {50, 89}}, 2, 1),
             (QList<Span>{{0, 9}, {50, 89}}));
}

void tst_RangeProbe::sidecarRejectsNonsense_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("not_json") << QByteArray("{");
    QTest::newRow("wrong_format") << QByteArray(R"({"format":"x","size":10,"complete":[]})");
    QTest::newRow("negative_size") << QByteArray(R"({"format":"streamlab-partial/1","size":-1,"complete":[]})");
    QTest::newRow("span_beyond_size") << QByteArray(R"({"format":"streamlab-partial/1","size":10,"complete":[[0,10]]})");
    QTest::newRow("reversed_span") << QByteArray(R"({"format":"streamlab-partial/1","size":10,"complete":[[5,1]]})");
    QTest::newRow("fractional") << QByteArray(R"({"format":"streamlab-partial/1","size":10,"complete":[[0.5,1]]})");
    QTest::newRow("three_numbers") << QByteArray(R"({"format":"streamlab-partial/1","size":10,"complete":[[0,1,2]]})");
}

void tst_RangeProbe::sidecarRejectsNonsense()
{
    QFETCH(QByteArray, json);
    const auto state = rangeplan::PartialState::fromJson(json);
    QVERIFY(!state.isOk());
    QVERIFY(!state.error().isEmpty());
}

void tst_RangeProbe::headRecordsTheResource()
{
    const QByteArray content = randomBytes(100'000, 1);
    m_server->addFile(u"head.bin"_s, content);
    RangeProbe probe(settingsFor(m_server->url(u"/files/head.bin"_s)));
    const ProbeRun run = runProbe(probe);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    const QList<Observation> requests = run.ofKind(ObservationKind::Request);
    QCOMPARE(requests.first().fields.value(u"method"_s).toString(), u"HEAD"_s);
    const Observation head = run.ofKind(ObservationKind::Headers).first();
    QCOMPARE(head.exchange, 0);
    QCOMPARE(head.fields.value(u"status"_s).toInt(), 200);
    QCOMPARE(head.fields.value(u"size"_s).toInteger(), content.size());
    QCOMPARE(head.fields.value(u"accept_ranges"_s).toString(), u"bytes"_s);
    QVERIFY(head.fields.value(u"etag"_s).toString().startsWith(u'"'));
    QVERIFY(head.fields.value(u"last_modified"_s).toString().endsWith(u" GMT"_s));
    QCOMPARE(doneFields(run).value(u"verified"_s).toBool(), true);
    QCOMPARE(doneFields(run).value(u"sha256"_s).toString().toLatin1(), sha256Hex(content));
}

void tst_RangeProbe::fourSegmentsAreByteIdentical()
{
    const QByteArray content = randomBytes(3 * 1024 * 1024 + 12345, 2);
    m_server->addFile(u"four.bin"_s, content);
    ProbeSettings settings = settingsFor(m_server->url(u"/files/four.bin"_s), 4);
    settings.outputPath = m_out.filePath(u"four.bin"_s);
    RangeProbe probe(settings);
    const ProbeRun run = runProbe(probe, 60000);
    QVERIFY(run.isFinished);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(sha256Hex(readFile(settings.outputPath)), sha256Hex(content));
    QCOMPARE(doneFields(run).value(u"sha256"_s).toString().toLatin1(), sha256Hex(content));
    QCOMPARE(doneFields(run).value(u"size"_s).toInteger(), content.size());
    QCOMPARE(rangeBytes(run), content.size());
    QCOMPARE(run.count(ObservationKind::Request), 5); // HEAD + 4 segments
    QSet<int> segments;
    for (const Observation &range : run.ofKind(ObservationKind::Range)) {
        const int segment = range.fields.value(u"segment"_s).toInt();
        segments.insert(segment);
        QCOMPARE(range.exchange, segment + 1); // every piece is stamped with its own request
        QCOMPARE(range.fields.value(u"end"_s).toInteger() - range.fields.value(u"start"_s).toInteger() + 1,
                 range.bytes);
    }
    QCOMPARE(segments, (QSet<int>{0, 1, 2, 3}));
    for (const Observation &headers : run.ofKind(ObservationKind::Headers).mid(1))
        QCOMPARE(headers.fields.value(u"status"_s).toInt(), 206);
    QVERIFY(!QFile::exists(settings.outputPath + u".streamlab-partial"_s));
}

void tst_RangeProbe::pauseThenResumeFetchesOnlyTheRest()
{
    const QByteArray content = randomBytes(3 * 1024 * 1024, 3);
    m_server->addFile(u"resume.bin"_s, content);
    ProbeSettings settings = settingsFor(m_server->url(u"/files/resume.bin"_s));
    settings.outputPath = m_out.filePath(u"resume.bin"_s);
    settings.stopAfterBytes = 1024 * 1024;
    RangeProbe first(settings);
    const ProbeRun paused = runProbe(first, 60000);
    QVERIFY2(paused.isSuccess, qPrintable(paused.firstError()));
    QCOMPARE(doneFields(paused).value(u"paused"_s).toBool(), true);
    QCOMPARE(doneFields(paused).value(u"verified"_s).toBool(), false);
    const qint64 firstBytes = rangeBytes(paused);
    QVERIFY(firstBytes >= settings.stopAfterBytes && firstBytes < content.size());
    QVERIFY(QFile::exists(settings.outputPath + u".streamlab-partial"_s));

    settings.stopAfterBytes = 0;
    settings.resume = true;
    RangeProbe second(settings);
    const ProbeRun resumed = runProbe(second, 60000);
    QVERIFY2(resumed.isSuccess, qPrintable(resumed.firstError()));
    QCOMPARE(resumed.count(ObservationKind::Reconnect), 0);
    QCOMPARE(rangeBytes(resumed), content.size() - firstBytes);
    QCOMPARE(resumed.ofKind(ObservationKind::Range).first().fields.value(u"start"_s).toInteger(),
             firstBytes);
    QCOMPARE(sha256Hex(readFile(settings.outputPath)), sha256Hex(content));
    QCOMPARE(doneFields(resumed).value(u"verified"_s).toBool(), true);
    QVERIFY(!QFile::exists(settings.outputPath + u".streamlab-partial"_s));
}

void tst_RangeProbe::changedFileRestartsFromZero()
{
    const QByteArray oldContent = randomBytes(2 * 1024 * 1024, 4);
    const QString served = m_server->addFile(u"changing.bin"_s, oldContent);
    ProbeSettings settings = settingsFor(m_server->url(u"/files/changing.bin"_s), 2);
    settings.outputPath = m_out.filePath(u"changing.bin"_s);
    settings.stopAfterBytes = 512 * 1024;
    RangeProbe first(settings);
    const ProbeRun paused = runProbe(first, 60000);
    QVERIFY2(paused.isSuccess, qPrintable(paused.firstError()));

    // New content, another size and another modification time: another ETag.
    const QByteArray newContent = randomBytes(2 * 1024 * 1024 + 777, 5);
    m_server->addFile(u"changing.bin"_s, newContent);
    QFile touched(served);
    QVERIFY(touched.open(QIODevice::ReadWrite));
    QVERIFY(touched.setFileTime(QDateTime::currentDateTimeUtc().addSecs(60),
                                QFileDevice::FileModificationTime));
    touched.close();

    settings.stopAfterBytes = 0;
    settings.resume = true;
    RangeProbe second(settings);
    const ProbeRun resumed = runProbe(second, 60000);
    QVERIFY2(resumed.isSuccess, qPrintable(resumed.firstError()));
    const QList<Observation> reconnects = resumed.ofKind(ObservationKind::Reconnect);
    QCOMPARE(reconnects.size(), 1);
    QVERIFY2(reconnects.first().fields.value(u"reason"_s).toString().contains(u"changed"_s),
             qPrintable(reconnects.first().fields.value(u"reason"_s).toString()));
    QCOMPARE(reconnects.first().fields.value(u"delay_ms"_s).toInt(), 0);
    QCOMPARE(rangeBytes(resumed), newContent.size());
    QCOMPARE(sha256Hex(readFile(settings.outputPath)), sha256Hex(newContent));
    QCOMPARE(doneFields(resumed).value(u"size"_s).toInteger(), newContent.size());
}

// HEAD still shows the old file, then the file changes: the If-Range GET gets the new file
// whole (200), which becomes the download.
void tst_RangeProbe::ifRangeAnsweredWithTheNewFileRestarts()
{
    const QByteArray oldContent = randomBytes(1024 * 1024, 6);
    const QByteArray newContent = randomBytes(1024 * 1024 + 10, 7);
    RogueServer rogue([&](int, const QByteArray &head) {
        const QList<QByteArray> old{"Accept-Ranges: bytes", "ETag: \"v1\""};
        if (head.startsWith("HEAD "))
            return respond("200 OK", old, oldContent, true);
        if (head.contains("If-Range: \"v1\"") && head.contains("\r\nX-Phase: resume\r\n"))
            return respond("200 OK", {"Accept-Ranges: bytes", "ETag: \"v2\""}, newContent);
        const auto range = requestedRange(head);
        if (!range)
            return respond("200 OK", old, oldContent);
        return respond("206 Partial Content",
                       old + QList<QByteArray>{"Content-Range: bytes " + QByteArray::number(range->first)
                                               + '-' + QByteArray::number(range->last) + '/'
                                               + QByteArray::number(oldContent.size())},
                       oldContent.mid(range->first, range->length()));
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = settingsFor(rogue.url(u"/file.bin"_s));
    settings.outputPath = m_out.filePath(u"ifrange.bin"_s);
    settings.stopAfterBytes = 100 * 1024;
    RangeProbe first(settings);
    const ProbeRun paused = runProbe(first, 30000);
    QVERIFY2(paused.isSuccess, qPrintable(paused.firstError()));
    QCOMPARE(doneFields(paused).value(u"paused"_s).toBool(), true);

    settings.stopAfterBytes = 0;
    settings.resume = true;
    settings.headers = {{"X-Phase", "resume"}};
    RangeProbe second(settings);
    const ProbeRun resumed = runProbe(second, 30000);
    QVERIFY2(resumed.isSuccess, qPrintable(resumed.firstError()));
    QCOMPARE(resumed.count(ObservationKind::Reconnect), 1);
    QVERIFY(resumed.ofKind(ObservationKind::Reconnect).first().fields.value(u"reason"_s).toString()
                    .contains(u"ETag \"v1\" → \"v2\""_s));
    QCOMPARE(sha256Hex(readFile(settings.outputPath)), sha256Hex(newContent));
    QCOMPARE(rangeBytes(resumed), newContent.size());
    QVERIFY(rogue.requests().last().contains("If-Range: \"v1\""));
}

void tst_RangeProbe::serverIgnoringRangesFallsBack()
{
    const QByteArray content = randomBytes(512 * 1024, 8);
    RogueServer rogue([&](int, const QByteArray &head) {
        return respond("200 OK", {"Accept-Ranges: bytes", "ETag: \"same\""}, content,
                       head.startsWith("HEAD "));
    });
    QVERIFY(rogue.listen());
    ProbeSettings settings = settingsFor(rogue.url(u"/ignores"_s), 4);
    settings.outputPath = m_out.filePath(u"ignores.bin"_s);
    RangeProbe probe(settings);
    const ProbeRun run = runProbe(probe, 30000);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(sha256Hex(readFile(settings.outputPath)), sha256Hex(content));
    QCOMPARE(run.count(ObservationKind::Reconnect), 0);
    bool isNoted = false;
    for (const Observation &headers : run.ofKind(ObservationKind::Headers))
        isNoted |= headers.fields.value(u"note"_s).toString().contains(u"ignored the Range"_s);
    QVERIFY(isNoted);
    QSet<int> segments;
    for (const Observation &range : run.ofKind(ObservationKind::Range))
        segments.insert(range.fields.value(u"segment"_s).toInt());
    QCOMPARE(segments.size(), 1); // one full download, whatever segment won the race
    QCOMPARE(rangeBytes(run), content.size());
    QVERIFY(!QFile::exists(settings.outputPath + u".streamlab-partial"_s));
}

void tst_RangeProbe::noAcceptRangesMeansOneGet()
{
    const QByteArray content = randomBytes(200 * 1024, 9);
    RogueServer rogue([&](int, const QByteArray &head) {
        return respond("200 OK", {"Content-Type: application/octet-stream"}, content,
                       head.startsWith("HEAD "));
    });
    QVERIFY(rogue.listen());
    RangeProbe probe(settingsFor(rogue.url(u"/plain"_s), 4));
    const ProbeRun run = runProbe(probe, 30000);
    QVERIFY2(run.isSuccess, qPrintable(run.firstError()));
    QCOMPARE(run.count(ObservationKind::Request), 2);
    QCOMPARE(rogue.requests().size(), 2);
    QVERIFY(!rogue.requests().last().contains("Range:"));
    QCOMPARE(doneFields(run).value(u"sha256"_s).toString().toLatin1(), sha256Hex(content));
}

void tst_RangeProbe::unsatisfiableRangeFails()
{
    RogueServer rogue([](int, const QByteArray &head) {
        if (head.startsWith("HEAD "))
            return respond("200 OK", {"Accept-Ranges: bytes", "ETag: \"a\""}, QByteArray(1000, 'x'), true);
        return respond("416 Range Not Satisfiable", {"Content-Range: bytes */500"}, "no");
    });
    QVERIFY(rogue.listen());
    RangeProbe probe(settingsFor(rogue.url(u"/shrunk"_s), 2));
    const ProbeRun run = runProbe(probe, 30000);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(u"HTTP 416"_s) && run.firstError().contains(u"bytes */500"_s),
             qPrintable(run.firstError()));
    QCOMPARE(doneFields(run).value(u"verified"_s).toBool(), false);
}

void tst_RangeProbe::wrongContentRangeFails()
{
    const QByteArray content(1000, 'y');
    RogueServer rogue([&](int, const QByteArray &head) {
        if (head.startsWith("HEAD "))
            return respond("200 OK", {"Accept-Ranges: bytes"}, content, true);
        return respond("206 Partial Content", {"Content-Range: bytes 0-9/1000"}, content.left(10));
    });
    QVERIFY(rogue.listen());
    RangeProbe probe(settingsFor(rogue.url(u"/liar"_s)));
    const ProbeRun run = runProbe(probe, 30000);
    QVERIFY(run.isFinished);
    QVERIFY(!run.isSuccess);
    QVERIFY2(run.firstError().contains(u"asked for bytes 0-999"_s)
                     && run.firstError().contains(u"Content-Range: bytes 0-9/1000"_s),
             qPrintable(run.firstError()));
}

QTEST_GUILESS_MAIN(tst_RangeProbe)
#include "tst_rangeprobe.moc"
