// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "timelinecolors.h"
#include "timelinegeometry.h"

#include <QImage>
#include <QPointer>
#include <QWidget>

#include <optional>

class TimelineModel;
class TimelineViewState;

// The chunk-arrival timeline: one row per lane with the lane's name on the left; request,
// headers, reconnect, error and completion glyphs; every read, event and message as a bar
// whose height grows with its bytes (log scale); the server's writes above the reads with a
// thin line from each write to the read that completed it; a time axis; a legend. In
// cumulative mode, one chart of payload bytes against time for all lanes.
//
// Draws what a TimelineModel holds and keeps its zoom, pan, live follow, mode and hover in a
// TimelineViewState; both are shared with other views, not owned (they must outlive the view
// or be destroyed with it). Wheel zooms around the mouse, a horizontal wheel or a drag pans
// (a drag ends live follow), a double-click fits all data, hovering shows a tooltip.
//
// While the state is live, each appended observation moves the window so that the newest mark
// sits at the right edge (with a little headroom); the span stays as the user zoomed it.
class TimelineView : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineView)
public:
    static constexpr double kZoomPerWheelStep = 1.25; // per 15° notch
    static constexpr double kWheelStepDegrees = 120;  // angleDelta units of one notch
    static constexpr double kPanPerWheelStepPx = 60;
    static constexpr double kFitMarginFraction = 0.02;
    static constexpr double kLiveHeadroomFraction = 0.03;
    static constexpr double kHoverRadiusPx = 5;
    static constexpr int kMaxTooltipTextChars = 80;
    static constexpr int kPreferredRowPx = 96;
    static constexpr int kPreferredWidthPx = 900;
    static constexpr int kMinimumWidthPx = 360;

    TimelineView(TimelineModel *model, TimelineViewState *state, QWidget *parent = nullptr);
    ~TimelineView() override;

    // The state's window mapped onto this widget's plot area (origin: the recording's start).
    TimelineCoordinates coordinates() const;
    QRectF plotRect() const;
    // The whole widget drawn into an image of size() * scale device pixels (device pixel ratio
    // `scale`), e.g. 2 for a sharp PNG export. The palette is the widget's.
    QImage renderImage(qreal scale = 2) const;
    // Plain-text tooltip for the mark(s) under pos (widget coordinates); empty if none.
    // Times are ms since the recording's start with µs precision.
    QString toolTipAt(const QPointF &pos) const;
    // What an empty timeline says (no lanes yet): how to fill it.
    static QString emptyHint();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public slots:
    // Fits the window to all data (with a small margin).
    void resetZoom();
    void setLive(bool isLive);
    void setCumulative(bool isCumulative);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Hit
    {
        int lane = -1;
        TimelineSeries series = TimelineSeries::Reads;
        TimelineBucket marks;
    };

    const TimelineGeometry &geometry() const;
    TimelineGeometryKey geometryKey() const;
    void onModelReset();
    void onObservationAppended();
    void followLive();
    void pan(double dxPixels);
    int laneAt(double y) const;
    std::optional<Hit> hitAt(const QPointF &pos) const;
    QString describeHit(const Hit &hit) const;
    QString describeWrite(int lane, int writeIndex) const;
    QString describeObservation(int index) const;
    QString describeCumulative(double x) const;
    QString formatTime(qint64 ns) const;
    void paintTo(QPainter &painter) const;
    void paintEmptyHint(QPainter &painter) const;

    QPointer<TimelineModel> m_model;
    QPointer<TimelineViewState> m_state;
    TimelineColors m_colors;
    mutable TimelineGeometry m_geometry;
    mutable std::optional<TimelineGeometryKey> m_geometryKey;
    bool m_isPressed = false;
    bool m_isPanning = false;
    QPointF m_pressPos;
    qint64 m_pressStartNs = 0;
    qint64 m_pressEndNs = 0;
};
