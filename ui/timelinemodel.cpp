// SPDX-License-Identifier: GPL-3.0-only
#include "timelinemodel.h"

#include <QHash>
#include <QPointF>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

// Marks that fall into one bin of a level: a contiguous run [firstMark, lastMark].
struct TimelineModel::Aggregate
{
    qint64 bin = 0;
    qint64 firstNs = 0;
    qint64 lastNs = 0;
    qint64 bytes = 0;
    qint64 maxBytes = 0;
    int firstMark = 0;
    int lastMark = 0;
};

// One series of one lane, as parallel arrays sorted by time (ties keep arrival order).
struct TimelineModel::Series
{
    std::vector<qint64> tNs;
    std::vector<qint64> bytes;
    std::vector<qint64> totals;
    std::vector<int> refs;
    std::vector<qint64> linkNs; // Writes only
    // levels[L] for L in 1..kLevelCount, built on first use and kept up to date by in-order
    // appends; an out-of-order insert drops them all.
    mutable std::array<std::vector<Aggregate>, kLevelCount + 1> levels;
    mutable std::array<bool, kLevelCount + 1> isLevelBuilt{};

    int size() const { return int(tNs.size()); }
};

struct TimelineModel::LaneData
{
    QString name;
    std::array<Series, kTimelineSeriesCount> series;
    QList<TimelineWrite> writes;

    Series &of(TimelineSeries s) { return series[size_t(s)]; }
    const Series &of(TimelineSeries s) const { return series[size_t(s)]; }
};

namespace {

qint64 binWidthNs(int level)
{
    return TimelineModel::kLevelBaseNs << (TimelineModel::kLevelShift * (level - 1));
}

// floor(t / width) for width > 0.
qint64 binOf(qint64 tNs, qint64 width)
{
    const qint64 quotient = tNs / width;
    return (tNs % width != 0 && tNs < 0) ? quotient - 1 : quotient;
}

} // namespace

TimelineSeries timelineSeriesOf(ObservationKind kind)
{
    switch (kind) {
    case ObservationKind::Chunk:
    case ObservationKind::Message:
    case ObservationKind::Range:
    case ObservationKind::Wire:
        return TimelineSeries::Reads;
    case ObservationKind::Event:
    case ObservationKind::Comment:
    case ObservationKind::Sent:
    case ObservationKind::Ping:
    case ObservationKind::Pong:
    case ObservationKind::Poll:
        return TimelineSeries::Events;
    case ObservationKind::Request:
        return TimelineSeries::Requests;
    case ObservationKind::Headers:
        return TimelineSeries::Headers;
    case ObservationKind::Reconnect:
        return TimelineSeries::Reconnects;
    case ObservationKind::Error:
        return TimelineSeries::Errors;
    case ObservationKind::Close:
    case ObservationKind::Done:
        return TimelineSeries::Completions;
    }
    return TimelineSeries::Errors;
}

TimelineModel::TimelineModel(QObject *parent) : QObject(parent) {}

TimelineModel::~TimelineModel() = default;

void TimelineModel::clear()
{
    m_recording = Recording();
    m_lanes.clear();
    m_firstNs = 0;
    m_lastNs = -1;
    ++m_revision;
}

void TimelineModel::setRecording(const Recording &recording)
{
    clear();
    m_recording = recording;
    m_lanes.resize(size_t(recording.lanes.size()));
    for (int lane = 0; lane < recording.lanes.size(); ++lane)
        m_lanes[size_t(lane)].name = recording.lanes.at(lane).name;
    for (int index = 0; index < recording.observations.size(); ++index) {
        const Observation &observation = recording.observations.at(index);
        if (observation.lane < 0)
            continue;
        LaneData &lane = ensureLane(observation.lane);
        addMark(lane.of(timelineSeriesOf(observation.kind)), observation.tNs, observation.bytes,
                index);
    }
    for (int lane = 0; lane < recording.lanes.size(); ++lane) {
        addWrites(lane, recording.lanes.at(lane).sends);
        linkWrites(lane);
    }
    emit recordingReset();
}

void TimelineModel::appendObservation(const Observation &observation)
{
    if (observation.lane < 0)
        return;
    const int index = int(m_recording.observations.size());
    m_recording.observations.append(observation);
    LaneData &lane = ensureLane(observation.lane);
    addMark(lane.of(timelineSeriesOf(observation.kind)), observation.tNs, observation.bytes, index);
    ++m_revision;
    emit observationAppended(index);
}

