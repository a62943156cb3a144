// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "probe.h"
#include "sseparser.h"

#include <QByteArrayView>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

// The EventSource-conformant client (WHATWG HTML, "Server-sent events"): GET with
// Accept: text/event-stream, parse with sse::Parser, reconnect after the server's retry delay
// with Last-Event-ID, and fail for good on anything that is not a 200 event stream.
//
// Observations per connection (one exchange each): Request, Headers, a Chunk per read, then
// in stream order a Comment per comment line and an Event per dispatched event; before each
// reconnection a Reconnect {delay_ms, last_event_id, error?}. Rules, as EventSource:
//  - a status other than 200 (204 included) or a MIME type other than text/event-stream fails
//    the run without reconnecting;
//  - the stream ending, or a transport error once a connection was established, reconnects
//    after the reconnection time (the last retry field, 3000 ms by default) when
//    settings().reconnect, and otherwise ends the run (success after a clean end);
//  - a transport error of the very first connection (refused, DNS) fails the run; a failed
//    reconnection attempt is retried after the reconnection time, as EventSource does;
//  - settings().timeoutMs is QNAM's transfer (inactivity) timeout; it fails the run;
//  - a broken parser limit (a line over 1 MiB, an event over 16 MiB) fails the run.
// dropConnection() (a lesson control) aborts the connection being opened or read, as a network
// drop would: an incomplete event is discarded, then Reconnect {delay_ms, last_event_id, error:
// "connection dropped by the user"} and the reconnection after the reconnection time, with
// Last-Event-ID, even when no connection of this run was accepted yet; without
// settings().reconnect the run fails with that error instead. Refused while waiting to
// reconnect (there is no connection) and once the run finished.
//
// Thread: the probe's own (see Probe).
class SseProbe : public Probe
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SseProbe)
public:
    explicit SseProbe(ProbeSettings settings, QObject *parent = nullptr);
    ~SseProbe() override;

    Result<bool> dropConnection() override;

protected:
    void begin() override;
    void abortTransfer() override;

private:
    enum class State {
        Idle,         // not started, or finished
        Connecting,   // request sent, no acceptable response head yet
        Open,         // a 200 text/event-stream is being read
        WaitingToReconnect,
    };

    void connectStream();
    void onMetaDataChanged();
    void onReadyRead();
    void onFinished();
    bool acceptResponse();
    bool feed(QByteArrayView bytes);
    bool observeLine(QByteArrayView line);
    void scheduleReconnect(const QString &error);
    void releaseReply();
    QString networkErrorMessage() const;

    sse::Parser m_parser;
    QPointer<QNetworkReply> m_reply;
    QTimer m_reconnectTimer;
    State m_state = State::Idle;
    qint64 m_bodyBytes = 0;      // body bytes of the current connection
    bool m_hasConnected = false; // some connection of this run was an accepted event stream
    int m_commentsSeen = 0;
};
