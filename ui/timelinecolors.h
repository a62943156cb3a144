// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "timelinemodel.h"

#include <QColor>
#include <QPalette>

#include <array>

// The timeline's colours, derived from the widget's palette so that the view follows the
// system's light or dark scheme: backgrounds and text are palette roles, and the mark and
// lane hues get a lightness chosen for contrast against the palette's Base colour.
struct TimelineColors
{
    QColor background;   // QPalette::Base
    QColor alternateRow; // QPalette::AlternateBase
    QColor text;         // QPalette::Text
    QColor mutedText;    // text halfway to the background: summaries, axis labels
    QColor grid;         // faint: tick grid lines
    QColor axis;         // the axis line and tick marks
    QColor highlight;    // QPalette::Highlight: the hovered mark
    QColor link;         // write-to-read lines
    std::array<QColor, kTimelineSeriesCount> series; // indexed by TimelineSeries
    bool isDark = false;

    static TimelineColors fromPalette(const QPalette &palette);
    QColor seriesColor(TimelineSeries s) const { return series[size_t(s)]; }
    // A distinct colour per lane for the cumulative chart (cycles after kLaneHues).
    QColor laneColor(int lane) const;
};
