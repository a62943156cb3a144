// SPDX-License-Identifier: GPL-3.0-only
// POST /publish?event=TYPE&topic=T (body = message) and GET /publish?m=TEXT&event=&topic=
// (/send is an alias: the tutorials' name). Answers {"id":N,...}.
#include "endpoints.h"
#include "hub.h"
#include "queryparams.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

void endpoints::publish(const EndpointEnv &env, ResponseWriter &&writer)
{
    const RequestContext &request = writer.request();
    QueryParams params(request.query);
    const QString event = params.name(u"event"_s, u"message"_s);
    const QString topic = params.name(u"topic"_s, u"default"_s);
    QByteArray data;
    if (request.method == QHttpServerRequest::Method::Post && !request.body.isEmpty()) {
        data = request.body;
    } else {
        // Form encoding, as a browser sends it: '+' is a space (a literal plus is %2B).
        QString text = params.text(u"m"_s, QString(), Hub::kMaxDataBytes);
        if (params.isValid() && text.isNull())
            params.fail(u"m: the message is missing; give ?m=TEXT or POST a body"_s);
        data = text.replace(u'+', u' ').toUtf8();
    }
    if (params.isValid() && data.size() > Hub::kMaxDataBytes)
        params.fail(u"message: at most %1 bytes"_s.arg(Hub::kMaxDataBytes));
    if (params.isValid() && QString::fromUtf8(data).toUtf8() != data)
        params.fail(u"message: must be valid UTF-8 text"_s);
    if (!params.isValid()) {
        writer.sendText(400, params.error());
        return;
    }
    const HubMessagePtr message = env.hub->publish(topic, event.toLatin1(), data);
    if (!message) {
        writer.sendText(503, "topic: the server already holds " + QByteArray::number(Hub::kMaxTopics)
                                 + " topics; publish to an existing one");
        return;
    }
    const QJsonObject answer{{u"id"_s, message->id},
                             {u"topic"_s, topic},
                             {u"event"_s, event},
                             {u"t_server_ns"_s, message->tNs}};
    writer.send(200, "application/json", QJsonDocument(answer).toJson(QJsonDocument::Compact),
                {{"Cache-Control", "no-store"}});
}
