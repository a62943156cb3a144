// SPDX-License-Identifier: GPL-3.0-only
#include "heartbeatclock.h"

#include "monoclock.h"

std::atomic<int> HeartbeatClock::s_total{0};

HeartbeatClock::HeartbeatClock(QObject *parent) : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HeartbeatClock::onTimeout);
}

HeartbeatClock::~HeartbeatClock()
{
    s_total -= int(m_entries.size());
}

HeartbeatClock::Id HeartbeatClock::subscribe(int intervalMs, std::function<void()> beat)
{
    Q_ASSERT(intervalMs > 0);
    const Id id = m_nextId++;
    Entry entry;
    entry.intervalNs = qint64(intervalMs) * 1'000'000;
    entry.slackNs = qMin(kMaxSlackNs, entry.intervalNs / 4);
    entry.beat = std::move(beat);
    const qint64 at = monotonicNowNs() + entry.intervalNs;
    m_queue.push({at - entry.slackNs, at, id});
    m_entries.emplace(id, std::move(entry));
    ++s_total;
    arm();
    return id;
}

void HeartbeatClock::unsubscribe(Id id)
{
    // The queue keeps the stale entry until it comes up: cheaper than searching a heap.
    if (m_entries.erase(id) > 0)
        --s_total;
}

void HeartbeatClock::onTimeout()
{
    const qint64 now = monotonicNowNs();
    std::vector<Id> beating;
    while (!m_queue.empty() && m_queue.top().earliestNs <= now) {
        const Due due = m_queue.top();
        m_queue.pop();
        const auto found = m_entries.find(due.id);
        if (found == m_entries.end())
            continue;
        const Entry &entry = found->second;
        // The next beat keeps this subscription's phase; beats missed while the loop was
        // blocked are skipped, not sent in a burst.
        qint64 next = due.atNs + entry.intervalNs;
        while (next - entry.slackNs <= now)
            next += entry.intervalNs;
        m_queue.push({next - entry.slackNs, next, due.id});
        beating.push_back(due.id);
    }
    for (const Id id : beating) {
        const auto found = m_entries.find(id);  // an earlier beat may have ended this one
        if (found == m_entries.end())
            continue;
        const std::function<void()> beat = found->second.beat;  // may unsubscribe itself
        beat();
    }
    arm();
}

void HeartbeatClock::arm()
{
    while (!m_queue.empty() && m_entries.count(m_queue.top().id) == 0)
        m_queue.pop();
    if (m_queue.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wanted = m_queue.top().earliestNs;
    // Restarting a timer costs a search through the dispatcher's timer list: only when the
    // earliest beat moved earlier (or the timer is idle).
    if (m_timer.isActive() && m_armedForNs <= wanted)
        return;
    const qint64 waitNs = wanted - monotonicNowNs();
    const int waitMs = waitNs <= 0 ? 0 : int((waitNs + 999'999) / 1'000'000);
    m_armedForNs = wanted;
    m_timer.start(waitMs);
}
