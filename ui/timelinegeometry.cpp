// SPDX-License-Identifier: GPL-3.0-only
#include "timelinegeometry.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace TimelineMetrics;

namespace {

constexpr qint64 kLatestNs = std::numeric_limits<qint64>::max();
constexpr double kBytesPerKilo = 1000;
constexpr double kTenUnits = 10; // below this, one decimal
// The widest label the axis normally shows, to space major ticks so labels never touch.
constexpr QStringView kWidestTimeLabel = u"\u2212000.000 ms";
constexpr QStringView kWidestSummary = u"00000 reads \u00B7 000 kB";

double labelColumnWidth(const TimelineModel &model, const QFontMetricsF &metrics)
{
    double width = metrics.horizontalAdvance(kWidestSummary.toString());
    for (int lane = 0; lane < model.laneCount(); ++lane)
        width = std::max(width, metrics.horizontalAdvance(model.laneName(lane)));
    return std::clamp(width, kLabelMinWidthPx, kLabelMaxWidthPx);
}

TimelineLaneRows laneRows(const QRectF &row, double labelWidth, const QRectF &plot, bool hasWrites,
                          bool hasEvents)
{
    TimelineLaneRows rows;
    rows.row = row;
    rows.label = QRectF(row.left(), row.top(), labelWidth, row.height());
    double y = row.top() + kRowGapPx / 2;
    rows.markers = QRectF(plot.left(), y, plot.width(), kMarkerStripPx);
    y += kMarkerStripPx;
    const double eventsHeight = hasEvents ? kEventGapPx + kEventBandPx : 0;
    double bars = row.bottom() - kRowGapPx / 2 - y - (hasWrites ? kLinkGapPx : 0) - eventsHeight;
    bars = std::max(bars, 2 * kMinBarPx);
    if (hasWrites) {
        rows.writes = QRectF(plot.left(), y, plot.width(), bars * kWriteShare);
        y += rows.writes.height() + kLinkGapPx;
        bars -= rows.writes.height();
    } else {
        rows.writes = QRectF(plot.left(), y, plot.width(), 0);
    }
    rows.reads = QRectF(plot.left(), y, plot.width(), bars);
    rows.events = QRectF(plot.left(), rows.reads.bottom() + (hasEvents ? kEventGapPx : 0),
                         plot.width(), hasEvents ? kEventBandPx : 0);
    return rows;
}

double minPixelsBetweenMajor(const QFontMetricsF &metrics)
{
    return metrics.horizontalAdvance(kWidestTimeLabel.toString()) + kLabelGapPx;
}

// Height of a bar for `bytes` in a band, on a log scale up to `scaleBytes` so that single
// small reads stay visible next to one big buffered read.
double barHeight(qint64 bytes, qint64 scaleBytes, double bandHeight)
{
    if (bytes <= 0 || scaleBytes <= 0 || bandHeight <= kMinBarPx)
        return std::min(kMinBarPx, bandHeight);
    const double fraction = std::log1p(double(bytes)) / std::log1p(double(scaleBytes));
    return kMinBarPx + (bandHeight - kMinBarPx) * std::clamp(fraction, 0.0, 1.0);
}

QList<QRectF> barRects(const QList<TimelineBucket> &buckets, const QRectF &band, qint64 scaleBytes,
                       double left)
{
    QList<QRectF> rects;
    rects.reserve(buckets.size());
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        const double x = left + buckets.at(i).px;
        const double next
            = i + 1 < buckets.size() ? left + buckets.at(i + 1).px : x + kMaxBarWidthPx + 1;
        const double width = std::clamp(next - x - 1, 1.0, kMaxBarWidthPx);
        const double height = barHeight(buckets.at(i).bytes, scaleBytes, band.height());
        rects.append(QRectF(x, band.bottom() - height, width, height));
    }
    return rects;
}

qint64 largestBucket(const QList<QList<TimelineBucket>> &perLane)
{
    qint64 largest = 0;
    for (const QList<TimelineBucket> &buckets : perLane) {
        for (const TimelineBucket &bucket : buckets)
            largest = std::max(largest, bucket.bytes);
    }
    return largest;
}

QList<QLineF> linkLines(const TimelineModel &model, int lane, const QList<TimelineBucket> &writes,
                        const TimelineLaneRows &rows, const TimelineCoordinates &c)
{
    QList<QLineF> lines;
    for (const TimelineBucket &bucket : writes) {
        const qint64 readNs = model.mark(lane, TimelineSeries::Writes, bucket.lastMark).linkNs;
        if (readNs < 0)
            continue;
        const QLineF line(c.left() + bucket.px + 0.5, rows.writes.bottom(),
                          std::round(c.timeToX(readNs)) + 0.5, rows.reads.top());
        if (lines.isEmpty() || lines.back() != line)
            lines.append(line);
    }
    return lines;
}

