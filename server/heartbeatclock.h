// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QObject>
#include <QTimer>

#include <atomic>
#include <functional>
#include <queue>
#include <unordered_map>
#include <vector>

// Heartbeats for every stream of a server from one timer (instead of one QTimer per stream).
// Each subscription beats every `intervalMs` from the moment it subscribed, so every stream
// keeps its own phase. The clock wakes for the earliest beat due and serves, in that same
// wake-up, every beat due within a little slack of it (at most 10 ms, and a quarter of the
// subscription's interval): a beat may come that much early, never late. Ten thousand streams
// thus cost at most about a hundred wake-ups a second rather than ten thousand, and no
// QObject or timer of their own. Uses Qt::PreciseTimer. Lives in the server thread.
class HeartbeatClock : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeartbeatClock)
public:
    using Id = quint64;
    static constexpr qint64 kMaxSlackNs = 10'000'000;

    explicit HeartbeatClock(QObject *parent = nullptr);
    ~HeartbeatClock() override;

    // `beat` runs every `intervalMs` (> 0) until unsubscribe(); it may unsubscribe itself.
    Id subscribe(int intervalMs, std::function<void()> beat);
    void unsubscribe(Id id);

    int subscriptionCount() const { return int(m_entries.size()); }
    // Subscriptions of every clock in the process (tests prove that none outlives its stream).
    static int totalSubscriptions() { return s_total.load(); }

private:
    void onTimeout();
    void arm();

    struct Entry
    {
        qint64 intervalNs = 0;
        qint64 slackNs = 0;
        std::function<void()> beat;
    };
    struct Due
    {
        qint64 earliestNs;  // the beat's time minus its slack: when it may be served
        qint64 atNs;        // when it is due
        Id id;
        bool operator>(const Due &other) const { return earliestNs > other.earliestNs; }
    };

    QTimer m_timer;
    std::priority_queue<Due, std::vector<Due>, std::greater<>> m_queue;  // may hold stale ids
    std::unordered_map<Id, Entry> m_entries;
    Id m_nextId = 1;
    qint64 m_armedForNs = 0;
    static std::atomic<int> s_total;
};
