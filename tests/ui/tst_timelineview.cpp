// SPDX-License-Identifier: GPL-3.0-only
#include "syntheticrecording.h"
#include "timelinegeometry.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "timelineviewstate.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;
using Synthetic::kMs;
using Synthetic::kStartNs;
using Synthetic::kUs;

namespace {

constexpr QSize kViewSize(800, 420);

enum class Band { Markers, Writes, Reads, Events };

// A model, a state and a view on them, shown offscreen with the sample recording.
struct Lab
{
    TimelineModel model;
    TimelineViewState state;
    TimelineView view{&model, &state};

    explicit Lab(const Recording &recording = Synthetic::sample())
    {
        model.setRecording(recording);
        view.resize(kViewSize);
        view.show();
    }

    TimelineLayout layout() const
    {
        return computeTimelineLayout(model, view.size(), QFontMetricsF(view.font()));
    }
    QPointF pointAt(int lane, Band band, qint64 tNs) const
    {
        const TimelineLaneRows rows = layout().lanes.at(lane);
        const QRectF rect = band == Band::Markers  ? rows.markers
                            : band == Band::Writes ? rows.writes
                            : band == Band::Reads  ? rows.reads
                                                   : rows.events;
        return {view.coordinates().timeToX(tNs), rect.center().y()};
    }
    void setWindowMs(double fromMs, double toMs)
    {
        state.setWindow(kStartNs + qint64(fromMs * kMs), kStartNs + qint64(toMs * kMs));
    }
};

void sendWheel(QWidget *widget, const QPointF &pos, QPoint angle)
{
    QWheelEvent event(pos, widget->mapToGlobal(pos), QPoint(), angle, Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget, &event);
}

// A hover move straight to the widget: QTest::mouseMove goes through the platform's cursor,
// which the offscreen platform may route to whichever test window it last saw.
void sendHover(QWidget *widget, const QPointF &pos)
{
    QMouseEvent event(QEvent::MouseMove, pos, widget->mapToGlobal(pos), Qt::NoButton, Qt::NoButton,
                      Qt::NoModifier);
    QApplication::sendEvent(widget, &event);
}

QPoint rounded(const QPointF &point)
{
    return point.toPoint();
}

int observationIndex(const Recording &recording, int lane, ObservationKind kind, qint64 tNs)
{
    for (int i = 0; i < recording.observations.size(); ++i) {
        const Observation &o = recording.observations.at(i);
        if (o.lane == lane && o.kind == kind && o.tNs == tNs)
            return i;
    }
    return -1;
}

QPalette paletteWithBase(const QColor &base, const QColor &text)
{
    QPalette palette;
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, base.lighter(110));
    palette.setColor(QPalette::Window, base);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::WindowText, text);
    return palette;
}

} // namespace

Q_DECLARE_METATYPE(Band)

class tst_TimelineView : public QObject
{
    Q_OBJECT

private slots:
    void wheelZoomsAroundTheMouse_data();
    void wheelZoomsAroundTheMouse();
    void horizontalWheelPans();
    void dragPans();
    void doubleClickAndResetZoomFitAllData();
    void viewsShareOneState();
    void tooltip_data();
    void tooltip();
    void mergedTooltipWhenZoomedOut();
    void hoverSetsTheSharedState();
    void cumulativeModeValues();
    void liveFollowsTheNewestObservation();
    void renderImageAtTwiceTheSize();
    void paletteSwitchChangesTheBackground();
    void axisLabelsStayReadable_data();
    void axisLabelsStayReadable();
};

void tst_TimelineView::wheelZoomsAroundTheMouse_data()
{
    QTest::addColumn<int>("angle");
    QTest::addColumn<double>("fraction"); // of the plot's width, where the mouse is
    QTest::addColumn<double>("factor");
    QTest::newRow("in_one_notch_at_the_centre") << 120 << 0.5 << 1.25;
    QTest::newRow("out_two_notches_at_a_quarter") << -240 << 0.25 << 1 / (1.25 * 1.25);
    QTest::newRow("in_three_notches_at_the_left_edge") << 360 << 0.0 << 1.25 * 1.25 * 1.25;
    QTest::newRow("half_a_notch_at_the_right") << 60 << 0.9 << std::sqrt(1.25);
}

