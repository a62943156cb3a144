// SPDX-License-Identifier: GPL-3.0-only
// The lane content views: the progressive PNG decoder slice by slice and on garbage, text with
// the naive per-read decoding beside it, the event table (replays, latency, row cap), the range
// map, the wire pane, display-rate updates, and one real image lane from the built-in server.
#include "eventlistmodel.h"
#include "lanecontentview.h"
#include "pngimage.h"
#include "progressivepng.h"
#include "proberunner.h"
#include "syntheticrecording.h"
#include "testserver.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using Synthetic::kMs;
using Synthetic::observation;
using K = ObservationKind;

namespace {

constexpr QChar kReplacement = QChar(0xFFFD);

// Pixels with any opacity, on a grid of every `step`-th pixel.
int opaquePixels(const QImage &image, int step = 4)
{
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    int count = 0;
    for (int y = 0; y < argb.height(); y += step) {
        for (int x = 0; x < argb.width(); x += step)
            count += qAlpha(argb.pixel(x, y)) > 0 ? 1 : 0;
    }
    return count;
}

QImage comparable(const QImage &image)
{
    return image.convertToFormat(QImage::Format_ARGB32);
}

Observation eventObservation(qint64 ms, int exchange, const QString &id, const QString &data)
{
    return observation(0, ms * kMs, K::Event, data.size(), 0, exchange,
                       {{u"type"_s, u"message"_s}, {u"id"_s, id}, {u"data"_s, data}});
}

template <typename T>
T *child(const LaneContentView &view, const QString &name)
{
    T *found = view.findChild<T *>(name);
    if (!found)
        qFatal("no child named %s", qPrintable(name));
    return found;
}

} // namespace

class tst_LaneContentView : public QObject
{
    Q_OBJECT
private slots:
    void pngDrawsSliceBySlice();
    void pngRejectsGarbage_data();
    void pngRejectsGarbage();
    void textAppearsAtDisplayRateNotPerObservation();
    void naiveDecodingIsShownBesideTheText();
    void bufferedTextAppearsAtOnce();
    void eventsShowLatencyAndHighlightReplays();
    void rowsAreCapped();
    void modelPassesTheTester();
    void rangeMapCountsDistinctBytes();
    void wireShowsLinesAndAnnotations();
    void webSocketSendBox();
    void imageLaneFromTheServerDrawsProgressively();
};

void tst_LaneContentView::pngDrawsSliceBySlice()
{
    const QByteArray png = pngimage::samplePng();
    const QImage expected = QImage::fromData(png);
    QVERIFY(!expected.isNull());
    ProgressivePng decoder;
    QVERIFY(decoder.feed(png.first(5)));
    QCOMPARE(decoder.state(), ProgressivePng::State::Waiting);
    QVERIFY(decoder.image().isNull());

    constexpr qsizetype kSlice = 333;
    qsizetype fed = 5;
    while (fed < png.size() * 3 / 10) {
        QVERIFY(decoder.feed(png.mid(fed, kSlice)));
        fed += kSlice;
    }
    // 30 % in: Adam7's first passes already cover the whole frame, bottom right included.
    QCOMPARE(decoder.state(), ProgressivePng::State::Drawing);
    QVERIFY(decoder.isInterlaced());
    QCOMPARE(decoder.image().size(), expected.size());
    const QImage partial = decoder.image();
    QCOMPARE(qAlpha(partial.pixel(partial.width() - 1, partial.height() - 1)), 255);
    QVERIFY(comparable(partial) != comparable(expected));

    while (fed < png.size()) {
        QVERIFY(decoder.feed(png.mid(fed, kSlice)));
        fed += kSlice;
    }
    QCOMPARE(decoder.state(), ProgressivePng::State::Complete);
    QCOMPARE(comparable(decoder.image()), comparable(expected));
    QVERIFY(decoder.feed("trailing bytes are ignored"));
}

void tst_LaneContentView::pngRejectsGarbage_data()
{
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray png = pngimage::samplePng();
    QByteArray noise(4096, Qt::Uninitialized);
    QRandomGenerator generator(42);
    for (char &byte : noise)
        byte = char(generator.bounded(256));
    QTest::newRow("random_bytes") << noise;
    QTest::newRow("signature_then_noise") << QByteArray(png.first(8) + noise);
    QByteArray corrupt = png;
    for (qsizetype i = corrupt.size() / 2; i < corrupt.size() / 2 + 64; ++i)
        corrupt[i] = char(~corrupt.at(i));
    QTest::newRow("corrupt_idat") << corrupt;
    QByteArray huge = png.first(33);
    huge[16] = huge[17] = char(0x7f); // width 2^30-ish: refused before allocating
    QTest::newRow("absurd_size") << huge;
}

