// SPDX-License-Identifier: GPL-3.0-only
#include "labsession.h"

#include "proberunner.h"

using namespace Qt::StringLiterals;

namespace {

// Whether the newest lane of `recording` that continues `name` ("name" or "name · resumed")
// ended with its file verified: nothing left to resume.
bool isVerified(const Recording &recording, const QString &name)
{
    int newest = -1;
    for (int lane = 0; lane < recording.lanes.size(); ++lane) {
        if (recording.lanes.at(lane).name.section(u" · "_s, 0, 0) == name)
            newest = lane;
    }
    for (const Observation &o : recording.observations) {
        if (o.lane == newest && o.kind == ObservationKind::Done)
            return o.fields.value(u"verified"_s).toBool();
    }
    return false;
}

} // namespace

LabSession::LabSession(QObject *parent) : QObject(parent), m_runner(new ProbeRunner(this))
{
    // A resumed run is shown continuing the paused recording: its lanes come after those.
    connect(m_runner, &ProbeRunner::observed, this, [this](const Observation &observation) {
        Observation shown = observation;
        shown.lane += m_laneOffset;
        shown.tNs += m_shiftNs;
        emit observed(shown);
    });
    connect(m_runner, &ProbeRunner::laneFinished, this, [this](int lane, bool isSuccess) {
        emit laneFinished(lane + m_laneOffset, isSuccess);
    });
    connect(m_runner, &ProbeRunner::finished, this, &LabSession::onRunFinished);
    connect(m_runner, &ProbeRunner::controlRefused, this,
            [this](int, const QString &message) { emit controlRefused(message); });
}

LabSession::~LabSession() = default;

bool LabSession::isRunning() const
{
    return m_runner->isRunning();
}

void LabSession::run(const QList<Lane> &lanes, const QString &title, int repeat)
{
    if (m_runner->isRunning()) {
        m_isStopping = true; // the stopped run's finished() must not start a repeat
        m_runner->stop();
    }
    m_lanes = lanes;
    for (Lane &lane : m_lanes)
        lane.sends.clear();
    m_title = title;
    m_repeat = qBound(1, repeat, kMaxRepeat);
    m_runs.clear();
    m_isPaused = false;
    startRun(Continuation::Fresh);
}

void LabSession::startRun(Continuation continuation)
{
    m_continuation = continuation;
    m_isStopping = false;
    m_isPausing = false;
    QList<Lane> lanes = m_lanes;
    if (continuation == Continuation::Resumed) {
        // Only the lanes that kept a partial file continue.
        lanes.clear();
        for (Lane lane : m_lanes) {
            if (lane.settings.mode != ProbeMode::Range || lane.settings.outputPath.isEmpty()
                || isVerified(m_paused, lane.name)) {
                continue;
            }
            lane.settings.resume = true;
            lanes.append(lane);
        }
    }
    m_runner->start(lanes, m_title);
    const Recording &fresh = m_runner->recording();
    m_shiftNs = 0;
    if (continuation == Continuation::Resumed) {
        m_laneOffset = int(m_paused.lanes.size());
        emit started(continueRun(m_paused, fresh));
    } else if (!m_runs.isEmpty()) {
        // A repeat: the earlier runs stay in view while the new one draws over them.
        const Recording overlay = overlayRuns(QList<Recording>(m_runs) << fresh);
        m_laneOffset = int(overlay.lanes.size() - fresh.lanes.size());
        m_shiftNs = overlay.startedNs - fresh.startedNs;
        emit started(overlay);
    } else {
        m_laneOffset = 0;
        emit started(fresh);
    }
    emit runningChanged(true);
}

void LabSession::stop()
{
    if (!m_runner->isRunning())
        return;
    m_isStopping = true;
    m_runner->stop();
}

void LabSession::pause()
{
    if (!m_runner->isRunning())
        return;
    m_isStopping = true;
    m_isPausing = true;
    m_runner->stop();
}

void LabSession::resume()
{
    if (!m_isPaused || m_runner->isRunning())
        return;
    startRun(Continuation::Resumed);
}

void LabSession::dropConnection(int lane)
{
    if (!m_runner->isRunning()) {
        emit controlRefused(u"Nothing to drop: run the lesson first."_s);
        return;
    }
    m_runner->dropConnection(lane);
}

void LabSession::sendMessage(int lane, const QString &text)
{
    if (!m_runner->isRunning()) {
        emit controlRefused(u"Not sent: the WebSocket is not open. Run the lesson first."_s);
        return;
    }
    m_runner->sendMessage(lane, text);
}

void LabSession::setRecording(const Recording &recording)
{
    stop();
    m_runs.clear();
    m_isPaused = false;
    m_recording = recording;
    m_lastRun = recording;
    m_lanes = recording.lanes;
    emit recordingChanged();
}

void LabSession::onRunFinished()
{
    const Recording run = m_runner->recording();
    m_lastRun = run;
    if (m_continuation == Continuation::Resumed) {
        m_recording = continueRun(m_paused, run);
    } else {
        m_runs.append(run);
        m_recording = m_runs.size() == 1 ? run : overlayRuns(m_runs);
    }
    const bool wasPausing = m_isPausing;
    const bool isMore
        = !m_isStopping && m_continuation == Continuation::Fresh && m_runs.size() < m_repeat;
    m_isPaused = wasPausing;
    if (wasPausing)
        m_paused = m_recording;
    emit recordingChanged();
    if (isMore) {
        startRun(Continuation::Fresh);
        return;
    }
    emit runningChanged(false);
}
