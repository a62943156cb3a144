// SPDX-License-Identifier: GPL-3.0-only
#include "timelinecoordinates.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

using Tick = TimelineCoordinates::Tick;

constexpr qint64 kMaxNs = std::numeric_limits<qint64>::max();
constexpr qint64 kMinNs = std::numeric_limits<qint64>::min();
constexpr qint64 kUs = 1'000;
constexpr qint64 kMs = 1'000'000;
constexpr qint64 kS = 1'000'000'000;
constexpr qint64 kMinute = 60 * kS;
constexpr qint64 kHour = 60 * kMinute;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr qint64 kMinSpan = TimelineCoordinates::kMinSpanNs;
constexpr qint64 kMaxSpan = TimelineCoordinates::kMaxSpanNs;

// The ladder's largest step (2 million hours), its last resort for absurd windows: the
// spacing guarantees do not hold there.
constexpr qint64 kLastResortStepNs = 2'000'000 * kHour;

TimelineCoordinates makeCoordinates(qint64 startNs, qint64 endNs, double left, double width,
                                    qint64 originNs = 0)
{
    TimelineCoordinates coordinates(startNs, endNs, left, width);
    coordinates.setOriginNs(originNs);
    return coordinates;
}

QString describe(const TimelineCoordinates &c)
{
    return u"[%1, %2) ns on [%3, %4) px, origin %5"_s.arg(c.startNs())
        .arg(c.endNs())
        .arg(c.left(), 0, 'g', 17)
        .arg(c.right(), 0, 'g', 17)
        .arg(c.originNs());
}

QStringList majorLabels(const QList<Tick> &ticks)
{
    QStringList labels;
    for (const Tick &tick : ticks) {
        if (tick.isMajor)
            labels.append(tick.label);
    }
    return labels;
}

// What ticks() does with the caller's minimum spacing.
double effectiveMinPixels(double minPixels)
{
    if (std::isnan(minPixels))
        return TimelineCoordinates::kDefaultMinPixelsBetweenMajor;
    return std::max(minPixels, TimelineCoordinates::kMinPixelsBetweenMajor);
}

// Checks that hold for every tick set; returns the first violation, or an empty string.
QString spacingProblem(const TimelineCoordinates &c, double minPixels, qint64 stepNs)
{
    const double minimum = effectiveMinPixels(minPixels);
    const double spacing = double(stepNs) * c.pixelsPerNs();
    if (stepNs >= kLastResortStepNs)
        return {};
    if (spacing < minimum * (1 - 1e-12))
        return u"step %1 ns is only %2 px apart"_s.arg(stepNs).arg(spacing);
    if (stepNs > 1 && spacing >= 2.5 * minimum)
        return u"step %1 ns is %2 px apart, 2.5x the minimum or more"_s.arg(stepNs).arg(spacing);
    return {};
}

QString tickProblem(const TimelineCoordinates &c, double minPixels, const QList<Tick> &ticks)
{
    const qint64 stepNs = c.majorStepNs(minPixels);
    if (QString problem = spacingProblem(c, minPixels, stepNs); !problem.isEmpty())
        return problem;
    const Tick *previousMajor = nullptr;
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        const Tick &tick = ticks.at(i);
        const qint64 relativeNs = tick.ns - c.originNs();
        if (tick.ns < c.startNs() || tick.ns >= c.endNs())
            return u"tick %1 ns outside the window"_s.arg(tick.ns);
        if (i > 0 && ticks.at(i - 1).ns >= tick.ns)
            return u"tick %1 ns out of order"_s.arg(tick.ns);
        if (tick.x != c.timeToX(tick.ns) || tick.x < c.left() || tick.x > c.right())
            return u"tick %1 ns at x %2"_s.arg(tick.ns).arg(tick.x);
        if (tick.isMajor != (relativeNs % stepNs == 0))
            return u"tick %1 ns: major flag does not match the step %2"_s.arg(tick.ns).arg(stepNs);
        if (!tick.isMajor) {
            if (!tick.label.isEmpty())
                return u"minor tick %1 ns has a label"_s.arg(tick.ns);
            continue;
        }
        if (tick.label != TimelineCoordinates::formatDuration(relativeNs, stepNs))
            return u"major %1 ns labelled %2"_s.arg(tick.ns).arg(tick.label);
        if (previousMajor && previousMajor->label == tick.label)
            return u"two adjacent majors labelled %1"_s.arg(tick.label);
        previousMajor = &tick;
    }
    return {};
}

qsizetype majorCount(const QList<Tick> &ticks)
{
    return std::count_if(ticks.cbegin(), ticks.cend(), [](const Tick &t) { return t.isMajor; });
}

} // namespace

class tst_TimelineCoordinates : public QObject
{
    Q_OBJECT

private slots:
    void normalization_data();
    void normalization();
    void roundTrip_data();
    void roundTrip();
    void xToTime_data();
    void xToTime();
    void timeToXStaysFinite();
    void zoomKeepsAnchor_data();
    void zoomKeepsAnchor();
    void zoomKeepsAnchorAtEveryPixel_data();
    void zoomKeepsAnchorAtEveryPixel();
    void zoomInAndOutReturnsToAnchor();
    void zoomClampsSpan_data();
    void zoomClampsSpan();
    void zoomNearInt64Limits();
    void panRoundTrip_data();
    void panRoundTrip();
    void panDirectionAndLimits();
    void followingLive_data();
    void followingLive();
    void fitted_data();
    void fitted();
    void tickSpacing_data();
    void tickSpacing();
    void tickCount_data();
    void tickCount();
    void minorTicks_data();
    void minorTicks();
    void tickLabels_data();
    void tickLabels();
    void formatDuration_data();
    void formatDuration();
};