TimelineModel::LaneData &TimelineModel::ensureLane(int lane)
{
    while (int(m_lanes.size()) <= lane) {
        const int index = int(m_lanes.size());
        m_lanes.emplace_back();
        if (index < m_recording.lanes.size()) {
            m_lanes.back().name = m_recording.lanes.at(index).name;
        } else {
            m_lanes.back().name = u"lane %1"_s.arg(index + 1);
            Lane added;
            added.name = m_lanes.back().name;
            m_recording.lanes.append(added);
        }
    }
    return m_lanes[size_t(lane)];
}

void TimelineModel::addMark(Series &series, qint64 tNs, qint64 bytes, int ref)
{
    noteTime(tNs);
    const bool isInOrder = series.tNs.empty() || series.tNs.back() <= tNs;
    const auto at = isInOrder ? series.tNs.end()
                              : std::upper_bound(series.tNs.begin(), series.tNs.end(), tNs);
    const size_t index = size_t(at - series.tNs.begin());
    series.tNs.insert(at, tNs);
    series.bytes.insert(series.bytes.begin() + qsizetype(index), bytes);
    series.refs.insert(series.refs.begin() + qsizetype(index), ref);
    series.linkNs.insert(series.linkNs.begin() + qsizetype(index), -1);
    series.totals.insert(series.totals.begin() + qsizetype(index), 0);
    for (size_t i = index; i < series.totals.size(); ++i)
        series.totals[i] = (i > 0 ? series.totals[i - 1] : 0) + series.bytes[i];
    if (!isInOrder) {
        series.isLevelBuilt.fill(false);
        return;
    }
    const int mark = series.size() - 1;
    for (int level = 1; level <= kLevelCount; ++level) {
        if (!series.isLevelBuilt[size_t(level)])
            continue;
        std::vector<Aggregate> &aggregates = series.levels[size_t(level)];
        const qint64 bin = binOf(tNs, binWidthNs(level));
        if (!aggregates.empty() && aggregates.back().bin == bin) {
            Aggregate &last = aggregates.back();
            last.lastNs = tNs;
            last.bytes += bytes;
            last.maxBytes = std::max(last.maxBytes, bytes);
            last.lastMark = mark;
        } else {
            aggregates.push_back({bin, tNs, tNs, bytes, bytes, mark, mark});
        }
    }
}

void TimelineModel::addWrites(int lane, const QList<ExchangeSends> &sends)
{
    LaneData &data = ensureLane(lane);
    for (const ExchangeSends &exchange : sends) {
        for (const SentWrite &write : exchange.writes)
            data.writes.append({exchange.exchange, write});
    }
    // The series' refs index data.writes; stable_sort keeps each exchange's order for ties.
    std::vector<int> order(size_t(data.writes.size()));
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = int(i);
    std::stable_sort(order.begin(), order.end(), [&data](int a, int b) {
        return data.writes.at(a).write.tNs < data.writes.at(b).write.tNs;
    });
    for (const int index : order) {
        const SentWrite &write = data.writes.at(index).write;
        addMark(data.of(TimelineSeries::Writes), write.tNs, write.bytes, index);
    }
}

// Each write's end offset is matched to the first read of its exchange whose bytes reach it
// (the same rule as joinSendLog): that read completed the write.
void TimelineModel::linkWrites(int lane)
{
    LaneData &data = m_lanes[size_t(lane)];
    Series &writes = data.of(TimelineSeries::Writes);
    if (writes.tNs.empty())
        return;
    struct ReadEnd
    {
        qint64 endOffset;
        qint64 tNs;
    };
    QHash<int, std::vector<ReadEnd>> readsByExchange;
    QHash<int, qint64> received;
    for (const Observation &observation : std::as_const(m_recording.observations)) {
        if (observation.lane != lane
            || (observation.kind != ObservationKind::Chunk
                && observation.kind != ObservationKind::Range)) {
            continue;
        }
        qint64 &offset = received[observation.exchange];
        offset += observation.bytes;
        readsByExchange[observation.exchange].push_back({offset, observation.tNs});
    }
    for (int i = 0; i < writes.size(); ++i) {
        const TimelineWrite &write = data.writes.at(writes.refs[size_t(i)]);
        const auto reads = readsByExchange.constFind(write.exchange);
        if (reads == readsByExchange.cend())
            continue;
        const qint64 end = write.write.offset + write.write.bytes;
        const auto read = std::lower_bound(
            reads->begin(), reads->end(), end,
            [](const ReadEnd &r, qint64 offset) { return r.endOffset < offset; });
        writes.linkNs[size_t(i)] = read != reads->end() ? read->tNs : -1;
    }
}