QString laneSummary(const TimelineModel &model, int lane)
{
    const int reads = model.markCount(lane, TimelineSeries::Reads);
    const QString bytes = formatTimelineBytes(model.readTotalBefore(lane, kLatestNs));
    return (reads == 1 ? u"1 read"_s : u"%1 reads"_s.arg(reads)) % u" \u00B7 "_s % bytes;
}

// Glyph positions of a lane's markers. A glyph that would overlap the previous one moves
// right to just beside it, unless that is more than kMaxGlyphNudgePx away from its time
// (a dense cluster then overlaps rather than drifting off).
void placeGlyphs(TimelineLaneGeometry &geometry, const TimelineModel &model, int lane,
                 const TimelineLaneRows &rows, const TimelineCoordinates &c)
{
    struct Placed
    {
        double x;
        qint64 tNs; // orders glyphs on one column by time
        size_t kind;
    };
    QList<Placed> all;
    for (size_t kind = 0; kind < kTimelineMarkerSeries.size(); ++kind) {
        for (const TimelineBucket &b : model.buckets(lane, kTimelineMarkerSeries[kind], c))
            all.append({c.left() + b.px + 0.5, b.firstNs, kind});
    }
    std::stable_sort(all.begin(), all.end(), [](const Placed &a, const Placed &b) {
        return a.x < b.x || (a.x == b.x && a.tNs < b.tNs);
    });
    double previousX = -std::numeric_limits<double>::infinity();
    for (const Placed &marker : all) {
        const double beside = previousX + kGlyphSizePx + kGlyphGapPx;
        const double x
            = marker.x < beside && beside - marker.x <= kMaxGlyphNudgePx ? beside : marker.x;
        geometry.markers[marker.kind].append({QPointF(x, rows.markers.center().y()), marker.x});
        previousX = x;
    }
}

// Activity that resets a client's inactivity timer, in time order: requests, headers, reads
// and events. Empty when there are more than kMaxCountdownMarks (the sawtooth would be a blur).
QList<qint64> activityTimes(const TimelineModel &model, int lane)
{
    constexpr int kMaxCountdownMarks = 5000;
    QList<qint64> times;
    for (TimelineSeries series : {TimelineSeries::Requests, TimelineSeries::Headers,
                                  TimelineSeries::Reads, TimelineSeries::Events}) {
        const int count = model.markCount(lane, series);
        if (times.size() + count > kMaxCountdownMarks)
            return {};
        for (int i = 0; i < count; ++i)
            times.append(model.mark(lane, series, i).tNs);
    }
    std::sort(times.begin(), times.end());
    return times;
}

QList<QLineF> countdownLines(const TimelineModel &model, int lane, const QRectF &band,
                             const TimelineCoordinates &c)
{
    const qint64 timeoutNs
            = qint64(model.recording().lanes.value(lane).settings.timeoutMs) * 1'000'000;
    const QList<qint64> times = activityTimes(model, lane);
    if (timeoutNs <= 0 || times.isEmpty())
        return {};
    qint64 endNs = model.lastNs();
    const int completions = model.markCount(lane, TimelineSeries::Completions);
    const int errors = model.markCount(lane, TimelineSeries::Errors);
    if (completions > 0)
        endNs = model.mark(lane, TimelineSeries::Completions, completions - 1).tNs;
    else if (errors > 0)
        endNs = model.mark(lane, TimelineSeries::Errors, errors - 1).tNs;
    QList<QLineF> lines;
    for (qsizetype i = 0; i < times.size(); ++i) {
        const qint64 from = times.at(i);
        const qint64 next = i + 1 < times.size() ? times.at(i + 1) : endNs;
        if (next <= from || next < c.startNs() || from >= c.endNs())
            continue;
        const qint64 to = std::min(next, from + timeoutNs);
        const double y = band.top() + band.height() * double(to - from) / double(timeoutNs);
        lines.append(QLineF(c.timeToX(from), band.top(), c.timeToX(to), y));
        if (i + 1 < times.size() && next < from + timeoutNs)
            lines.append(QLineF(c.timeToX(next), y, c.timeToX(next), band.top())); // reset
    }
    return lines;
}