void tst_TimelineCoordinates::normalization_data()
{
    QTest::addColumn<qint64>("startIn");
    QTest::addColumn<qint64>("endIn");
    QTest::addColumn<double>("leftIn");
    QTest::addColumn<double>("widthIn");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");

    const double maxWidth = TimelineCoordinates::kMaxWidthPx;
    QTest::newRow("ordinary_window_kept")
        << 100LL << 200LL << 5.0 << 640.0 << 100LL << 200LL << 5.0 << 640.0;
    QTest::newRow("empty_window_becomes_1ns")
        << 100LL << 100LL << 0.0 << 10.0 << 100LL << 101LL << 0.0 << 10.0;
    QTest::newRow("reversed_window_becomes_1ns")
        << 100LL << 50LL << 0.0 << 10.0 << 100LL << 101LL << 0.0 << 10.0;
    QTest::newRow("empty_window_at_int64_max_moves_back")
        << kMaxNs << kMaxNs << 0.0 << 10.0 << kMaxNs - 1 << kMaxNs << 0.0 << 10.0;
    QTest::newRow("whole_int64_range_cut_to_int64_max_span")
        << kMinNs << kMaxNs << 0.0 << 10.0 << kMinNs << -1LL << 0.0 << 10.0;
    QTest::newRow("zero_width_becomes_1px") << 0LL << kS << 3.0 << 0.0 << 0LL << kS << 3.0 << 1.0;
    QTest::newRow("negative_width_becomes_1px")
        << 0LL << kS << 3.0 << -300.0 << 0LL << kS << 3.0 << 1.0;
    QTest::newRow("subpixel_width_becomes_1px")
        << 0LL << kS << 3.0 << 0.25 << 0LL << kS << 3.0 << 1.0;
    QTest::newRow("nan_width_becomes_1px") << 0LL << kS << 3.0 << kNaN << 0LL << kS << 3.0 << 1.0;
    QTest::newRow("infinite_width_capped")
        << 0LL << kS << 3.0 << kInf << 0LL << kS << 3.0 << maxWidth;
    QTest::newRow("nan_left_becomes_0") << 0LL << kS << kNaN << 50.0 << 0LL << kS << 0.0 << 50.0;
    QTest::newRow("infinite_left_becomes_0")
        << 0LL << kS << -kInf << 50.0 << 0LL << kS << 0.0 << 50.0;
}

void tst_TimelineCoordinates::normalization()
{
    QFETCH(qint64, startIn);
    QFETCH(qint64, endIn);
    QFETCH(double, leftIn);
    QFETCH(double, widthIn);
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(double, left);
    QFETCH(double, width);

    const TimelineCoordinates c(startIn, endIn, leftIn, widthIn);
    QCOMPARE(c.startNs(), start);
    QCOMPARE(c.endNs(), end);
    QCOMPARE(c.spanNs(), end - start);
    QCOMPARE(c.left(), left);
    QCOMPARE(c.width(), width);
    QVERIFY(std::isfinite(c.pixelsPerNs()) && c.pixelsPerNs() > 0);

    TimelineCoordinates viaSetters;
    viaSetters.setWindow(startIn, endIn);
    viaSetters.setPixelSpan(leftIn, widthIn);
    QVERIFY(viaSetters == c);
}

void tst_TimelineCoordinates::roundTrip_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");

    QTest::newRow("one_second_on_1000px") << 0LL << kS << 0.0 << 1000.0;
    QTest::newRow("negative_times") << -5 * kS << -4 * kS << 10.0 << 800.0;
    QTest::newRow("straddling_zero") << -500LL << 500LL << 0.0 << 640.0;
    QTest::newRow("one_px_wide") << 0LL << kS << 3.0 << 1.0;
    QTest::newRow("one_ns_window") << 42LL << 43LL << 0.0 << 1000.0;
    QTest::newRow("one_ns_window_one_px_wide") << -7LL << -6LL << 0.0 << 1.0;
    QTest::newRow("fractional_left_and_width") << 123'456'789LL << 126'790'122LL << 12.5 << 777.25;
    QTest::newRow("a_day_on_a_4k_screen") << kHour << kHour + kMaxSpan << 0.0 << 3840.0;
    QTest::newRow("near_int64_max") << kMaxNs - kMs << kMaxNs << 0.0 << 1000.0;
    QTest::newRow("near_int64_min") << kMinNs << kMinNs + kMs << 0.0 << 1000.0;
    QTest::newRow("near_int64_min_one_ns") << kMinNs << kMinNs + 1 << 100.0 << 300.0;
    QTest::newRow("half_the_int64_range") << kMinNs / 2 << kMaxNs / 2 << 0.0 << 1000.0;
}

void tst_TimelineCoordinates::roundTrip()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(double, left);
    QFETCH(double, width);

    const TimelineCoordinates c(start, end, left, width);
    QCOMPARE(c.timeToX(c.startNs()), c.left());
    QVERIFY(qAbs(c.timeToX(c.endNs()) - c.right()) <= 1e-9 * (1 + qAbs(c.right())));

    // Exact below 10^15 ns of span; beyond that doubles cannot hold every ns.
    const double timeTolerance = std::floor(double(c.spanNs()) * 1e-15);
    constexpr int kSamples = 16;
    for (int i = 0; i <= kSamples; ++i) {
        const qint64 t = c.startNs() + (c.spanNs() - 1) / kSamples * i;
        const double x = c.timeToX(t);
        const qint64 back = c.xToTime(x);
        QVERIFY2(x >= c.left() && x <= c.right(), qPrintable(describe(c)));
        QVERIFY2(
            qAbs(double(back) - double(t)) <= timeTolerance,
            qPrintable(
                u"%1 -> %2 px -> %3 in %4"_s.arg(t).arg(x, 0, 'g', 17).arg(back).arg(describe(c))));
    }
    for (int i = 0; i <= kSamples; ++i) {
        const double x = c.left() + c.width() * i / kSamples;
        const qint64 t = c.xToTime(x);
        const double back = c.timeToX(t);
        // Times are whole ns: x can move by up to half a ns worth of pixels.
        const double tolerance = 0.5 * c.pixelsPerNs() + 1e-9 * (1 + qAbs(x));
        QVERIFY2(
            qAbs(back - x) <= tolerance,
            qPrintable(u"%1 px -> %2 -> %3 px in %4"_s.arg(x).arg(t).arg(back).arg(describe(c))));
    }
}

