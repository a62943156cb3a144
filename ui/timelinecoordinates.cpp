// SPDX-License-Identifier: GPL-3.0-only
#include "timelinecoordinates.h"

#include <QtNumeric>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace {

constexpr qint64 kMaxNs = std::numeric_limits<qint64>::max();
constexpr qint64 kMinNs = std::numeric_limits<qint64>::min();
// 2^64: the smallest magnitude no quint64 holds.
constexpr double kTwoPow64 = 18446744073709551616.0;

constexpr qint64 kNsPerUs = 1'000;
constexpr qint64 kNsPerMs = 1'000'000;
constexpr qint64 kNsPerS = 1'000'000'000;
constexpr qint64 kNsPerMin = 60 * kNsPerS;
constexpr qint64 kNsPerHour = 60 * kNsPerMin;
constexpr quint64 kSecondsPerMinute = 60;
constexpr quint64 kSecondsPerHour = 3'600;

constexpr QChar kMinusSign(0x2212);

// The value whose two's complement bits are `bits`. Callers only pass results that are in
// range mathematically, computed modulo 2^64 to dodge signed overflow.
qint64 toSigned(quint64 bits)
{
    return static_cast<qint64>(bits);
}

quint64 magnitude(qint64 value)
{
    return value < 0 ? 0 - quint64(value) : quint64(value);
}

// to - from as a double. The unsigned difference is exact (a qint64 one could overflow), so
// the only error is the final rounding to double: none below 2^53 ns (104 days).
double distanceNs(qint64 from, qint64 to)
{
    return to >= from ? double(quint64(to) - quint64(from)) : -double(quint64(from) - quint64(to));
}

// base + offsetNs rounded to a whole ns (halves away from base), saturated at the qint64
// limits. NaN leaves base as it is.
qint64 offsetSaturated(qint64 base, double offsetNs)
{
    if (std::isnan(offsetNs))
        return base;
    const double rounded = std::round(offsetNs);
    if (rounded >= 0) {
        const quint64 room = quint64(kMaxNs) - quint64(base);
        if (rounded >= kTwoPow64 || quint64(rounded) > room)
            return kMaxNs;
        return toSigned(quint64(base) + quint64(rounded));
    }
    const quint64 room = quint64(base) - quint64(kMinNs);
    if (-rounded >= kTwoPow64 || quint64(-rounded) > room)
        return kMinNs;
    return toSigned(quint64(base) - quint64(-rounded));
}

// `wanted` ns rounded and clamped to [lowest, highest]; NaN gives lowest.
qint64 clampedSpan(double wanted, qint64 lowest, qint64 highest)
{
    if (wanted >= double(highest))
        return highest;
    if (!(wanted > double(lowest)))
        return lowest;
    return std::clamp(qint64(std::llround(wanted)), lowest, highest);
}

// Smallest k with k * divisor >= value, for divisor > 0 (C++ division truncates toward 0).
qint64 ceilDiv(qint64 value, qint64 divisor)
{
    const qint64 quotient = value / divisor;
    return (value % divisor != 0 && value > 0) ? quotient + 1 : quotient;
}

struct Step
{
    qint64 ns = 0;
    int minorParts = 0; // minor intervals per major interval
};

void appendDecades(std::vector<Step> &steps, qint64 unitNs, qint64 limitNs)
{
    for (qint64 decade = unitNs; decade <= limitNs; decade *= 10) {
        for (const qint64 digit : {1, 2, 5}) {
            if (decade <= (limitNs - 1) / digit) // digit * decade < limitNs, without overflow
                steps.push_back({digit * decade, digit == 2 ? 4 : 5});
        }
        if (decade > limitNs / 10)
            break;
    }
}

// The major steps, ascending. Below a minute 1-2-5 x 10^k ns; above it steps that read well
// as clock times (1:40 every 100 s would not), then 1-2-5 x 10^k hours as far as qint64
// reaches. Each step is at most 2.5 times the previous one.
const std::vector<Step> &stepLadder()
{
    static const std::vector<Step> ladder = [] {
        std::vector<Step> steps;
        appendDecades(steps, 1, kNsPerMin);
        const Step minuteSteps[] = {{1 * kNsPerMin, 6},  {2 * kNsPerMin, 4},  {5 * kNsPerMin, 5},
                                    {10 * kNsPerMin, 5}, {20 * kNsPerMin, 4}, {30 * kNsPerMin, 6},
                                    {1 * kNsPerHour, 6}, {2 * kNsPerHour, 4}, {5 * kNsPerHour, 5}};
        steps.insert(steps.end(), std::begin(minuteSteps), std::end(minuteSteps));
        appendDecades(steps, 10 * kNsPerHour, kMaxNs);
        return steps;
    }();
    return ladder;
}

double sanitizedMinPixels(double minPixelsBetweenMajor)
{
    if (std::isnan(minPixelsBetweenMajor))
        return TimelineCoordinates::kDefaultMinPixelsBetweenMajor;
    return std::max(minPixelsBetweenMajor, TimelineCoordinates::kMinPixelsBetweenMajor);
}

