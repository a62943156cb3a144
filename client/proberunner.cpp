// SPDX-License-Identifier: GPL-3.0-only
#include "proberunner.h"

#include "monoclock.h"
#include "probe.h"
#include "probefactory.h"

#include <QJsonDocument>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QUrlQuery>

#include <functional>

using namespace Qt::StringLiterals;

struct RecordingStore
{
    mutable QMutex mutex;
    Recording recording;
};

namespace {

constexpr int kSendLogTimeoutMs = 5000;

QByteArray streamLabId(const Observation &headers)
{
    const QJsonObject fields = headers.fields.value(u"headers"_s).toObject();
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (it.key().compare(u"x-streamlab-id"_s, Qt::CaseInsensitive) == 0)
            return it.value().toString().toLatin1();
    }
    return {};
}

bool keepsSendLog(ProbeMode mode)
{
    return mode != ProbeMode::WebSocket && mode != ProbeMode::Raw;
}

} // namespace

// Lives in the runner's thread: owns the probes of one run and the send-log fetches after it.
class RunWorker : public QObject
{
    Q_OBJECT
public:
    RunWorker(std::shared_ptr<RecordingStore> store, bool joinsSendLog)
        : m_store(std::move(store)), m_joinsSendLog(joinsSendLog)
    {
    }

    void run()
    {
        const QList<Lane> lanes = [this] {
            QMutexLocker locker(&m_store->mutex);
            return m_store->recording.lanes;
        }();
        for (int index = 0; index < lanes.size(); ++index) {
            Probe *probe = createProbe(lanes.at(index).settings, this);
            probe->setLane(index);
            connect(probe, &Probe::observed, this, &RunWorker::record);
            connect(probe, &Probe::finished, this,
                    [this, index](bool isSuccess) { onProbeFinished(index, isSuccess); });
            m_probes.append(probe);
        }
        m_running = int(m_probes.size());
        // Every probe is built before the first starts, so that lanes start together.
        for (Probe *probe : std::as_const(m_probes))
            probe->start();
        if (m_probes.isEmpty())
            emit finished();
    }

    void stopAll()
    {
        for (const QPointer<Probe> &probe : std::as_const(m_probes)) {
            if (probe)
                probe->stop();
        }
    }

    // Applies one lesson control to `lane`'s probe, or says why it cannot.
    void control(int lane, const std::function<Result<bool>(Probe &)> &action)
    {
        Probe *probe = lane >= 0 && lane < m_probes.size() ? m_probes.at(lane).data() : nullptr;
        if (!probe) {
            emit controlRefused(lane, u"there is no lane %1 in this run"_s.arg(lane + 1));
            return;
        }
        if (probe->isFinished()) {
            emit controlRefused(lane, u"lane “%1” has finished"_s.arg(laneName(lane)));
            return;
        }
        const Result<bool> result = action(*probe);
        if (!result.isOk())
            emit controlRefused(lane, result.error());
    }

signals:
    void observed(const Observation &observation);
    void laneFinished(int lane, bool isSuccess);
    void finished();
    void controlRefused(int lane, const QString &message);

private:
    QString laneName(int lane) const
    {
        QMutexLocker locker(&m_store->mutex);
        return m_store->recording.lanes.value(lane).name;
    }

    void record(const Observation &observation)
    {
        {
            QMutexLocker locker(&m_store->mutex);
            m_store->recording.observations.append(observation);
        }
        if (observation.kind == ObservationKind::Headers && m_joinsSendLog)
            noteSendLogId(observation);
        emit observed(observation);
    }

    void noteSendLogId(const Observation &headers)
    {
        bool isNumber = false;
        const qint64 id = streamLabId(headers).toLongLong(&isNumber);
        if (!isNumber || id <= 0)
            return;
        m_pendingIds.append({headers.lane, headers.exchange, id});
    }

    void onProbeFinished(int lane, bool isSuccess)
    {
        emit laneFinished(lane, isSuccess);
        if (--m_running > 0)
            return;
        fetchSendLogs();
    }

    void fetchSendLogs()
    {
        QList<Lane> lanes;
        {
            QMutexLocker locker(&m_store->mutex);
            lanes = m_store->recording.lanes;
        }
        m_fetching = 0;
        for (const PendingId &pending : std::as_const(m_pendingIds)) {
            const ProbeSettings &settings = lanes.at(pending.lane).settings;
            if (!keepsSendLog(settings.mode))
                continue;
            QUrl url = settings.url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery
                                             | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
            url.setPath(u"/api/sendlog"_s);
            url.setQuery(QUrlQuery{{u"id"_s, QString::number(pending.id)}});
            QNetworkRequest request(url);
            request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
            request.setTransferTimeout(kSendLogTimeoutMs);
            QNetworkReply *reply = network()->get(request);
            ++m_fetching;
            connect(reply, &QNetworkReply::finished, this, [this, reply, pending] {
                reply->deleteLater();
                addSends(pending, reply->error() == QNetworkReply::NoError ? reply->readAll()
                                                                            : QByteArray());
            });
        }
        if (m_fetching == 0)
            complete();
    }