void TimelineModel::noteTime(qint64 tNs)
{
    if (isEmpty()) {
        m_firstNs = m_lastNs = tNs;
        return;
    }
    m_firstNs = std::min(m_firstNs, tNs);
    m_lastNs = std::max(m_lastNs, tNs);
}

int TimelineModel::laneCount() const
{
    return int(m_lanes.size());
}

QString TimelineModel::laneName(int lane) const
{
    return m_lanes.at(size_t(lane)).name;
}

bool TimelineModel::laneHasSeries(int lane, TimelineSeries series) const
{
    return !m_lanes.at(size_t(lane)).of(series).tNs.empty();
}

const QList<TimelineWrite> &TimelineModel::laneWrites(int lane) const
{
    return m_lanes.at(size_t(lane)).writes;
}

qint64 TimelineModel::originNs() const
{
    if (m_recording.startedNs != 0 || isEmpty())
        return m_recording.startedNs;
    return m_firstNs;
}

qint64 TimelineModel::maxReadTotal() const
{
    qint64 result = 0;
    for (const LaneData &lane : m_lanes) {
        const Series &reads = lane.of(TimelineSeries::Reads);
        if (!reads.totals.empty())
            result = std::max(result, reads.totals.back());
    }
    return result;
}

int TimelineModel::markCount(int lane, TimelineSeries series) const
{
    return m_lanes.at(size_t(lane)).of(series).size();
}

TimelineMark TimelineModel::mark(int lane, TimelineSeries series, int index) const
{
    const Series &s = m_lanes.at(size_t(lane)).of(series);
    const size_t i = size_t(index);
    return {s.tNs.at(i), s.bytes.at(i), s.totals.at(i), s.refs.at(i), s.linkNs.at(i)};
}

const std::vector<TimelineModel::Aggregate> &TimelineModel::level(const Series &series,
                                                                  int level) const
{
    std::vector<Aggregate> &aggregates = series.levels[size_t(level)];
    if (series.isLevelBuilt[size_t(level)])
        return aggregates;
    aggregates.clear();
    const qint64 width = binWidthNs(level);
    for (int mark = 0; mark < series.size(); ++mark) {
        const qint64 tNs = series.tNs[size_t(mark)];
        const qint64 bytes = series.bytes[size_t(mark)];
        const qint64 bin = binOf(tNs, width);
        if (!aggregates.empty() && aggregates.back().bin == bin) {
            Aggregate &last = aggregates.back();
            last.lastNs = tNs;
            last.bytes += bytes;
            last.maxBytes = std::max(last.maxBytes, bytes);
            last.lastMark = mark;
        } else {
            aggregates.push_back({bin, tNs, tNs, bytes, bytes, mark, mark});
        }
    }
    series.isLevelBuilt[size_t(level)] = true;
    return aggregates;
}

int TimelineModel::levelFor(const TimelineCoordinates &c)
{
    const double binLimitNs = double(c.spanNs()) / c.width() / kBinsPerPixel;
    int result = 0;
    for (int level = 1; level <= kLevelCount; ++level) {
        if (double(binWidthNs(level)) > binLimitNs)
            break;
        result = level;
    }
    return result;
}

namespace {

int columnCount(const TimelineCoordinates &c)
{
    return std::max(1, int(std::ceil(c.width())));
}

// The pixel column of time tNs, clamped to the span's columns.
int columnOf(const TimelineCoordinates &c, qint64 tNs, int columns)
{
    const double offset = std::floor(c.timeToX(tNs) - c.left());
    return int(std::clamp(offset, 0.0, double(columns - 1)));
}

// Adds a run of marks on `column` to the buckets, merging with the last bucket on the same
// column (runs arrive in time order, so columns never decrease).
void mergeRun(QList<TimelineBucket> &buckets, const TimelineBucket &run)
{
    if (buckets.isEmpty() || buckets.back().px != run.px) {
        buckets.append(run);
        return;
    }
    TimelineBucket &last = buckets.back();
    last.lastNs = run.lastNs;
    last.count += run.count;
    last.bytes += run.bytes;
    last.maxBytes = std::max(last.maxBytes, run.maxBytes);
    last.lastTotal = run.lastTotal;
    last.lastMark = run.lastMark;
}

} // namespace