void tst_TimelineView::wheelZoomsAroundTheMouse()
{
    QFETCH(int, angle);
    QFETCH(double, fraction);
    QFETCH(double, factor);
    Lab lab;
    const TimelineCoordinates before = lab.view.coordinates();
    const double x = before.left() + fraction * before.width();
    const qint64 anchorNs = before.xToTime(x);

    sendWheel(&lab.view, QPointF(x, lab.view.plotRect().center().y()), QPoint(0, angle));

    const TimelineCoordinates after = lab.view.coordinates();
    QVERIFY2(std::abs(double(after.spanNs()) - double(before.spanNs()) / factor) <= 1,
             qPrintable(u"span %1 -> %2"_s.arg(before.spanNs()).arg(after.spanNs())));
    QVERIFY2(std::abs(after.timeToX(anchorNs) - x) <= 0.5 + 1e-9,
             qPrintable(u"anchor moved to %1 from %2"_s.arg(after.timeToX(anchorNs)).arg(x)));
}

void tst_TimelineView::horizontalWheelPans()
{
    Lab lab;
    const TimelineCoordinates before = lab.view.coordinates();

    sendWheel(&lab.view, lab.view.plotRect().center(), QPoint(-120, 0));

    const TimelineCoordinates after = lab.view.coordinates();
    QCOMPARE(after.spanNs(), before.spanNs());
    QCOMPARE(after.startNs(), before.pannedBy(-TimelineView::kPanPerWheelStepPx).startNs());
    QVERIFY(after.startNs() > before.startNs());
}

void tst_TimelineView::dragPans()
{
    Lab lab;
    QVERIFY(QTest::qWaitForWindowExposed(&lab.view));
    lab.setWindowMs(0, 500);
    lab.view.setLive(true); // follows: the newest data moves to the right edge
    const TimelineCoordinates before = lab.view.coordinates();
    const QPoint from = rounded(lab.view.plotRect().center());
    constexpr int kDragPx = 120;

    QTest::mousePress(&lab.view, Qt::LeftButton, {}, from);
    QTest::mouseMove(&lab.view, from + QPoint(kDragPx / 2, 0));
    QTest::mouseMove(&lab.view, from + QPoint(kDragPx, 0));
    QTest::mouseRelease(&lab.view, Qt::LeftButton, {}, from + QPoint(kDragPx, 0));

    const TimelineCoordinates after = lab.view.coordinates();
    QCOMPARE(after.spanNs(), before.spanNs());
    QCOMPARE(after.startNs(), before.pannedBy(kDragPx).startNs());
    QVERIFY(after.startNs() < before.startNs()); // content moved right: earlier times show
    QVERIFY(!lab.state.isLive());                // the user took over
}

void tst_TimelineView::doubleClickAndResetZoomFitAllData()
{
    Lab lab;
    QVERIFY(QTest::qWaitForWindowExposed(&lab.view));
    const TimelineCoordinates fitted = lab.view.coordinates().fitted(
        lab.model.firstNs(), lab.model.lastNs(), TimelineView::kFitMarginFraction);
    QCOMPARE(lab.view.coordinates(), fitted); // a new recording is fitted

    const QPoint centre = rounded(lab.view.plotRect().center());
    sendWheel(&lab.view, centre, QPoint(0, 600));
    QVERIFY(lab.view.coordinates() != fitted);
    QTest::mouseDClick(&lab.view, Qt::LeftButton, {}, centre);
    QCOMPARE(lab.view.coordinates(), fitted);

    sendWheel(&lab.view, centre, QPoint(0, -600));
    QVERIFY(lab.view.coordinates() != fitted);
    lab.view.resetZoom();
    QCOMPARE(lab.view.coordinates(), fitted);
}

void tst_TimelineView::viewsShareOneState()
{
    Lab lab;
    TimelineView other(&lab.model, &lab.state);
    other.resize(kViewSize / 2);
    QSignalSpy windowChanges(&lab.state, &TimelineViewState::windowChanged);

    sendWheel(&lab.view, lab.view.plotRect().center(), QPoint(0, 120));

    QCOMPARE(windowChanges.count(), 1);
    QCOMPARE(other.coordinates().startNs(), lab.view.coordinates().startNs());
    QCOMPARE(other.coordinates().endNs(), lab.view.coordinates().endNs());
}

