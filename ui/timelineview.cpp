// SPDX-License-Identifier: GPL-3.0-only
#include "timelineview.h"

#include "timelinemodel.h"
#include "timelinepainter.h"
#include "timelineviewstate.h"

#include <QApplication>
#include <QHelpEvent>
#include <QJsonArray>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr double kNsPerMs = 1e6;
constexpr int kMsDecimals = 3; // µs precision

QString truncated(QString text)
{
    text.replace(u'\n', u'\u21B5').replace(u'\r', QString());
    if (text.size() > TimelineView::kMaxTooltipTextChars)
        text = text.left(TimelineView::kMaxTooltipTextChars - 1) + u'\u2026';
    return text;
}

// The one line of an observation's fields a person most wants to see.
QString observationText(const Observation &o)
{
    const QJsonObject &f = o.fields;
    switch (o.kind) {
    case ObservationKind::Request:
        return f.value(u"method"_s).toString() % u' ' % f.value(u"url"_s).toString();
    case ObservationKind::Headers:
        return QString::number(f.value(u"status"_s).toInt()) % u' '
               % f.value(u"reason"_s).toString();
    case ObservationKind::Event:
        return f.value(u"type"_s).toString() % u": "_s % f.value(u"data"_s).toString();
    case ObservationKind::Reconnect:
        return u"after %1 ms"_s.arg(f.value(u"delay_ms"_s).toDouble());
    case ObservationKind::Range:
        return u"bytes %1\u2013%2"_s.arg(qint64(f.value(u"start"_s).toDouble()))
            .arg(qint64(f.value(u"end"_s).toDouble()));
    case ObservationKind::Close:
        return QString::number(f.value(u"code"_s).toInt()) % u' ' % f.value(u"reason"_s).toString();
    case ObservationKind::Done:
        return f.value(u"ok"_s).toBool() ? u"ok"_s : u"failed"_s;
    case ObservationKind::Pong:
    case ObservationKind::Poll:
        return u"round trip %1 ms"_s.arg(f.value(u"rtt_ms"_s).toDouble());
    default:
        break;
    }
    for (const QString &key : {u"text"_s, u"data"_s, u"message"_s, u"raw"_s, u"direction"_s}) {
        if (f.contains(key))
            return f.value(key).toString();
    }
    return {};
}

QString bytesText(qint64 bytes)
{
    return bytes == 1 ? u"1 byte"_s : u"%1 bytes"_s.arg(bytes);
}

// The groups of series a y position points at, nearest band first.
QList<QList<TimelineSeries>> seriesOrder(const TimelineLaneRows &rows, double y)
{
    const QList<TimelineSeries> markers(kTimelineMarkerSeries.begin(), kTimelineMarkerSeries.end());
    const QList<TimelineSeries> writes{TimelineSeries::Writes};
    const QList<TimelineSeries> reads{TimelineSeries::Reads};
    const QList<TimelineSeries> events{TimelineSeries::Events};
    if (y < rows.markers.bottom())
        return {markers, writes, reads, events};
    if (!rows.writes.isEmpty() && y < rows.reads.top())
        return {writes, reads, markers, events};
    if (!rows.events.isEmpty() && y >= rows.events.top())
        return {events, reads, writes, markers};
    return {reads, events, writes, markers};
}

} // namespace

TimelineView::TimelineView(TimelineModel *model, TimelineViewState *state, QWidget *parent)
    : QWidget(parent), m_model(model), m_state(state),
      m_colors(TimelineColors::fromPalette(palette()))
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::WheelFocus);
    connect(model, &TimelineModel::recordingReset, this, &TimelineView::onModelReset);
    connect(model, &TimelineModel::observationAppended, this, &TimelineView::onObservationAppended);
    connect(state, &TimelineViewState::windowChanged, this, qOverload<>(&QWidget::update));
    connect(state, &TimelineViewState::cumulativeChanged, this, qOverload<>(&QWidget::update));
    connect(state, &TimelineViewState::countdownChanged, this, qOverload<>(&QWidget::update));
    connect(state, &TimelineViewState::hoveredObservationChanged, this,
            qOverload<>(&QWidget::update));
    connect(state, &TimelineViewState::liveChanged, this, [this](bool isLive) {
        if (isLive)
            followLive();
    });
    if (!model->isEmpty())
        onModelReset();
}

TimelineView::~TimelineView() = default;

TimelineCoordinates TimelineView::coordinates() const
{
    const QRectF plot = plotRect();
    TimelineCoordinates c = m_state->coordinates(plot.left(), plot.width());
    c.setOriginNs(m_model->originNs());
    return c;
}

