// SPDX-License-Identifier: GPL-3.0-only
// Renders the synthetic sample recording (a buffered lane, a streamed lane with the server's
// writes, an SSE lane that reconnects) at 2x into PNGs, with a light and a dark palette, in
// lanes mode and in cumulative mode; then zoomed in, and 100,000 reads zoomed out.
// Usage: timeline_sample [output prefix, default /tmp/timeline-sample]
#include "syntheticrecording.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "timelineviewstate.h"

#include <QApplication>
#include <QPalette>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

constexpr QSize kSampleSize(960, 420);
constexpr qreal kScale = 2;
constexpr int kManyLanes = 4;
constexpr int kManyReadsPerLane = 25'000;
constexpr qint64 kManySpanNs = 60'000 * Synthetic::kMs;

QPalette darkPalette()
{
    QPalette palette;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xdf, 0xe1, 0xe5);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe0));
    return palette;
}

QPalette lightPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf6, 0xf8));
    palette.setColor(QPalette::Text, QColor(0x1d, 0x1d, 0x1f));
    palette.setColor(QPalette::WindowText, QColor(0x1d, 0x1d, 0x1f));
    palette.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    return palette;
}

} // namespace

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QString prefix = argc > 1 ? QString::fromLocal8Bit(argv[1]) : u"/tmp/timeline-sample"_s;

    TimelineModel model;
    TimelineViewState state;
    TimelineView view(&model, &state);
    view.resize(kSampleSize);
    model.setRecording(Synthetic::sample());
    view.resetZoom();

    QTextStream out(stdout);
    const struct
    {
        QString suffix;
        QPalette palette;
        bool isCumulative;
    } outputs[] = {{QString(), lightPalette(), false},
                   {u"-dark"_s, darkPalette(), false},
                   {u"-cumulative"_s, lightPalette(), true},
                   {u"-cumulative-dark"_s, darkPalette(), true}};
    const auto save = [&](const QString &suffix) {
        const QString path = prefix + suffix + u".png"_s;
        const bool isSaved = view.renderImage(kScale).save(path);
        out << (isSaved ? u"wrote "_s : u"could not write "_s) << path << u'\n';
        return isSaved;
    };
    for (const auto &output : outputs) {
        view.setPalette(output.palette);
        state.setCumulative(output.isCumulative);
        if (!save(output.suffix))
            return 1;
    }
    // Zoomed in on the streamed lane: one line from each write to its read.
    view.setPalette(lightPalette());
    state.setCumulative(false);
    state.setWindow(Synthetic::kStartNs + 395 * Synthetic::kMs,
                    Synthetic::kStartNs + 520 * Synthetic::kMs);
    if (!save(u"-zoomed"_s))
        return 1;
    // 100,000 reads over four lanes, all of them in view.
    model.setRecording(Synthetic::manyReads(kManyLanes, kManyReadsPerLane, kManySpanNs));
    view.resetZoom();
    return save(u"-100k"_s) ? 0 : 1;
}