void tst_LaneContentView::pngRejectsGarbage()
{
    QFETCH(QByteArray, bytes);
    ProgressivePng decoder;
    bool isFine = true;
    for (qsizetype at = 0; at < bytes.size() && isFine; at += 100)
        isFine = decoder.feed(bytes.mid(at, 100));
    QVERIFY(!isFine);
    QCOMPARE(decoder.state(), ProgressivePng::State::Failed);
    QVERIFY(!decoder.errorString().isEmpty());
    QVERIFY(!decoder.feed(pngimage::samplePng()));
}

void tst_LaneContentView::textAppearsAtDisplayRateNotPerObservation()
{
    LaneContentView view;
    view.show();
    view.reset(Synthetic::lane(u"stream"_s, ProbeMode::Stream));
    view.append(observation(0, 0, K::Request));
    view.append(observation(0, 1 * kMs, K::Chunk, 6, 6, 0, {{u"text"_s, u"hello "_s}}));
    view.append(observation(0, 2 * kMs, K::Chunk, 5, 11, 0, {{u"text"_s, u"world"_s}}));
    QCOMPARE(view.text(), QString()); // nothing drawn synchronously
    QTRY_COMPARE(view.text(), u"hello world"_s);
    view.append(observation(0, 3 * kMs, K::Chunk, 1, 12, 0, {{u"text"_s, u"!"_s}}));
    QCOMPARE(view.text(), u"hello world"_s);
    QTRY_COMPARE(view.text(), u"hello world!"_s);
}

void tst_LaneContentView::naiveDecodingIsShownBesideTheText()
{
    LaneContentView view;
    view.show();
    view.reset(Synthetic::lane(u"split"_s, ProbeMode::Stream));
    auto *naive = child<QPlainTextEdit>(view, u"naiveText"_s);
    view.append(observation(0, 0, K::Request));
    view.append(observation(0, kMs, K::Chunk, 3, 3, 0, {{u"text"_s, u"ab"_s}}));
    QTRY_COMPARE(view.text(), u"ab"_s);
    QVERIFY(!naive->isVisibleTo(&view));
    view.append(observation(0, 2 * kMs, K::Chunk, 5, 8, 0,
                            {{u"text"_s, u"c "_s}, {u"naive_text"_s, u"c \uFFFD"_s}}));
    view.append(observation(0, 3 * kMs, K::Chunk, 5, 13, 0,
                            {{u"text"_s, u"流 d"_s}, {u"naive_text"_s, u"\uFFFD\uFFFD d"_s}}));
    QTRY_COMPARE(view.text(), u"abc 流 d"_s);
    QVERIFY(naive->isVisibleTo(&view));
    QCOMPARE(naive->toPlainText(), u"abc \uFFFD\uFFFD\uFFFD d"_s);
    QVERIFY(naive->toPlainText().contains(kReplacement));
}

void tst_LaneContentView::bufferedTextAppearsAtOnce()
{
    Recording recording = Synthetic::emptyRecording(u"buffered"_s);
    recording.lanes = {Synthetic::lane(u"buffered"_s, ProbeMode::Buffered)};
    Synthetic::addHttpLane(recording, 0, 5, 100, 10 * kMs, 10 * kMs, 0, true);
    LaneContentView view;
    view.showLane(recording, 0);
    QCOMPARE(view.text(), u"all"_s); // showLane is synchronous
    QCOMPARE(view.rowCount(), 0);
}

