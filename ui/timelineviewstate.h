// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "timelinecoordinates.h"

#include <QObject>

// The timeline's shared view state: the visible time window (zoom and pan), live follow,
// the cumulative-bytes mode and the hovered and selected observation. Every timeline widget
// reads and writes this one object and reacts to its signals; widgets never call each other.
//
// The window is in nanoseconds on the recording's monotonic clock, [startNs, endNs), kept
// with the invariants of TimelineCoordinates (at least 1 ns wide). Pixel spans belong to each
// widget, not to the state. Observations are named by their index in the recording's
// observation list (what TimelineModel::observation() takes); -1 means none.
//
// Thread: GUI thread only. Setters emit only on a real change.
class TimelineViewState : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineViewState)
public:
    explicit TimelineViewState(QObject *parent = nullptr);

    qint64 windowStartNs() const { return m_window.startNs(); }
    qint64 windowEndNs() const { return m_window.endNs(); }
    // The window on the pixel span [left, left + width), for a widget to map with.
    TimelineCoordinates coordinates(double left, double width) const;
    // Whether anything set the window yet (a fresh state shows [0, 1 s), a placeholder).
    bool hasWindow() const { return m_hasWindow; }

    bool isLive() const { return m_isLive; }
    bool isCumulative() const { return m_isCumulative; }
    // Draw each lane's client inactivity countdown (its timeout, reset by every byte).
    bool showsCountdown() const { return m_showsCountdown; }
    int hoveredObservation() const { return m_hoveredObservation; }
    int selectedObservation() const { return m_selectedObservation; }

public slots:
    void setWindow(qint64 startNs, qint64 endNs);
    // Takes the window of `coordinates` (its pixel span is ignored).
    void setWindowFrom(const TimelineCoordinates &coordinates);
    void setLive(bool isLive);
    void setCumulative(bool isCumulative);
    void setShowsCountdown(bool showsCountdown);
    void setHoveredObservation(int index);
    void setSelectedObservation(int index);

signals:
    void windowChanged(qint64 startNs, qint64 endNs);
    void liveChanged(bool isLive);
    void cumulativeChanged(bool isCumulative);
    void countdownChanged(bool showsCountdown);
    void hoveredObservationChanged(int index);
    void selectedObservationChanged(int index);

private:
    TimelineCoordinates m_window; // only the window matters; the pixel span is a placeholder
    bool m_hasWindow = false;
    bool m_isLive = false;
    bool m_isCumulative = false;
    bool m_showsCountdown = false;
    int m_hoveredObservation = -1;
    int m_selectedObservation = -1;
};
