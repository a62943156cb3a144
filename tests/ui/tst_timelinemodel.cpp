// SPDX-License-Identifier: GPL-3.0-only
#include "syntheticrecording.h"
#include "timelinemodel.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using Synthetic::kMs;
using Synthetic::kStartNs;
using Synthetic::kUs;

namespace {

// One lane of reads at the given ms offsets, `bytes` each.
Recording readsAt(const QList<qint64> &offsetsNs, qint64 bytes)
{
    Recording recording = Synthetic::emptyRecording(u"reads"_s);
    recording.lanes = {Synthetic::lane(u"stream"_s, ProbeMode::Stream)};
    qint64 total = 0;
    for (const qint64 offsetNs : offsetsNs) {
        total += bytes;
        recording.observations.append(
            Synthetic::observation(0, offsetNs, ObservationKind::Chunk, bytes, total));
    }
    return recording;
}

TimelineCoordinates window(qint64 fromNs, qint64 toNs, double width)
{
    return TimelineCoordinates(kStartNs + fromNs, kStartNs + toNs, 0, width);
}

struct Totals
{
    qint64 count = 0;
    qint64 bytes = 0;
};

Totals totalsOf(const QList<TimelineBucket> &buckets)
{
    Totals totals;
    for (const TimelineBucket &bucket : buckets) {
        totals.count += bucket.count;
        totals.bytes += bucket.bytes;
    }
    return totals;
}

// Columns strictly increasing inside [0, width), counts matching the mark ranges.
QString bucketProblem(const QList<TimelineBucket> &buckets, double width)
{
    int previous = -1;
    for (const TimelineBucket &b : buckets) {
        if (b.px <= previous || b.px >= std::ceil(width))
            return u"column %1 after %2 (width %3)"_s.arg(b.px).arg(previous).arg(width);
        if (b.count != b.lastMark - b.firstMark + 1 || b.firstNs > b.lastNs)
            return u"bucket at column %1 is inconsistent"_s.arg(b.px);
        previous = b.px;
    }
    return {};
}

} // namespace

class tst_TimelineModel : public QObject
{
    Q_OBJECT

private slots:
    void visibleRange_data();
    void visibleRange();
    void zoomedInBucketsMatchBruteForce();
    void mergesManyMarksIntoColumns_data();
    void mergesManyMarksIntoColumns();
    void appendingMatchesRebuilding();
    void outOfOrderAppendStaysSorted();
    void hitTest_data();
    void hitTest();
    void cumulativeSteps_data();
    void cumulativeSteps();
    void writesLinkToTheReadThatCompletedThem();
    void seriesOfKinds();
    void signalsAndRevision();
};

void tst_TimelineModel::visibleRange_data()
{
    QTest::addColumn<qint64>("fromNs");
    QTest::addColumn<qint64>("toNs");
    QTest::addColumn<double>("width");
    QTest::addColumn<int>("firstMark"); // -1: no bucket
    QTest::addColumn<int>("lastMark");
    // Marks at 0, 1, …, 9 ms.
    QTest::newRow("whole_recording") << -kMs << 11 * kMs << 1000.0 << 0 << 9;
    QTest::newRow("start_is_inclusive") << 3 * kMs << 11 * kMs << 1000.0 << 3 << 9;
    QTest::newRow("end_is_exclusive") << 0LL << 5 * kMs << 1000.0 << 0 << 4;
    QTest::newRow("between_two_marks") << 3 * kMs + 1 << 4 * kMs << 1000.0 << -1 << -1;
    QTest::newRow("before_all") << -5 * kMs << -kMs << 1000.0 << -1 << -1;
    QTest::newRow("after_all") << 10 * kMs << 20 * kMs << 1000.0 << -1 << -1;
    QTest::newRow("zoomed_in_raw_marks") << 4 * kMs - 100 << 4 * kMs + 100 << 800.0 << 4 << 4;
    QTest::newRow("zoomed_out_on_a_level") << -kMs << 10'000 * kMs << 100.0 << 0 << 9;
}

