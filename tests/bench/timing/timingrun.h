// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "recording.h"
#include "timelineview.h"
#include "timingclock.h"

#include <QObject>
#include <QTimer>

#include <vector>

class ProbeRunner;
class TimelineModel;
class TimelineViewState;

namespace timing {

// A TimelineView that times each of its paint events (GUI thread).
class TimedTimelineView : public TimelineView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimedTimelineView)
public:
    using TimelineView::TimelineView;
    ~TimedTimelineView() override;

    struct Frame
    {
        qint64 startNs = 0; // monotonic time the paint event began
        qint64 paintNs = 0; // how long it took
    };
    const std::vector<Frame> &frames() const { return m_frames; }
    void clearFrames() { m_frames.clear(); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::vector<Frame> m_frames;
};

// One run of the timing bench as the lab window would do it: the probes read in the
// ProbeRunner's worker thread while the GUI thread shows the live timeline and repaints it at
// display rate (every kFrameMs, the window sliding with the clock, so every frame rebuilds the
// geometry). Thread: GUI thread.
class LiveRun : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveRun)
public:
    static constexpr int kFrameMs = 16;
    static constexpr qint64 kWindowNs = 3'000'000'000; // the live window's span

    // `showsView` false (diagnosis only): no view, no model, no frames; the probes alone.
    explicit LiveRun(bool showsView = true, QObject *parent = nullptr);
    ~LiveRun() override;

    struct Outcome
    {
        Recording recording;
        ClockPair before;
        ClockPair after;
        std::vector<TimedTimelineView::Frame> frames;
        bool isComplete = false; // false: it ran past its time limit and was stopped
    };
    // Runs `lanes` together until every lane finished (or `limitMs` passed), then joins the
    // raw lanes' send logs too (the runner only joins those of QNAM-based lanes).
    Outcome run(const QList<Lane> &lanes, const QString &title, int limitMs);

    QWidget *view() const;
    // Diagnosis only: one ProbeRunner for every run, as the lab window keeps one.
    void setReusesRunner(bool reuses) { m_reusesRunner = reuses; }

private:
    void onFrame();
    void addRawSendLogs(Recording &recording);

    ProbeRunner *m_runner = nullptr;      // child, one per run
    TimelineModel *m_model = nullptr;     // child
    TimelineViewState *m_state = nullptr; // child
    TimedTimelineView *m_view = nullptr;  // top-level window, owned
    QTimer m_frameTimer;
    bool m_reusesRunner = false;
    bool m_showsView = true;
};

} // namespace timing