void tst_TimelineCoordinates::xToTime_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<double>("x");
    QTest::addColumn<qint64>("expected");

    // [1000, 2000) ns on [100, 1100) px: one ns per pixel.
    QTest::newRow("left_edge_is_start") << 1000LL << 2000LL << 100.0 << 1000LL;
    QTest::newRow("right_edge_is_end") << 1000LL << 2000LL << 1100.0 << 2000LL;
    QTest::newRow("middle") << 1000LL << 2000LL << 600.0 << 1500LL;
    QTest::newRow("below_half_rounds_down") << 1000LL << 2000LL << 600.4 << 1500LL;
    QTest::newRow("half_rounds_away_from_start") << 1000LL << 2000LL << 600.5 << 1501LL;
    QTest::newRow("half_left_of_start_rounds_away") << 1000LL << 2000LL << 99.5 << 999LL;
    QTest::newRow("extrapolated_left") << 1000LL << 2000LL << -900.0 << 0LL;
    QTest::newRow("extrapolated_right") << 1000LL << 2000LL << 2100.0 << 3000LL;
    QTest::newRow("plus_infinity_saturates") << 1000LL << 2000LL << kInf << kMaxNs;
    QTest::newRow("minus_infinity_saturates") << 1000LL << 2000LL << -kInf << kMinNs;
    QTest::newRow("huge_x_saturates") << 1000LL << 2000LL << 1e300 << kMaxNs;
    QTest::newRow("huge_negative_x_saturates") << 1000LL << 2000LL << -1e300 << kMinNs;
    QTest::newRow("nan_is_start") << 1000LL << 2000LL << kNaN << 1000LL;
    QTest::newRow("int64_max_reached_at_right_edge") << kMaxNs - 1000 << kMaxNs << 1100.0 << kMaxNs;
    QTest::newRow("beyond_int64_max_saturates") << kMaxNs - 1000 << kMaxNs << 1101.0 << kMaxNs;
    QTest::newRow("last_ns_before_int64_max") << kMaxNs - 1000 << kMaxNs << 1099.0 << kMaxNs - 1;
    QTest::newRow("int64_min_at_left_edge") << kMinNs << kMinNs + 1000 << 100.0 << kMinNs;
    QTest::newRow("before_int64_min_saturates") << kMinNs << kMinNs + 1000 << 99.0 << kMinNs;
}

void tst_TimelineCoordinates::xToTime()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(double, x);
    QFETCH(qint64, expected);

    const TimelineCoordinates c(start, end, 100, 1000);
    QCOMPARE(c.xToTime(x), expected);
}

void tst_TimelineCoordinates::timeToXStaysFinite()
{
    const TimelineCoordinates ordinary(1000, 2000, 100, 1000);
    QCOMPARE(ordinary.timeToX(0), -900.0);
    QCOMPARE(ordinary.timeToX(3000), 2100.0);
    QVERIFY(std::isfinite(ordinary.timeToX(kMaxNs)) && ordinary.timeToX(kMaxNs) > 1e18);
    QVERIFY(std::isfinite(ordinary.timeToX(kMinNs)) && ordinary.timeToX(kMinNs) < -1e18);

    const TimelineCoordinates atMin(kMinNs, kMinNs + 10, 0, 1);
    QVERIFY(std::isfinite(atMin.timeToX(kMaxNs)) && atMin.timeToX(kMaxNs) > 0);
    const TimelineCoordinates atMax(kMaxNs - 10, kMaxNs, 0, 1);
    QVERIFY(std::isfinite(atMax.timeToX(kMinNs)) && atMax.timeToX(kMinNs) < 0);
}

void tst_TimelineCoordinates::zoomKeepsAnchor_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("factor");

    QTest::newRow("in_at_centre") << 0LL << kS << 0.0 << 1000.0 << 500.0 << 2.0;
    QTest::newRow("out_at_left_edge") << 0LL << kS << 0.0 << 1000.0 << 0.0 << 0.5;
    QTest::newRow("in_near_right_edge") << 0LL << kS << 0.0 << 1000.0 << 999.9 << 3.0;
    QTest::newRow("wheel_step_in") << 7 * kS << 9 * kS << 40.0 << 800.0 << 123.4 << 1.25;
    QTest::newRow("wheel_step_out") << 7 * kS << 9 * kS << 40.0 << 800.0 << 700.7 << 0.8;
    QTest::newRow("negative_times") << -3 * kS << -kS << 0.0 << 640.0 << 250.0 << 4.0;
    QTest::newRow("anchor_left_of_widget") << 0LL << kS << 0.0 << 1000.0 << -200.0 << 2.0;
    QTest::newRow("anchor_right_of_widget") << 0LL << kS << 0.0 << 1000.0 << 1500.0 << 0.5;
    QTest::newRow("fractional_pixel_span") << 5 * kMs << 6 * kMs << 37.5 << 333.3 << 200.1 << 1.7;
    QTest::newRow("deep_zoom_on_a_4k_screen") << 0LL << kMs << 0.0 << 3840.0 << 1234.5 << 1000.0;
    QTest::newRow("deep_zoom_hits_1us") << 0LL << kMs << 0.0 << 800.0 << 123.0 << 1e9;
    QTest::newRow("out_to_24h") << kHour << kHour + kMaxSpan / 2 << 0.0 << 1000.0 << 420.0 << 0.5;
    QTest::newRow("out_beyond_24h")
        << kHour << kHour + kMaxSpan / 2 << 0.0 << 1000.0 << 420.0 << 1e-6;
    QTest::newRow("near_int64_max") << kMaxNs - kS << kMaxNs << 0.0 << 1000.0 << 500.0 << 2.0;
    QTest::newRow("near_int64_min") << kMinNs << kMinNs + kS << 0.0 << 1000.0 << 500.0 << 2.0;
    QTest::newRow("one_px_wide") << 0LL << kS << 0.0 << 1.0 << 0.3 << 10.0;
}

void tst_TimelineCoordinates::zoomKeepsAnchor()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(double, left);
    QFETCH(double, width);
    QFETCH(double, x);
    QFETCH(double, factor);

    const TimelineCoordinates c = makeCoordinates(start, end, left, width, 777);
    const TimelineCoordinates zoomed = c.zoomedAround(x, factor);
    const qint64 anchorNs = c.xToTime(x);
    const double before = c.timeToX(anchorNs);
    const double after = zoomed.timeToX(anchorNs);
    QVERIFY2(qAbs(after - before) <= 0.5 + 1e-9,
             qPrintable(u"anchor %1 ns moved from %2 to %3 px; now %4"_s.arg(anchorNs)
                            .arg(before, 0, 'g', 17)
                            .arg(after, 0, 'g', 17)
                            .arg(describe(zoomed))));

    const double wanted = double(c.spanNs()) / factor;
    const qint64 expectedSpan = wanted >= double(kMaxSpan) ? kMaxSpan
                                : wanted <= double(c.minimumSpanNs())
                                    ? c.minimumSpanNs()
                                    : qint64(std::llround(wanted));
    QCOMPARE(zoomed.spanNs(), expectedSpan);
    QCOMPARE(zoomed.left(), c.left());
    QCOMPARE(zoomed.width(), c.width());
    QCOMPARE(zoomed.originNs(), c.originNs());
}