void tst_LaneContentView::eventsShowLatencyAndHighlightReplays()
{
    // Exchange 0 delivers 1 and 2; the connection drops; exchange 1 starts at 500 ms and the
    // server replays 2 and 3 (published before the reconnect) and then sends 4 (after it).
    Recording recording = Synthetic::emptyRecording(u"sse"_s);
    recording.lanes = {Synthetic::lane(u"sse"_s, ProbeMode::Sse)};
    QList<Observation> &o = recording.observations;
    o.append(observation(0, 0, K::Request));
    o.append(eventObservation(100, 0, u"1"_s, u"one"_s));
    o.append(observation(0, 150 * kMs, K::Comment, 0, 0, 0, {{u"text"_s, u"heartbeat"_s}}));
    o.append(eventObservation(200, 0, u"2"_s, u"two"_s));
    o.append(observation(0, 300 * kMs, K::Reconnect, 0, 0, 0,
                         {{u"delay_ms"_s, 200}, {u"last_event_id"_s, u"2"_s}}));
    o.append(observation(0, 500 * kMs, K::Request, 0, 0, 1));
    o.append(eventObservation(510, 1, u"2"_s, u"two"_s));
    o.append(eventObservation(511, 1, u"3"_s, u"three"_s));
    o.append(eventObservation(700, 1, u"4"_s, u"four"_s));
    o.append(eventObservation(800, 1, u"5"_s, u"{\"seq\":5,\"t_server_ns\":%1}"_s.arg(
                                                     Synthetic::kStartNs + 790 * kMs)));
    const qint64 start = Synthetic::kStartNs;
    const QHash<QString, qint64> published{{u"1"_s, start + 90 * kMs},
                                           {u"2"_s, start + 180 * kMs},
                                           {u"3"_s, start + 400 * kMs},
                                           {u"4"_s, start + 650 * kMs}};
    LaneContentView view;
    view.show();
    view.showLane(recording, 0);
    QCOMPARE(view.rowCount(), 8);
    QCOMPARE(view.highlightedIds(), QStringList());
    view.setPublished(published);
    QCOMPARE(view.highlightedIds(), (QStringList{u"2"_s, u"3"_s}));

    const QAbstractItemModel *model = child<QTableView>(view, u"events"_s)->model();
    const auto cell = [model](int row, int column) {
        return model->index(row, column).data().toString();
    };
    QCOMPARE(cell(0, EventListModel::MsColumn), u"100.0"_s);
    QCOMPARE(cell(0, EventListModel::LatencyColumn), u"10.0"_s);   // 100 − 90
    QCOMPARE(cell(1, EventListModel::KindColumn), u"comment"_s);
    QCOMPARE(cell(3, EventListModel::KindColumn), u"reconnect"_s);
    QVERIFY(cell(3, EventListModel::DataColumn).contains(u"Last-Event-ID: 2"_s));
    QCOMPARE(cell(5, EventListModel::LatencyColumn), u"111.0"_s);  // 511 − 400
    QCOMPARE(cell(7, EventListModel::LatencyColumn), u"10.0"_s);   // from t_server_ns in data
    QVERIFY(model->index(4, 0).data(Qt::BackgroundRole).isValid()); // replayed: highlighted
    QVERIFY(!model->index(6, 0).data(Qt::BackgroundRole).isValid());
}

void tst_LaneContentView::rowsAreCapped()
{
    LaneContentView view;
    view.show();
    view.reset(Synthetic::lane(u"poll"_s, ProbeMode::Poll));
    constexpr int kExtra = 25;
    for (int i = 0; i < EventListModel::kDefaultMaxRows + kExtra; ++i)
        view.append(eventObservation(i, 0, QString::number(i), u"x"_s));
    QCOMPARE(view.rowCount(), 0);
    QTRY_COMPARE(view.rowCount(), EventListModel::kDefaultMaxRows);
    const QAbstractItemModel *model = child<QTableView>(view, u"events"_s)->model();
    QCOMPARE(model->index(0, EventListModel::IdColumn).data().toString(),
             QString::number(kExtra));
}

void tst_LaneContentView::modelPassesTheTester()
{
    EventListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(3);
    QSignalSpy dropped(&model, &EventListModel::droppedRowsChanged);
    QList<EventListModel::Row> rows;
    for (int i = 0; i < 5; ++i) {
        EventListModel::Row row;
        row.id = QString::number(i);
        rows.append(row);
    }
    model.appendRows(rows);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.droppedRows(), 2);
    QCOMPARE(dropped.size(), 1);
    QCOMPARE(model.row(0).id, u"2"_s);
    model.setPublished({{u"3"_s, 1}});
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.droppedRows(), 0);
}

void tst_LaneContentView::rangeMapCountsDistinctBytes()
{
    const auto range = [](qint64 ms, qint64 start, qint64 end, int segment) {
        return observation(0, ms * kMs, K::Range, end - start + 1, 0, segment + 1,
                           {{u"start"_s, start}, {u"end"_s, end}, {u"segment"_s, segment}});
    };
    LaneContentView view;
    view.show();
    view.reset(Synthetic::lane(u"range"_s, ProbeMode::Range));
    view.append(observation(0, 0, K::Request));
    view.append(observation(0, kMs, K::Headers, 0, 0, 0, {{u"size"_s, 1000}}));
    view.append(range(2, 0, 99, 0));
    view.append(range(3, 50, 149, 1)); // overlaps the first by 50 bytes
    view.append(range(4, 500, 599, 1));
    view.append(range(5, 150, 499, 0)); // joins everything into one run
    QCOMPARE(view.coveredBytes(), 0);
    QTRY_COMPARE(view.coveredBytes(), 600);
    view.append(observation(0, 6 * kMs, K::Reconnect, 0, 0, 0,
                            {{u"delay_ms"_s, 0}, {u"reason"_s, u"the file changed"_s}}));
    view.append(range(7, 0, 9, 0));
    QTRY_COMPARE(view.coveredBytes(), 10);
}