void tst_TimelineView::tooltip_data()
{
    QTest::addColumn<int>("lane");
    QTest::addColumn<Band>("band");
    QTest::addColumn<qint64>("tNs"); // since the recording's start
    QTest::addColumn<double>("fromMs");
    QTest::addColumn<double>("toMs");
    QTest::addColumn<QString>("expected");
    QTest::newRow("streamed_read")
        << 1 << Band::Reads << 130 * kMs + 300 * kUs << 0.0 << 1100.0
        << u"stream \u00B7 chunk\nat 130.300 ms\n200 bytes (total 1200)\n"
           u"piece 5 of the streamed body\u21B5"_s;
    QTest::newRow("server_write_of_the_buffered_lane")
        << 0 << Band::Writes << 340 * kMs << 0.0 << 1100.0
        << u"buffered \u00B7 server write\nsent at 340.000 ms\n1000 bytes at offset 3000\n"
           u"read at 940.300 ms (lag 600.300 ms)"_s;
    QTest::newRow("reconnect_marker") << 2 << Band::Markers << 431 * kMs << 400.0 << 500.0
                                      << u"sse \u00B7 reconnect\nat 431.000 ms\nafter 100 ms"_s;
    QTest::newRow("sse_event_in_the_second_exchange")
        << 2 << Band::Events << 650 * kMs + 20 * kUs << 600.0 << 700.0
        << u"sse \u00B7 event (exchange 1)\nat 650.020 ms\n24 bytes\ntick: {\"n\": 650}"_s;
    QTest::newRow("nothing_near") << 1 << Band::Reads << 25 * kMs << 0.0 << 100.0 << QString();
}

void tst_TimelineView::tooltip()
{
    QFETCH(int, lane);
    QFETCH(Band, band);
    QFETCH(qint64, tNs);
    QFETCH(double, fromMs);
    QFETCH(double, toMs);
    QFETCH(QString, expected);
    Lab lab;
    lab.setWindowMs(fromMs, toMs);

    QCOMPARE(lab.view.toolTipAt(lab.pointAt(lane, band, kStartNs + tNs)), expected);
}

void tst_TimelineView::mergedTooltipWhenZoomedOut()
{
    Lab lab;
    lab.setWindowMs(-50'000, 50'000); // 100 s: every read of a lane on one or two pixels

    const QString text = lab.view.toolTipAt(lab.pointAt(1, Band::Reads, kStartNs + 500 * kMs));

    QVERIFY2(text.startsWith(u"stream \u00B7 "_s) && text.contains(u" reads (merged)\n"_s),
             qPrintable(text));
}

void tst_TimelineView::hoverSetsTheSharedState()
{
    Lab lab;
    lab.setWindowMs(0, 200); // reads of the stream lane 20 ms (about 60 px) apart
    const qint64 tNs = kStartNs + 130 * kMs + 300 * kUs;
    const int expected = observationIndex(lab.model.recording(), 1, ObservationKind::Chunk, tNs);
    QVERIFY(expected >= 0);
    QSignalSpy hovered(&lab.state, &TimelineViewState::hoveredObservationChanged);

    sendHover(&lab.view, lab.pointAt(1, Band::Reads, tNs));
    QCOMPARE(lab.state.hoveredObservation(), expected);

    sendHover(&lab.view, lab.pointAt(1, Band::Reads, tNs + 10 * kMs)); // between two reads
    QCOMPARE(lab.state.hoveredObservation(), -1);
    QCOMPARE(hovered.count(), 2);
}

void tst_TimelineView::cumulativeModeValues()
{
    Lab lab;
    lab.setWindowMs(0, 1100);
    const QImage lanes = lab.view.renderImage(1);
    QSignalSpy modeChanges(&lab.state, &TimelineViewState::cumulativeChanged);
    lab.view.setCumulative(true);
    QCOMPARE(modeChanges.count(), 1);

    const QPointF at500ms(lab.view.coordinates().timeToX(kStartNs + 500 * kMs),
                          lab.view.plotRect().center().y());
    QCOMPARE(lab.view.toolTipAt(at500ms), u"at 500.000 ms\nbuffered: 0 bytes\n"
                                          u"stream: 4800 bytes\nsse: 152 bytes"_s);
    // The buffered lane's staircase ends at the top (it has the most bytes); SSE's stays low.
    const TimelineLayout layout = lab.layout();
    const TimelineGeometry geometry = buildTimelineGeometry(
        lab.model, layout, lab.view.coordinates(), true, QFontMetricsF(lab.view.font()));
    const double chartTop = layout.plot.top() + TimelineMetrics::kChartTopInsetPx;
    QCOMPARE(geometry.lanes.at(0).cumulative.last().y(), chartTop);
    QCOMPARE(geometry.lanes.at(0).cumulative.first().y(), layout.plot.bottom());
    const double sseShare = 38.0 * 9 / 10'000;
    QVERIFY(qFuzzyCompare(geometry.lanes.at(2).cumulative.last().y(),
                          layout.plot.bottom() - sseShare * (layout.plot.bottom() - chartTop)));
    QVERIFY(lab.view.renderImage(1) != lanes);
}

