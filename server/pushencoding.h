// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>

// How the push techniques put messages on the wire. Each hub message is encoded once, when it
// is published, and the result is shared by every subscriber (QByteArray and QString are
// implicitly shared, so handing them to thousands of sockets copies nothing).
namespace pushencoding {

// One SSE event block. Multi-line data becomes several data: lines (CRLF, LF and CR all end a
// line, as the WHATWG parser will see them); no id: line when `id` <= 0; no event: line for
// the default type "message".
QByteArray sseEvent(qint64 id, QByteArrayView event, QByteArrayView data);

// `object` as compact JSON text, exactly as QJsonDocument::toJson(Compact) writes it.
QByteArray compactJson(const QJsonObject &object);

// The body of a long-poll answer: {"gap":…,"last_id":N,"messages":[…]}, the keys in the order
// QJsonObject sorts them, built from messages already encoded as compact JSON. `gap` is the
// compact gap notice, or empty for none. Byte for byte what QJsonDocument would write.
QByteArray pollBody(const QList<QByteArray> &messageJson, qint64 lastId,
                    const QByteArray &gap = {});

} // namespace pushencoding
