// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "probe.h"

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

// A long-poll loop, as a page polling a JSON endpoint would run it: GET settings().url with
// `since` set to the last id seen (added, or replacing the URL's own; other parameters kept),
// then again as soon as the answer is in.
//
// Observations per poll (one exchange each): Request, Headers, a Chunk per read, then at the
// end a Poll {status, rtt_ms, messages} followed by one Event per delivered message.
//  - 200 with a JSON object holding a `messages` array (the built-in /poll: {messages: [{id,
//    event, data, t_server_ns}], last_id, gap?}): an Event {type, data, id, t_server_ns?} per
//    message, preceded by an Event of type "gap" (data: the gap JSON) when the server lost
//    some; the next `since` is last_id, else the last message's id. Any other 2xx body is one
//    Event of type "message" carrying the whole body (an empty body none). Every Event, gap
//    included, counts towards maxEvents, as it would in the SSE probe.
//  - 204: poll again at once. An empty answer faster than 100 ms waits out the rest of those
//    100 ms first, so a server answering empty at once cannot spin the loop.
//  - any other status (4xx, 5xx, an unfollowed 3xx): the run fails naming status and URL.
//  - a transport error on the first poll fails the run; on a later one a Reconnect {delay_ms,
//    last_event_id: since, error} is recorded and the poll retried after 500 ms, doubling up to
//    10 s, reset by the next answer. `since` makes the retry lose nothing.
//  - settings().timeoutMs > 0: QNAM's transfer (inactivity) timeout is set to timeoutMs +
//    5 s, because a long poll is silent by design while the server holds it (the built-in
//    server's default hold is 30 s, the probe's default timeout 30 s); its expiry fails the run.
//  - bodies are kept until the poll completes, at most 64 MiB (else the run fails).
// dropConnection() (a lesson control) aborts the poll that is out, as a network drop would,
// and retries it as after a transport error on a later poll: Reconnect {delay_ms,
// last_event_id: since, error: "connection dropped by the user"}, then the same poll after the
// backoff, even on the first poll. Refused between polls (no request is out) and once the run
// finished.
//
// Thread: the probe's own (see Probe).
class PollProbe : public Probe
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PollProbe)
public:
    explicit PollProbe(ProbeSettings settings, QObject *parent = nullptr);
    ~PollProbe() override;

    Result<bool> dropConnection() override;

protected:
    void begin() override;
    void abortTransfer() override;

private:
    enum class State {
        Idle,     // not started, or finished
        Polling,  // a request is out
        Waiting,  // between polls (pacing an empty answer, or backing off after an error)
    };

    void poll();
    QUrl pollUrl() const;
    void onMetaDataChanged();
    void onReadyRead();
    void onFinished();
    void onAnswer(int status, double rttMs);
    int deliver(const QByteArray &body);
    bool deliverJson(const QJsonObject &answer, int *count);
    bool deliverMessage(const QJsonValue &message);
    void onTransportError(const QString &error);
    void retryAfterBackoff(const QString &error);
    void scheduleNextPoll(int delayMs);
    void releaseReply();

    QPointer<QNetworkReply> m_reply;
    QTimer m_nextPoll;
    QByteArray m_body;
    QString m_since;          // empty: no `since` yet (the server answers from "now")
    qint64 m_requestNs = 0;   // when the current poll was sent
    int m_backoffMs = 0;      // 0: the last poll got an answer
    bool m_hasAnswered = false; // some poll of this run got an HTTP answer
    State m_state = State::Idle;
};
