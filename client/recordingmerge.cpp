// SPDX-License-Identifier: GPL-3.0-only
#include "recording.h"

using namespace Qt::StringLiterals;

namespace {

// `run`'s lanes appended to `into`, named with `suffix`, and its observations renumbered to
// them and shifted by `shiftNs`; the observations are returned, not appended, so the caller
// decides how they join the others.
QList<Observation> appendLanes(Recording &into, const Recording &run, const QString &suffix,
                               qint64 shiftNs)
{
    const int firstLane = int(into.lanes.size());
    for (Lane lane : run.lanes) {
        lane.name += suffix;
        for (ExchangeSends &sends : lane.sends) {
            for (SentWrite &write : sends.writes)
                write.tNs += shiftNs;
        }
        into.lanes.append(std::move(lane));
    }
    QList<Observation> observations;
    observations.reserve(run.observations.size());
    for (Observation observation : run.observations) {
        observation.lane += firstLane;
        observation.tNs += shiftNs;
        observations.append(std::move(observation));
    }
    return observations;
}

// A stable merge by time of two sequences: each keeps its own order, and on equal times (or
// when a sequence is not itself sorted) `first` goes first.
QList<Observation> mergeByTime(const QList<Observation> &first, const QList<Observation> &second)
{
    QList<Observation> merged;
    merged.reserve(first.size() + second.size());
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < first.size() && j < second.size()) {
        if (second.at(j).tNs < first.at(i).tNs)
            merged.append(second.at(j++));
        else
            merged.append(first.at(i++));
    }
    merged.append(first.mid(i));
    merged.append(second.mid(j));
    return merged;
}

} // namespace

Recording overlayRuns(const QList<Recording> &runs)
{
    if (runs.isEmpty())
        return {};
    Recording overlay = runs.first();
    for (qsizetype run = 1; run < runs.size(); ++run) {
        const Recording &later = runs.at(run);
        const QList<Observation> observations =
                appendLanes(overlay, later, u" · run %1"_s.arg(run + 1),
                            overlay.startedNs - later.startedNs);
        overlay.observations = mergeByTime(overlay.observations, observations);
    }
    return overlay;
}

Recording continueRun(const Recording &earlier, const Recording &later)
{
    Recording continued = earlier;
    continued.observations.append(appendLanes(continued, later, u" · resumed"_s, 0));
    return continued;
}