    struct PendingId
    {
        int lane = 0;
        int exchange = 0;
        qint64 id = 0;
    };

    void addSends(const PendingId &pending, const QByteArray &body)
    {
        const Result<ExchangeSends> sends =
                parseSendLogEntry(QJsonDocument::fromJson(body).object(), pending.exchange);
        if (sends.isOk()) {
            QMutexLocker locker(&m_store->mutex);
            m_store->recording.lanes[pending.lane].sends.append(sends.value());
        }
        if (--m_fetching == 0)
            complete();
    }

    void complete()
    {
        {
            QMutexLocker locker(&m_store->mutex);
            joinSendLog(m_store->recording);
        }
        emit finished();
    }

    QNetworkAccessManager *network()
    {
        if (!m_network)
            m_network = new QNetworkAccessManager(this);
        return m_network;
    }

    std::shared_ptr<RecordingStore> m_store;
    QList<QPointer<Probe>> m_probes;
    QList<PendingId> m_pendingIds;
    QNetworkAccessManager *m_network = nullptr;
    int m_running = 0;
    int m_fetching = 0;
    bool m_joinsSendLog = true;
};

ProbeRunner::ProbeRunner(QObject *parent)
    : QObject(parent), m_store(std::make_shared<RecordingStore>())
{
    qRegisterMetaType<Observation>();
    m_thread.setObjectName(u"streamlab-probes"_s);
    m_thread.start();
}

ProbeRunner::~ProbeRunner()
{
    if (m_worker) {
        // Probes and their sockets must die in their own thread.
        QMetaObject::invokeMethod(m_worker, &QObject::deleteLater, Qt::QueuedConnection);
        m_worker = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

void ProbeRunner::start(const QList<Lane> &lanes, const QString &title)
{
    if (m_worker) {
        disconnect(m_worker, nullptr, this, nullptr);
        QMetaObject::invokeMethod(m_worker, &RunWorker::stopAll, Qt::QueuedConnection);
        QMetaObject::invokeMethod(m_worker, &QObject::deleteLater, Qt::QueuedConnection);
        m_worker = nullptr;
    }
    Recording recording;
    recording.title = title;
    recording.startedAt = QDateTime::currentDateTime();
    recording.startedNs = monotonicNowNs();
    for (Lane lane : lanes) {
        lane.sends.clear();
        recording.lanes.append(lane);
    }
    // A fresh store per run: a stopped run's last observations cannot leak into this one.
    m_store = std::make_shared<RecordingStore>();
    m_store->recording = recording;
    m_worker = new RunWorker(m_store, m_joinsSendLog);
    m_worker->moveToThread(&m_thread);
    connect(m_worker, &RunWorker::observed, this, &ProbeRunner::observed);
    connect(m_worker, &RunWorker::laneFinished, this, &ProbeRunner::laneFinished);
    connect(m_worker, &RunWorker::finished, this, &ProbeRunner::onWorkerFinished);
    connect(m_worker, &RunWorker::controlRefused, this, &ProbeRunner::controlRefused);
    m_isRunning = true;
    QMetaObject::invokeMethod(m_worker, &RunWorker::run, Qt::QueuedConnection);
}

void ProbeRunner::stop()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &RunWorker::stopAll, Qt::QueuedConnection);
}

void ProbeRunner::dropConnection(int lane)
{
    control(lane, [](Probe &probe) { return probe.dropConnection(); });
}

void ProbeRunner::sendMessage(int lane, const QString &text)
{
    control(lane, [text](Probe &probe) { return probe.sendMessage(text); });
}

// The worker is deleted only by a queued call made after this one, so the pointer outlives
// the call.
void ProbeRunner::control(int lane, std::function<Result<bool>(Probe &)> action)
{
    if (!m_worker) {
        emit controlRefused(lane, u"no run is in progress"_s);
        return;
    }
    RunWorker *worker = m_worker;
    QMetaObject::invokeMethod(
            worker, [worker, lane, action = std::move(action)] { worker->control(lane, action); },
            Qt::QueuedConnection);
}

void ProbeRunner::onWorkerFinished()
{
    m_isRunning = false;
    emit finished();
}

Recording ProbeRunner::recording() const
{
    QMutexLocker locker(&m_store->mutex);
    return m_store->recording;
}

qsizetype ProbeRunner::observationCount() const
{
    QMutexLocker locker(&m_store->mutex);
    return m_store->recording.observations.size();
}

#include "proberunner.moc"