void tst_TimelineModel::visibleRange()
{
    QFETCH(qint64, fromNs);
    QFETCH(qint64, toNs);
    QFETCH(double, width);
    QFETCH(int, firstMark);
    QFETCH(int, lastMark);
    QList<qint64> offsets;
    for (int i = 0; i < 10; ++i)
        offsets.append(i * kMs);
    TimelineModel model;
    model.setRecording(readsAt(offsets, 10));

    const QList<TimelineBucket> buckets
        = model.buckets(0, TimelineSeries::Reads, window(fromNs, toNs, width));

    if (firstMark < 0) {
        QVERIFY(buckets.isEmpty());
        return;
    }
    QVERIFY(!buckets.isEmpty());
    QCOMPARE(buckets.first().firstMark, firstMark);
    QCOMPARE(buckets.last().lastMark, lastMark);
    QCOMPARE(totalsOf(buckets).count, qint64(lastMark - firstMark + 1));
    QCOMPARE(totalsOf(buckets).bytes, qint64(lastMark - firstMark + 1) * 10);
    const QString problem = bucketProblem(buckets, width);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void tst_TimelineModel::zoomedInBucketsMatchBruteForce()
{
    // 2,000 marks 1.7 µs apart on 500 px showing 1 ms: 2 µs per px, raw marks, so every mark
    // is in exactly the column floor(timeToX) says.
    QList<qint64> offsets;
    for (int i = 0; i < 2'000; ++i)
        offsets.append(i * 1'700);
    TimelineModel model;
    model.setRecording(readsAt(offsets, 3));
    const TimelineCoordinates c = window(kMs, 2 * kMs, 500);

    QMap<int, qint64> expected;
    for (const qint64 offsetNs : offsets) {
        const qint64 tNs = kStartNs + offsetNs;
        if (tNs >= c.startNs() && tNs < c.endNs())
            ++expected[int(std::floor(c.timeToX(tNs) - c.left()))];
    }
    QMap<int, qint64> actual;
    for (const TimelineBucket &bucket : model.buckets(0, TimelineSeries::Reads, c))
        actual[bucket.px] = bucket.count;
    QCOMPARE(actual, expected);
}

void tst_TimelineModel::mergesManyMarksIntoColumns_data()
{
    QTest::addColumn<int>("marks");
    QTest::addColumn<double>("width");
    QTest::newRow("100k_on_640px") << 100'000 << 640.0;
    QTest::newRow("100k_on_1920px") << 100'000 << 1920.0;
    QTest::newRow("100k_on_1px") << 100'000 << 1.0;
    QTest::newRow("1k_on_4000px") << 1'000 << 4000.0;
}

void tst_TimelineModel::mergesManyMarksIntoColumns()
{
    QFETCH(int, marks);
    QFETCH(double, width);
    const Recording recording = Synthetic::manyReads(1, marks, 10'000 * kMs);
    qint64 expectedBytes = 0;
    qint64 largest = 0;
    for (const Observation &o : recording.observations) {
        if (o.kind == ObservationKind::Chunk) {
            expectedBytes += o.bytes;
            largest = std::max(largest, o.bytes);
        }
    }
    TimelineModel model;
    model.setRecording(recording);
    const TimelineCoordinates c
        = TimelineCoordinates().fitted(model.firstNs(), model.lastNs() + 1, 0.01);
    TimelineCoordinates onWidth = c;
    onWidth.setPixelSpan(0, width);

    const QList<TimelineBucket> buckets = model.buckets(0, TimelineSeries::Reads, onWidth);

    QVERIFY2(buckets.size() <= std::ceil(width), qPrintable(QString::number(buckets.size())));
    QCOMPARE(totalsOf(buckets).count, qint64(marks));
    QCOMPARE(totalsOf(buckets).bytes, expectedBytes);
    qint64 largestInBuckets = 0;
    for (const TimelineBucket &bucket : buckets)
        largestInBuckets = std::max(largestInBuckets, bucket.maxBytes);
    QCOMPARE(largestInBuckets, largest);
    QCOMPARE(buckets.last().lastTotal, expectedBytes);
    const QString problem = bucketProblem(buckets, width);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void tst_TimelineModel::appendingMatchesRebuilding()
{
    const Recording recording = Synthetic::manyReads(2, 5'000, 1'000 * kMs);
    Recording lanesOnly = recording;
    lanesOnly.observations.clear();
    for (Lane &lane : lanesOnly.lanes)
        lane.sends.clear();
    TimelineModel live;
    live.setRecording(lanesOnly);
    const QList<TimelineCoordinates> windows{window(0, 1'000 * kMs, 300), window(0, 1'000 * kMs, 7),
                                             window(200 * kMs, 260 * kMs, 900)};
    // Query once with no data so the levels exist and are kept up to date by each append.
    for (const TimelineCoordinates &c : windows)
        QVERIFY(live.buckets(0, TimelineSeries::Reads, c).isEmpty());
    for (const Observation &o : recording.observations)
        live.appendObservation(o);
    Recording withoutSends = recording;
    for (Lane &lane : withoutSends.lanes)
        lane.sends.clear();
    TimelineModel rebuilt;
    rebuilt.setRecording(withoutSends);

    for (const TimelineCoordinates &c : windows) {
        for (int lane = 0; lane < 2; ++lane) {
            const QList<TimelineBucket> a = live.buckets(lane, TimelineSeries::Reads, c);
            const QList<TimelineBucket> b = rebuilt.buckets(lane, TimelineSeries::Reads, c);
            QCOMPARE(a.size(), b.size());
            for (qsizetype i = 0; i < a.size(); ++i) {
                QCOMPARE(a.at(i).px, b.at(i).px);
                QCOMPARE(a.at(i).count, b.at(i).count);
                QCOMPARE(a.at(i).bytes, b.at(i).bytes);
                QCOMPARE(a.at(i).lastTotal, b.at(i).lastTotal);
            }
        }
    }
}

void tst_TimelineModel::outOfOrderAppendStaysSorted()
{
    TimelineModel model;
    model.setRecording(readsAt({10 * kMs, 30 * kMs}, 100));
    const TimelineCoordinates c = window(0, 40 * kMs, 4); // a level, built now
    QCOMPARE(totalsOf(model.buckets(0, TimelineSeries::Reads, c)).count, 2);

    model.appendObservation(Synthetic::observation(0, 20 * kMs, ObservationKind::Chunk, 5, 0));

    QCOMPARE(model.markCount(0, TimelineSeries::Reads), 3);
    QCOMPARE(model.mark(0, TimelineSeries::Reads, 1).tNs, kStartNs + 20 * kMs);
    QCOMPARE(model.mark(0, TimelineSeries::Reads, 1).total, 105);
    QCOMPARE(model.mark(0, TimelineSeries::Reads, 2).total, 205);
    QCOMPARE(totalsOf(model.buckets(0, TimelineSeries::Reads, c)).count, 3);
}

void tst_TimelineModel::hitTest_data()
{
    QTest::addColumn<double>("x");
    QTest::addColumn<qint64>("count"); // 0: no hit
    QTest::addColumn<int>("firstMark");
    // Window [0, 100 ms) on 100 px: marks at 10 ms (x 10), 50 ms and 50.2 ms (both x 50),
    // 80 ms (x 80).
    QTest::newRow("on_a_mark") << 10.4 << 1LL << 0;
    QTest::newRow("within_radius") << 13.0 << 1LL << 0;
    QTest::newRow("outside_radius") << 15.5 << 0LL << -1;
    QTest::newRow("two_marks_on_one_pixel") << 50.5 << 2LL << 1;
    QTest::newRow("nearest_of_two_candidates") << 77.0 << 1LL << 3;
    QTest::newRow("far_right") << 99.0 << 0LL << -1;
}

void tst_TimelineModel::hitTest()
{
    QFETCH(double, x);
    QFETCH(qint64, count);
    QFETCH(int, firstMark);
    TimelineModel model;
    model.setRecording(readsAt({10 * kMs, 50 * kMs, 50 * kMs + 200 * kUs, 80 * kMs}, 7));

    const TimelineBucket hit
        = model.hitTest(0, TimelineSeries::Reads, window(0, 100 * kMs, 100), x, 4);

    QCOMPARE(hit.count, count);
    if (count > 0) {
        QCOMPARE(hit.firstMark, firstMark);
        QCOMPARE(hit.bytes, 7 * count);
    }
}

void tst_TimelineModel::cumulativeSteps_data()
{
    QTest::addColumn<QList<qint64>>("readOffsetsNs");
    QTest::addColumn<qint64>("fromNs");
    QTest::addColumn<QList<QPointF>>("expected");
    // Window of 1 s on 100 px: 10 ms per pixel; reads of 250 bytes.
    QTest::newRow("buffered_is_one_step")
        << QList<qint64>{900 * kMs} << 0LL << QList<QPointF>{{0, 0}, {90, 0}, {90, 250}};
    QTest::newRow("streamed_is_a_ramp")
        << QList<qint64>{100 * kMs, 200 * kMs, 300 * kMs} << 0LL
        << QList<QPointF>{{0, 0}, {10, 0}, {10, 250}, {20, 250}, {20, 500}, {30, 500}, {30, 750}};
    QTest::newRow("starts_at_the_total_before_the_window")
        << QList<qint64>{100 * kMs, 200 * kMs, 600 * kMs} << 150 * kMs
        << QList<QPointF>{{0, 250}, {5, 250}, {5, 500}, {45, 500}, {45, 750}};
}

void tst_TimelineModel::cumulativeSteps()
{
    QFETCH(QList<qint64>, readOffsetsNs);
    QFETCH(qint64, fromNs);
    QFETCH(QList<QPointF>, expected);
    TimelineModel model;
    model.setRecording(readsAt(readOffsetsNs, 250));

    QCOMPARE(model.cumulativeSteps(0, window(fromNs, fromNs + 1'000 * kMs, 100)), expected);
}

void tst_TimelineModel::writesLinkToTheReadThatCompletedThem()
{
    Recording recording = readsAt({10 * kMs, 20 * kMs}, 150); // reads end at 150 and 300
    ExchangeSends sends;
    sends.writes = {{kStartNs + 1 * kMs, 100, 0},
                    {kStartNs + 2 * kMs, 100, 100},
                    {kStartNs + 3 * kMs, 100, 200},
                    {kStartNs + 4 * kMs, 100, 300}}; // never read
    recording.lanes[0].sends = {sends};
    TimelineModel model;
    model.setRecording(recording);

    QCOMPARE(model.markCount(0, TimelineSeries::Writes), 4);
    QCOMPARE(model.mark(0, TimelineSeries::Writes, 0).linkNs, kStartNs + 10 * kMs);
    QCOMPARE(model.mark(0, TimelineSeries::Writes, 1).linkNs, kStartNs + 20 * kMs);
    QCOMPARE(model.mark(0, TimelineSeries::Writes, 2).linkNs, kStartNs + 20 * kMs);
    QCOMPARE(model.mark(0, TimelineSeries::Writes, 3).linkNs, -1);
    QCOMPARE(model.firstNs(), kStartNs + 1 * kMs);
}

void tst_TimelineModel::seriesOfKinds()
{
    TimelineModel model;
    model.setRecording(Synthetic::sample());
    QCOMPARE(model.laneCount(), 3);
    QCOMPARE(model.markCount(0, TimelineSeries::Reads), 1);
    QCOMPARE(model.markCount(0, TimelineSeries::Writes), 10);
    QCOMPARE(model.markCount(1, TimelineSeries::Reads), 48);
    QCOMPARE(model.markCount(2, TimelineSeries::Reconnects), 1);
    QCOMPARE(model.markCount(2, TimelineSeries::Errors), 1);
    QCOMPARE(model.markCount(2, TimelineSeries::Requests), 2);
    QCOMPARE(model.markCount(2, TimelineSeries::Events), model.markCount(2, TimelineSeries::Reads));
    QVERIFY(!model.laneHasSeries(2, TimelineSeries::Writes));
    QCOMPARE(model.originNs(), kStartNs);
    QCOMPARE(model.maxReadTotal(), 10'000);
}

void tst_TimelineModel::signalsAndRevision()
{
    TimelineModel model;
    QSignalSpy resets(&model, &TimelineModel::recordingReset);
    QSignalSpy appends(&model, &TimelineModel::observationAppended);
    const quint64 before = model.revision();
    model.setRecording(Synthetic::emptyRecording(u"x"_s));
    QCOMPARE(resets.count(), 1);
    QVERIFY(model.revision() > before);
    const quint64 afterReset = model.revision();

    model.appendObservation(Synthetic::observation(2, kMs, ObservationKind::Chunk, 4, 4));

    QCOMPARE(appends.count(), 1);
    QCOMPARE(appends.first().first().toInt(), 0);
    QVERIFY(model.revision() > afterReset);
    QCOMPARE(model.laneCount(), 3); // lanes 0 and 1 appear, named after their index
    QCOMPARE(model.laneName(1), u"lane 2"_s);
}

QTEST_GUILESS_MAIN(tst_TimelineModel)
#include "tst_timelinemodel.moc"
