// SPDX-License-Identifier: GPL-3.0-only
#include "pushencoding.h"

#include <QJsonDocument>

QByteArray pushencoding::sseEvent(qint64 id, QByteArrayView event, QByteArrayView data)
{
    QByteArray block;
    block.reserve(data.size() + event.size() + 48);
    if (id > 0)
        block.append("id: ").append(QByteArray::number(id)).append('\n');
    if (!event.isEmpty() && event != "message")
        block.append("event: ").append(event).append('\n');
    qsizetype start = 0;
    for (qsizetype i = 0; i <= data.size(); ++i) {
        if (i < data.size() && data[i] != '\n' && data[i] != '\r')
            continue;
        block.append("data: ").append(data.sliced(start, i - start)).append('\n');
        if (i + 1 < data.size() && data[i] == '\r' && data[i + 1] == '\n')
            ++i;
        start = i + 1;
    }
    return block.append('\n');
}

QByteArray pushencoding::compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray pushencoding::pollBody(const QList<QByteArray> &messageJson, qint64 lastId,
                                  const QByteArray &gap)
{
    qsizetype size = gap.size() + 48;
    for (const QByteArray &json : messageJson)
        size += json.size() + 1;
    QByteArray body;
    body.reserve(size);
    body.append('{');
    if (!gap.isEmpty())
        body.append("\"gap\":").append(gap).append(',');
    body.append("\"last_id\":").append(QByteArray::number(lastId)).append(",\"messages\":[");
    for (qsizetype i = 0; i < messageJson.size(); ++i) {
        if (i > 0)
            body.append(',');
        body.append(messageJson.at(i));
    }
    return body.append("]}");
}
