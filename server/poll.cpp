// SPDX-License-Identifier: GPL-3.0-only
// GET /poll?topic=T&since=ID&timeout=ms&interval=ms : long polling. Answers at once with
// every retained message newer than `since`; otherwise holds the request until one is
// published (answered in the same event-loop pass) or until `timeout` (204). With `interval`,
// a poll that saw nothing for that long is answered with a tick of its own (the ticker for
// demos without a publisher). A held request whose client disconnects is released at once.
#include "endpoints.h"
#include "hub.h"
#include "monoclock.h"
#include "pushencoding.h"
#include "queryparams.h"
#include "stream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

constexpr int kMaxMessagesPerAnswer = 1000;

class PollStream : public Stream
{
public:
    PollStream(ResponseWriter &&response, Hub *hub, const QString &topic, qint64 since,
               int timeoutMs, int intervalMs, QObject *parent)
        : Stream(std::move(response), parent),
          m_hub(hub),
          m_cursor(hub, topic, since),
          m_timeout(new Pacer(this))
    {
        if (intervalMs > 0 && intervalMs < timeoutMs) {
            auto *ticker = new Pacer(this);
            connect(ticker, &Pacer::fired, this, &PollStream::answerWithTick);
            ticker->startOnce(intervalMs);
        }
        connect(m_timeout, &Pacer::fired, this, [this] {
            writer().sendEmpty(204, {{"Cache-Control", "no-store"}});
            finish();
        });
        connect(hub, &Hub::published, this, [this](const QString &topic) {
            if (topic == m_cursor.topic())
                answer();
        });
        m_timeout->startOnce(timeoutMs);
    }

    // Answers now if there is anything to say; otherwise keeps holding.
    void answer()
    {
        if (writer().hasEnded() || m_cursor.isCaughtUp())
            return;
        const HubCursor::Batch batch = m_cursor.next(kMaxMessagesPerAnswer);
        // The common answer, one new message and no gap, is the same for every poller: the
        // message carries it ready-made. Anything else is joined from encoded messages.
        QByteArray body;
        if (batch.messages.size() == 1 && !batch.gapFirstAvailable) {
            body = batch.messages.first()->pollBody;
        } else {
            QList<QByteArray> messages;
            messages.reserve(batch.messages.size());
            for (const HubMessagePtr &message : batch.messages)
                messages.append(message->json);
            body = pushencoding::pollBody(messages, m_cursor.position(),
                                          batch.gapFirstAvailable
                                              ? pushencoding::compactJson(batch.gapJson())
                                              : QByteArray());
        }
        writer().send(200, "application/json", body, {{"Cache-Control", "no-store"}});
        finish();
    }

private:
    void answerWithTick()
    {
        if (writer().hasEnded() || !m_cursor.isCaughtUp())
            return;  // a tick never overtakes a message with a smaller id
        const qint64 id = m_hub->allocateId();
        const QJsonObject tick{{u"seq"_s, 1}, {u"t_server_ns"_s, monotonicNowNs()}};
        const QJsonObject message{
            {u"id"_s, id},
            {u"event"_s, u"tick"_s},
            {u"data"_s, QString::fromUtf8(QJsonDocument(tick).toJson(QJsonDocument::Compact))},
            {u"t_server_ns"_s, monotonicNowNs()}};
        const QJsonObject body{{u"messages"_s, QJsonArray{message}}, {u"last_id"_s, id}};
        writer().send(200, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact),
                      {{"Cache-Control", "no-store"}});
        finish();
    }

    Hub *m_hub;
    HubCursor m_cursor;
    Pacer *m_timeout;
};

} // namespace

void endpoints::poll(const EndpointEnv &env, ResponseWriter &&writer)
{
    const RequestContext &request = writer.request();
    QueryParams params(request.query);
    const QString topic = params.name(u"topic"_s, u"default"_s);
    const qint64 since = params.integer(u"since"_s, -1, 0, std::numeric_limits<qint64>::max() / 2);
    const qint64 timeout = params.integer(u"timeout"_s, 30000, 1, limits::kMaxDurationMs, u"ms");
    const qint64 interval = params.integer(u"interval"_s, 0, 0, limits::kMaxIntervalMs, u"ms");
    if (!params.isValid()) {
        writer.sendText(400, params.error());
        return;
    }
    if (request.isHead()) {
        writer.beginFixed(200, {{"Content-Type", "application/json"}}, 0);
        writer.end();
        return;
    }
    // Without `since`: wait for the next message published from now on.
    const qint64 after = since >= 0 ? since : env.hub->lastIdOf(topic);
    auto *stream = new PollStream(std::move(writer), env.hub, topic, after, int(timeout),
                                  int(interval), env.streamParent);
    stream->answer();
}