QRectF TimelineView::plotRect() const
{
    return geometry().layout.plot;
}

TimelineGeometryKey TimelineView::geometryKey() const
{
    return {m_model->revision(),      m_state->windowStartNs(), m_state->windowEndNs(),
            QSizeF(size()),           m_state->isCumulative(),  QFontMetricsF(font()).height(),
            m_state->showsCountdown()};
}

const TimelineGeometry &TimelineView::geometry() const
{
    const TimelineGeometryKey key = geometryKey();
    if (m_geometryKey && *m_geometryKey == key)
        return m_geometry;
    const QFontMetricsF metrics(font());
    const TimelineLayout layout = computeTimelineLayout(*m_model, size(), metrics);
    const TimelineCoordinates c
        = plotCoordinates(layout, key.startNs, key.endNs, m_model->originNs());
    m_geometry
        = buildTimelineGeometry(*m_model, layout, c, key.isCumulative, metrics, key.showsCountdown);
    m_geometryKey = key;
    return m_geometry;
}

void TimelineView::paintTo(QPainter &painter) const
{
    TimelineHighlight highlight;
    const int hovered = m_state->hoveredObservation();
    if (hovered >= 0 && hovered < m_model->recording().observations.size()
        && !m_state->isCumulative()) {
        const Observation &observation = m_model->observation(hovered);
        highlight = {observation.lane, std::round(coordinates().timeToX(observation.tNs)) + 0.5};
    }
    paintTimeline(painter, geometry(), m_colors, font(), highlight);
    if (m_model->laneCount() == 0)
        paintEmptyHint(painter);
}

void TimelineView::paintEmptyHint(QPainter &painter) const
{
    painter.save();
    painter.setPen(m_colors.mutedText);
    QFont hint = font();
    hint.setPointSizeF(hint.pointSizeF() * 1.15);
    painter.setFont(hint);
    const QRect area = rect().adjusted(24, 24, -24, -24);
    const int flags = Qt::AlignCenter | Qt::TextWordWrap;
    const QRect text = painter.fontMetrics().boundingRect(area, flags, emptyHint());
    // On a plain card, so the empty grid does not run through the words.
    painter.setBrush(m_colors.background);
    painter.drawRoundedRect(text.adjusted(-12, -8, 12, 8), 4, 4);
    painter.drawText(area, flags, emptyHint());
    painter.restore();
}

QString TimelineView::emptyHint()
{
    return u"Nothing recorded yet.\nPress Run (Ctrl+R) and every lane's requests, reads and "
           "events appear here on one clock, or open a saved recording (Ctrl+O)."_s;
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paintTo(painter);
}

QImage TimelineView::renderImage(qreal scale) const
{
    QImage image((QSizeF(size()) * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(m_colors.background);
    QPainter painter(&image);
    paintTo(painter);
    return image;
}

QSize TimelineView::sizeHint() const
{
    const int lineHeight = fontMetrics().height();
    const int lanes = std::max(1, m_model->laneCount());
    return {kPreferredWidthPx, 3 * lineHeight + lanes * kPreferredRowPx};
}

QSize TimelineView::minimumSizeHint() const
{
    const int lineHeight = fontMetrics().height();
    const int lanes = std::max(1, m_model->laneCount());
    return {kMinimumWidthPx, 3 * lineHeight + lanes * int(TimelineMetrics::kMinRowPx)};
}

void TimelineView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        m_colors = TimelineColors::fromPalette(palette());
        update();
    }
    QWidget::changeEvent(event);
}

void TimelineView::resetZoom()
{
    if (m_model->isEmpty())
        return;
    m_state->setWindowFrom(
        coordinates().fitted(m_model->firstNs(), m_model->lastNs(), kFitMarginFraction));
}

void TimelineView::setLive(bool isLive)
{
    m_state->setLive(isLive);
}

void TimelineView::setCumulative(bool isCumulative)
{
    m_state->setCumulative(isCumulative);
}

void TimelineView::followLive()
{
    if (m_model->isEmpty())
        return;
    const TimelineCoordinates c = coordinates();
    const qint64 headroomNs = qint64(double(c.spanNs()) * kLiveHeadroomFraction);
    // Until the run has filled one window, the window starts at the run's zero: nothing
    // happened before it, so negative time would only waste the width.
    const qint64 nowNs = std::max(m_model->lastNs() + headroomNs, m_model->originNs() + c.spanNs());
    m_state->setWindowFrom(c.followingLive(nowNs));
}

