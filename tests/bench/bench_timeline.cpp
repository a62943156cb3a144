// SPDX-License-Identifier: GPL-3.0-only
// Frame times of the timeline with 100,000 reads (and 50,000 server writes) over four lanes:
// each frame renders the whole view into a QImage, zoomed out (all data) and zoomed in, with
// the geometry cache reused (a repaint) and rebuilt (a pan moves the window every frame).
// Prints median and p95 in ms; the target is 16 ms (60 fps).
#include "syntheticrecording.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "timelineviewstate.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QTextStream>

#include <algorithm>
#include <functional>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

constexpr int kLanes = 4;
constexpr int kReadsPerLane = 25'000;
constexpr qint64 kRunNs = 60'000 * Synthetic::kMs;
constexpr QSize kViewSize(1600, 640);
constexpr int kWarmUpFrames = 3;
constexpr int kFrames = 60;
constexpr double kNsPerMs = 1e6;
constexpr double kTargetMs = 16;

struct Figures
{
    double medianMs = 0;
    double p95Ms = 0;
};

Figures measure(TimelineView &view, qreal scale, const std::function<void(int)> &beforeFrame)
{
    QImage image((QSizeF(view.size()) * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    std::vector<double> times;
    for (int frame = 0; frame < kWarmUpFrames + kFrames; ++frame) {
        beforeFrame(frame);
        QElapsedTimer timer;
        timer.start();
        view.render(&image);
        const double ms = double(timer.nsecsElapsed()) / kNsPerMs;
        if (frame >= kWarmUpFrames)
            times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    const auto at = [&times](double fraction) {
        return times.at(std::min(times.size() - 1, size_t(fraction * double(times.size()))));
    };
    return {at(0.5), at(0.95)};
}

} // namespace

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTextStream out(stdout);

    QElapsedTimer buildTimer;
    buildTimer.start();
    TimelineModel model;
    TimelineViewState state;
    model.setRecording(Synthetic::manyReads(kLanes, kReadsPerLane, kRunNs));
    out << u"model of %1 reads + %2 writes built in %3 ms\n"_s.arg(kLanes * kReadsPerLane)
               .arg(kLanes / 2 * kReadsPerLane)
               .arg(double(buildTimer.nsecsElapsed()) / kNsPerMs, 0, 'f', 1);
    TimelineView view(&model, &state);
    view.resize(kViewSize);

    const qint64 zoomedInStartNs = Synthetic::kStartNs + kRunNs / 2;
    const qint64 zoomedInSpanNs = 20 * Synthetic::kMs; // about 8 reads per lane
    const auto zoomedOut = [&](int) {
        view.resetZoom();
    };
    const auto zoomedOutPanning = [&](int frame) {
        view.resetZoom();
        state.setWindowFrom(view.coordinates().pannedBy(frame % 2 == 0 ? 3 : -3));
    };
    const auto zoomedIn = [&](int) {
        state.setWindow(zoomedInStartNs, zoomedInStartNs + zoomedInSpanNs);
    };
    const auto zoomedInPanning = [&](int frame) {
        const qint64 shiftNs = frame * Synthetic::kMs / 10;
        state.setWindow(zoomedInStartNs + shiftNs, zoomedInStartNs + shiftNs + zoomedInSpanNs);
    };
    struct Scenario
    {
        QString name;
        std::function<void(int)> beforeFrame;
        bool isCumulative;
    };
    const QList<Scenario> scenarios{
        {u"zoomed out, cached geometry"_s, zoomedOut, false},
        {u"zoomed out, rebuilt every frame (pan)"_s, zoomedOutPanning, false},
        {u"zoomed in 20 ms, cached geometry"_s, zoomedIn, false},
        {u"zoomed in 20 ms, rebuilt every frame (pan)"_s, zoomedInPanning, false},
        {u"cumulative, zoomed out, rebuilt every frame"_s, zoomedOutPanning, true},
    };
    out << u"%1 frames per case, view %2x%3 logical px, target %4 ms\n"_s.arg(kFrames)
               .arg(kViewSize.width())
               .arg(kViewSize.height())
               .arg(kTargetMs);
    for (const qreal scale : {1.0, 2.0}) {
        for (const Scenario &scenario : scenarios) {
            state.setCumulative(scenario.isCumulative);
            const Figures figures = measure(view, scale, scenario.beforeFrame);
            out << u"  @%1x  %2: median %3 ms, p95 %4 ms\n"_s.arg(scale)
                       .arg(scenario.name, -46)
                       .arg(figures.medianMs, 0, 'f', 2)
                       .arg(figures.p95Ms, 0, 'f', 2);
            out.flush();
        }
    }
    return 0;
}
