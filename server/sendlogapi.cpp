// SPDX-License-Identifier: GPL-3.0-only
// GET /api/sendlog[?id=N] : the server's own record of what it wrote and when, so the lab can
// plot sends against arrivals. Without id: the most recent responses, newest first.
#include "endpoints.h"
#include "queryparams.h"
#include "sendlog.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

void endpoints::sendLog(const EndpointEnv &env, ResponseWriter &&writer)
{
    QueryParams params(writer.request().query);
    const qint64 id = params.integer(u"id"_s, 0, 1, std::numeric_limits<qint64>::max() / 2);
    const qint64 limit = params.integer(u"limit"_s, 50, 1, SendLog::kMaxEntries);
    if (!params.isValid()) {
        writer.sendText(400, params.error());
        return;
    }
    const QByteArray json = "application/json";
    if (id == 0) {
        QJsonArray list;
        for (const SendLogEntry &entry : env.sendLog->recent(int(limit)))
            list.append(entry.toJson(false));
        writer.send(200, json, QJsonDocument(QJsonObject{{u"responses"_s, list}}).toJson(),
                    {{"Cache-Control", "no-store"}});
        return;
    }
    const std::optional<SendLogEntry> entry = env.sendLog->entry(id);
    if (!entry) {
        writer.sendText(404, "id: no send log for response " + QByteArray::number(id)
                                 + " (never logged, or dropped to bound memory)");
        return;
    }
    writer.send(200, json, QJsonDocument(entry->toJson(true)).toJson(QJsonDocument::Compact),
                {{"Cache-Control", "no-store"}});
}