void TimelineView::onModelReset()
{
    updateGeometry(); // the lane count sets the height the view asks for
    if (m_state->isLive()) {
        followLive();
        return;
    }
    // Keep the user's zoom across a reset (the run finished and its send log arrived) unless
    // it shows none of the data.
    const bool isShowingData = m_state->hasWindow() && !m_model->isEmpty()
                               && m_state->windowStartNs() <= m_model->lastNs()
                               && m_state->windowEndNs() > m_model->firstNs();
    if (!isShowingData)
        resetZoom();
    update();
}

void TimelineView::onObservationAppended()
{
    if (m_state->isLive())
        followLive();
    else if (!m_state->hasWindow())
        resetZoom();
    update();
}

void TimelineView::pan(double dxPixels)
{
    m_state->setWindowFrom(coordinates().pannedBy(dxPixels));
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const QPoint angle = event->angleDelta();
    if (angle.isNull()) {
        event->ignore();
        return;
    }
    if (std::abs(angle.x()) > std::abs(angle.y())) {
        m_state->setLive(false);
        pan(angle.x() / kWheelStepDegrees * kPanPerWheelStepPx);
    } else {
        const TimelineCoordinates c = coordinates();
        const double factor = std::pow(kZoomPerWheelStep, angle.y() / kWheelStepDegrees);
        // Live, the newest data stays at the right edge; otherwise the time under the mouse
        // stays under the mouse.
        const double x = m_state->isLive() ? c.right()
                                           : std::clamp(event->position().x(), c.left(), c.right());
        m_state->setWindowFrom(c.zoomedAround(x, factor));
        if (m_state->isLive())
            followLive();
    }
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_isPressed = true;
    m_isPanning = false;
    m_pressPos = event->position();
    m_pressStartNs = m_state->windowStartNs();
    m_pressEndNs = m_state->windowEndNs();
    event->accept();
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_isPressed) {
        const double dx = pos.x() - m_pressPos.x();
        if (!m_isPanning && std::abs(dx) < QApplication::startDragDistance())
            return;
        if (!m_isPanning)
            m_state->setLive(false);
        m_isPanning = true;
        // Pan from the window at the press, so rounding never accumulates over a drag.
        TimelineCoordinates atPress = coordinates();
        atPress.setWindow(m_pressStartNs, m_pressEndNs);
        m_state->setWindowFrom(atPress.pannedBy(dx));
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    const std::optional<Hit> hit = hitAt(pos);
    const bool isObservation = hit && hit->series != TimelineSeries::Writes;
    m_state->setHoveredObservation(
        isObservation ? m_model->mark(hit->lane, hit->series, hit->marks.lastMark).ref : -1);
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_isPressed) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    m_isPressed = false;
    unsetCursor();
    if (!m_isPanning) {
        const std::optional<Hit> hit = hitAt(event->position());
        const bool isObservation = hit && hit->series != TimelineSeries::Writes;
        m_state->setSelectedObservation(
            isObservation ? m_model->mark(hit->lane, hit->series, hit->marks.firstMark).ref : -1);
    }
    m_isPanning = false;
    event->accept();
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        resetZoom();
        event->accept();
        return;
    }
    QWidget::mouseDoubleClickEvent(event);
}

void TimelineView::leaveEvent(QEvent *event)
{
    m_state->setHoveredObservation(-1);
    QWidget::leaveEvent(event);
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    const QString text = toolTipAt(help->pos());
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    // Plain text kept plain: recorded data may look like markup.
    const QString rich = u"<p style='white-space:pre'>"_s
                         % text.toHtmlEscaped().replace(u'\n', u"<br>"_s) % u"</p>"_s;
    QToolTip::showText(help->globalPos(), rich, this);
    return true;
}

int TimelineView::laneAt(double y) const
{
    const QList<TimelineLaneRows> &lanes = geometry().layout.lanes;
    for (int lane = 0; lane < int(lanes.size()); ++lane) {
        if (y >= lanes.at(lane).row.top() && y < lanes.at(lane).row.bottom())
            return lane;
    }
    return -1;
}

std::optional<TimelineView::Hit> TimelineView::hitAt(const QPointF &pos) const
{
    const TimelineGeometry &g = geometry();
    const QRectF area = g.layout.plot.adjusted(-kHoverRadiusPx, 0, kHoverRadiusPx, 0);
    const int lane = laneAt(pos.y());
    if (g.isCumulative || !area.contains(pos) || lane < 0)
        return std::nullopt;
    const TimelineCoordinates c = coordinates();
    for (const QList<TimelineSeries> &group : seriesOrder(g.layout.lanes.at(lane), pos.y())) {
        std::optional<Hit> best;
        double bestDistance = 0;
        for (const TimelineSeries series : group) {
            const TimelineBucket marks = m_model->hitTest(lane, series, c, pos.x(), kHoverRadiusPx);
            const double distance = std::abs(c.left() + marks.px + 0.5 - pos.x());
            if (marks.count > 0 && (!best || distance < bestDistance)) {
                best = Hit{lane, series, marks};
                bestDistance = distance;
            }
        }
        if (best)
            return best;
    }
    return std::nullopt;
}