void tst_TimelineCoordinates::zoomKeepsAnchorAtEveryPixel_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("factor");

    // Zooming in to the limit of one ns per pixel is where rounding the anchor and the new
    // start to whole ns costs the most pixels.
    QTest::newRow("to_1us_on_1000px") << kMs << 1000.0 << 1e6;
    QTest::newRow("to_1ns_per_px_on_a_4k_screen") << kMs << 3840.0 << 1e6;
    QTest::newRow("close_to_the_limit_on_1000px") << 3 * kUs << 1000.0 << 2.9;
    QTest::newRow("out_from_the_limit_on_1000px") << kUs << 1000.0 << 0.37;
}

void tst_TimelineCoordinates::zoomKeepsAnchorAtEveryPixel()
{
    QFETCH(qint64, span);
    QFETCH(double, width);
    QFETCH(double, factor);

    const TimelineCoordinates c(kS, kS + span, 0, width);
    for (double x = 0.03; x < width; x += 0.71) {
        const qint64 anchorNs = c.xToTime(x);
        const TimelineCoordinates zoomed = c.zoomedAround(x, factor);
        const double moved = zoomed.timeToX(anchorNs) - c.timeToX(anchorNs);
        QVERIFY2(qAbs(moved) <= 0.5 + 1e-9,
                 qPrintable(u"x %1: anchor moved %2 px"_s.arg(x).arg(moved)));
    }
}

void tst_TimelineCoordinates::zoomInAndOutReturnsToAnchor()
{
    // Thirty wheel steps in and thirty out at the same pixel: each step keeps the anchor
    // within half a pixel, and the errors of the fine steps shrink as the view zooms out.
    const TimelineCoordinates initial(-2 * kS, 3 * kS, 10, 900);
    const double x = 333.3;
    const qint64 anchorNs = initial.xToTime(x);
    TimelineCoordinates c = initial;
    for (int i = 0; i < 30; ++i)
        c = c.zoomedAround(x, 1.25);
    QVERIFY(c.spanNs() < initial.spanNs() / 500);
    for (int i = 0; i < 30; ++i)
        c = c.zoomedAround(x, 0.8);
    QVERIFY2(qAbs(c.timeToX(anchorNs) - x) <= 3.0, qPrintable(describe(c)));
    QVERIFY(qAbs(double(c.spanNs()) / double(initial.spanNs()) - 1) < 1e-6);
}

void tst_TimelineCoordinates::zoomClampsSpan_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("factor");
    QTest::addColumn<qint64>("expectedSpan");
    QTest::addColumn<bool>("isUnchanged");

    QTest::newRow("huge_factor_stops_at_1us") << 0LL << kS << 800.0 << 1e12 << kMinSpan << false;
    QTest::newRow("infinite_factor_stops_at_1us")
        << 0LL << kS << 800.0 << kInf << kMinSpan << false;
    QTest::newRow("largest_double_factor_stops_at_1us")
        << 0LL << kS << 800.0 << std::numeric_limits<double>::max() << kMinSpan << false;
    QTest::newRow("wide_widget_stops_at_1ns_per_px")
        << 0LL << kS << 3840.0 << 1e12 << 3840LL << false;
    QTest::newRow("zoom_in_at_the_minimum_stays")
        << 0LL << kMinSpan << 800.0 << 2.0 << kMinSpan << true;
    QTest::newRow("factor_1_lifts_a_1ns_window_to_1us")
        << 5LL << 6LL << 800.0 << 1.0 << kMinSpan << false;
    QTest::newRow("tiny_factor_stops_at_24h") << 0LL << kS << 800.0 << 1e-12 << kMaxSpan << false;
    QTest::newRow("denormal_factor_stops_at_24h")
        << 0LL << kS << 800.0 << std::numeric_limits<double>::denorm_min() << kMaxSpan << false;
    QTest::newRow("zoom_out_at_24h_stays") << 0LL << kMaxSpan << 800.0 << 0.5 << kMaxSpan << true;
    QTest::newRow("factor_1_cuts_a_week_to_24h")
        << 0LL << 7 * kMaxSpan << 800.0 << 1.0 << kMaxSpan << false;
    QTest::newRow("zero_factor_changes_nothing") << 0LL << kS << 800.0 << 0.0 << kS << true;
    QTest::newRow("negative_factor_changes_nothing") << 0LL << kS << 800.0 << -2.0 << kS << true;
    QTest::newRow("nan_factor_changes_nothing") << 0LL << kS << 800.0 << kNaN << kS << true;
}

void tst_TimelineCoordinates::zoomClampsSpan()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(double, width);
    QFETCH(double, factor);
    QFETCH(qint64, expectedSpan);
    QFETCH(bool, isUnchanged);

    const TimelineCoordinates c(start, end, 0, width);
    const TimelineCoordinates zoomed = c.zoomedAround(width / 3, factor);
    QCOMPARE(zoomed.spanNs(), expectedSpan);
    QCOMPARE(zoomed == c, isUnchanged);
}

void tst_TimelineCoordinates::zoomNearInt64Limits()
{
    const TimelineCoordinates atMax(kMaxNs - 1000, kMaxNs, 0, 1000);
    const TimelineCoordinates outAtMax = atMax.zoomedAround(500, 1e-12);
    QCOMPARE(outAtMax.spanNs(), kMaxSpan);
    QCOMPARE(outAtMax.endNs(), kMaxNs);

    const TimelineCoordinates atMin(kMinNs, kMinNs + 1000, 0, 1000);
    const TimelineCoordinates outAtMin = atMin.zoomedAround(500, 1e-12);
    QCOMPARE(outAtMin.spanNs(), kMaxSpan);
    QCOMPARE(outAtMin.startNs(), kMinNs);

    // The anchor saturates at INT64_MAX, so far right of the window that keeping it at x
    // needs a start before INT64_MIN: the window stops there.
    const TimelineCoordinates farAnchor = atMin.zoomedAround(1e300, 1e-12);
    QCOMPARE(farAnchor.spanNs(), kMaxSpan);
    QCOMPARE(farAnchor.startNs(), kMinNs);
    QCOMPARE(atMax.zoomedAround(kInf, 2).spanNs(), kMinSpan);
    QCOMPARE(atMax.zoomedAround(kNaN, 0.5).spanNs(), 2000LL);
}

