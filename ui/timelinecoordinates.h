// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QList>
#include <QString>
#include <QtGlobal>

// Layer 1 of the chunk-arrival timeline: the pure mapping between time and pixels, and the
// ticks of a readable time axis. A window of monotonic-clock time [startNs, endNs) is drawn
// onto the pixel span [left, left + width). Times are qint64 nanoseconds on the one monotonic
// clock of a recording; x positions are double pixels in the widget's coordinates.
//
// A plain value type: copyable, no QObject; const functions are thread-safe. Every function
// is defined for every input (times at the qint64 limits, negative times, NaN or infinite
// pixels and factors): nothing divides by zero or overflows.
//
// Invariants, kept by the constructor and both setters:
//  - the window spans 1 to INT64_MAX ns. An empty or reversed window becomes
//    [startNs, startNs + 1) (startNs moves back 1 ns if it is INT64_MAX); a window wider than
//    INT64_MAX ns keeps startNs and is cut to INT64_MAX ns;
//  - the pixel span is 1 to kMaxWidthPx wide (below 1 or NaN: 1) and left is finite (else 0).
// The transformations (zoomedAround, pannedBy, followingLive, fitted) keep the pixel span and
// the origin, and move the window only as far as it still fits into qint64.
class TimelineCoordinates
{
public:
    // One tick of the time axis. Majors carry a label; minors have an empty one.
    struct Tick
    {
        qint64 ns = 0; // absolute time, a multiple of the tick step away from originNs()
        double x = 0;  // timeToX(ns), between left() and right()
        bool isMajor = false;
        QString label; // formatDuration(ns - originNs(), major step) for majors
    };

    static constexpr qint64 kMinSpanNs = 1'000;                          // zoom-in limit: 1 µs
    static constexpr qint64 kMaxSpanNs = 24LL * 60 * 60 * 1'000'000'000; // zoom-out limit: 24 h
    static constexpr double kMaxWidthPx = 1'000'000;
    static constexpr double kDefaultMinPixelsBetweenMajor = 80;
    static constexpr double kMinPixelsBetweenMajor = 10; // smaller requests are raised to this
    static constexpr double kMinPixelsBetweenMinor = 4;  // denser minor ticks are left out

    // [0, 1 s) onto one pixel at x = 0, origin 0.
    TimelineCoordinates() = default;
    TimelineCoordinates(qint64 startNs, qint64 endNs, double left, double width);

    void setWindow(qint64 startNs, qint64 endNs);
    void setPixelSpan(double left, double width);
    // The time that tick labels call 0 (the recording's start). Does not move the window.
    void setOriginNs(qint64 originNs) { m_originNs = originNs; }

    qint64 startNs() const { return m_startNs; }
    qint64 endNs() const { return m_startNs + m_spanNs; } // exclusive
    qint64 spanNs() const { return m_spanNs; }            // endNs() - startNs(), >= 1
    double left() const { return m_left; }
    double width() const { return m_width; }
    double right() const { return m_left + m_width; } // exclusive
    qint64 originNs() const { return m_originNs; }
    double pixelsPerNs() const { return m_width / double(m_spanNs); }

    // x of time `ns`: linear in ns, startNs() -> left(), endNs() -> right(), extrapolated
    // outside the window; always finite.
    double timeToX(qint64 ns) const;
    // Time at pixel x, the inverse of timeToX rounded to the nearest ns (halves away from
    // startNs); extrapolated outside the window, saturated at the qint64 limits; NaN -> startNs().
    qint64 xToTime(double x) const;

    // The smallest span zoomedAround() and fitted() produce: kMinSpanNs, or one ns per pixel
    // on a widget wider than kMinSpanNs pixels, since times are whole nanoseconds.
    qint64 minimumSpanNs() const;

