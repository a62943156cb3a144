#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-only
// The Node peer: a small pub/sub server of the kind a developer writes instead of using
// StreamLab, with the same surface as StreamLab's push endpoints.
//
//   GET  /sse?topic=T&heartbeat=ms     Server-Sent Events (ids, `: hb` heartbeats, Last-Event-ID
//                                      replay)
//   GET  /poll?topic=T&since=ID&timeout=ms
//                                      long polling: {"messages":[...],"last_id":N} at once if
//                                      anything is newer than `since`, else held until a publish,
//                                      204 after `timeout`
//   ws   /ws?topic=T                   WebSocket (npm ws): every message as a JSON text frame
//   POST /publish?topic=T&event=E      body = message; answers {"id":N}
//   GET  /publish?topic=T&m=TEXT
//
// Usage: node server.js [--port N] [--retain N]. Listens on 127.0.0.1 only and prints its base
// URL on one line of stdout once listening (--port 0, the default, lets the OS pick).
'use strict';

const http = require('http');
const { WebSocketServer } = require('ws');

const kMaxBody = 1024 * 1024;

function parseArgs(argv) {
    const options = { port: 0, retain: 1000 };
    for (let i = 0; i < argv.length; i += 2) {
        const value = Number(argv[i + 1]);
        if (argv[i] === '--port' && Number.isInteger(value)) options.port = value;
        else if (argv[i] === '--retain' && Number.isInteger(value)) options.retain = value;
        else {
            console.error(`server.js: unknown option ${argv[i]}`);
            process.exit(2);
        }
    }
    return options;
}

// One topic: its retained messages and its three kinds of subscribers.
class Topic {
    constructor(retain) {
        this.retain = retain;
        this.messages = [];
        this.sse = new Set();
        this.pollers = new Set();
        this.sockets = new Set();
    }

    after(id) {
        return this.messages.filter((message) => message.id > id);
    }
}

class Hub {
    constructor(retain) {
        this.retain = retain;
        this.lastId = 0;
        this.topics = new Map();
    }

    topic(name) {
        let topic = this.topics.get(name);
        if (!topic) {
            topic = new Topic(this.retain);
            this.topics.set(name, topic);
        }
        return topic;
    }

    lastIdOf(name) {
        const messages = this.topic(name).messages;
        return messages.length ? messages[messages.length - 1].id : 0;
    }

    publish(name, event, data) {
        const topic = this.topic(name);
        const message = { id: ++this.lastId, event, data };
        topic.messages.push(message);
        if (topic.messages.length > topic.retain) topic.messages.shift();

        // Encode once per message, not once per subscriber.
        const sseFrame = sseEncode(message);
        for (const res of topic.sse) res.write(sseFrame);
        const wsFrame = JSON.stringify(message);
        for (const socket of topic.sockets) socket.send(wsFrame);
        const pollers = [...topic.pollers];
        topic.pollers.clear();
        if (pollers.length) {
            const body = JSON.stringify({ messages: [message], last_id: message.id });
            for (const poller of pollers) poller.answer(body);
        }
        return message.id;
    }
}

function sseEncode(message) {
    const lines = String(message.data).split('\n').map((line) => `data: ${line}\n`).join('');
    const event = message.event === 'message' ? '' : `event: ${message.event}\n`;
    return `id: ${message.id}\n${event}${lines}\n`;
}

function intParam(url, name, fallback) {
    const text = url.searchParams.get(name);
    if (text === null || text === '') return fallback;
    const value = Number(text);
    return Number.isInteger(value) && value >= 0 ? value : NaN;
}

function badRequest(res, text) {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end(`${text}\n`);
}

