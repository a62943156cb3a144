// SPDX-License-Identifier: GPL-3.0-only
#include "timelineviewstate.h"

TimelineViewState::TimelineViewState(QObject *parent) : QObject(parent) {}

TimelineCoordinates TimelineViewState::coordinates(double left, double width) const
{
    TimelineCoordinates result = m_window;
    result.setPixelSpan(left, width);
    return result;
}

void TimelineViewState::setWindow(qint64 startNs, qint64 endNs)
{
    TimelineCoordinates window = m_window;
    window.setWindow(startNs, endNs); // normalizes an empty or reversed window
    const bool isSame
        = window.startNs() == m_window.startNs() && window.endNs() == m_window.endNs();
    m_hasWindow = true;
    if (isSame)
        return;
    m_window = window;
    emit windowChanged(m_window.startNs(), m_window.endNs());
}

void TimelineViewState::setWindowFrom(const TimelineCoordinates &coordinates)
{
    setWindow(coordinates.startNs(), coordinates.endNs());
}

void TimelineViewState::setLive(bool isLive)
{
    if (m_isLive == isLive)
        return;
    m_isLive = isLive;
    emit liveChanged(m_isLive);
}

void TimelineViewState::setCumulative(bool isCumulative)
{
    if (m_isCumulative == isCumulative)
        return;
    m_isCumulative = isCumulative;
    emit cumulativeChanged(m_isCumulative);
}

void TimelineViewState::setShowsCountdown(bool showsCountdown)
{
    if (m_showsCountdown == showsCountdown)
        return;
    m_showsCountdown = showsCountdown;
    emit countdownChanged(m_showsCountdown);
}

void TimelineViewState::setHoveredObservation(int index)
{
    index = index < 0 ? -1 : index;
    if (m_hoveredObservation == index)
        return;
    m_hoveredObservation = index;
    emit hoveredObservationChanged(m_hoveredObservation);
}

void TimelineViewState::setSelectedObservation(int index)
{
    index = index < 0 ? -1 : index;
    if (m_selectedObservation == index)
        return;
    m_selectedObservation = index;
    emit selectedObservationChanged(m_selectedObservation);
}
