// SPDX-License-Identifier: GPL-3.0-only
#include "laneknobs.h"

#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

// Ranges are what the built-in server accepts (server/queryparams.h and the endpoints), so a
// knob can never produce a 400; a user who types a wilder value into the URL gets the server's
// own 400 naming the parameter.
QList<KnobSpec> makeSpecs()
{
    constexpr int kMaxIntervalMs = 60'000;
    constexpr int kMaxDurationMs = 600'000;
    const QString any;
    return {
        {u"mode"_s,
         u"mode"_s,
         0,
         0,
         any,
         u"How the server sends: as it goes or all at once"_s,
         {u"stream"_s, u"buffered"_s},
         false,
         {u"/text"_s, u"/image"_s}},
        {u"mode"_s,
         u"mode"_s,
         0,
         0,
         any,
         u"Buffered: silence, then the answer; chunked: keep-alive chunks while it works"_s,
         {u"buffered"_s, u"chunked"_s},
         false,
         {u"/slow"_s}},
        {u"type"_s,
         u"content type"_s,
         0,
         0,
         any,
         u"The Content-Type the server sends (browsers sniff and buffer some types)"_s,
         {u"application/octet-stream"_s, u"text/plain; charset=utf-8"_s,
          u"text/html; charset=utf-8"_s, u"application/json"_s},
         true,
         {u"/text"_s}},
        {u"split"_s,
         u"split"_s,
         0,
         0,
         any,
         u"bytes: cut pieces through the middle of UTF-8 characters"_s,
         {u"chars"_s, u"bytes"_s},
         false,
         {u"/text"_s}},
        {u"format"_s,
         u"format"_s,
         0,
         0,
         any,
         u"ndjson: a record per line; json-array: one JSON array split across chunks"_s,
         {u"ndjson"_s, u"json-array"_s},
         false,
         {u"/records"_s}},
        {u"chunk"_s, u"chunk"_s, 1, 1024 * 1024, u" B"_s,
         u"Bytes (text: characters) per piece the server writes"_s},
        {u"interval"_s, u"interval"_s, 0, kMaxIntervalMs, u" ms"_s,
         u"Time between the server's pieces or ticks"_s},
        {u"delay"_s, u"delay"_s, 0, kMaxDurationMs, u" ms"_s,
         u"Time the server 'works' before answering (slow) or per record"_s},
        {u"count"_s, u"count"_s, 1, 100'000, QString(),
         u"How many records or events the server sends"_s},
        {u"heartbeat"_s, u"heartbeat"_s, 0, kMaxIntervalMs, u" ms"_s,
         u"SSE comment heartbeat interval (0 = none)"_s},
        {u"keepalive"_s, u"keep-alive"_s, 1, kMaxIntervalMs, u" ms"_s,
         u"Keep-alive chunk interval of a slow chunked answer"_s},
        {u"retry"_s, u"retry"_s, 0, kMaxDurationMs, u" ms"_s,
         u"SSE reconnection time the server asks for"_s},
        {u"timeout"_s, u"hold"_s, 1, kMaxDurationMs, u" ms"_s,
         u"How long the server holds a long poll before a 204"_s},
        {u"rate"_s, u"rate"_s, 1000, 1024 * 1024 * 1024, u" B/s"_s,
         u"File download speed limit, so pause and resume can be seen"_s},
    };
}

} // namespace

const QList<KnobSpec> &knobSpecs()
{
    static const QList<KnobSpec> specs = makeSpecs();
    return specs;
}

QList<KnobSpec> knobsOf(const QUrl &url)
{
    const QUrlQuery query(url);
    QList<KnobSpec> knobs;
    for (const KnobSpec &spec : knobSpecs()) {
        if (query.hasQueryItem(spec.key) && (spec.paths.isEmpty() || spec.paths.contains(url.path())))
            knobs.append(spec);
    }
    return knobs;
}

QUrl withQueryValue(const QUrl &url, const QString &key, const QString &value)
{
    QUrlQuery query(url);
    QList<QPair<QString, QString>> items = query.queryItems(QUrl::FullyDecoded);
    bool isSet = false;
    for (auto &item : items) {
        if (item.first == key && !isSet) {
            item.second = value;
            isSet = true;
        }
    }
    if (!isSet)
        items.append({key, value});
    query.setQueryItems(items);
    QUrl copy = url;
    copy.setQuery(query);
    return copy;
}
