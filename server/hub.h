// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "responsewriter.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <deque>
#include <memory>
#include <optional>

// One published message. Immutable once published; shared by every subscriber, together with
// its encodings for each technique, made once at publish (pushencoding.h): a fan-out to
// thousands of subscribers writes the same bytes to each socket without encoding or copying.
struct HubMessage
{
    qint64 id = 0;
    QString topic;
    QByteArray event;   // SSE event type: a token, "message" by default
    QByteArray data;    // UTF-8 text
    qint64 tNs = 0;     // monotonic ns at publish

    SharedPiece sse;       // the SSE event block, and the same as one HTTP/1.1 chunk
    QByteArray json;       // compact toJson(): one element of a long-poll answer's messages
    QByteArray pollBody;   // a whole long-poll answer carrying this message alone
    QString wsText;        // the WebSocket text frame: toJson() plus "type":"message"

    // {"id","event","data","t_server_ns"}: the message as long polling and WebSocket send it.
    QJsonObject toJson() const;
};
using HubMessagePtr = std::shared_ptr<const HubMessage>;

// The publish/subscribe core behind SSE, long polling and WebSocket.
//  - Ids increase strictly across the whole hub (ticks draw from the same counter).
//  - Each topic keeps its last `retention` messages, so a subscriber that reconnects is
//    replayed what it missed; one that asks for more than that is told so (a gap).
//  - Subscribers hold no copies: each keeps a cursor (the last id it delivered) and pulls
//    with since() when published() tells it there is more. A subscriber's backlog is thus
//    bounded by the retention window; a slow one that falls out of it gets a gap notice and
//    continues from the oldest retained message. Memory does not grow with slow consumers.
// Lives in the server thread.
class Hub : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Hub)
public:
    static constexpr int kMaxTopics = 256;
    static constexpr qsizetype kMaxDataBytes = 64 * 1024;

    explicit Hub(int retention, QObject *parent = nullptr);

    // Publishes `data` on `topic`. Returns the message, or nothing when the topic table is
    // full (kMaxTopics distinct topics).
    HubMessagePtr publish(const QString &topic, const QByteArray &event, const QByteArray &data);
    // A fresh id for an event that is not retained (a per-connection tick).
    qint64 allocateId() { return ++m_lastId; }

    struct Replay
    {
        QList<HubMessagePtr> messages;            // ids > afterId, oldest first
        std::optional<qint64> firstAvailable;     // set when messages after afterId were lost
    };
    // Up to `maxCount` retained messages of `topic` newer than `afterId`.
    Replay since(const QString &topic, qint64 afterId, int maxCount) const;
    // The id of the newest message of `topic` (0 when none was published).
    qint64 lastIdOf(const QString &topic) const;
    qint64 lastId() const { return m_lastId; }
    int retention() const { return m_retention; }

    // Topic names: 1–64 characters of [A-Za-z0-9_.-]; event types the same.
    static bool isValidName(const QString &name);

signals:
    // Emitted after each publish; subscribers of `topic` then pull with since().
    void published(const QString &topic, qint64 id);

private:
    static void encode(HubMessage &message);

    struct Topic
    {
        std::deque<HubMessagePtr> retained;
        qint64 lastDroppedId = 0;  // newest id that fell out of retention
        qint64 lastId = 0;
    };

    int m_retention;
    qint64 m_lastId = 0;
    QHash<QString, Topic> m_topics;
};

// A subscriber's position in one topic: the id of the last message it delivered. Every
// technique uses one, so resume, gap and back-pressure behave the same in all of them.
class HubCursor
{
public:
    HubCursor(const Hub *hub, QString topic, qint64 afterId)
        : m_hub(hub), m_topic(std::move(topic)), m_position(afterId)
    {
    }

    struct Batch
    {
        QList<HubMessagePtr> messages;
        std::optional<qint64> gapFirstAvailable;  // messages after `gapRequested` were lost
        qint64 gapRequested = 0;

        // {"requested","first_available"}: the gap notice every technique sends.
        QJsonObject gapJson() const;
    };
    // The next messages (at most maxCount) and advances past them. A gap is reported once;
    // the cursor then continues from the oldest retained message.
    Batch next(int maxCount);
    bool isCaughtUp() const { return m_position >= m_hub->lastIdOf(m_topic); }
    qint64 position() const { return m_position; }
    const QString &topic() const { return m_topic; }

private:
    const Hub *m_hub;
    QString m_topic;
    qint64 m_position;
};