void tst_LaneContentView::wireShowsLinesAndAnnotations()
{
    Recording recording = Synthetic::emptyRecording(u"raw"_s);
    recording.lanes = {Synthetic::lane(u"raw"_s, ProbeMode::Raw)};
    const QJsonArray segments{QJsonObject{{u"kind"_s, u"status-line"_s},
                                          {u"note"_s, u"HTTP/1.1 200 OK"_s},
                                          {u"bytes"_s, 17}}};
    recording.observations = {
        observation(0, 0, K::Request),
        observation(0, 3 * kMs, K::Wire, 25, 25, 0,
                    {{u"raw"_s, u"HTTP/1.1 200 OK\\r\\nA: \\\\n\\r\\n"_s}, {u"segments"_s, segments}}),
    };
    LaneContentView view;
    view.showLane(recording, 0);
    const QStringList lines = child<QPlainTextEdit>(view, u"wire"_s)->toPlainText().split(u'\n');
    QVERIFY2(lines.size() >= 4, qPrintable(lines.join(u'|')));
    QVERIFY(lines.at(0).contains(u"3.000 ms"_s));
    QCOMPARE(lines.at(1).trimmed(), u"HTTP/1.1 200 OK\\r\\n"_s);
    QCOMPARE(lines.at(2).trimmed(), u"A: \\\\n\\r\\n"_s); // an escaped backslash is not a LF
    QVERIFY(lines.at(3).contains(u"status-line (17 bytes) HTTP/1.1 200 OK"_s));
}

void tst_LaneContentView::webSocketSendBox()
{
    LaneContentView view;
    view.show();
    auto *line = child<QLineEdit>(view, u"sendLine"_s);
    view.reset(Synthetic::lane(u"sse"_s, ProbeMode::Sse));
    QVERIFY(!line->isVisible());
    view.reset(Synthetic::lane(u"ws"_s, ProbeMode::WebSocket));
    QVERIFY(line->isVisible());
    QSignalSpy sent(&view, &LaneContentView::sendRequested);
    line->setText(u"hello"_s);
    QTest::keyClick(line, Qt::Key_Return);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.at(0).at(0).toString(), u"hello"_s);
    QVERIFY(line->text().isEmpty());
}

void tst_LaneContentView::imageLaneFromTheServerDrawsProgressively()
{
    TestServer server;
    QCOMPARE(server.start(), QString());
    Lane lane = Synthetic::lane(u"image"_s, ProbeMode::Stream);
    lane.settings.url = server.url(u"/image?mode=stream&chunk=4096&interval=5"_s);
    lane.settings.keepsBody = true;
    const qint64 size = pngimage::samplePng().size();

    LaneContentView view;
    view.show();
    view.reset(lane);
    ProbeRunner runner;
    runner.setJoinsSendLog(false);
    QImage partial;
    qint64 received = 0;
    connect(&runner, &ProbeRunner::observed, &view, [&](const Observation &observation) {
        view.append(observation);
        received = qMax(received, observation.total);
        if (partial.isNull() && observation.total >= size * 3 / 10)
            partial = view.image(); // what the view had drawn when 30 % had arrived
    });
    runner.start({lane});
    // Waits for the bytes, not for the run's end: the image is complete at its last byte.
    QTRY_COMPARE_WITH_TIMEOUT(received, size, 30000);
    runner.stop();

    QByteArray body;
    for (const Observation &observation : runner.recording().laneObservations(0)) {
        if (observation.kind == K::Chunk)
            body += QByteArray::fromBase64(observation.fields.value(u"data_b64"_s).toString().toLatin1());
    }
    QCOMPARE(body.size(), size);
    const QImage expected = QImage::fromData(body);
    QVERIFY(!partial.isNull());
    QCOMPARE(partial.size(), expected.size());
    QVERIFY(opaquePixels(partial) > 0);
    QVERIFY(comparable(partial) != comparable(expected));
    QTRY_COMPARE(comparable(view.image()), comparable(expected));
}

QTEST_MAIN(tst_LaneContentView)
#include "tst_lanecontentview.moc"
