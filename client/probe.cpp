// SPDX-License-Identifier: GPL-3.0-only
#include "probe.h"

#include "monoclock.h"

#include <QNetworkAccessManager>

#include <cmath>

using namespace Qt::StringLiterals;

Probe::Probe(ProbeSettings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings))
{
    m_duration.setSingleShot(true);
    m_duration.setTimerType(Qt::PreciseTimer);
    connect(&m_duration, &QTimer::timeout, this, [this] { finish(true); });
    m_inactivity.setSingleShot(true);
    m_inactivity.setTimerType(Qt::PreciseTimer);
    connect(&m_inactivity, &QTimer::timeout, this, &Probe::onInactivity);
}

Probe::~Probe() = default;

QNetworkAccessManager *Probe::network()
{
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    return m_network;
}

void Probe::start()
{
    if (m_isStarted)
        return;
    m_isStarted = true;
    if (m_settings.durationMs > 0)
        m_duration.start(m_settings.durationMs);
    begin();
}

void Probe::stop()
{
    finish(true);
}

Result<bool> Probe::dropConnection()
{
    return Result<bool>::failure(u"%1 lanes cannot drop their connection: only SSE and long-poll "
                                 "lanes reconnect by themselves"_s
                                         .arg(probeModeName(settings().mode)));
}

Result<bool> Probe::sendMessage(const QString &)
{
    return Result<bool>::failure(u"%1 lanes cannot send messages: only WebSocket lanes can"_s
                                         .arg(probeModeName(settings().mode)));
}

Observation Probe::observe(ObservationKind kind, qint64 bytes, QJsonObject fields, qint64 tNs)
{
    return observeIn(qMax(0, m_exchange), kind, bytes, std::move(fields), tNs);
}

Observation Probe::observeIn(int exchange, ObservationKind kind, qint64 bytes,
                             QJsonObject fields, qint64 tNs)
{
    Observation observation;
    observation.lane = m_lane;
    observation.tNs = tNs >= 0 ? tNs : monotonicNowNs();
    observation.kind = kind;
    observation.exchange = exchange;
    observation.fields = std::move(fields);
    observation.bytes = bytes;
    if (isPayloadKind(kind)) {
        m_total += bytes;
        ++m_pieces;
        if (m_firstPayloadNs < 0 && bytes > 0)
            m_firstPayloadNs = observation.tNs;
    }
    observation.total = m_total;
    if (kind == ObservationKind::Headers && m_headersNs < 0)
        m_headersNs = observation.tNs;
    if (m_isFinished && kind != ObservationKind::Done)
        return observation; // nothing is reported after the end
    emit observed(observation);
    return observation;
}

void Probe::observeRequest(const QByteArray &method, const QUrl &url, qint64 tNs)
{
    observeRequest(method, url, QJsonObject(), tNs);
}

void Probe::observeRequest(const QByteArray &method, const QUrl &url,
                           const QJsonObject &extraFields, qint64 tNs)
{
    ++m_exchange;
    const qint64 now = tNs >= 0 ? tNs : monotonicNowNs();
    if (m_startNs < 0)
        m_startNs = now;
    QJsonObject fields = extraFields;
    fields.insert(u"method"_s, QString::fromLatin1(method));
    fields.insert(u"url"_s, url.toString(QUrl::FullyEncoded));
    observe(ObservationKind::Request, 0, fields, now);
    if (m_hasOwnInactivityTimer)
        noteActivity();
}

bool Probe::countEvent()
{
    ++m_events;
    if (m_settings.maxEvents > 0 && m_events >= m_settings.maxEvents) {
        finish(true);
        return true;
    }
    return false;
}

void Probe::noteActivity()
{
    if (m_settings.timeoutMs > 0 && !m_isFinished)
        m_inactivity.start(m_settings.timeoutMs);
}

void Probe::useOwnInactivityTimer()
{
    m_hasOwnInactivityTimer = true;
    noteActivity();
}

void Probe::onInactivity()
{
    finish(false, u"no data for %1 ms: the inactivity timeout (--timeout-ms) expired"_s.arg(
                      m_settings.timeoutMs));
}

double Probe::msSinceStart(qint64 tNs) const
{
    if (m_startNs < 0 || tNs < 0)
        return -1;
    return std::round(double(tNs - m_startNs) / 1000.0) / 1000.0;
}

void Probe::finish(bool isSuccess, const QString &error)
{
    if (m_isFinished)
        return;
    if (!error.isEmpty())
        observe(ObservationKind::Error, 0, {{u"message"_s, error}});
    m_isFinished = true;
    m_isSuccess = isSuccess;
    m_error = error;
    m_duration.stop();
    m_inactivity.stop();
    abortTransfer();
    const qint64 now = monotonicNowNs();
    QJsonObject fields = doneFields();
    fields.insert(u"chunks"_s, m_pieces);
    fields.insert(u"headers_ms"_s, msSinceStart(m_headersNs));
    fields.insert(u"first_byte_ms"_s, msSinceStart(m_firstPayloadNs));
    fields.insert(u"total_ms"_s, msSinceStart(now));
    fields.insert(u"ok"_s, isSuccess);
    observe(ObservationKind::Done, m_total, fields, now);
    emit finished(isSuccess);
}
