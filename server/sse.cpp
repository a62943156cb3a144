// SPDX-License-Identifier: GPL-3.0-only
// GET /sse?topic=T&interval=ms&count=N&heartbeat=ms&retry=ms&lastEventId=ID&token=X
// Server-Sent Events fed by the hub: replay after Last-Event-ID, a visible gap when the
// retention window was exceeded, heartbeats as comment lines, an optional per-connection
// ticker, and back-pressure per subscriber.
#include "endpoints.h"
#include "heartbeatclock.h"
#include "hub.h"
#include "monoclock.h"
#include "pushencoding.h"
#include "queryparams.h"
#include "stream.h"

#include <QJsonObject>
#include <QPointer>
#include <QScopedValueRollback>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kHighWater = 256 * 1024;  // stop pulling while this much is unsent
constexpr int kBatch = 64;

const SharedPiece &heartbeatPiece()
{
    static const SharedPiece piece = SharedPiece::from(": hb\n\n");
    return piece;
}

class SseStream : public Stream
{
public:
    struct Options { QString topic; qint64 afterId = 0; int intervalMs = 0; qint64 count = 0;
                     int heartbeatMs = 0; int retryMs = -1; };

    SseStream(ResponseWriter &&response, const EndpointEnv &env, const Options &options,
              QObject *parent)
        : Stream(std::move(response), parent),
          m_hub(env.hub),
          m_heartbeats(env.heartbeats),
          m_options(options),
          m_cursor(env.hub, options.topic, options.afterId)
    {
        connect(m_hub, &Hub::published, this, [this](const QString &topic) {
            if (topic == m_cursor.topic())
                deliver();
        });
        connect(this, &Stream::finished, this, &SseStream::stopHeartbeats);
    }

    ~SseStream() override { stopHeartbeats(); }

    void start()
    {
        writer().beginStream(200, {{"Content-Type", "text/event-stream; charset=utf-8"},
                                   {"Cache-Control", "no-cache"},
                                   {"X-Accel-Buffering", "no"}});
        if (writer().request().isHead()) {
            finish();
            return;
        }
        QByteArray hello = ": connected to topic " + m_options.topic.toUtf8() + "\n\n";
        if (m_options.retryMs >= 0)
            hello += "retry: " + QByteArray::number(m_options.retryMs) + "\n\n";
        writer().write(hello);
        // One clock beats for every stream of the server; a stream owns no timer for it.
        if (m_options.heartbeatMs > 0 && m_heartbeats) {
            m_heartbeatId = m_heartbeats->subscribe(m_options.heartbeatMs,
                                                    [this] { writer().write(heartbeatPiece()); });
        }
        if (m_options.intervalMs > 0) {
            auto *ticker = new Pacer(this);
            connect(ticker, &Pacer::fired, this, &SseStream::tick);
            ticker->startRepeating(m_options.intervalMs);
        }
        if (QTcpSocket *socket = writer().socket())
            connect(socket, &QIODevice::bytesWritten, this, &SseStream::deliver);
        deliver();
    }

private:
    // Pulls what the cursor has not delivered yet, as far as the socket drains. One message
    // goes out as its shared, pre-encoded chunk; a backlog of several goes out as one write.
    void deliver()
    {
        // write() may flush, which emits bytesWritten, which calls deliver(): a nested pass
        // would overtake the rest of this batch.
        if (m_isDelivering)
            return;
        const QScopedValueRollback<bool> delivering(m_isDelivering, true);
        while (writer().isConnected() && writer().bytesToWrite() < kHighWater
               && !m_cursor.isCaughtUp()) {
            const qint64 left = m_options.count > 0 ? m_options.count - m_sent : kBatch;
            const HubCursor::Batch batch = m_cursor.next(int(qMin<qint64>(kBatch, left)));
            QByteArray gap;
            if (batch.gapFirstAvailable)
                gap = pushencoding::sseEvent(0, "gap", pushencoding::compactJson(batch.gapJson()));
            if (gap.isEmpty() && batch.messages.size() == 1) {
                writer().write(batch.messages.first()->sse);
            } else if (!batch.messages.isEmpty() || !gap.isEmpty()) {
                QByteArray joined = gap;
                for (const HubMessagePtr &message : batch.messages)
                    joined += message->sse.payload;
                writer().write(joined);
            } else {
                break;
            }
            if (countSent(batch.messages.size()))
                return;
        }
    }

    void tick()
    {
        // A tick must never overtake a message with a smaller id: that would make a
        // reconnect with its id as Last-Event-ID skip the message. Ticks wait for catch-up.
        if (!m_cursor.isCaughtUp() || writer().bytesToWrite() >= kHighWater)
            return;
        ++m_ticks;
        const QJsonObject data{{u"seq"_s, m_ticks}, {u"t_server_ns"_s, monotonicNowNs()}};
        writer().write(pushencoding::sseEvent(m_hub->allocateId(), "tick",
                                              pushencoding::compactJson(data)));
        countSent(1);
    }

    // Counts events against count=N; finishes the stream (and returns true) at the limit.
    bool countSent(qsizetype events)
    {
        m_sent += events;
        if (m_options.count <= 0 || m_sent < m_options.count)
            return false;
        finish();
        return true;
    }

    void stopHeartbeats()
    {
        if (m_heartbeatId != 0 && m_heartbeats)
            m_heartbeats->unsubscribe(std::exchange(m_heartbeatId, 0));
    }

    Hub *m_hub;
    QPointer<HeartbeatClock> m_heartbeats;
    Options m_options;
    HubCursor m_cursor;
    HeartbeatClock::Id m_heartbeatId = 0;
    qint64 m_ticks = 0;
    qint64 m_sent = 0;
    bool m_isDelivering = false;
};

} // namespace

void endpoints::sse(const EndpointEnv &env, ResponseWriter &&writer)
{
    const RequestContext &request = writer.request();
    QueryParams params(request.query);
    SseStream::Options options;
    options.topic = params.name(u"topic"_s, u"default"_s);
    options.intervalMs = int(params.integer(u"interval"_s, 0, 0, limits::kMaxIntervalMs, u"ms"));
    options.count = params.integer(u"count"_s, 0, 0, limits::kMaxCount);
    options.heartbeatMs = int(params.integer(u"heartbeat"_s, 15000, 0, limits::kMaxIntervalMs, u"ms"));
    options.retryMs = int(params.integer(u"retry"_s, -1, 0, limits::kMaxDurationMs, u"ms"));
    // Resume point: the Last-Event-ID header, which EventSource sends by itself when it
    // reconnects, wins over the lastEventId parameter (for clients that cannot set headers,
    // and still in the URL of a reconnecting EventSource). Absent both: from now on.
    std::optional<qint64> resume;
    const qint64 queried = params.integer(u"lastEventId"_s, -1, 0,
                                          std::numeric_limits<qint64>::max() / 2);
    if (queried >= 0)
        resume = queried;
    const QByteArray header = request.header("Last-Event-ID").trimmed();
    if (!header.isEmpty()) {
        bool ok = false;
        resume = header.toLongLong(&ok);
        if (!ok || *resume < 0)
            params.fail(u"Last-Event-ID: must be an id this server sent (a whole number)"_s);
    }
    if (!params.isValid()) {
        writer.sendText(400, params.error());
        return;
    }
    options.afterId = resume.value_or(env.hub->lastIdOf(options.topic));
    auto *stream = new SseStream(std::move(writer), env, options, env.streamParent);
    stream->start();
}