Step majorStep(double pixelsPerNs, double minPixelsBetweenMajor)
{
    const double minPixels = sanitizedMinPixels(minPixelsBetweenMajor);
    const std::vector<Step> &ladder = stepLadder();
    for (const Step &step : ladder) {
        if (double(step.ns) * pixelsPerNs >= minPixels)
            return step;
    }
    return ladder.back();
}

// How many tick intervals one major interval is split into: its minor parts, or 1 (no minor
// ticks) when a part is not a whole ns or is narrower than kMinPixelsBetweenMinor.
qint64 tickIntervalsPerMajor(const Step &step, double pixelsPerNs)
{
    if (step.ns % step.minorParts != 0)
        return 1;
    const qint64 minorStepNs = step.ns / step.minorParts;
    const double minorPixels = double(minorStepNs) * pixelsPerNs;
    return minorPixels >= TimelineCoordinates::kMinPixelsBetweenMinor ? step.minorParts : 1;
}

// magnitude rounded to a multiple of quantum, halves up; no overflow for magnitude <= 2^63.
quint64 roundedToMultiple(quint64 magnitude, quint64 quantum)
{
    const quint64 remainder = magnitude % quantum;
    return remainder >= quantum - remainder ? magnitude - remainder + quantum
                                            : magnitude - remainder;
}

quint64 largestPowerOfTenAtMost(quint64 value)
{
    quint64 power = 1;
    while (power <= value / 10)
        power *= 10;
    return power;
}

// m:ss, or h:mm:ss from one hour on, for a whole number of seconds in ns.
QString clockText(quint64 roundedNs)
{
    const quint64 totalSeconds = roundedNs / quint64(kNsPerS);
    const quint64 hours = totalSeconds / kSecondsPerHour;
    const quint64 minutes = totalSeconds / kSecondsPerMinute % kSecondsPerMinute;
    const auto twoDigits = [](quint64 value) {
        return QString::number(value).rightJustified(2, u'0');
    };
    const QString seconds = twoDigits(totalSeconds % kSecondsPerMinute);
    if (hours > 0)
        return QString::number(hours) % u':' % twoDigits(minutes) % u':' % seconds;
    return QString::number(minutes) % u':' % seconds;
}

// A multiple of quantum in the largest of ns, µs, ms and s that is not above `basis`, with
// the decimals the quantum needs minus trailing zeros.
QString decimalText(quint64 roundedNs, quint64 quantum, quint64 basis)
{
    struct Unit
    {
        quint64 ns;
        QStringView suffix;
    };
    static constexpr Unit units[]
        = {{kNsPerS, u" s"}, {kNsPerMs, u" ms"}, {kNsPerUs, u" \u00B5s"}, {1, u" ns"}};
    const Unit *unit = std::find_if(std::begin(units), std::end(units) - 1,
                                    [basis](const Unit &u) { return u.ns <= basis; });
    const quint64 digitNs = std::min(quantum, unit->ns);
    int decimals = 0;
    for (quint64 power = digitNs; power < unit->ns; power *= 10)
        ++decimals;
    QString text = QString::number(roundedNs / unit->ns);
    if (decimals > 0) {
        QString fraction
            = QString::number(roundedNs % unit->ns / digitNs).rightJustified(decimals, u'0');
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        if (!fraction.isEmpty())
            text += u'.' % fraction;
    }
    return text + unit->suffix;
}

} // namespace

TimelineCoordinates::TimelineCoordinates(qint64 startNs, qint64 endNs, double left, double width)
{
    setWindow(startNs, endNs);
    setPixelSpan(left, width);
}

void TimelineCoordinates::setWindow(qint64 startNs, qint64 endNs)
{
    if (endNs <= startNs) {
        if (startNs == kMaxNs)
            startNs = kMaxNs - 1;
        endNs = startNs + 1;
    }
    qint64 spanNs = 0;
    if (qSubOverflow(endNs, startNs, &spanNs))
        spanNs = kMaxNs;
    m_startNs = startNs;
    m_spanNs = spanNs;
}

void TimelineCoordinates::setPixelSpan(double left, double width)
{
    m_left = std::isfinite(left) ? left : 0.0;
    // The negated test also catches NaN.
    m_width = !(width >= 1.0) ? 1.0 : std::min(width, kMaxWidthPx);
}

double TimelineCoordinates::timeToX(qint64 ns) const
{
    return m_left + distanceNs(m_startNs, ns) * m_width / double(m_spanNs);
}

qint64 TimelineCoordinates::xToTime(double x) const
{
    if (std::isnan(x))
        return m_startNs;
    return offsetSaturated(m_startNs, (x - m_left) * double(m_spanNs) / m_width);
}

qint64 TimelineCoordinates::minimumSpanNs() const
{
    // Finer than one ns per pixel would put the rounding of whole-ns window edges above
    // half a pixel, and no timestamp is finer than a ns anyway.
    return std::clamp(qint64(std::ceil(m_width)), kMinSpanNs, kMaxSpanNs);
}

