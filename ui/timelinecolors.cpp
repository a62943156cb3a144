// SPDX-License-Identifier: GPL-3.0-only
#include "timelinecolors.h"

#include <iterator>

namespace {

constexpr double kDarkThreshold = 0.5; // Base lightness below this: a dark scheme
constexpr double kSaturation = 0.7;
constexpr double kLightnessOnLight = 0.40;
constexpr double kLightnessOnDark = 0.66;
constexpr double kMutedMix = 0.45; // share of the background in muted text
constexpr double kGridMix = 0.86;  // share of the background in grid lines
constexpr double kAxisMix = 0.55;
constexpr int kLinkAlpha = 120;
constexpr double kDegrees = 360;

// Hues in degrees, by TimelineSeries; a negative hue means "the text colour".
constexpr double kSeriesHues[kTimelineSeriesCount] = {
    210, // reads: blue
    300, // events: magenta
    165, // server writes: teal
    -1,  // requests: text colour
    120, // headers: green
    28,  // reconnects: orange
    0,   // errors: red
    265, // completions: purple
};
constexpr double kLaneHues[] = {210, 25, 140, 280, 350, 50, 185, 100};

QColor mixed(const QColor &a, const QColor &b, double shareOfB)
{
    return QColor::fromRgbF(float(a.redF() * (1 - shareOfB) + b.redF() * shareOfB),
                            float(a.greenF() * (1 - shareOfB) + b.greenF() * shareOfB),
                            float(a.blueF() * (1 - shareOfB) + b.blueF() * shareOfB));
}

QColor hueColor(double hue, bool isDark)
{
    return QColor::fromHslF(float(hue / kDegrees), float(kSaturation),
                            float(isDark ? kLightnessOnDark : kLightnessOnLight));
}

} // namespace

TimelineColors TimelineColors::fromPalette(const QPalette &palette)
{
    TimelineColors colors;
    colors.background = palette.color(QPalette::Base);
    colors.alternateRow = palette.color(QPalette::AlternateBase);
    colors.text = palette.color(QPalette::Text);
    colors.highlight = palette.color(QPalette::Highlight);
    colors.isDark = colors.background.lightnessF() < kDarkThreshold;
    colors.mutedText = mixed(colors.text, colors.background, kMutedMix);
    colors.grid = mixed(colors.text, colors.background, kGridMix);
    colors.axis = mixed(colors.text, colors.background, kAxisMix);
    for (int s = 0; s < kTimelineSeriesCount; ++s) {
        colors.series[size_t(s)]
            = kSeriesHues[s] < 0 ? colors.text : hueColor(kSeriesHues[s], colors.isDark);
    }
    colors.link = colors.seriesColor(TimelineSeries::Writes);
    colors.link.setAlpha(kLinkAlpha);
    return colors;
}

QColor TimelineColors::laneColor(int lane) const
{
    const int count = int(std::size(kLaneHues));
    return hueColor(kLaneHues[((lane % count) + count) % count], isDark);
}
