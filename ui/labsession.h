// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "recording.h"

#include <QList>
#include <QObject>
#include <QPointer>

class ProbeRunner;

// What the lab window runs and shows: one lesson's lanes, run once or several times in a row
// (Repeat N, the runs overlaid on one clock), paused and resumed (range lanes), or a recording
// loaded from a session file. It owns the ProbeRunner (whose probes read in a worker thread);
// views only read what it emits and never measure.
//
// Live: started() hands the skeleton of the run that begins (its lanes, its zero; during a
// Repeat, the earlier runs overlaid with the new run's empty lanes after them), then observed()
// each observation as the probes record it, already placed in that skeleton. When the run ends,
// recordingChanged() says recording() holds the complete picture: the overlay of every run so far,
// or the earlier run continued by its resumption. lastRun() is the newest single run (what the
// lanes' content views show).
//
// Thread: GUI thread only.
class LabSession : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabSession)
public:
    static constexpr int kMaxRepeat = 20;

    explicit LabSession(QObject *parent = nullptr);
    ~LabSession() override;

    // Starts all `lanes` together, `repeat` times in a row (1..kMaxRepeat). A run in progress
    // is stopped first.
    void run(const QList<Lane> &lanes, const QString &title, int repeat = 1);
    // Ends the run now and cancels the repeats still to come.
    void stop();
    // Range lanes: ends the run now; resume() then continues the lanes that saved a partial
    // file (settings.outputPath) where they stopped, with If-Range.
    void pause();
    void resume();
    bool canResume() const { return m_isPaused; }
    // Whether the newest run continues a paused one (its lanes are named "… · resumed").
    bool isResumed() const { return m_continuation == Continuation::Resumed; }
    bool isRunning() const;

    // Lesson controls, forwarded to the running probe of `lane`; a refusal comes back as
    // controlRefused().
    void dropConnection(int lane);
    void sendMessage(int lane, const QString &text);

    // Shows a recording from a file: no run, nothing to resume.
    void setRecording(const Recording &recording);
    const Recording &recording() const { return m_recording; }
    const Recording &lastRun() const { return m_lastRun; }
    int runNumber() const { return m_runs.size() + (isRunning() ? 1 : 0); }
    // The first lane of what started() showed that the live run draws into (earlier lanes
    // belong to the paused recording or to earlier runs of the Repeat).
    int firstLiveLane() const { return m_laneOffset; }
    int repeatCount() const { return m_repeat; }

signals:
    void started(const Recording &skeleton);
    void observed(const Observation &observation);
    void laneFinished(int lane, bool isSuccess);
    void recordingChanged();
    void runningChanged(bool isRunning);
    void controlRefused(const QString &message);

private:
    enum class Continuation {
        Fresh,   // a new run: overlaid on the earlier runs of this Repeat
        Resumed, // a resumption: continues the paused recording
    };

    void startRun(Continuation continuation);
    void onRunFinished();

    ProbeRunner *m_runner = nullptr; // child
    QList<Lane> m_lanes;
    QString m_title;
    int m_repeat = 1;
    QList<Recording> m_runs; // finished runs of the current Repeat
    Recording m_recording;   // what the views show when no run is live
    Recording m_lastRun;
    Recording m_paused; // the recording a resume continues
    Continuation m_continuation = Continuation::Fresh;
    // Where the live run's observations go in what started() showed: a resumed run's lanes
    // follow the paused recording's, a repeat's follow the earlier runs' (shifted in time so
    // every run starts at the first run's zero).
    int m_laneOffset = 0;
    qint64 m_shiftNs = 0;
    bool m_isStopping = false;
    bool m_isPausing = false;
    bool m_isPaused = false;
};
