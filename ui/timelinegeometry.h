// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "timelinecoordinates.h"
#include "timelinemodel.h"

#include <QFontMetricsF>
#include <QLineF>
#include <QList>
#include <QPolygonF>
#include <QRectF>
#include <QString>

#include <array>

// Layer 2 of the timeline, the drawing half of the geometry cache: where every row, band,
// bar, link line, glyph, curve, tick and label goes, in the widget's logical pixels. Built by
// buildTimelineGeometry() from a TimelineModel, the widget's size and font, and a time window;
// the widget rebuilds it only when one of those changes (TimelineGeometryKey) and its
// paintEvent replays it. Holds no colours: those come from the palette at paint time.

// The vertical slices of one lane's row. Bands span the plot's x range.
struct TimelineLaneRows
{
    QRectF row;     // the whole row, label column included
    QRectF label;   // the label column part
    QRectF markers; // glyph strip at the top of the row
    QRectF writes;  // server writes, bars growing up from its bottom (empty: no send log)
    QRectF reads;   // client reads, bars growing up from its bottom
    QRectF events;  // events, comments, pings: small bars (empty: none in this lane)
};

struct TimelineLayout
{
    QRectF widget;
    QRectF legend;
    QRectF plot; // x: the time span; y: all lane rows (or the cumulative chart)
    QRectF axis; // under the plot: tick marks and labels
    QList<TimelineLaneRows> lanes;
};

struct TimelineGlyph
{
    QPointF centre; // where the glyph is drawn
    double x = 0;   // the marker's true x
};

// Everything the painter draws for one lane.
struct TimelineLaneGeometry
{
    QString name;    // elided to the label column
    QString summary; // "120 reads · 4.1 kB", elided
    QList<QRectF> reads;
    QList<QRectF> events;
    QList<QRectF> writes;
    QList<QLineF> links; // from a write's bar to the read that completed it
    // Per kTimelineMarkerSeries kind: where each glyph goes. Glyphs that would overlap
    // are nudged right a little; the guide line stays at the true time.
    std::array<QList<TimelineGlyph>, kTimelineMarkerSeries.size()> markers;
    QPolygonF cumulative; // cumulative mode only: the staircase in plot pixels
    // With the countdown shown: the client's inactivity timeout across the reads band, full
    // height at every request, header, read or event and falling to the band's bottom when
    // the timeout would fire. Empty when the lane has no timeout or too many marks to draw it.
    QList<QLineF> countdown;
};

struct TimelineAxisLabel
{
    QRectF rect;
    QString text;
};

// A legend entry: `series` names the swatch (a lane index in cumulative mode).
struct TimelineLegendItem
{
    int series = 0;
    bool isLane = false;
    QRectF swatch;
    QRectF text;
    QString label;
};

struct TimelineGeometry
{
    TimelineLayout layout;
    bool isCumulative = false;
    QList<TimelineLaneGeometry> lanes;
    QList<TimelineCoordinates::Tick> ticks;
    QList<TimelineAxisLabel> timeLabels;
    QList<double> byteGridY;             // cumulative mode: horizontal grid lines
    QList<TimelineAxisLabel> byteLabels; // and their labels, in the label column
    QList<TimelineLegendItem> legend;
};

// What the cache depends on; a different key means a rebuild.
struct TimelineGeometryKey
{
    quint64 revision = 0;
    qint64 startNs = 0;
    qint64 endNs = 0;
    QSizeF size;
    bool isCumulative = false;
    qreal fontHeight = 0;
    bool showsCountdown = false;

    friend bool operator==(const TimelineGeometryKey &a, const TimelineGeometryKey &b)
    {
        return a.revision == b.revision && a.startNs == b.startNs && a.endNs == b.endNs
               && a.size == b.size && a.isCumulative == b.isCumulative
               && a.fontHeight == b.fontHeight && a.showsCountdown == b.showsCountdown;
    }
    friend bool operator!=(const TimelineGeometryKey &a, const TimelineGeometryKey &b)
    {
        return !(a == b);
    }
};

namespace TimelineMetrics {
inline constexpr double kPaddingPx = 6;
inline constexpr double kLabelMinWidthPx = 72;
inline constexpr double kLabelMaxWidthPx = 180;
inline constexpr double kPlotRightInsetPx = 14;
inline constexpr double kMarkerStripPx = 14;
inline constexpr double kGlyphSizePx = 9;
inline constexpr double kGlyphGapPx = 1;
inline constexpr double kMaxGlyphNudgePx = 2 * (kGlyphSizePx + kGlyphGapPx);
inline constexpr double kLinkGapPx = 12;
inline constexpr double kEventBandPx = 10;
inline constexpr double kEventGapPx = 2; // between the reads' baseline and the event bars
inline constexpr double kRowGapPx = 6;
inline constexpr double kMinRowPx = 44;
inline constexpr double kMaxRowPx = 140;
inline constexpr double kWriteShare = 0.4; // of a row's bar height, when it has writes
inline constexpr double kMinBarPx = 2;
inline constexpr double kMaxBarWidthPx = 3;
inline constexpr double kTickLengthPx = 5;
inline constexpr double kMinorTickLengthPx = 3;
inline constexpr double kLabelGapPx = 16; // between two axis labels
inline constexpr double kLegendSwatchPx = 10;
inline constexpr double kLegendSpacingPx = 14;
inline constexpr double kChartTopInsetPx = 8; // cumulative chart headroom
inline constexpr double kMinBytePixelsPerStep = 28;
} // namespace TimelineMetrics

// The rows and bands for `size`, with text measured by `metrics`.
TimelineLayout computeTimelineLayout(const TimelineModel &model, QSizeF size,
                                     const QFontMetricsF &metrics);
// The time mapping of a layout: the state's window [startNs, endNs) on the plot's x span.
TimelineCoordinates plotCoordinates(const TimelineLayout &layout, qint64 startNs, qint64 endNs,
                                    qint64 originNs);
TimelineGeometry buildTimelineGeometry(const TimelineModel &model, const TimelineLayout &layout,
                                       const TimelineCoordinates &c, bool isCumulative,
                                       const QFontMetricsF &metrics,
                                       bool showsCountdown = false);

// "0 B", "512 B", "1.5 kB", "12 MB": decimal units, at most 3 significant digits.
QString formatTimelineBytes(qint64 bytes);
