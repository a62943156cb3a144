// SPDX-License-Identifier: GPL-3.0-only
#include "timingrun.h"

#include "monoclock.h"
#include "proberunner.h"
#include "timelinemodel.h"
#include "timelineviewstate.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace timing {

namespace {

constexpr QSize kViewSize(1280, 600);
constexpr int kSendLogTimeoutMs = 5000;
constexpr double kHeadroomFraction = 0.03;

QByteArray headerValue(const Observation &headers, const QString &name)
{
    const QJsonObject fields = headers.fields.value(u"headers"_s).toObject();
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (it.key().compare(name, Qt::CaseInsensitive) == 0)
            return it.value().toString().toLatin1();
    }
    return {};
}

QByteArray fetch(QNetworkAccessManager &network, const QUrl &url)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(kSendLogTimeoutMs);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return reply->error() == QNetworkReply::NoError ? reply->readAll() : QByteArray();
}

} // namespace

TimedTimelineView::~TimedTimelineView() = default;

void TimedTimelineView::paintEvent(QPaintEvent *event)
{
    const qint64 start = monotonicNowNs();
    TimelineView::paintEvent(event);
    m_frames.push_back({start, monotonicNowNs() - start});
}

LiveRun::LiveRun(bool showsView, QObject *parent)
    : QObject(parent), m_model(new TimelineModel(this)), m_state(new TimelineViewState(this)),
      m_showsView(showsView)
{
    m_view = new TimedTimelineView(m_model, m_state);
    m_view->setWindowTitle(u"StreamLab timing bench"_s);
    m_view->resize(kViewSize);
    if (m_showsView)
        m_view->show();
    m_frameTimer.setTimerType(Qt::PreciseTimer);
    m_frameTimer.setInterval(kFrameMs);
    connect(&m_frameTimer, &QTimer::timeout, this, &LiveRun::onFrame);
}

LiveRun::~LiveRun()
{
    delete m_view;
}

QWidget *LiveRun::view() const
{
    return m_view;
}

// The window slides with the clock, as a live view that follows "now" does: every frame
// repaints and rebuilds the geometry, the worst case for the GUI thread.
void LiveRun::onFrame()
{
    const qint64 endNs = monotonicNowNs() + qint64(double(kWindowNs) * kHeadroomFraction);
    m_state->setWindow(endNs - kWindowNs, endNs);
}

LiveRun::Outcome LiveRun::run(const QList<Lane> &lanes, const QString &title, int limitMs)
{
    Outcome outcome;
    m_view->clearFrames();
    // A fresh runner per run keeps runs independent: ProbeRunner::start() on a used runner
    // deletes the previous run's probes (and joins their QNAM threads) in the worker thread
    // while the new run starts. (An A/B with --reuse-runner showed no difference beyond the
    // machine's noise, but a run should not depend on the one before.)
    if (!m_runner || !m_reusesRunner) {
        delete m_runner;
        m_runner = new ProbeRunner(this);
        if (m_showsView)
            connect(m_runner, &ProbeRunner::observed, m_model, &TimelineModel::appendObservation);
    }
    outcome.before = sampleClockPair();
    m_runner->start(lanes, title);
    m_model->setRecording(m_runner->recording()); // the skeleton: lanes and zero
    m_state->setLive(true);
    if (m_showsView)
        m_frameTimer.start();

    QEventLoop loop;
    connect(m_runner, &ProbeRunner::finished, &loop, &QEventLoop::quit);
    QTimer limit;
    limit.setSingleShot(true);
    connect(&limit, &QTimer::timeout, m_runner, &ProbeRunner::stop);
    limit.start(limitMs);
    loop.exec();
    outcome.isComplete = limit.isActive();

    m_frameTimer.stop();
    m_state->setLive(false);
    outcome.after = sampleClockPair();
    outcome.recording = m_runner->recording();
    addRawSendLogs(outcome.recording);
    m_model->setRecording(outcome.recording);
    outcome.frames = m_view->frames();
    return outcome;
}

void LiveRun::addRawSendLogs(Recording &recording)
{
    QNetworkAccessManager network;
    for (int lane = 0; lane < recording.lanes.size(); ++lane) {
        const ProbeSettings &settings = recording.lanes.at(lane).settings;
        if (settings.mode != ProbeMode::Raw || !recording.lanes.at(lane).sends.isEmpty())
            continue;
        for (const Observation &o : recording.observations) {
            if (o.lane != lane || o.kind != ObservationKind::Headers || o.exchange != 0)
                continue;
            const QByteArray id = headerValue(o, u"X-StreamLab-Id"_s);
            QUrl url = settings.url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery);
            url.setPath(u"/api/sendlog"_s);
            url.setQuery(QUrlQuery{{u"id"_s, QString::fromLatin1(id)}});
            const QJsonObject entry = QJsonDocument::fromJson(fetch(network, url)).object();
            const ::Result<ExchangeSends> sends = parseSendLogEntry(entry, 0);
            if (sends.isOk())
                recording.lanes[lane].sends.append(sends.value());
            break;
        }
    }
}

} // namespace timing