    // Zoom by `factor` (> 1 zooms in, < 1 out) keeping the time under pixel x, rounded to a
    // whole ns, within half a pixel of x. The new span is spanNs() / factor clamped to
    // [minimumSpanNs(), kMaxSpanNs]. A factor that is NaN, zero or negative changes nothing.
    TimelineCoordinates zoomedAround(double x, double factor) const;
    // Drag: the content moves right by dxPixels (the window moves dxPixels * ns-per-pixel
    // earlier, rounded to whole ns), so the time under the mouse stays under the mouse.
    // pannedBy(d).pannedBy(-d) is the original unless a qint64 limit was hit.
    TimelineCoordinates pannedBy(double dxPixels) const;
    // Same span, with nowNs at the right edge: the window becomes [nowNs - span, nowNs).
    TimelineCoordinates followingLive(qint64 nowNs) const;
    // The window centred on the middle of [firstNs, lastNs] (either order), spanning
    // (lastNs - firstNs) * (1 + 2 * marginFraction), i.e. marginFraction of the data's span
    // is added on each side; clamped to [minimumSpanNs(), kMaxSpanNs]. A NaN or negative
    // marginFraction counts as 0.
    TimelineCoordinates fitted(qint64 firstNs, qint64 lastNs, double marginFraction) const;

    // The step between major ticks in ns: the smallest step of the ladder whose spacing is at
    // least minPixelsBetweenMajor (below kMinPixelsBetweenMajor: that; NaN: the default).
    // The ladder is 1-2-5 x 10^k ns up to 50 s, then 1 2 5 10 20 30 min, then 1-2-5 x 10^k h;
    // neighbours differ by at most 2.5x, so the spacing stays below 2.5 x the minimum except
    // at the 1 ns floor. If even the largest step is too dense, that step.
    qint64 majorStepNs(double minPixelsBetweenMajor = kDefaultMinPixelsBetweenMajor) const;
    // The ticks inside [startNs(), endNs()), in time order. Majors sit on multiples of
    // majorStepNs() counted from originNs(). Minor ticks split each major interval into 5
    // (leading digit 1 or 5), 4 (leading digit 2) or 6 (1 min, 30 min, 1 h) parts; they are left
    // out when a part is not a whole ns or is narrower than kMinPixelsBetweenMinor. At most
    // width / max(minPixelsBetweenMajor, kMinPixelsBetweenMajor) + 1 majors (for a window of
    // centuries or an infinite minimum, the ladder's largest step: at most two). Empty if the
    // window is so far from originNs() that the distance does not fit in qint64.
    QList<Tick> ticks(double minPixelsBetweenMajor = kDefaultMinPixelsBetweenMajor) const;

    // Human-readable duration, for axis labels and tooltips: "1.234 ms", "12 µs", "3 s",
    // "−1.5 ms", "2:05", "1:02:03".
    //  - resolutionNs >= 60 s: clock format m:ss, or h:mm:ss from one hour on, rounded to
    //    whole seconds;
    //  - otherwise a decimal number rounded to the largest power of ten of ns not above
    //    resolutionNs, in the largest of ns, µs, ms and s not above max(|rounded ns|,
    //    10 * resolutionNs), trailing zeros dropped ("1.5 ms", "2 ms", never "2.000 ms").
    //    So adjacent multiples of a 1-2-5 step always read differently, an axis step of
    //    0.5 ms reads in ms, and a time far from the origin in the largest unit ("300.0001 s").
    // Negative values start with U+2212 MINUS SIGN unless they round to 0; "µs" uses U+00B5
    // MICRO SIGN; digits are ASCII with '.' as the decimal point, whatever the locale.
    // A resolution below 1 ns counts as 1 ns.
    static QString formatDuration(qint64 ns, qint64 resolutionNs);

    friend bool operator==(const TimelineCoordinates &a, const TimelineCoordinates &b);
    friend bool operator!=(const TimelineCoordinates &a, const TimelineCoordinates &b)
    {
        return !(a == b);
    }

private:
    // This with the window [startNs, startNs + spanNs), startNs moved back if needed to fit.
    TimelineCoordinates placed(qint64 startNs, qint64 spanNs) const;

    qint64 m_startNs = 0;
    qint64 m_spanNs = 1'000'000'000;
    double m_left = 0;
    double m_width = 1;
    qint64 m_originNs = 0;
};

Q_DECLARE_TYPEINFO(TimelineCoordinates::Tick, Q_RELOCATABLE_TYPE);
