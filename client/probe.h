// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "observation.h"
#include "probesettings.h"
#include "result.h"

#include <QObject>
#include <QTimer>

class QNetworkAccessManager;

// The base of every probe: one lane's client. A probe reads one URL the way one kind of
// application would and reports everything it sees as Observations, stamped where the data is
// read. Subclasses (one file per technique) implement begin() and abortTransfer(); this class
// keeps the common books: exchange numbers, cumulative payload bytes, the duration limit, the
// event limit, the inactivity timeout, and the final Done observation.
//
// Thread: a probe lives in one thread and must be created, started and stopped there; the
// ProbeRunner puts probes in a worker thread the GUI cannot block. It is used once: start(),
// then observations, then exactly one finished().
class Probe : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Probe)
public:
    explicit Probe(ProbeSettings settings, QObject *parent = nullptr);
    ~Probe() override;

    const ProbeSettings &settings() const { return m_settings; }
    int lane() const { return m_lane; }
    void setLane(int lane) { m_lane = lane; }

    // Starts the run: arms the duration limit, then calls begin(). Call once.
    void start();
    // Ends the run now, as a success (a user's stop is not a failure). No-op when finished.
    void stop();

    // Lesson controls, called in the probe's thread while the run goes on. Each either acts
    // (its effect shows as observations) or returns an error, written for a person, naming
    // why it cannot; a refused control changes nothing. The defaults refuse: the technique
    // has no such control.
    //  dropConnection(): cuts the current connection from the client side, as a network drop
    //    would, and lets the technique recover the way it recovers from one (SSE, long poll).
    //  sendMessage(): sends one text message on the open connection (WebSocket).
    virtual Result<bool> dropConnection();
    virtual Result<bool> sendMessage(const QString &text);

    bool isFinished() const { return m_isFinished; }
    bool isSuccess() const { return m_isSuccess; }
    QString errorString() const { return m_error; }

    // One QNetworkAccessManager per probe: Qt 6.4 allows 6 connections per host per manager,
    // so lanes never queue behind each other. Created on first use, in the probe's thread.
    QNetworkAccessManager *network();

signals:
    void observed(const Observation &observation);
    // After the Done observation. isSuccess is false when the transfer or connection failed.
    void finished(bool isSuccess);

protected:
    virtual void begin() = 0;
    // Closes every connection at once and stops emitting; called once by finish().
    virtual void abortTransfer() = 0;

    // Records one observation of the current exchange, stamped `tNs` (default: now). For
    // payload kinds (isPayloadKind) `bytes` is added to the lane's total. Returns the observation as emitted.
    Observation observe(ObservationKind kind, qint64 bytes = 0, QJsonObject fields = {},
                        qint64 tNs = -1);
    // The same for an earlier exchange that is still running (parallel range segments):
    // `exchange` is a number observeRequest() already handed out.
    Observation observeIn(int exchange, ObservationKind kind, qint64 bytes = 0,
                          QJsonObject fields = {}, qint64 tNs = -1);
    // Starts a new exchange (a new request) and records its Request observation.
    void observeRequest(const QByteArray &method, const QUrl &url, qint64 tNs = -1);
    // The same, with probe-specific fields added to {method, url} (the raw probe's `raw`).
    void observeRequest(const QByteArray &method, const QUrl &url, const QJsonObject &extraFields,
                        qint64 tNs = -1);
    // Counts one SSE event / polled message / WS message towards settings().maxEvents; when
    // the limit is reached, the run finishes successfully. Returns true when it did.
    bool countEvent();
    // Restarts the inactivity timeout; call on every read. (QNAM-based probes may rely on
    // QNetworkRequest::setTransferTimeout instead and never call this.)
    void noteActivity();
    // Arms the probe's own inactivity timer (probes that do not use QNAM's transfer timeout).
    void useOwnInactivityTimer();

    // Ends the run: records an Error observation when `error` is not empty, aborts the
    // transfer, records Done and emits finished(). Idempotent: only the first call counts.
    void finish(bool isSuccess, const QString &error = {});

    // Extra fields merged into the Done observation (e.g. a range download's verification);
    // called once, by finish(), after abortTransfer().
    virtual QJsonObject doneFields() const { return {}; }

    int exchange() const { return m_exchange; }
    qint64 totalBytes() const { return m_total; }
    // ms between the first Request of this run and `tNs`, with µs precision.
    double msSinceStart(qint64 tNs) const;

private:
    void onInactivity();

    ProbeSettings m_settings;
    QNetworkAccessManager *m_network = nullptr; // child
    QTimer m_duration;
    QTimer m_inactivity;
    int m_lane = 0;
    int m_exchange = -1;
    int m_events = 0;
    qint64 m_total = 0;
    qint64 m_pieces = 0;
    qint64 m_startNs = -1;
    qint64 m_headersNs = -1;
    qint64 m_firstPayloadNs = -1;
    bool m_hasOwnInactivityTimer = false;
    bool m_isStarted = false;
    bool m_isFinished = false;
    bool m_isSuccess = false;
    QString m_error;
};