QString TimelineView::toolTipAt(const QPointF &pos) const
{
    if (m_model->isEmpty())
        return {};
    if (m_state->isCumulative())
        return geometry().layout.plot.contains(pos) ? describeCumulative(pos.x()) : QString();
    const std::optional<Hit> hit = hitAt(pos);
    return hit ? describeHit(*hit) : QString();
}

QString TimelineView::formatTime(qint64 ns) const
{
    return QString::number(double(ns - m_model->originNs()) / kNsPerMs, 'f', kMsDecimals)
           + u" ms"_s;
}

QString TimelineView::describeHit(const Hit &hit) const
{
    const TimelineMark first = m_model->mark(hit.lane, hit.series, hit.marks.firstMark);
    if (hit.marks.count == 1) {
        return hit.series == TimelineSeries::Writes ? describeWrite(hit.lane, hit.marks.firstMark)
                                                    : describeObservation(first.ref);
    }
    static const QString kPlurals[kTimelineSeriesCount]
        = {u"reads"_s,   u"events"_s,     u"server writes"_s, u"requests"_s,
           u"headers"_s, u"reconnects"_s, u"errors"_s,        u"completions"_s};
    const QString title = m_model->laneName(hit.lane) % u" \u00B7 "_s
                          % QString::number(hit.marks.count) % u' ' % kPlurals[int(hit.series)]
                          % u" (merged)"_s;
    return title % u'\n' % formatTime(hit.marks.firstNs) % u" \u2013 "_s
           % formatTime(hit.marks.lastNs) % u'\n' % bytesText(hit.marks.bytes)
           % u" (largest %1)"_s.arg(hit.marks.maxBytes);
}

QString TimelineView::describeObservation(int index) const
{
    const Observation &o = m_model->observation(index);
    QString title
        = m_model->laneName(o.lane) % u" \u00B7 "_s % QString(observationKindName(o.kind));
    if (o.exchange > 0)
        title += u" (exchange %1)"_s.arg(o.exchange);
    QStringList lines{title, u"at "_s % formatTime(o.tNs)};
    if (isPayloadKind(o.kind))
        lines.append(bytesText(o.bytes) % u" (total %1)"_s.arg(o.total));
    else if (o.bytes > 0)
        lines.append(bytesText(o.bytes));
    if (o.fields.contains(u"lag_ms"_s)) {
        QString lag = u"lag %1 ms"_s.arg(o.fields.value(u"lag_ms"_s).toDouble());
        if (o.fields.contains(u"writes"_s))
            lag += u", completed %1 writes"_s.arg(o.fields.value(u"writes"_s).toInt());
        lines.append(lag);
    }
    const QString text = truncated(observationText(o));
    if (!text.isEmpty())
        lines.append(text);
    return lines.join(u'\n');
}

QString TimelineView::describeWrite(int lane, int writeMark) const
{
    const TimelineMark mark = m_model->mark(lane, TimelineSeries::Writes, writeMark);
    const TimelineWrite &write = m_model->laneWrites(lane).at(mark.ref);
    QString title = m_model->laneName(lane) % u" \u00B7 server write"_s;
    if (write.exchange > 0)
        title += u" (exchange %1)"_s.arg(write.exchange);
    QStringList lines{title, u"sent at "_s % formatTime(write.write.tNs),
                      bytesText(write.write.bytes) % u" at offset %1"_s.arg(write.write.offset)};
    if (mark.linkNs >= 0) {
        lines.append(
            u"read at "_s % formatTime(mark.linkNs) % u" (lag "_s
            % QString::number(double(mark.linkNs - write.write.tNs) / kNsPerMs, 'f', kMsDecimals)
            % u" ms)"_s);
    } else {
        lines.append(u"no read completed it"_s);
    }
    return lines.join(u'\n');
}

QString TimelineView::describeCumulative(double x) const
{
    const qint64 tNs = coordinates().xToTime(x);
    QStringList lines{u"at "_s % formatTime(tNs)};
    for (int lane = 0; lane < m_model->laneCount(); ++lane) {
        const qint64 bytes = m_model->readTotalBefore(lane, tNs + 1);
        lines.append(m_model->laneName(lane) % u": "_s % bytesText(bytes));
    }
    return lines.join(u'\n');
}
