// SPDX-License-Identifier: GPL-3.0-only
// The one load client used for every pub/sub server. It opens N subscribers (SSE and long poll
// over raw sockets, WebSocket through npm ws), publishes messages carrying its own timestamp
// (`L<seq>:<t_us>:` then padding), and measures publish→receive on its own clock when a
// subscriber's bytes containing that marker arrive. Publishing is closed-loop: the next message
// goes out once every subscriber has the previous one (or after a timeout), so runs are bounded.
// Only the URL scheme differs between servers (see `schemes`).
'use strict';

const http = require('http');
const net = require('net');
const { performance } = require('perf_hooks');

const kPayloadBytes = 128;
const kConcurrentConnects = 64;
const kMarker = /L(\d+):(\d+):/g;

const nowUs = () => Math.round(performance.now() * 1000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// URL schemes: path and query of each operation for each server.
const schemes = {
    streamlab: {
        sse: (topic, heartbeatMs) => `/sse?topic=${topic}&heartbeat=${heartbeatMs}`,
        poll: (topic, since) => `/poll?topic=${topic}&since=${since}&timeout=60000`,
        ws: (topic) => `/ws?topic=${topic}`,
        publish: (topic) => `/publish?topic=${topic}`,
    },
    node: {
        sse: (topic, heartbeatMs) => `/sse?topic=${topic}&heartbeat=${heartbeatMs}`,
        poll: (topic, since) => `/poll?topic=${topic}&since=${since}&timeout=60000`,
        ws: (topic) => `/ws?topic=${topic}`,
        publish: (topic) => `/publish?topic=${topic}`,
    },
    // nchan: the heartbeat is a location setting; long poll resumes with the headers it sent.
    nchan: {
        sse: (topic, heartbeatMs) => `/sub/${heartbeatMs > 0 ? 'sse-hb' : 'sse'}?topic=${topic}`,
        poll: (topic) => `/sub/poll?topic=${topic}`,
        ws: (topic) => `/sub/ws?topic=${topic}`,
        publish: (topic) => `/pub?topic=${topic}`,
    },
};

function payload(seq) {
    const head = `L${seq}:${nowUs()}:`;
    return head + 'x'.repeat(Math.max(0, kPayloadBytes - head.length));
}

// Finds markers in text; `state.carry` keeps a tail so a marker cut across reads is found.
function scan(state, text, onMarker) {
    const all = state.carry + text;
    kMarker.lastIndex = 0;
    let match;
    let end = 0;
    while ((match = kMarker.exec(all)) !== null) {
        onMarker(Number(match[1]), Number(match[2]));
        end = kMarker.lastIndex;
    }
    state.carry = all.slice(Math.max(end, all.length - 40));
}

// A subscriber over a raw socket: SSE (one long response) or long poll (keep-alive requests).
class RawSubscriber {
    constructor(port, technique, request, onMessage) {
        this.port = port;
        this.technique = technique;
        this.request = request; // (subscriber) => path
        this.onMessage = onMessage;
        this.state = { carry: '' };
        this.lastSeq = 0;
        this.since = 0;
        this.bytes = 0;
        this.reads = 0;
        this.failed = null;
        this.response = '';
        this.pollHeaders = '';
    }

    connect() {
        return new Promise((resolve) => {
            this.ready = resolve;
            this.socket = net.connect({ host: '127.0.0.1', port: this.port }, () => {
                this.socket.setNoDelay(true);
                this.send();
            });
            this.socket.setEncoding('latin1');
            this.socket.on('data', (text) => this.read(text));
            this.socket.on('error', (error) => this.fail(error.code || error.message));
            this.socket.on('close', () => this.fail('closed'));
        });
    }

    fail(why) {
        if (!this.failed) this.failed = why;
        if (this.ready) {
            this.ready();
            this.ready = null;
        }
    }

    send() {
        const accept = this.technique === 'sse' ? 'text/event-stream' : '*/*';
        this.socket.write(`GET ${this.request(this)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: ${accept}\r\n`
                          + `${this.pollHeaders}\r\n`);
        if (this.technique === 'poll' && this.ready) {
            this.ready();
            this.ready = null;
        }
    }

    read(text) {
        this.bytes += text.length;
        this.reads += 1;
        if (this.technique === 'sse') {
            if (this.ready) {
                if (!/^HTTP\/1\.1 200/.test(text)) return this.fail(`status ${text.slice(9, 12)}`);
                this.ready();
                this.ready = null;
            }
            scan(this.state, text, (seq, tUs) => this.deliver(seq, tUs));
            return;
        }
        // Long poll: collect one response, find its end, then ask again.
        this.response += text;
        const headerEnd = this.response.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const head = this.response.slice(0, headerEnd);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        const bodyStart = headerEnd + 4;
        let complete = false;
        if (length) complete = this.response.length >= bodyStart + Number(length[1]);
        else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) complete = this.response.endsWith('0\r\n\r\n');
        else complete = /^HTTP\/1\.1 (204|304)/.test(head);
        if (!complete) return;
        const status = head.slice(9, 12);
        const body = this.response.slice(bodyStart);
        this.response = '';
        if (status !== '200' && status !== '204' && status !== '304') return this.fail(`status ${status}`);
        const lastId = /"last_id":(\d+)/.exec(body);
        if (lastId) this.since = Number(lastId[1]);
        const modified = /\r\nlast-modified:\s*([^\r]+)/i.exec(head);
        const etag = /\r\netag:\s*([^\r]+)/i.exec(head);
        if (modified) this.pollHeaders = `If-Modified-Since: ${modified[1]}\r\nIf-None-Match: ${etag ? etag[1] : '0'}\r\n`;
        this.state.carry = '';
        this.send();
        scan(this.state, body, (seq, tUs) => this.deliver(seq, tUs));
    }

    deliver(seq, tUs) {
        if (seq <= this.lastSeq) return;
        this.lastSeq = seq;
        this.onMessage(seq, nowUs() - tUs);
    }

    close() {
        this.socket.removeAllListeners('close');
        this.socket.destroy();
    }
}