void tst_TimelineCoordinates::panRoundTrip_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("dx");

    QTest::newRow("full_width_right") << 0LL << kS << 1000.0 << 1000.0;
    QTest::newRow("full_width_left") << 0LL << kS << 1000.0 << -1000.0;
    QTest::newRow("fraction_of_a_pixel") << 0LL << kS << 1000.0 << 0.3;
    QTest::newRow("less_than_a_ns") << 0LL << 100LL << 1000.0 << 3.0;
    QTest::newRow("negative_times") << -9 * kS << -8 * kS << 640.0 << 213.7;
    QTest::newRow("one_ns_window") << 7LL << 8LL << 500.0 << 123.4;
    QTest::newRow("a_day_on_a_4k_screen") << 0LL << kMaxSpan << 3840.0 << 1234.567;
    QTest::newRow("one_px_wide") << 0LL << kS << 1.0 << 0.75;
    QTest::newRow("odd_span_and_width") << 1LL << 1'000'000'008LL << 997.0 << 333.3;
    QTest::newRow("many_widths") << 0LL << kS << 1000.0 << 1e6;
}

void tst_TimelineCoordinates::panRoundTrip()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(double, width);
    QFETCH(double, dx);

    const TimelineCoordinates c = makeCoordinates(start, end, 20, width, 5);
    const TimelineCoordinates panned = c.pannedBy(dx);
    QCOMPARE(panned.spanNs(), c.spanNs());
    QVERIFY2(panned.pannedBy(-dx) == c, qPrintable(describe(panned.pannedBy(-dx))));

    // Dragging: the time under the mouse follows it (to within a rounded ns).
    const double mouseX = c.left() + c.width() / 3;
    const qint64 grabbedNs = c.xToTime(mouseX);
    QVERIFY(qAbs(panned.xToTime(mouseX + dx) - grabbedNs) <= 1);
}

void tst_TimelineCoordinates::panDirectionAndLimits()
{
    const TimelineCoordinates c(kS, 2 * kS, 0, 1000);
    QCOMPARE(c.pannedBy(1000).startNs(), 0LL);
    QCOMPARE(c.pannedBy(-250).startNs(), 1'250'000'000LL);
    QVERIFY(c.pannedBy(kNaN) == c);
    QCOMPARE(c.pannedBy(kInf).startNs(), kMinNs);
    QCOMPARE(c.pannedBy(-kInf).endNs(), kMaxNs);

    const TimelineCoordinates atMax(kMaxNs - 1000, kMaxNs, 0, 1000);
    QCOMPARE(atMax.pannedBy(-1e12).startNs(), kMaxNs - 1000);
    QCOMPARE(atMax.pannedBy(-1e12).spanNs(), 1000LL);
    const TimelineCoordinates atMin(kMinNs, kMinNs + 1000, 0, 1000);
    QCOMPARE(atMin.pannedBy(1e12).startNs(), kMinNs);
    QCOMPARE(atMin.pannedBy(1e12).spanNs(), 1000LL);
}

void tst_TimelineCoordinates::followingLive_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<qint64>("expectedStart");
    QTest::addColumn<qint64>("expectedEnd");

    QTest::newRow("now_after_the_window") << 0LL << kS << 5 * kS << 4 * kS << 5 * kS;
    QTest::newRow("now_inside_the_window") << 0LL << kS << 300 * kMs << -700 * kMs << 300 * kMs;
    QTest::newRow("negative_now") << 0LL << kS << -2 * kS << -3 * kS << -2 * kS;
    QTest::newRow("now_at_int64_max") << 0LL << 1000LL << kMaxNs << kMaxNs - 1000 << kMaxNs;
    QTest::newRow("now_near_int64_min_keeps_span")
        << 0LL << 1000LL << kMinNs + 10 << kMinNs << kMinNs + 1000;
}

void tst_TimelineCoordinates::followingLive()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(qint64, now);
    QFETCH(qint64, expectedStart);
    QFETCH(qint64, expectedEnd);

    const TimelineCoordinates c = makeCoordinates(start, end, 15, 700, 42);
    const TimelineCoordinates live = c.followingLive(now);
    QCOMPARE(live.startNs(), expectedStart);
    QCOMPARE(live.endNs(), expectedEnd);
    QCOMPARE(live.left(), c.left());
    QCOMPARE(live.width(), c.width());
    QCOMPARE(live.originNs(), c.originNs());
    if (expectedEnd == now)
        QCOMPARE(live.timeToX(now), live.right());
}