QList<TimelineBucket> TimelineModel::buckets(int lane, TimelineSeries series,
                                             const TimelineCoordinates &c) const
{
    const Series &s = m_lanes.at(size_t(lane)).of(series);
    const int columns = columnCount(c);
    QList<TimelineBucket> result;
    const int levelIndex = levelFor(c);
    if (levelIndex == 0) {
        const auto begin = std::lower_bound(s.tNs.begin(), s.tNs.end(), c.startNs());
        const auto end = std::lower_bound(begin, s.tNs.end(), c.endNs());
        result.reserve(std::min<qsizetype>(end - begin, columns));
        for (auto it = begin; it != end; ++it) {
            const int mark = int(it - s.tNs.begin());
            const qint64 bytes = s.bytes[size_t(mark)];
            mergeRun(result, {columnOf(c, *it, columns), *it, *it, 1, bytes, bytes,
                              s.totals[size_t(mark)], mark, mark});
        }
        return result;
    }
    const std::vector<Aggregate> &aggregates = level(s, levelIndex);
    const auto begin
        = std::lower_bound(aggregates.begin(), aggregates.end(), c.startNs(),
                           [](const Aggregate &a, qint64 ns) { return a.lastNs < ns; });
    const auto end = std::lower_bound(begin, aggregates.end(), c.endNs(),
                                      [](const Aggregate &a, qint64 ns) { return a.firstNs < ns; });
    result.reserve(std::min<qsizetype>(end - begin, columns));
    for (auto it = begin; it != end; ++it) {
        const int column = columnOf(c, std::max(it->firstNs, c.startNs()), columns);
        mergeRun(result,
                 {column, it->firstNs, it->lastNs, it->lastMark - it->firstMark + 1, it->bytes,
                  it->maxBytes, s.totals[size_t(it->lastMark)], it->firstMark, it->lastMark});
    }
    return result;
}

TimelineBucket TimelineModel::hitTest(int lane, TimelineSeries series, const TimelineCoordinates &c,
                                      double x, double radiusPx) const
{
    const Series &s = m_lanes.at(size_t(lane)).of(series);
    if (s.tNs.empty())
        return {};
    const auto at = std::lower_bound(s.tNs.begin(), s.tNs.end(), c.xToTime(x));
    int nearest = int(at - s.tNs.begin());
    if (nearest == s.size()
        || (nearest > 0
            && std::abs(c.timeToX(s.tNs[size_t(nearest - 1)]) - x)
                   <= std::abs(c.timeToX(s.tNs[size_t(nearest)]) - x))) {
        --nearest;
    }
    const qint64 nearestNs = s.tNs[size_t(nearest)];
    if (!(std::abs(c.timeToX(nearestNs) - x) <= radiusPx))
        return {};
    const auto columnAt = [&c, &s](int mark) {
        return std::floor(c.timeToX(s.tNs[size_t(mark)]) - c.left());
    };
    const double column = columnAt(nearest);
    int first = nearest;
    while (first > 0 && columnAt(first - 1) == column)
        --first;
    int last = nearest;
    while (last + 1 < s.size() && columnAt(last + 1) == column)
        ++last;
    TimelineBucket hit{int(column),
                       s.tNs[size_t(first)],
                       s.tNs[size_t(last)],
                       last - first + 1,
                       0,
                       0,
                       s.totals[size_t(last)],
                       first,
                       last};
    for (int mark = first; mark <= last; ++mark) {
        hit.bytes += s.bytes[size_t(mark)];
        hit.maxBytes = std::max(hit.maxBytes, s.bytes[size_t(mark)]);
    }
    return hit;
}

qint64 TimelineModel::readTotalBefore(int lane, qint64 ns) const
{
    const Series &reads = m_lanes.at(size_t(lane)).of(TimelineSeries::Reads);
    const auto at = std::lower_bound(reads.tNs.begin(), reads.tNs.end(), ns);
    return at == reads.tNs.begin() ? 0 : reads.totals[size_t(at - reads.tNs.begin() - 1)];
}

QList<QPointF> TimelineModel::cumulativeSteps(int lane, const TimelineCoordinates &c) const
{
    qint64 total = readTotalBefore(lane, c.startNs());
    QList<QPointF> points{{c.left(), double(total)}};
    const QList<TimelineBucket> steps = buckets(lane, TimelineSeries::Reads, c);
    points.reserve(2 * steps.size() + 2);
    for (const TimelineBucket &step : steps) {
        const double x = c.left() + step.px;
        points.append({x, double(total)});
        total = step.lastTotal;
        points.append({x, double(total)});
    }
    if (isEmpty())
        return points;
    const double endX = std::min(c.right(), c.timeToX(m_lastNs));
    if (endX > points.back().x())
        points.append({endX, double(total)});
    return points;
}
