// SPDX-License-Identifier: GPL-3.0-only
#include "hub.h"

#include "monoclock.h"
#include "pushencoding.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

QJsonObject HubMessage::toJson() const
{
    return {{u"id"_s, id},
            {u"event"_s, QString::fromLatin1(event)},
            {u"data"_s, QString::fromUtf8(data)},
            {u"t_server_ns"_s, tNs}};
}

QJsonObject HubCursor::Batch::gapJson() const
{
    return {{u"requested"_s, gapRequested}, {u"first_available"_s, gapFirstAvailable.value_or(0)}};
}

void Hub::encode(HubMessage &message)
{
    message.sse = SharedPiece::from(pushencoding::sseEvent(message.id, message.event, message.data));
    QJsonObject object = message.toJson();
    message.json = pushencoding::compactJson(object);
    message.pollBody = pushencoding::pollBody({message.json}, message.id);
    object.insert(u"type"_s, u"message"_s);
    message.wsText = QString::fromUtf8(pushencoding::compactJson(object));
}

Hub::Hub(int retention, QObject *parent) : QObject(parent), m_retention(qMax(1, retention)) {}

bool Hub::isValidName(const QString &name)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_.-]{1,64}$"_s);
    return pattern.match(name).hasMatch();
}

HubMessagePtr Hub::publish(const QString &topic, const QByteArray &event, const QByteArray &data)
{
    auto found = m_topics.find(topic);
    if (found == m_topics.end()) {
        if (m_topics.size() >= kMaxTopics)
            return {};
        found = m_topics.insert(topic, Topic());
    }
    auto message = std::make_shared<HubMessage>();
    message->id = ++m_lastId;
    message->topic = topic;
    message->event = event;
    message->data = data;
    message->tNs = monotonicNowNs();
    encode(*message);
    Topic &state = found.value();
    state.retained.push_back(message);
    state.lastId = message->id;
    while (qsizetype(state.retained.size()) > m_retention) {
        state.lastDroppedId = state.retained.front()->id;
        state.retained.pop_front();
    }
    emit published(topic, message->id);
    return message;
}

Hub::Replay Hub::since(const QString &topic, qint64 afterId, int maxCount) const
{
    Replay replay;
    const auto found = m_topics.constFind(topic);
    if (found == m_topics.constEnd())
        return replay;
    const Topic &state = found.value();
    if (afterId < state.lastDroppedId)
        replay.firstAvailable = state.retained.empty() ? state.lastId + 1
                                                       : state.retained.front()->id;
    // Retained ids are sorted: binary search for the first one after afterId.
    auto it = std::upper_bound(state.retained.begin(), state.retained.end(), afterId,
                               [](qint64 id, const HubMessagePtr &m) { return id < m->id; });
    for (; it != state.retained.end() && replay.messages.size() < maxCount; ++it)
        replay.messages.append(*it);
    return replay;
}

qint64 Hub::lastIdOf(const QString &topic) const
{
    const auto found = m_topics.constFind(topic);
    return found == m_topics.constEnd() ? 0 : found->lastId;
}

HubCursor::Batch HubCursor::next(int maxCount)
{
    Batch batch;
    Hub::Replay replay = m_hub->since(m_topic, m_position, maxCount);
    if (replay.firstAvailable) {
        batch.gapFirstAvailable = replay.firstAvailable;
        batch.gapRequested = m_position;
    }
    batch.messages = std::move(replay.messages);
    if (!batch.messages.isEmpty())
        m_position = batch.messages.last()->id;
    else if (batch.gapFirstAvailable)
        m_position = *batch.gapFirstAvailable - 1;
    return batch;
}