void tst_TimelineCoordinates::fitted_data()
{
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");
    QTest::addColumn<double>("margin");
    QTest::addColumn<double>("width");
    QTest::addColumn<qint64>("expectedStart");
    QTest::addColumn<qint64>("expectedEnd");

    QTest::newRow("ten_ms_with_5_percent")
        << kMs << 11 * kMs << 0.05 << 800.0 << kMs / 2 << 11 * kMs + kMs / 2;
    QTest::newRow("reversed_arguments")
        << 11 * kMs << kMs << 0.05 << 800.0 << kMs / 2 << 11 * kMs + kMs / 2;
    QTest::newRow("no_margin") << -2 * kS << 2 * kS << 0.0 << 800.0 << -2 * kS << 2 * kS;
    QTest::newRow("negative_margin_counts_as_0")
        << -2 * kS << 2 * kS << -0.5 << 800.0 << -2 * kS << 2 * kS;
    QTest::newRow("nan_margin_counts_as_0")
        << -2 * kS << 2 * kS << kNaN << 800.0 << -2 * kS << 2 * kS;
    QTest::newRow("single_chunk_gets_1us")
        << 5 * kS << 5 * kS << 0.1 << 800.0 << 5 * kS - 500 << 5 * kS + 500;
    QTest::newRow("single_chunk_on_a_wide_widget")
        << 5 * kS << 5 * kS << 0.1 << 3000.0 << 5 * kS - 1500 << 5 * kS + 1500;
    QTest::newRow("two_days_cut_to_24h")
        << 0LL << 2 * kMaxSpan << 0.1 << 800.0 << kMaxSpan / 2 << kMaxSpan + kMaxSpan / 2;
    QTest::newRow("infinite_margin_cut_to_24h")
        << 0LL << kS << kInf << 800.0 << kS / 2 - kMaxSpan / 2 << kS / 2 + kMaxSpan / 2;
    QTest::newRow("whole_int64_range")
        << kMinNs << kMaxNs << 0.1 << 800.0 << -1 - kMaxSpan / 2 << -1 + kMaxSpan / 2;
    QTest::newRow("pushed_back_from_int64_max")
        << kMaxNs - 10 << kMaxNs << 0.0 << 800.0 << kMaxNs - kMinSpan << kMaxNs;
    QTest::newRow("near_int64_min")
        << kMinNs << kMinNs + 10 << 0.0 << 800.0 << kMinNs << kMinNs + kMinSpan;
}

void tst_TimelineCoordinates::fitted()
{
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    QFETCH(double, margin);
    QFETCH(double, width);
    QFETCH(qint64, expectedStart);
    QFETCH(qint64, expectedEnd);

    const TimelineCoordinates c = makeCoordinates(0, kS, 25, width, 99);
    const TimelineCoordinates fit = c.fitted(first, last, margin);
    QCOMPARE(fit.startNs(), expectedStart);
    QCOMPARE(fit.endNs(), expectedEnd);
    QCOMPARE(fit.left(), c.left());
    QCOMPARE(fit.width(), c.width());
    QCOMPARE(fit.originNs(), c.originNs());
}

void tst_TimelineCoordinates::tickSpacing_data()
{
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("minPixels");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("origin");

    QTest::newRow("1000px_80px_from_origin") << 0.0 << 1000.0 << 80.0 << 0LL << 0LL;
    QTest::newRow("300px_50px_late_in_the_run") << 20.0 << 300.0 << 50.0 << 5 * kMinute << 0LL;
    QTest::newRow("1920px_120px_before_origin") << 0.0 << 1920.0 << 120.0 << -3'300 * kMs << 0LL;
    QTest::newRow("800px_odd_origin") << 7.5 << 800.0 << 80.0 << 123'456'789LL << 987'654'321LL;
    QTest::newRow("1px_wide") << 0.0 << 1.0 << 80.0 << 0LL << 0LL;
    QTest::newRow("4k_30px") << 0.0 << 3840.0 << 30.0 << kS << 0LL;
}

void tst_TimelineCoordinates::tickSpacing()
{
    QFETCH(double, left);
    QFETCH(double, width);
    QFETCH(double, minPixels);
    QFETCH(qint64, start);
    QFETCH(qint64, origin);

    // Spans from 10 ns to 10 h, each 13 % longer than the one before.
    int spans = 0;
    for (qint64 span = 10; span <= 10 * kHour; span += std::max<qint64>(1, span * 13 / 100)) {
        ++spans;
        const TimelineCoordinates c = makeCoordinates(start, start + span, left, width, origin);
        const QList<Tick> ticks = c.ticks(minPixels);
        const QString problem = tickProblem(c, minPixels, ticks);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + u" in "_s + describe(c)));

        const double stepPixels = double(c.majorStepNs(minPixels)) * c.pixelsPerNs();
        const Tick *previous = nullptr;
        for (const Tick &tick : ticks) {
            if (!tick.isMajor)
                continue;
            if (previous) {
                QVERIFY2(qAbs(tick.x - previous->x - stepPixels) <= 1e-6 * stepPixels,
                         qPrintable(describe(c)));
            }
            previous = &tick;
        }
    }
    QVERIFY(spans > 100);
}

void tst_TimelineCoordinates::tickCount_data()
{
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("minPixels");
    QTest::addColumn<qint64>("spanFactor"); // spans grow by this factor from 1 ns

    const double defaultSpacing = TimelineCoordinates::kDefaultMinPixelsBetweenMajor;
    QTest::newRow("default_spacing") << 1000.0 << defaultSpacing << 7LL;
    QTest::newRow("zero_spacing_raised_to_the_floor") << 1000.0 << 0.0 << 7LL;
    QTest::newRow("negative_spacing_raised_to_the_floor") << 1000.0 << -5.0 << 7LL;
    QTest::newRow("nan_spacing_uses_the_default") << 1000.0 << kNaN << 7LL;
    QTest::newRow("infinite_spacing") << 1000.0 << kInf << 7LL;
    QTest::newRow("spacing_wider_than_the_widget") << 500.0 << 2000.0 << 7LL;
    QTest::newRow("1px_wide") << 1.0 << 80.0 << 7LL;
    // Up to a quarter of a million ticks per window: fewer spans keep the test fast.
    QTest::newRow("widest_widget_densest_ticks")
        << TimelineCoordinates::kMaxWidthPx << 0.0 << 997LL;
}

void tst_TimelineCoordinates::tickCount()
{
    QFETCH(double, width);
    QFETCH(double, minPixels);
    QFETCH(qint64, spanFactor);

    const double minimum = effectiveMinPixels(minPixels);
    const auto check = [&](const TimelineCoordinates &c) {
        const QList<Tick> ticks = c.ticks(minPixels);
        const qsizetype majors = majorCount(ticks);
        const QString where = describe(c);
        QVERIFY2(double(majors) <= c.width() / minimum + 2, qPrintable(where));
        QVERIFY2(ticks.size() <= (majors + 1) * 6, qPrintable(where));
        QVERIFY2(double(ticks.size())
                     <= c.width() / TimelineCoordinates::kMinPixelsBetweenMinor + 2,
                 qPrintable(where));
        const QString problem = tickProblem(c, minPixels, ticks);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + u" in "_s + where));
    };
    // Spans from 1 ns to INT64_MAX ns, around 0 and at both ends of qint64.
    for (qint64 span = 1; span > 0; span = span <= kMaxNs / spanFactor ? span * spanFactor : -1) {
        check(makeCoordinates(-span / 2, span - span / 2, 0, width));
        if (QTest::currentTestFailed())
            return;
        check(makeCoordinates(kMaxNs - span, kMaxNs, 0, width, kMaxNs));
        if (QTest::currentTestFailed())
            return;
        check(makeCoordinates(kMinNs, kMinNs + span, 0, width, kMinNs));
        if (QTest::currentTestFailed())
            return;
    }
    check(makeCoordinates(kMinNs, kMaxNs, 0, width));
    // A window too far from the origin for a qint64 difference has no ticks at all.
    QVERIFY(makeCoordinates(kMaxNs - kS, kMaxNs, 0, width, kMinNs).ticks(minPixels).isEmpty());
}