void buildLanes(TimelineGeometry &g, const TimelineModel &model, const TimelineCoordinates &c,
                bool showsCountdown)
{
    const int lanes = int(g.layout.lanes.size());
    QList<QList<TimelineBucket>> reads, events, writes;
    for (int lane = 0; lane < lanes; ++lane) {
        reads.append(model.buckets(lane, TimelineSeries::Reads, c));
        events.append(model.buckets(lane, TimelineSeries::Events, c));
        writes.append(model.buckets(lane, TimelineSeries::Writes, c));
    }
    const qint64 readScale = largestBucket(reads);
    const qint64 eventScale = largestBucket(events);
    const qint64 writeScale = largestBucket(writes);
    for (int lane = 0; lane < lanes; ++lane) {
        const TimelineLaneRows &rows = g.layout.lanes.at(lane);
        TimelineLaneGeometry &geometry = g.lanes[lane];
        geometry.reads = barRects(reads.at(lane), rows.reads, readScale, c.left());
        geometry.events = barRects(events.at(lane), rows.events, eventScale, c.left());
        geometry.writes = barRects(writes.at(lane), rows.writes, writeScale, c.left());
        geometry.links = linkLines(model, lane, writes.at(lane), rows, c);
        placeGlyphs(geometry, model, lane, rows, c);
        if (showsCountdown)
            geometry.countdown = countdownLines(model, lane, rows.reads, c);
    }
}

// The smallest 1-2-5 x 10^k byte step that puts at most maxSteps steps under maxBytes.
qint64 byteStep(qint64 maxBytes, double maxSteps)
{
    const double wanted = double(maxBytes) / std::max(1.0, maxSteps);
    for (qint64 decade = 1;; decade *= 10) {
        for (const qint64 digit : {1, 2, 5}) {
            if (double(digit * decade) >= wanted)
                return digit * decade;
        }
        if (decade > std::numeric_limits<qint64>::max() / 100)
            return decade;
    }
}

void buildCumulative(TimelineGeometry &g, const TimelineModel &model, const TimelineCoordinates &c,
                     const QFontMetricsF &metrics)
{
    const QRectF chart = g.layout.plot.adjusted(0, kChartTopInsetPx, 0, 0);
    const qint64 maxTotal = std::max<qint64>(1, model.maxReadTotal());
    const auto yOf = [&chart, maxTotal](double bytes) {
        return chart.bottom() - bytes / double(maxTotal) * chart.height();
    };
    for (int lane = 0; lane < int(g.lanes.size()); ++lane) {
        for (const QPointF &point : model.cumulativeSteps(lane, c))
            g.lanes[lane].cumulative.append({point.x(), yOf(point.y())});
    }
    const double pixelsPerStep = std::max(kMinBytePixelsPerStep, 2 * metrics.height());
    const qint64 step = byteStep(maxTotal, chart.height() / pixelsPerStep);
    const double labelRight = g.layout.plot.left() - kPaddingPx;
    for (qint64 bytes = 0; bytes <= maxTotal; bytes += step) {
        const double y = yOf(double(bytes));
        g.byteGridY.append(y);
        const QRectF rect(kPaddingPx, y - metrics.height() / 2, labelRight - kPaddingPx,
                          metrics.height());
        g.byteLabels.append({rect, formatTimelineBytes(bytes)});
    }
}

QList<TimelineAxisLabel> timeLabels(const QList<TimelineCoordinates::Tick> &ticks,
                                    const TimelineLayout &layout, const QFontMetricsF &metrics)
{
    QList<TimelineAxisLabel> labels;
    double previousRight = -std::numeric_limits<double>::infinity();
    const double maxRight = layout.widget.right() - kPaddingPx / 2;
    for (const TimelineCoordinates::Tick &tick : ticks) {
        if (!tick.isMajor)
            continue;
        const double width = metrics.horizontalAdvance(tick.label);
        double left
            = std::clamp(tick.x - width / 2, layout.plot.left() - width / 2, maxRight - width);
        if (left < previousRight + kLabelGapPx / 2)
            continue;
        labels.append(
            {QRectF(left, layout.axis.top() + kTickLengthPx, width, metrics.height()), tick.label});
        previousRight = left + width;
    }
    return labels;
}

