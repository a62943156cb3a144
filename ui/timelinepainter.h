// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "timelinecolors.h"
#include "timelinegeometry.h"

#include <QFont>

class QPainter;

// Layer 3 of the timeline: replays a TimelineGeometry onto a painter. Computes no positions
// beyond glyph outlines; antialiasing is off for bars and boxes and on for lines, glyphs and
// curves.

// A vertical line over one lane at x (the hovered mark); lane -1 or NaN x: none.
struct TimelineHighlight
{
    int lane = -1;
    double x = 0;
};

void paintTimeline(QPainter &painter, const TimelineGeometry &geometry,
                   const TimelineColors &colors, const QFont &font,
                   const TimelineHighlight &highlight);