void tst_TimelineCoordinates::minorTicks_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("minPixels");
    QTest::addColumn<qint64>("expectedStep");
    QTest::addColumn<int>("expectedMinors");

    // All on 1000 px from 0.
    QTest::newRow("1ms_step_in_5_parts") << 10 * kMs << 80.0 << kMs << 4;
    QTest::newRow("2ms_step_in_4_parts") << 20 * kMs << 80.0 << 2 * kMs << 3;
    QTest::newRow("5ms_step_in_5_parts") << 50 * kMs << 80.0 << 5 * kMs << 4;
    QTest::newRow("1min_step_in_6_parts") << 700 * kS << 80.0 << kMinute << 5;
    QTest::newRow("20min_step_in_4_parts") << 3 * kHour << 80.0 << 20 * kMinute << 3;
    QTest::newRow("1h_step_in_6_parts") << 10 * kHour << 80.0 << kHour << 5;
    QTest::newRow("5ns_step_with_1ns_minors") << 50LL << 80.0 << 5LL << 4;
    QTest::newRow("1ns_step_has_no_whole_ns_minors") << 10LL << 80.0 << 1LL << 0;
    QTest::newRow("2ns_step_has_no_whole_ns_minors") << 20LL << 80.0 << 2LL << 0;
    QTest::newRow("minors_left_out_when_denser_than_4px") << 1000LL << 10.0 << 10LL << 0;
}

void tst_TimelineCoordinates::minorTicks()
{
    QFETCH(qint64, span);
    QFETCH(double, minPixels);
    QFETCH(qint64, expectedStep);
    QFETCH(int, expectedMinors);

    const TimelineCoordinates c(0, span, 0, 1000);
    QCOMPARE(c.majorStepNs(minPixels), expectedStep);
    const QList<Tick> ticks = c.ticks(minPixels);
    QVERIFY(ticks.size() >= 2);
    QVERIFY(ticks.first().isMajor);
    QCOMPARE(ticks.first().ns, 0LL);
    const qint64 minorStep = expectedStep / (expectedMinors + 1);
    int minors = 0;
    for (qsizetype i = 1; i < ticks.size() && !ticks.at(i).isMajor; ++i) {
        QCOMPARE(ticks.at(i).ns, minorStep * i);
        ++minors;
    }
    QCOMPARE(minors, expectedMinors);
}

void tst_TimelineCoordinates::tickLabels_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<qint64>("origin");
    QTest::addColumn<qint64>("firstMajor");
    QTest::addColumn<QStringList>("labels");

    // All on 1000 px with majors at least 80 px apart.
    QTest::newRow("half_ms_step_one_decimal")
        << 0LL << 5 * kMs << 0LL << 0LL
        << QStringList{u"0 ms"_s,   u"0.5 ms"_s, u"1 ms"_s,   u"1.5 ms"_s, u"2 ms"_s,
                       u"2.5 ms"_s, u"3 ms"_s,   u"3.5 ms"_s, u"4 ms"_s,   u"4.5 ms"_s};
    QTest::newRow("2s_step_whole_seconds")
        << 0LL << 20 * kS << 0LL << 0LL
        << QStringList{u"0 s"_s,  u"2 s"_s,  u"4 s"_s,  u"6 s"_s,  u"8 s"_s,
                       u"10 s"_s, u"12 s"_s, u"14 s"_s, u"16 s"_s, u"18 s"_s};
    QTest::newRow("before_origin_with_unicode_minus")
        << 990 * kMs << 1010 * kMs << kS << 990 * kMs
        << QStringList{u"\u221210 ms"_s, u"\u22128 ms"_s, u"\u22126 ms"_s, u"\u22124 ms"_s,
                       u"\u22122 ms"_s,  u"0 ms"_s,       u"2 ms"_s,       u"4 ms"_s,
                       u"6 ms"_s,        u"8 ms"_s};
    QTest::newRow("5ns_step") << 0LL << 50LL << 0LL << 0LL
                              << QStringList{u"0 ns"_s,  u"5 ns"_s,  u"10 ns"_s, u"15 ns"_s,
                                             u"20 ns"_s, u"25 ns"_s, u"30 ns"_s, u"35 ns"_s,
                                             u"40 ns"_s, u"45 ns"_s};
    QTest::newRow("2min_step_as_m_ss")
        << 0LL << 20 * kMinute << 0LL << 0LL
        << QStringList{u"0:00"_s,  u"2:00"_s,  u"4:00"_s,  u"6:00"_s,  u"8:00"_s,
                       u"10:00"_s, u"12:00"_s, u"14:00"_s, u"16:00"_s, u"18:00"_s};
    QTest::newRow("1h_step_as_h_mm_ss")
        << 0LL << 10 * kHour << 0LL << 0LL
        << QStringList{u"0:00"_s,    u"1:00:00"_s, u"2:00:00"_s, u"3:00:00"_s, u"4:00:00"_s,
                       u"5:00:00"_s, u"6:00:00"_s, u"7:00:00"_s, u"8:00:00"_s, u"9:00:00"_s};
    QTest::newRow("hours_before_origin")
        << 0LL << 10 * kHour << 5 * kHour << 0LL
        << QStringList{u"\u22125:00:00"_s, u"\u22124:00:00"_s, u"\u22123:00:00"_s,
                       u"\u22122:00:00"_s, u"\u22121:00:00"_s, u"0:00"_s,
                       u"1:00:00"_s,       u"2:00:00"_s,       u"3:00:00"_s,
                       u"4:00:00"_s};
    QTest::newRow("late_in_the_run_seconds_with_decimals")
        << 300 * kS << 300 * kS + kMs << 0LL << 300 * kS
        << QStringList{u"300 s"_s,      u"300.0001 s"_s, u"300.0002 s"_s, u"300.0003 s"_s,
                       u"300.0004 s"_s, u"300.0005 s"_s, u"300.0006 s"_s, u"300.0007 s"_s,
                       u"300.0008 s"_s, u"300.0009 s"_s};
    QTest::newRow("microseconds_into_milliseconds")
        << 800 * kUs << 1300 * kUs << 0LL << 800 * kUs
        << QStringList{u"800 \u00B5s"_s, u"850 \u00B5s"_s, u"900 \u00B5s"_s, u"950 \u00B5s"_s,
                       u"1 ms"_s,        u"1.05 ms"_s,     u"1.1 ms"_s,      u"1.15 ms"_s,
                       u"1.2 ms"_s,      u"1.25 ms"_s};
    QTest::newRow("aligned_to_an_odd_origin")
        << 0LL << kUs << 123LL << 23LL
        << QStringList{u"\u22120.1 \u00B5s"_s, u"0 \u00B5s"_s,   u"0.1 \u00B5s"_s, u"0.2 \u00B5s"_s,
                       u"0.3 \u00B5s"_s,       u"0.4 \u00B5s"_s, u"0.5 \u00B5s"_s, u"0.6 \u00B5s"_s,
                       u"0.7 \u00B5s"_s,       u"0.8 \u00B5s"_s};
}