QList<TimelineLegendItem> legendItems(const TimelineModel &model, bool isCumulative,
                                      const QRectF &area, const QFontMetricsF &metrics)
{
    static const QString kSeriesLabels[]
        = {u"read"_s,    u"event"_s,     u"server write"_s, u"request"_s,
           u"headers"_s, u"reconnect"_s, u"error"_s,        u"done/close"_s};
    const int count = isCumulative ? model.laneCount() : kTimelineSeriesCount;
    QList<TimelineLegendItem> items;
    double x = area.left();
    for (int i = 0; i < count; ++i) {
        TimelineLegendItem item{i, isCumulative, {}, {}, {}};
        item.label = isCumulative ? model.laneName(i) : kSeriesLabels[i];
        const double textWidth = metrics.horizontalAdvance(item.label);
        const double itemWidth = kLegendSwatchPx + kPaddingPx / 2 + textWidth;
        if (x + itemWidth > area.right())
            break;
        item.swatch
            = QRectF(x, area.center().y() - kLegendSwatchPx / 2, kLegendSwatchPx, kLegendSwatchPx);
        item.text
            = QRectF(item.swatch.right() + kPaddingPx / 2, area.top(), textWidth, area.height());
        items.append(item);
        x = item.text.right() + kLegendSpacingPx;
    }
    return items;
}

} // namespace

TimelineLayout computeTimelineLayout(const TimelineModel &model, QSizeF size,
                                     const QFontMetricsF &metrics)
{
    TimelineLayout layout;
    layout.widget = QRectF(QPointF(0, 0), size);
    const double lineHeight = metrics.height();
    layout.legend
        = QRectF(kPaddingPx, kPaddingPx, std::max(1.0, size.width() - 2 * kPaddingPx), lineHeight);
    const double labelWidth = labelColumnWidth(model, metrics);
    const double plotLeft = kPaddingPx + labelWidth + kPaddingPx;
    const double plotRight = std::max(plotLeft + 1, size.width() - kPlotRightInsetPx);
    const double top = layout.legend.bottom() + kPaddingPx;
    const double axisHeight = kTickLengthPx + lineHeight + kPaddingPx;
    const double bottom = std::max(top + 1, size.height() - axisHeight);
    layout.plot = QRectF(QPointF(plotLeft, top), QPointF(plotRight, bottom));
    layout.axis = QRectF(plotLeft, bottom, plotRight - plotLeft, axisHeight);
    const int lanes = model.laneCount();
    const double rowHeight
        = lanes > 0 ? std::clamp(layout.plot.height() / lanes, kMinRowPx, kMaxRowPx) : 0;
    for (int lane = 0; lane < lanes; ++lane) {
        const QRectF row(kPaddingPx, top + lane * rowHeight, size.width() - 2 * kPaddingPx,
                         rowHeight);
        layout.lanes.append(laneRows(row, labelWidth, layout.plot,
                                     model.laneHasSeries(lane, TimelineSeries::Writes),
                                     model.laneHasSeries(lane, TimelineSeries::Events)));
    }
    return layout;
}

TimelineCoordinates plotCoordinates(const TimelineLayout &layout, qint64 startNs, qint64 endNs,
                                    qint64 originNs)
{
    TimelineCoordinates c(startNs, endNs, layout.plot.left(), layout.plot.width());
    c.setOriginNs(originNs);
    return c;
}

TimelineGeometry buildTimelineGeometry(const TimelineModel &model, const TimelineLayout &layout,
                                       const TimelineCoordinates &c, bool isCumulative,
                                       const QFontMetricsF &metrics, bool showsCountdown)
{
    TimelineGeometry g;
    g.layout = layout;
    g.isCumulative = isCumulative;
    g.lanes.resize(layout.lanes.size());
    for (int lane = 0; lane < int(g.lanes.size()); ++lane) {
        const QRectF &label = layout.lanes.at(lane).label;
        g.lanes[lane].name
            = metrics.elidedText(model.laneName(lane), Qt::ElideRight, label.width());
        g.lanes[lane].summary
            = metrics.elidedText(laneSummary(model, lane), Qt::ElideRight, label.width());
    }
    g.ticks = c.ticks(minPixelsBetweenMajor(metrics));
    g.timeLabels = timeLabels(g.ticks, layout, metrics);
    if (isCumulative)
        buildCumulative(g, model, c, metrics);
    else
        buildLanes(g, model, c, showsCountdown);
    g.legend = legendItems(model, isCumulative, layout.legend, metrics);
    return g;
}

QString formatTimelineBytes(qint64 bytes)
{
    if (std::abs(double(bytes)) < kBytesPerKilo)
        return u"%1 B"_s.arg(bytes);
    static const QString kUnits[] = {u"kB"_s, u"MB"_s, u"GB"_s, u"TB"_s};
    double value = double(bytes) / kBytesPerKilo;
    int unit = 0;
    while (std::abs(value) >= kBytesPerKilo && unit + 1 < int(std::size(kUnits))) {
        value /= kBytesPerKilo;
        ++unit;
    }
    QString number = QString::number(value, 'f', std::abs(value) < kTenUnits ? 1 : 0);
    if (number.endsWith(u".0"))
        number.chop(2);
    return number % u' ' % kUnits[unit];
}