TimelineCoordinates TimelineCoordinates::zoomedAround(double x, double factor) const
{
    if (!(factor > 0))
        return *this;
    const qint64 newSpanNs = clampedSpan(double(m_spanNs) / factor, minimumSpanNs(), kMaxSpanNs);
    // Anchor on the whole ns under x, so it lands within half a pixel (at most one ns per
    // pixel) of where it was, whatever the rounding of the new start.
    const qint64 anchorNs = xToTime(x);
    const double anchorFraction = distanceNs(m_startNs, anchorNs) / double(m_spanNs);
    return placed(offsetSaturated(anchorNs, -anchorFraction * double(newSpanNs)), newSpanNs);
}

TimelineCoordinates TimelineCoordinates::pannedBy(double dxPixels) const
{
    // -dx * span / width is computed the same way for +dx and -dx, and std::round is
    // symmetric, so a pan and its opposite cancel exactly.
    return placed(offsetSaturated(m_startNs, -dxPixels * double(m_spanNs) / m_width), m_spanNs);
}

TimelineCoordinates TimelineCoordinates::followingLive(qint64 nowNs) const
{
    qint64 startNs = 0;
    if (qSubOverflow(nowNs, m_spanNs, &startNs))
        startNs = kMinNs;
    return placed(startNs, m_spanNs);
}

TimelineCoordinates TimelineCoordinates::fitted(qint64 firstNs, qint64 lastNs,
                                                double marginFraction) const
{
    if (lastNs < firstNs)
        std::swap(firstNs, lastNs);
    const quint64 dataSpanNs = quint64(lastNs) - quint64(firstNs); // exact, up to 2^64 - 1
    const qint64 middleNs = toSigned(quint64(firstNs) + dataSpanNs / 2);
    const double margin = marginFraction > 0 ? marginFraction : 0.0;
    // Tested for zero first: 0 * infinity would be NaN.
    const double wantedNs = dataSpanNs == 0 ? 0.0 : double(dataSpanNs) * (1 + 2 * margin);
    const qint64 spanNs = clampedSpan(wantedNs, minimumSpanNs(), kMaxSpanNs);
    const qint64 halfSpanNs = spanNs / 2;
    return placed(offsetSaturated(middleNs, -double(halfSpanNs)), spanNs);
}

qint64 TimelineCoordinates::majorStepNs(double minPixelsBetweenMajor) const
{
    return majorStep(pixelsPerNs(), minPixelsBetweenMajor).ns;
}

QList<TimelineCoordinates::Tick> TimelineCoordinates::ticks(double minPixelsBetweenMajor) const
{
    qint64 relativeStartNs = 0; // relative to the origin, like the labels
    qint64 relativeEndNs = 0;
    if (qSubOverflow(m_startNs, m_originNs, &relativeStartNs)
        || qSubOverflow(endNs(), m_originNs, &relativeEndNs)) {
        return {};
    }
    const Step step = majorStep(pixelsPerNs(), minPixelsBetweenMajor);
    const qint64 parts = tickIntervalsPerMajor(step, pixelsPerNs());
    const qint64 tickStepNs = step.ns / parts;

    qint64 index = ceilDiv(relativeStartNs, tickStepNs);
    qint64 relativeNs = 0;
    if (qMulOverflow(index, tickStepNs, &relativeNs))
        return {};
    QList<Tick> result;
    // The count is bounded: ticks are at least kMinPixelsBetweenMinor apart on a width of at
    // most kMaxWidthPx, or the step is the ladder's largest and only a few fit into qint64.
    result.reserve(qsizetype(m_spanNs / tickStepNs) + 1);
    while (relativeNs < relativeEndNs) {
        const qint64 ns = m_originNs + relativeNs;
        const bool isMajor = index % parts == 0;
        result.append(
            {ns, timeToX(ns), isMajor, isMajor ? formatDuration(relativeNs, step.ns) : QString()});
        if (qAddOverflow(relativeNs, tickStepNs, &relativeNs))
            break;
        ++index;
    }
    return result;
}

QString TimelineCoordinates::formatDuration(qint64 ns, qint64 resolutionNs)
{
    const qint64 resolution = std::max<qint64>(resolutionNs, 1);
    const bool isClock = resolution >= kNsPerMin;
    const quint64 quantum = isClock ? quint64(kNsPerS) : largestPowerOfTenAtMost(resolution);
    const quint64 rounded = roundedToMultiple(magnitude(ns), quantum);
    // resolution < 1 min here, so ten times it cannot overflow.
    QString text = isClock
                       ? clockText(rounded)
                       : decimalText(rounded, quantum, std::max(rounded, quint64(resolution) * 10));
    if (ns < 0 && rounded != 0)
        return kMinusSign % text;
    return text;
}

TimelineCoordinates TimelineCoordinates::placed(qint64 startNs, qint64 spanNs) const
{
    TimelineCoordinates result = *this;
    result.m_spanNs = spanNs;
    result.m_startNs = std::min(startNs, kMaxNs - spanNs);
    return result;
}

bool operator==(const TimelineCoordinates &a, const TimelineCoordinates &b)
{
    return a.m_startNs == b.m_startNs && a.m_spanNs == b.m_spanNs && a.m_left == b.m_left
           && a.m_width == b.m_width && a.m_originNs == b.m_originNs;
}