void tst_TimelineCoordinates::tickLabels()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(qint64, origin);
    QFETCH(qint64, firstMajor);
    QFETCH(QStringList, labels);

    const TimelineCoordinates c = makeCoordinates(start, end, 0, 1000, origin);
    const QList<Tick> ticks = c.ticks(80);
    QCOMPARE(majorLabels(ticks), labels);
    const auto major
        = std::find_if(ticks.cbegin(), ticks.cend(), [](const Tick &t) { return t.isMajor; });
    QVERIFY(major != ticks.cend());
    QCOMPARE(major->ns, firstMajor);
    QCOMPARE(major->x, c.timeToX(firstMajor));
}

void tst_TimelineCoordinates::formatDuration_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<qint64>("resolution");
    QTest::addColumn<QString>("expected");

    QTest::newRow("tooltip_ms_to_the_us") << 1'234'000LL << kUs << u"1.234 ms"_s;
    QTest::newRow("tooltip_whole_us") << 12'000LL << kUs << u"12 \u00B5s"_s;
    QTest::newRow("tooltip_whole_s") << 3 * kS << kS << u"3 s"_s;
    QTest::newRow("fine_resolution_drops_trailing_zeros") << 3 * kS << 1LL << u"3 s"_s;
    QTest::newRow("fine_resolution_keeps_needed_digits") << 1'234'567LL << 1LL << u"1.234567 ms"_s;
    QTest::newRow("half_rounds_up") << 1'234'500LL << kUs << u"1.235 ms"_s;
    QTest::newRow("below_half_rounds_down") << 1'234'499LL << kUs << u"1.234 ms"_s;
    QTest::newRow("rounding_carries_into_the_next_unit") << 999'999LL << kUs << u"1 ms"_s;
    QTest::newRow("zero_ns") << 0LL << 1LL << u"0 ns"_s;
    QTest::newRow("zero_on_a_half_ms_axis") << 0LL << 500 * kUs << u"0 ms"_s;
    QTest::newRow("half_ms_axis") << 1'500'000LL << 500 * kUs << u"1.5 ms"_s;
    QTest::newRow("2s_axis") << 4 * kS << 2 * kS << u"4 s"_s;
    QTest::newRow("50ms_axis_below_a_second") << 950 * kMs << 50 * kMs << u"950 ms"_s;
    QTest::newRow("50ms_axis_past_a_second") << 1050 * kMs << 50 * kMs << u"1.05 s"_s;
    QTest::newRow("100ns_axis_in_us") << 300LL << 100LL << u"0.3 \u00B5s"_s;
    QTest::newRow("5ns_axis") << 45LL << 5LL << u"45 ns"_s;
    QTest::newRow("late_in_the_run") << 300'000'100'000LL << 100 * kUs << u"300.0001 s"_s;
    QTest::newRow("negative_uses_u2212") << -1'500'000LL << 500 * kUs << u"\u22121.5 ms"_s;
    QTest::newRow("negative_rounding_to_zero_has_no_sign") << -499LL << kUs << u"0 \u00B5s"_s;
    QTest::newRow("coarse_resolution_rounds_to_it") << 4 * kS << 10 * kS << u"0 s"_s;
    QTest::newRow("zero_resolution_is_1ns") << 7LL << 0LL << u"7 ns"_s;
    QTest::newRow("negative_resolution_is_1ns") << 7LL << -5LL << u"7 ns"_s;
    QTest::newRow("clock_m_ss") << 90 * kS << kMinute << u"1:30"_s;
    QTest::newRow("clock_zero") << 0LL << kMinute << u"0:00"_s;
    QTest::newRow("clock_h_mm_ss") << 3'723 * kS << kMinute << u"1:02:03"_s;
    QTest::newRow("clock_negative") << -2 * kMinute << 2 * kMinute << u"\u22122:00"_s;
    QTest::newRow("clock_rounds_to_the_second") << 59'600 * kMs << kMinute << u"1:00"_s;
    QTest::newRow("clock_below_half_a_second_has_no_sign") << -400 * kMs << kMinute << u"0:00"_s;
    QTest::newRow("int64_min") << kMinNs << 1LL << u"\u22129223372036.854775808 s"_s;
    QTest::newRow("int64_max_clock") << kMaxNs << kMinute << u"2562047:47:17"_s;
    QTest::newRow("int64_max_resolution") << 5 * kS << kMaxNs << u"0:05"_s;
}

void tst_TimelineCoordinates::formatDuration()
{
    QFETCH(qint64, ns);
    QFETCH(qint64, resolution);
    QFETCH(QString, expected);

    QCOMPARE(TimelineCoordinates::formatDuration(ns, resolution), expected);
}

QTEST_GUILESS_MAIN(tst_TimelineCoordinates)
#include "tst_timelinecoordinates.moc"
