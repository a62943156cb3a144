// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "recording.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

class Probe;
class RunWorker;
struct RecordingStore;

// Runs one recording's lanes side by side in a worker thread of its own, so that nothing the
// GUI (or a CLI's printing) does can delay a read or shift a timestamp: every probe, its
// QNetworkAccessManager and its sockets live in that thread, and each observation is stamped
// there when the data is read. After the last lane finishes, the runner fetches the built-in
// server's send log for every exchange that carried an X-StreamLab-Id header and joins it.
//
// Thread: create and use from one thread (the GUI's or main's). Signals arrive in that thread,
// queued; recording() may be read at any time (a consistent snapshot under a mutex).
class ProbeRunner : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProbeRunner)
public:
    explicit ProbeRunner(QObject *parent = nullptr);
    ~ProbeRunner() override;

    // Starts all `lanes` together (names and settings; sends are ignored). A run in progress
    // is stopped first. Each lane gets its own probe and its own QNetworkAccessManager.
    void start(const QList<Lane> &lanes, const QString &title = {});
    // Ends every lane now, successfully; finished() follows.
    void stop();
    bool isRunning() const { return m_isRunning; }

    // Lesson controls for one lane of the run in progress (`lane`: its index in the lanes
    // given to start()). Queued to the worker thread: what they do shows as the lane's
    // observations; when the lane cannot do it, controlRefused() names why instead (also for
    // a lane that finished or an index out of range; emitted at once, not queued, when no run
    // was ever started).
    //  dropConnection: cuts the lane's connection from the client side, as a network drop
    //    would; SSE and long-poll lanes then reconnect their usual way (Reconnect {delay_ms,
    //    last_event_id, error: "connection dropped by the user"}). Other lanes refuse.
    //  sendMessage: a WebSocket lane sends `text` as a text message, recorded as Sent {data}.
    //    Other lanes, and a WebSocket that is not open, refuse.
    void dropConnection(int lane);
    void sendMessage(int lane, const QString &text);

    // Whether to fetch /api/sendlog after the run (default true). A server that has none
    // (404, not StreamLab) simply yields no sends.
    void setJoinsSendLog(bool joins) { m_joinsSendLog = joins; }

    Recording recording() const;
    qsizetype observationCount() const;

signals:
    void observed(const Observation &observation);
    void laneFinished(int lane, bool isSuccess);
    // All lanes finished and the send log is joined; recording() is complete.
    void finished();
    // A lesson control could not act on `lane`; `message` says why, for a person.
    void controlRefused(int lane, const QString &message);

private:
    void control(int lane, std::function<Result<bool>(Probe &)> action);
    void onWorkerFinished();

    QThread m_thread;
    std::shared_ptr<RecordingStore> m_store;
    RunWorker *m_worker = nullptr; // lives in m_thread
    bool m_isRunning = false;
    bool m_joinsSendLog = true;
};