class WsSubscriber {
    constructor(port, path, onMessage) {
        this.url = `ws://127.0.0.1:${port}${path}`;
        this.onMessage = onMessage;
        this.state = { carry: '' };
        this.lastSeq = 0;
        this.failed = null;
    }

    connect() {
        const WebSocket = require('ws');
        return new Promise((resolve) => {
            this.ws = new WebSocket(this.url, { perMessageDeflate: false });
            this.ws.on('open', () => resolve());
            this.ws.on('message', (data) => {
                this.state.carry = '';
                scan(this.state, data.toString('latin1'), (seq, tUs) => {
                    if (seq <= this.lastSeq) return;
                    this.lastSeq = seq;
                    this.onMessage(seq, nowUs() - tUs);
                });
            });
            this.ws.on('error', (error) => {
                this.failed = this.failed || error.message;
                resolve();
            });
            this.ws.on('close', () => {
                this.failed = this.failed || 'closed';
                resolve();
            });
        });
    }

    close() {
        this.ws.removeAllListeners('close');
        this.ws.terminate();
    }
}

async function connectAll(subscribers) {
    let next = 0;
    const worker = async () => {
        while (next < subscribers.length) await subscribers[next++].connect();
    };
    await Promise.all(Array.from({ length: kConcurrentConnects }, worker));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function publish(port, path, body) {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent,
                                   headers: { 'Content-Type': 'text/plain' } }, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`publish: ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
    });
}

function percentile(sorted, p) {
    if (!sorted.length) return NaN;
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

let topicCounter = 0;

// One latency run: N subscribers of one technique on one server, `messages` publishes.
// Returns {p50, p99, max (ms), delivered, expected, failed, connectMs}.
async function latencyRun({ server, base, technique, subscribers, messages, timeoutMs = 10000 }) {
    const port = Number(new URL(base).port);
    const scheme = schemes[server];
    const topic = `bench${process.pid}x${++topicCounter}`;
    const latencies = [];
    const received = new Map();
    let waiter = null;
    const onMessage = (seq, us) => {
        latencies.push(us / 1000);
        const count = (received.get(seq) || 0) + 1;
        received.set(seq, count);
        if (waiter && waiter.seq === seq && count >= waiter.need) waiter.resolve();
    };
    const subs = [];
    for (let i = 0; i < subscribers; ++i) {
        if (technique === 'ws') subs.push(new WsSubscriber(port, scheme.ws(topic), onMessage));
        else subs.push(new RawSubscriber(port, technique,
                                         (s) => (technique === 'sse' ? scheme.sse(topic, 0) : scheme.poll(topic, s.since)),
                                         onMessage));
    }
    const connectStart = performance.now();
    await connectAll(subs);
    const connectMs = performance.now() - connectStart;
    // Long-poll requests are written but maybe not yet parked: give the server time to read them.
    await sleep(technique === 'poll' ? 100 + subscribers / 20 : 20);
    const live = subs.filter((s) => !s.failed).length;
    const gapMs = 5 + subscribers / 100;
    for (let seq = 1; seq <= messages; ++seq) {
        const all = new Promise((resolve) => {
            waiter = { seq, need: live, resolve };
        });
        await publish(port, scheme.publish(topic), payload(seq));
        await Promise.race([all, sleep(timeoutMs)]);
        await sleep(technique === 'poll' ? gapMs * 2 : gapMs);
    }
    for (const s of subs) s.close();
    latencies.sort((a, b) => a - b);
    return {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.length ? latencies[latencies.length - 1] : NaN,
        delivered: latencies.length,
        expected: subscribers * messages,
        failed: subscribers - live,
        failures: [...new Set(subs.filter((s) => s.failed).map((s) => s.failed))].slice(0, 3),
        connectMs,
    };
}

// Holds N SSE subscribers with heartbeats; calls `measure()` while they are held.
// A connection counts as held when it read bytes during the last `heartbeatMs * 2.5`.
async function holdSse({ server, base, subscribers, heartbeatMs, holdMs, measure }) {
    const port = Number(new URL(base).port);
    const topic = `hold${process.pid}x${++topicCounter}`;
    const subs = [];
    for (let i = 0; i < subscribers; ++i) {
        subs.push(new RawSubscriber(port, 'sse', () => schemes[server].sse(topic, heartbeatMs), () => {}));
    }
    await connectAll(subs);
    await sleep(holdMs);
    const readsBefore = subs.map((s) => s.reads);
    await sleep(heartbeatMs * 2.5);
    const held = subs.filter((s, i) => !s.failed && s.reads > readsBefore[i]).length;
    const measured = await measure();
    const failures = [...new Set(subs.filter((s) => s.failed).map((s) => s.failed))].slice(0, 3);
    for (const s of subs) s.close();
    return { held, failed: subs.filter((s) => s.failed).length, failures, measured };
}

module.exports = { latencyRun, holdSse, schemes };
