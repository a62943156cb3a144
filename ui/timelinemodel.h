// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "recording.h"
#include "timelinecoordinates.h"

#include <QList>
#include <QObject>

#include <array>
#include <vector>

// Layer 2 of the chunk-arrival timeline, the data half of the geometry cache: every lane's
// marks sorted by time, per series, with per-zoom-level aggregates, and the queries the view
// draws from. Built from a Recording snapshot and extended observation by observation during
// a live run; never measures anything and never changes the recording it was given.
//
// Times are ns on the recording's monotonic clock; pixels are relative to a
// TimelineCoordinates' left edge. Thread: GUI thread only (queries fill a lazy cache).

// What a mark stands for. Each lane has one sorted series of each.
enum class TimelineSeries {
    Reads,       // payload pieces: body reads, WebSocket messages, ranges, raw wire reads
    Events,      // SSE events and comments, polls, pings, pongs, sent WebSocket messages
    Writes,      // the server's writes from the send log (Lane::sends)
    Requests,    // a request went out
    Headers,     // response headers arrived
    Reconnects,  // the probe will reconnect
    Errors,      // something failed
    Completions, // the lane finished (Done) or the WebSocket closed (Close)
};
inline constexpr int kTimelineSeriesCount = 8;
inline constexpr std::array<TimelineSeries, 5> kTimelineMarkerSeries
    = {TimelineSeries::Requests, TimelineSeries::Headers, TimelineSeries::Reconnects,
       TimelineSeries::Errors, TimelineSeries::Completions};

// The series an observation of `kind` belongs to.
TimelineSeries timelineSeriesOf(ObservationKind kind);

// The marks of one series that fall on one pixel column, merged.
struct TimelineBucket
{
    int px = 0;         // pixel column: floor(timeToX(firstNs) - left), clamped to the span
    qint64 firstNs = 0; // time of the first and last merged mark
    qint64 lastNs = 0;
    qint64 count = 0;     // marks merged
    qint64 bytes = 0;     // their bytes, summed
    qint64 maxBytes = 0;  // the largest single mark
    qint64 lastTotal = 0; // running byte total of the series after the last merged mark
    int firstMark = 0;    // mark indices in the series, [firstMark, lastMark]
    int lastMark = 0;
};

// One mark, as stored.
struct TimelineMark
{
    qint64 tNs = 0;
    qint64 bytes = 0;
    qint64 total = 0;   // running byte total of the series in time order, this mark included
    int ref = -1;       // observation index (Writes: index into laneWrites())
    qint64 linkNs = -1; // Writes only: time of the read that completed the write, or -1
};

// A server write with the exchange it belongs to.
struct TimelineWrite
{
    int exchange = 0;
    SentWrite write;
};

class TimelineModel : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineModel)
public:
    // Aggregate levels: level L >= 1 merges marks into bins of kLevelBaseNs * 4^(L - 1) ns.
    static constexpr qint64 kLevelBaseNs = 1'000;
    static constexpr int kLevelShift = 2; // 4x per level
    static constexpr int kLevelCount = 20;
    // A query uses the coarsest level whose bins are at most 1/kBinsPerPixel of a pixel, so a
    // bin's marks land at most that far from their own pixel.
    static constexpr double kBinsPerPixel = 4;

    explicit TimelineModel(QObject *parent = nullptr);
    ~TimelineModel() override;

    // Replaces everything with `recording` (a copy; QList shares it until either side
    // changes). Links each server write to the read that completed it by byte offset.
    void setRecording(const Recording &recording);
    // A live run: one more observation, normally the newest. A lane index beyond the known
    // lanes adds lanes named after their index. Costs O(levels) unless it arrives out of
    // time order within its series.
    void appendObservation(const Observation &observation);
    void clear();

    // Bumped by every change; the view rebuilds its geometry when it moves.
    quint64 revision() const { return m_revision; }
    const Recording &recording() const { return m_recording; }
    const Observation &observation(int index) const { return m_recording.observations.at(index); }

    int laneCount() const;
    QString laneName(int lane) const;
    bool laneHasSeries(int lane, TimelineSeries series) const;
    const QList<TimelineWrite> &laneWrites(int lane) const;

    bool isEmpty() const { return m_firstNs > m_lastNs; }
    qint64 firstNs() const { return m_firstNs; } // earliest mark of any series
    qint64 lastNs() const { return m_lastNs; }   // newest mark of any series
    // The time axis' zero: the recording's startedNs, or the first mark if that is unset.
    qint64 originNs() const;
    // The largest final Reads total of any lane: the cumulative chart's full scale.
    qint64 maxReadTotal() const;

    int markCount(int lane, TimelineSeries series) const;
    TimelineMark mark(int lane, TimelineSeries series, int index) const;

    // The marks of a series inside the window of `c`, merged per pixel column, in time order.
    // Zoomed out it reads a level's aggregates, so cost is O(log n + visible columns); counts
    // and bytes stay exact for a window holding all marks (a bin straddling an edge of a
    // partial window counts in the edge column).
    QList<TimelineBucket> buckets(int lane, TimelineSeries series,
                                  const TimelineCoordinates &c) const;
    // The marks on the pixel column of the mark nearest to x, if that one lies within
    // radiusPx of x; count 0 if none.
    TimelineBucket hitTest(int lane, TimelineSeries series, const TimelineCoordinates &c, double x,
                           double radiusPx) const;
    // Reads total of the lane before time ns (0 before the first read).
    qint64 readTotalBefore(int lane, qint64 ns) const;
    // The cumulative-bytes staircase of a lane in the window: (x in pixels, bytes) vertices,
    // from left() at the total before the window, a vertical step at each read column, then
    // flat to the newest mark of the recording or right(), whichever comes first (no flat
    // end if the last step is there already).
    QList<QPointF> cumulativeSteps(int lane, const TimelineCoordinates &c) const;

signals:
    void recordingReset();
    void observationAppended(int index);

private:
    struct Aggregate;
    struct Series;
    struct LaneData;

    LaneData &ensureLane(int lane);
    void addMark(Series &series, qint64 tNs, qint64 bytes, int ref);
    void addWrites(int lane, const QList<ExchangeSends> &sends);
    void linkWrites(int lane);
    const std::vector<Aggregate> &level(const Series &series, int level) const;
    static int levelFor(const TimelineCoordinates &c);
    void noteTime(qint64 tNs);

    Recording m_recording;
    std::vector<LaneData> m_lanes;
    qint64 m_firstNs = 0;
    qint64 m_lastNs = -1;
    quint64 m_revision = 0;
};
