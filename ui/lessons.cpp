// SPDX-License-Identifier: GPL-3.0-only
#include "lessons.h"

using namespace Qt::StringLiterals;

namespace {

QList<Lesson> makeLessons()
{
    QList<Lesson> lessons;
    Lesson text;
    text.id = u"text"_s;
    text.title = u"1. Buffered vs streamed text"_s;
    text.notice = u"The same 3 KB document, written 16 bytes every 25 ms. The streamed lane "
                  "types it out as it is written; the buffered lane shows nothing for five "
                  "seconds, then everything at once."_s;
    text.why = u"A buffered response has a Content-Length, so the server must have the whole "
               "body before it sends the headers. A streamed response uses chunked transfer "
               "coding: each write goes out at once, and a client reading at every readyRead "
               "sees it about a millisecond later. Reading only at finished() throws that "
               "advantage away even on a streamed response."_s;
    text.curl = u"curl -N '{base}/text?mode=stream&chunk=16&interval=25'\n"
                "curl '{base}/text?mode=buffered&chunk=16&interval=25'"_s;
    text.javascript = u"const r = await fetch('{base}/text?chunk=16&interval=25');\n"
                      "const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();\n"
                      "for (;;) { const {value, done} = await reader.read(); if (done) break;\n"
                      "  console.log(performance.now(), value); }"_s;
    text.templates = {
            {u"streamed"_s, ProbeMode::Stream,
         u"/text?mode=stream&chunk=16&interval=25&split=chars&type=text/plain;charset=utf-8"_s},
            {u"buffered"_s, ProbeMode::Buffered, u"/text?mode=buffered&chunk=16&interval=25"_s},
    };
    lessons.append(text);

    Lesson image;
    image.id = u"image"_s;
    image.title = u"2. An image, buffered vs streamed"_s;
    image.notice = u"An interlaced PNG of 390 KB, 4 KB every 40 ms. Streamed, a blurry whole "
                   "picture appears within a second and sharpens; buffered, the picture "
                   "appears only when the last byte is there."_s;
    image.why = u"Adam7 interlacing sends a coarse pass of every eighth pixel first, so a "
                "decoder fed partial data can already draw the whole frame. Time to first "
                "pixel is what a user feels; time to complete is what a benchmark of "
                "finished() measures."_s;
    image.curl = u"curl -N -o night.png '{base}/image?mode=stream&chunk=4096&interval=40'"_s;
    image.javascript = u"// <img src='{base}/image?mode=stream&chunk=4096&interval=40'>\n"
                       "// the browser draws each Adam7 pass as it arrives"_s;
    image.templates = {
            {u"streamed"_s, ProbeMode::Stream, u"/image?mode=stream&chunk=4096&interval=40"_s},
            {u"buffered"_s, ProbeMode::Buffered, u"/image?mode=buffered&chunk=4096&interval=40"_s},
    };
    lessons.append(image);

    Lesson records;
    records.id = u"records"_s;
    records.title = u"3. Chunked JSON records"_s;
    records.notice = u"Ten JSON records, one every 500 ms, each in its own chunk. Each appears "
                     "when it is sent; the lag column shows the time between the server's "
                     "write and the client's read."_s;
    records.why = u"Newline-delimited JSON lets a client parse each record as soon as its line "
                  "ends. The raw lane shows the chunk-size line before each record: chunked "
                  "framing is what keeps the connection open without a Content-Length."_s;
    records.curl = u"curl -N '{base}/records?count=10&delay=500'\n"
                   "curl -N --raw '{base}/records?count=10&delay=500'   # with the chunk framing"_s;
    records.javascript = u"const r = await fetch('{base}/records?count=10&delay=500');\n"
                         "let buf = ''; const dec = new TextDecoder();\n"
                         "for await (const part of r.body) { buf += dec.decode(part, {stream: true});\n"
                         "  let i; while ((i = buf.indexOf('\\n')) >= 0) {\n"
                         "    console.log(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); } }"_s;
    records.templates = {
            {u"records"_s, ProbeMode::Stream, u"/records?count=10&delay=500"_s},
            {u"on the wire"_s, ProbeMode::Raw, u"/records?count=10&delay=500"_s},
    };
    lessons.append(records);

    Lesson sse;
    sse.id = u"sse"_s;
    sse.title = u"4. Server-Sent Events"_s;
    sse.notice = u"A tick event every second, heartbeat comments every 3 s, and whatever you "
                 "publish (with a custom event type if you like). Drop the connection: the "
                 "client waits the retry delay, reconnects with Last-Event-ID, and the server "
                 "replays what it missed (highlighted)."_s;
    sse.why = u"EventSource is a long-lived text/event-stream response. Every event carries an "
              "id; on reconnect the browser sends the last one back and a server that keeps a "
              "window of messages can fill the gap. Heartbeats keep proxies and read timeouts "
              "from closing an idle stream."_s;
    sse.curl = u"curl -N '{base}/sse?interval=1000&heartbeat=3000&retry=1000'\n"
               "curl '{base}/publish?m=hello&event=greeting'"_s;
    sse.javascript = u"const es = new EventSource('{base}/sse?interval=1000&heartbeat=3000');\n"
                     "es.onmessage = e => console.log(e.lastEventId, e.data);\n"
                     "es.addEventListener('tick', e => console.log('tick', e.data));"_s;
    sse.extra = Lesson::Extra::DropConnection;
    sse.templates = {
            {u"EventSource"_s, ProbeMode::Sse, u"/sse?interval=1000&heartbeat=3000&retry=1000"_s},
    };
    lessons.append(sse);

    Lesson race;
    race.id = u"push"_s;
    race.title = u"5. Push race: SSE, long polling, WebSocket"_s;
    race.notice = u"Three subscribers to one topic. Publish a message, or set an auto-publish "
                  "rate: each lane shows when the message arrived and its latency from the "
                  "moment it was published."_s;
    race.why = u"SSE and WebSocket keep one connection open and get each message pushed at "
               "once. Long polling answers one request per batch and must send a new request "
               "before it can hear the next message, so at high rates it batches and its "
               "latency grows by a round trip."_s;
    race.curl = u"curl -N '{base}/sse?topic=race'\n"
                "curl '{base}/poll?topic=race&since=0'\n"
                "curl '{base}/publish?topic=race&m=go'"_s;
    race.javascript = u"new EventSource('{base}/sse?topic=race').onmessage = e => console.log(e.data);\n"
                      "const ws = new WebSocket('{base}/ws?topic=race'.replace('http', 'ws'));\n"
                      "ws.onmessage = e => console.log(JSON.parse(e.data));"_s;
    race.extra = Lesson::Extra::Publish;
    race.templates = {
            {u"SSE"_s, ProbeMode::Sse, u"/sse?topic=race"_s},
            {u"long poll"_s, ProbeMode::Poll, u"/poll?topic=race"_s},
            {u"WebSocket"_s, ProbeMode::WebSocket, u"/ws?topic=race"_s},
    };
    lessons.append(race);

    Lesson ranges;
    ranges.id = u"ranges"_s;
    ranges.title = u"6. Ranges and resume"_s;
    ranges.notice = u"A HEAD request learns the size and the ETag; then 8 MiB arrive as one "
                    "download you can pause and resume, and as four parallel ranges. The bar "
                    "shows which bytes arrived when. The third lane asks for bytes past the "
                    "end (416); the fourth resumes with a stale If-Range and gets the whole "
                    "file (200) instead of a wrong splice."_s;
    ranges.why = u"Range: bytes=a-b asks for part of a resource and gets 206 Partial Content. "
                 "Resuming sends If-Range with the ETag: if the file changed, the server sends "
                 "the whole new file (200) instead of a wrong splice. A range past the end "
                 "gets 416."_s;
    ranges.curl = u"curl -I '{base}/files/sample.bin'\n"
                  "curl -r 0-99 '{base}/files/sample.bin' | xxd | head\n"
                  "curl -C - -o sample.bin '{base}/files/sample.bin?rate=1000000'"_s;
    ranges.javascript = u"const r = await fetch('{base}/files/sample.bin', "
                        "{headers: {Range: 'bytes=0-99'}});\n"
                        "console.log(r.status, r.headers.get('Content-Range'));"_s;
    ranges.extra = Lesson::Extra::PauseResume;
    ranges.templates = {
            {u"resumable"_s, ProbeMode::Range, u"/files/sample.bin?rate=2000000"_s},
            {u"4 segments"_s, ProbeMode::Range, u"/files/sample.bin?rate=2000000"_s, 30'000, 0, 4},
            {u"past the end"_s, ProbeMode::Buffered, u"/files/sample.bin"_s, 30'000, 0, 1,
             {{"Range", "bytes=999999999-"}}},
            {u"stale If-Range"_s, ProbeMode::Buffered, u"/files/sample.bin?rate=4000000"_s, 30'000,
             0, 1, {{"Range", "bytes=0-99"}, {"If-Range", "\"an-old-etag\""}}},
    };
    lessons.append(ranges);

    Lesson timeout;
    timeout.id = u"timeout"_s;
    timeout.title = u"7. Read timeout vs heartbeats"_s;
    timeout.notice = u"Both responses take 5 s to produce. Both clients give up after 2 s "
                     "without data. The buffered one times out; the chunked one sends a "
                     "keep-alive byte every second, and its countdown restarts at each."_s;
    timeout.why = u"Client read timeouts (QNAM's transfer timeout, HttpClient's, a proxy's) "
                  "count silence, not total time. Any byte resets them, which is why SSE "
                  "servers send comment heartbeats and slow chunked responses send padding."_s;
    timeout.curl = u"curl --speed-time 2 --speed-limit 1 '{base}/slow?delay=5000'\n"
                   "curl --speed-time 2 --speed-limit 1 -N '{base}/slow?delay=5000&mode=chunked&keepalive=1000'"_s;
    timeout.javascript = u"const c = new AbortController(); let t = setTimeout(() => c.abort(), 2000);\n"
                         "const r = await fetch('{base}/slow?delay=5000&mode=chunked&keepalive=1000', "
                         "{signal: c.signal});\n"
                         "for await (const _ of r.body) { clearTimeout(t); t = setTimeout(() => c.abort(), 2000); }"_s;
    timeout.templates = {
            {u"buffered"_s, ProbeMode::Buffered, u"/slow?delay=5000"_s, 2000},
            {u"chunked + keep-alive"_s, ProbeMode::Stream,
             u"/slow?delay=5000&mode=chunked&keepalive=1000"_s, 2000},
    };
    lessons.append(timeout);

    Lesson wire;
    wire.id = u"wire"_s;
    wire.title = u"8. What the wire carries"_s;
    wire.notice = u"The exact bytes of a chunked response, an SSE stream and a WebSocket "
                  "exchange, each read annotated: status line, headers, chunk sizes, event "
                  "fields, frame headers."_s;
    wire.why = u"Every technique is bytes on one TCP connection. Chunked coding adds a hex "
               "size line per write; SSE adds field names and blank lines; WebSocket adds 2 "
               "to 14 bytes of frame header per message after one HTTP upgrade."_s;
    wire.curl = u"curl -N --raw '{base}/records?count=3&delay=300'\n"
                "curl -N --raw '{base}/sse?interval=500&count=3'"_s;
    wire.javascript = u"// DevTools → Network → the request → EventStream / Messages tab"_s;
    wire.templates = {
            {u"chunked"_s, ProbeMode::Raw, u"/records?count=5&delay=300"_s},
            {u"SSE"_s, ProbeMode::Raw, u"/sse?interval=500&count=5"_s},
            {u"WebSocket"_s, ProbeMode::Raw, u"/ws?interval=500"_s, 30'000, 0},
    };
    lessons.append(wire);

    Lesson any;
    any.id = u"any"_s;
    any.title = u"9. Any URL"_s;
    any.notice = u"Point the lanes at your own server: enter a URL (the second lane follows the "
                 "first as you type), a method, headers and a technique per lane, and see how "
                 "your API streams: read as it arrives against read when complete."_s;
    any.why = u"The probes are ordinary clients; they work against any HTTP/1.1 or WebSocket "
              "server. The send→receive lag needs the built-in server's send log, so it is "
              "shown only there."_s;
    any.curl = u"streamlab probe --mode sse --json https://example.org/events"_s;
    any.javascript = u"// the same probes, headless: streamlab probe URL --mode stream"_s;
    any.isAnyUrl = true;
    any.templates = {{u"streamed"_s, ProbeMode::Stream, u"/text"_s},
                     {u"buffered"_s, ProbeMode::Buffered, u"/text"_s}};
    lessons.append(any);
    return lessons;
}

} // namespace

QList<Lane> Lesson::lanes(const QUrl &base) const
{
    QList<Lane> result;
    for (const LaneTemplate &lane : templates) {
        ProbeSettings settings;
        settings.mode = lane.mode;
        QUrl url = base.resolved(QUrl(lane.pathAndQuery));
        if (lane.mode == ProbeMode::WebSocket
            || (lane.mode == ProbeMode::Raw && lane.pathAndQuery.startsWith(u"/ws"_s))) {
            url.setScheme(url.scheme() == u"https"_s ? u"wss"_s : u"ws"_s);
        }
        settings.url = url;
        settings.timeoutMs = lane.timeoutMs;
        settings.maxEvents = lane.maxEvents;
        settings.segments = lane.segments;
        settings.headers = lane.headers;
        result.append(Lane{lane.name, settings, {}});
    }
    return result;
}

QString Lesson::withBase(const QString &text, const QUrl &base)
{
    QString root = base.toString(QUrl::StripTrailingSlash);
    while (root.endsWith(u'/'))
        root.chop(1); // "http://host:port/" keeps its slash through StripTrailingSlash
    QString copy = text;
    return copy.replace(u"{base}"_s, root);
}

const QList<Lesson> &allLessons()
{
    static const QList<Lesson> lessons = makeLessons();
    return lessons;
}