function handleSse(hub, req, res, url) {
    const heartbeat = intParam(url, 'heartbeat', 15000);
    if (Number.isNaN(heartbeat)) return badRequest(res, 'heartbeat: a whole number of ms');
    const name = url.searchParams.get('topic') || 'default';
    const topic = hub.topic(name);
    res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        'Access-Control-Allow-Origin': '*',
    });
    res.socket.setNoDelay(true);
    res.write(`: connected to topic ${name}\n\n`);
    const lastEventId = Number(req.headers['last-event-id']);
    if (Number.isInteger(lastEventId)) {
        for (const message of topic.after(lastEventId)) res.write(sseEncode(message));
    }
    topic.sse.add(res);
    const timer = heartbeat > 0 ? setInterval(() => res.write(': hb\n\n'), heartbeat) : null;
    res.on('close', () => {
        topic.sse.delete(res);
        if (timer) clearInterval(timer);
    });
}

function handlePoll(hub, req, res, url) {
    const since = intParam(url, 'since', -1);
    const timeout = intParam(url, 'timeout', 30000);
    if (Number.isNaN(since)) return badRequest(res, 'since: a message id');
    if (Number.isNaN(timeout) || timeout < 1) return badRequest(res, 'timeout: ms, at least 1');
    const name = url.searchParams.get('topic') || 'default';
    const topic = hub.topic(name);
    const headers = { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' };
    const after = since >= 0 ? since : hub.lastIdOf(name);
    const waiting = topic.after(after);
    if (waiting.length) {
        res.writeHead(200, headers);
        res.end(JSON.stringify({ messages: waiting, last_id: waiting[waiting.length - 1].id }));
        return;
    }
    res.socket.setNoDelay(true);
    const poller = {
        answer(body) {
            clearTimeout(timer);
            res.writeHead(200, headers);
            res.end(body);
        },
    };
    const timer = setTimeout(() => {
        topic.pollers.delete(poller);
        res.writeHead(204, headers);
        res.end();
    }, timeout);
    topic.pollers.add(poller);
    res.on('close', () => {
        topic.pollers.delete(poller);
        clearTimeout(timer);
    });
}

function handlePublish(hub, req, res, url) {
    const name = url.searchParams.get('topic') || 'default';
    const event = url.searchParams.get('event') || 'message';
    const answer = (data) => {
        const id = hub.publish(name, event, data);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
        res.end(JSON.stringify({ id, topic: name }));
    };
    if (req.method === 'GET') return answer(url.searchParams.get('m') || '');
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
        size += chunk.length;
        if (size <= kMaxBody) chunks.push(chunk);
    });
    req.on('end', () => {
        if (size > kMaxBody) {
            res.writeHead(413);
            res.end();
        } else {
            answer(Buffer.concat(chunks).toString('utf8'));
        }
    });
}

function main() {
    const options = parseArgs(process.argv.slice(2));
    const hub = new Hub(options.retain);
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, 'http://127.0.0.1');
        if (req.method === 'GET' && url.pathname === '/sse') return handleSse(hub, req, res, url);
        if (req.method === 'GET' && url.pathname === '/poll') return handlePoll(hub, req, res, url);
        if ((req.method === 'POST' || req.method === 'GET') && url.pathname === '/publish')
            return handlePublish(hub, req, res, url);
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found\n');
    });
    // Long-lived subscribers must not be cut by Node's request timeouts.
    server.requestTimeout = 0;
    server.headersTimeout = 60000;
    server.keepAliveTimeout = 60000;
    server.maxConnections = Infinity;

    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    server.on('upgrade', (req, socket, head) => {
        const url = new URL(req.url, 'http://127.0.0.1');
        if (url.pathname !== '/ws') return socket.destroy();
        wss.handleUpgrade(req, socket, head, (ws) => {
            const topic = hub.topic(url.searchParams.get('topic') || 'default');
            topic.sockets.add(ws);
            ws.on('close', () => topic.sockets.delete(ws));
            ws.on('error', () => topic.sockets.delete(ws));
        });
    });

    server.listen({ host: '127.0.0.1', port: options.port }, () => {
        console.log(`http://127.0.0.1:${server.address().port}/`);
    });
    // Held subscribers would keep close() waiting: exit once listening has stopped.
    const stop = () => {
        server.close();
        process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

main();
