// SPDX-License-Identifier: GPL-3.0-only
#include "timelinepainter.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

using namespace TimelineMetrics;

namespace {

constexpr double kGlyphPenPx = 1.6;
constexpr double kCurvePenPx = 2;
constexpr double kLinkPenPx = 1;
constexpr double kDenseLinkSpacingPx = 4; // fewer pixels per link than this: dense
constexpr int kGuideAlpha = 70;
constexpr double kHighlightPenPx = 1.5;

void paintGlyph(QPainter &p, TimelineSeries kind, const QPointF &centre, const QColor &color)
{
    const double half = kGlyphSizePx / 2;
    const QRectF box(centre.x() - half, centre.y() - half, kGlyphSizePx, kGlyphSizePx);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    switch (kind) {
    case TimelineSeries::Requests: // a triangle pointing right: a request goes out
        p.drawPolygon(QPolygonF{box.topLeft(), QPointF(box.right(), centre.y()), box.bottomLeft()});
        break;
    case TimelineSeries::Headers: // a diamond
        p.drawPolygon(QPolygonF{QPointF(centre.x(), box.top()), QPointF(box.right(), centre.y()),
                                QPointF(centre.x(), box.bottom()),
                                QPointF(box.left(), centre.y())});
        break;
    case TimelineSeries::Reconnects: // a ring
        p.setPen(QPen(color, kGlyphPenPx));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(box.adjusted(1, 1, -1, -1));
        break;
    case TimelineSeries::Errors: // a cross
        p.setPen(QPen(color, kGlyphPenPx, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(box.topLeft(), box.bottomRight());
        p.drawLine(box.bottomLeft(), box.topRight());
        break;
    default: // completions: a square, drawn crisp
        p.setRenderHint(QPainter::Antialiasing, false);
        p.drawRect(box.adjusted(1, 1, -1, -1));
        p.setRenderHint(QPainter::Antialiasing, true);
        break;
    }
}

// Lane names and summaries; the cumulative chart names its lanes in the legend instead and
// uses the column for its byte axis.
void paintLabels(QPainter &p, const TimelineGeometry &g, const TimelineColors &colors)
{
    if (g.isCumulative)
        return;
    const double lineHeight = p.fontMetrics().height();
    for (qsizetype lane = 0; lane < g.lanes.size(); ++lane) {
        const QRectF &label = g.layout.lanes.at(lane).label;
        const QRectF nameRect(label.left(), label.top() + kRowGapPx / 2, label.width(), lineHeight);
        p.setPen(colors.text);
        p.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter, g.lanes.at(lane).name);
        if (nameRect.bottom() + lineHeight <= label.bottom()) {
            p.setPen(colors.mutedText);
            p.drawText(nameRect.translated(0, lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                       g.lanes.at(lane).summary);
        }
    }
}

void paintBackground(QPainter &p, const TimelineGeometry &g, const TimelineColors &colors)
{
    p.fillRect(g.layout.widget, colors.background);
    if (g.isCumulative)
        return;
    for (qsizetype lane = 1; lane < g.layout.lanes.size(); lane += 2)
        p.fillRect(g.layout.lanes.at(lane).row, colors.alternateRow);
}

void paintGrid(QPainter &p, const TimelineGeometry &g, const TimelineColors &colors)
{
    const QRectF &plot = g.layout.plot;
    p.setPen(QPen(colors.grid, 0));
    for (const TimelineCoordinates::Tick &tick : g.ticks) {
        if (tick.isMajor)
            p.drawLine(QLineF(tick.x, plot.top(), tick.x, plot.bottom()));
    }
    for (const double y : g.byteGridY)
        p.drawLine(QLineF(plot.left(), y, plot.right(), y));
}

void paintMarkers(QPainter &p, const TimelineLaneGeometry &lane, const TimelineLaneRows &rows,
                  const TimelineColors &colors)
{
    for (size_t kind = 0; kind < kTimelineMarkerSeries.size(); ++kind) {
        const TimelineSeries series = kTimelineMarkerSeries[kind];
        QColor guide = colors.seriesColor(series);
        guide.setAlpha(kGuideAlpha);
        p.setPen(QPen(guide, 0, Qt::DashLine));
        if (series != TimelineSeries::Headers) {
            for (const TimelineGlyph &glyph : lane.markers[kind])
                p.drawLine(QLineF(glyph.x, rows.markers.bottom(), glyph.x,
                                  rows.row.bottom() - kRowGapPx / 2));
        }
        for (const TimelineGlyph &glyph : lane.markers[kind])
            paintGlyph(p, series, glyph.centre, colors.seriesColor(series));
    }
}

// Filled bars, no pen. Under a scaling device transform (a 2× export, a high-DPI screen) Qt's
// raster engine fills float rectangles through its general path, several times slower than
// its integer-rectangle fill; with 100,000 bars that is the frame budget. So the bars are
// snapped to whole device pixels (at least one wide and high) and drawn with the transform
// undone: the same pixels, on the fast path (tests/bench/bench_timeline measures both).
void paintBars(QPainter &p, const QList<QRectF> &bars, const QColor &color)
{
    p.setBrush(color);
    const QTransform device = p.deviceTransform();
    if (device.type() != QTransform::TxScale || !device.isInvertible()) {
        p.drawRects(bars);
        return;
    }
    QList<QRect> pixels;
    pixels.reserve(bars.size());
    for (const QRectF &bar : bars) {
        const QRectF mapped = device.mapRect(bar);
        const int left = qRound(mapped.left());
        const int top = qRound(mapped.top());
        const int right = std::max(left + 1, qRound(mapped.right()));
        const int bottom = std::max(top + 1, qRound(mapped.bottom()));
        pixels.append(QRect(left, top, right - left, bottom - top));
    }
    p.save();
    p.setWorldTransform(device.inverted() * p.worldTransform()); // world × scale = identity
    p.drawRects(pixels);
    p.restore();
}

void paintLanes(QPainter &p, const TimelineGeometry &g, const TimelineColors &colors)
{
    for (qsizetype i = 0; i < g.lanes.size(); ++i) {
        const TimelineLaneGeometry &lane = g.lanes.at(i);
        // Dense links blur into a band anyway: a hairline (cosmetic) pen without antialiasing
        // takes Qt's fastest line path, which matters with thousands of them.
        const bool isDense
            = double(lane.links.size()) * kDenseLinkSpacingPx > g.layout.plot.width();
        p.setRenderHint(QPainter::Antialiasing, !isDense);
        p.setPen(QPen(colors.link, isDense ? 0 : kLinkPenPx));
        p.drawLines(lane.links);
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(Qt::NoPen);
        paintBars(p, lane.writes, colors.seriesColor(TimelineSeries::Writes));
        paintBars(p, lane.reads, colors.seriesColor(TimelineSeries::Reads));
        paintBars(p, lane.events, colors.seriesColor(TimelineSeries::Events));
        p.setRenderHint(QPainter::Antialiasing, true);
        if (!lane.countdown.isEmpty()) {
            p.setPen(QPen(colors.seriesColor(TimelineSeries::Errors), kLinkPenPx, Qt::DashLine));
            p.drawLines(lane.countdown);
        }
        paintMarkers(p, lane, g.layout.lanes.at(i), colors);
    }
}

// The staircases have only horizontal and vertical segments: crisp without antialiasing, and
// several times faster to stroke with thousands of steps.
void paintCumulative(QPainter &p, const TimelineGeometry &g, const TimelineColors &colors)
{
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setBrush(Qt::NoBrush);
    for (qsizetype lane = 0; lane < g.lanes.size(); ++lane) {
        p.setPen(QPen(colors.laneColor(int(lane)), kCurvePenPx, Qt::SolidLine, Qt::FlatCap,
                      Qt::MiterJoin));
        p.drawPolyline(g.lanes.at(lane).cumulative);
    }
}

void paintAxis(QPainter &p, const TimelineGeometry &g, const TimelineColors &colors)
{
    const QRectF &axis = g.layout.axis;
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(colors.axis, 0));
    p.drawLine(QLineF(axis.left(), axis.top(), axis.right(), axis.top()));
    for (const TimelineCoordinates::Tick &tick : g.ticks) {
        const double length = tick.isMajor ? kTickLengthPx : kMinorTickLengthPx;
        p.drawLine(QLineF(tick.x, axis.top(), tick.x, axis.top() + length));
    }
    p.setPen(colors.mutedText);
    for (const TimelineAxisLabel &label : g.timeLabels)
        p.drawText(label.rect, Qt::AlignCenter, label.text);
    for (const TimelineAxisLabel &label : g.byteLabels)
        p.drawText(label.rect, Qt::AlignRight | Qt::AlignVCenter, label.text);
}

void paintLegend(QPainter &p, const TimelineGeometry &g, const TimelineColors &colors)
{
    for (const TimelineLegendItem &item : g.legend) {
        p.setRenderHint(QPainter::Antialiasing, true);
        if (item.isLane) {
            p.setPen(QPen(colors.laneColor(item.series), kCurvePenPx));
            const double y = item.swatch.center().y();
            p.drawLine(QLineF(item.swatch.left(), y, item.swatch.right(), y));
        } else {
            const auto series = TimelineSeries(item.series);
            if (series == TimelineSeries::Reads || series == TimelineSeries::Events
                || series == TimelineSeries::Writes) {
                p.setRenderHint(QPainter::Antialiasing, false);
                p.fillRect(item.swatch.adjusted(2, 0, -2, 0), colors.seriesColor(series));
            } else {
                paintGlyph(p, series, item.swatch.center(), colors.seriesColor(series));
            }
        }
        p.setPen(colors.text);
        p.drawText(item.text, Qt::AlignLeft | Qt::AlignVCenter, item.label);
    }
}

} // namespace

void paintTimeline(QPainter &painter, const TimelineGeometry &geometry,
                   const TimelineColors &colors, const QFont &font,
                   const TimelineHighlight &highlight)
{
    painter.save();
    painter.setFont(font);
    paintBackground(painter, geometry, colors);
    paintLabels(painter, geometry, colors);
    paintGrid(painter, geometry, colors);
    painter.save();
    painter.setClipRect(geometry.layout.plot.adjusted(0, 0, 1, 0));
    if (geometry.isCumulative)
        paintCumulative(painter, geometry, colors);
    else
        paintLanes(painter, geometry, colors);
    if (highlight.lane >= 0 && highlight.lane < geometry.layout.lanes.size()) {
        const QRectF &row = geometry.layout.lanes.at(highlight.lane).row;
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.setPen(QPen(colors.highlight, kHighlightPenPx));
        painter.drawLine(QLineF(highlight.x, row.top(), highlight.x, row.bottom()));
    }
    painter.restore();
    paintAxis(painter, geometry, colors);
    paintLegend(painter, geometry, colors);
    painter.restore();
}