void tst_TimelineView::liveFollowsTheNewestObservation()
{
    Recording lanesOnly = Synthetic::emptyRecording(u"live"_s);
    lanesOnly.lanes = {Synthetic::lane(u"stream"_s, ProbeMode::Stream)};
    Lab lab(lanesOnly);
    lab.state.setWindow(0, 2'000 * kMs);
    lab.view.setLive(true);
    QVERIFY(lab.state.isLive());
    const qint64 headroomNs = qint64(2'000 * kMs * TimelineView::kLiveHeadroomFraction);

    for (const qint64 atMs : {10'000LL, 12'500LL}) {
        lab.model.appendObservation(
            Synthetic::observation(0, atMs * kMs, ObservationKind::Chunk, 10, 10));
        QCOMPARE(lab.state.windowEndNs(), kStartNs + atMs * kMs + headroomNs);
        QCOMPARE(lab.state.windowEndNs() - lab.state.windowStartNs(), 2'000 * kMs);
    }

    // Early in a run the window starts at the run's zero rather than in negative time.
    Recording fresh = Synthetic::emptyRecording(u"fresh"_s);
    fresh.lanes = lanesOnly.lanes;
    lab.model.setRecording(fresh);
    lab.model.appendObservation(
        Synthetic::observation(0, 30 * kMs, ObservationKind::Chunk, 10, 10));
    QCOMPARE(lab.state.windowStartNs(), lab.model.originNs());
    QCOMPARE(lab.state.windowEndNs() - lab.state.windowStartNs(), 2'000 * kMs);

    lab.view.setLive(false);
    const qint64 endBefore = lab.state.windowEndNs();
    lab.model.appendObservation(
        Synthetic::observation(0, 20'000 * kMs, ObservationKind::Chunk, 10, 20));
    QCOMPARE(lab.state.windowEndNs(), endBefore);
}

void tst_TimelineView::renderImageAtTwiceTheSize()
{
    Lab lab;
    lab.view.resize(640, 320);

    const QImage image = lab.view.renderImage(2);

    QCOMPARE(image.size(), QSize(1280, 640));
    QCOMPARE(image.devicePixelRatio(), 2.0);
    QCOMPARE(lab.view.renderImage(1).size(), QSize(640, 320));
    // Something was drawn besides the background.
    const QRgb background = image.pixel(image.width() - 2, 1);
    bool isDrawn = false;
    for (int y = 0; y < image.height() && !isDrawn; y += 3) {
        for (int x = 0; x < image.width() && !isDrawn; x += 3)
            isDrawn = image.pixel(x, y) != background;
    }
    QVERIFY(isDrawn);
}

void tst_TimelineView::paletteSwitchChangesTheBackground()
{
    Lab lab;
    const QColor light(0xff, 0xff, 0xff);
    const QColor dark(0x1e, 0x1f, 0x22);
    const QPoint corner(kViewSize.width() - 2, 1); // outside the legend, rows and axis

    lab.view.setPalette(paletteWithBase(light, Qt::black));
    QCOMPARE(lab.view.renderImage(1).pixelColor(corner), light);

    lab.view.setPalette(paletteWithBase(dark, QColor(0xe0, 0xe0, 0xe0)));
    QCOMPARE(lab.view.renderImage(1).pixelColor(corner), dark);
}

void tst_TimelineView::axisLabelsStayReadable_data()
{
    QTest::addColumn<qint64>("spanNs");
    QTest::newRow("5_us") << 5 * kUs;
    QTest::newRow("1_ms") << kMs;
    QTest::newRow("1_s") << 1'000 * kMs;
    QTest::newRow("90_s") << 90'000 * kMs;
    QTest::newRow("2_h") << 7'200'000 * kMs;
}

void tst_TimelineView::axisLabelsStayReadable()
{
    QFETCH(qint64, spanNs);
    Lab lab;
    const qint64 startNs = kStartNs + 123'456'789;
    const TimelineLayout layout = lab.layout();
    TimelineCoordinates c(startNs, startNs + spanNs, layout.plot.left(), layout.plot.width());
    c.setOriginNs(kStartNs);
    const TimelineGeometry geometry
        = buildTimelineGeometry(lab.model, layout, c, false, QFontMetricsF(lab.view.font()));

    QVERIFY2(geometry.timeLabels.size() >= 3,
             qPrintable(QString::number(geometry.timeLabels.size())));
    for (qsizetype i = 0; i < geometry.timeLabels.size(); ++i) {
        const TimelineAxisLabel &label = geometry.timeLabels.at(i);
        QVERIFY2(layout.widget.contains(label.rect), qPrintable(label.text));
        if (i > 0) {
            const TimelineAxisLabel &previous = geometry.timeLabels.at(i - 1);
            QVERIFY2(label.rect.left() > previous.rect.right(), qPrintable(label.text));
            QVERIFY2(label.text != previous.text, qPrintable(label.text));
        }
    }
}

QTEST_MAIN(tst_TimelineView)
#include "tst_timelineview.moc"
