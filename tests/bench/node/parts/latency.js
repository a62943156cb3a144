// SPDX-License-Identifier: GPL-3.0-only
// Part "latency": publish→receive p50/p99/max for SSE, WebSocket and long polling at 1, 100,
// 1000 and 10000 subscribers, StreamLab against nchan and the Node peer, rounds interleaved
// (StreamLab, nchan, node, StreamLab, …); each figure is the median of the rounds' values.
'use strict';

const { environment, summary, writePart } = require('../lib/part');
const servers = require('../lib/servers');
const { latencyRun } = require('../lib/loadclient');

async function main() {
    const env = environment();
    const counts = env.quick ? [1, 100, 1000] : [1, 100, 1000, 10000];
    const rounds = env.quick ? 1 : 3;
    const messagesFor = (n) => (n <= 1 ? 200 : n <= 100 ? 30 : n <= 1000 ? 10 : 5);
    const handles = {
        streamlab: await servers.startStreamlab(env, env.work),
        nchan: await servers.startNginx('nchan', env.work),
        node: await servers.startNodePeer(env.work),
    };
    const results = {}; // key technique.n.stat -> server -> [values]
    const notes = [];
    for (const technique of ['sse', 'ws', 'poll']) {
        for (const n of counts) {
            for (let round = 0; round < rounds; ++round) {
                for (const server of ['streamlab', 'nchan', 'node']) {
                    const r = await latencyRun({ server, base: handles[server].base, technique,
                                                 subscribers: n, messages: messagesFor(n) });
                    console.log(`latency ${technique} n=${n} ${server}: p50 ${r.p50} p99 ${r.p99} max ${r.max} ms, `
                                + `${r.delivered}/${r.expected} delivered, connect ${Math.round(r.connectMs)} ms`);
                    if (r.delivered < r.expected || r.failed) {
                        notes.push(`${server} ${technique} at ${n}: ${r.delivered} of ${r.expected} messages delivered, `
                                   + `${r.failed} subscribers failed (${r.failures.join('; ') || 'timeouts'}).`);
                    }
                    for (const stat of ['p50', 'p99', 'max']) {
                        const key = `${technique}.${n}.${stat}`;
                        results[key] = results[key] || { streamlab: [], nchan: [], node: [] };
                        results[key][server].push(r[stat]);
                    }
                    const key = `${technique}.${n}.connect_ms`;
                    results[key] = results[key] || { streamlab: [], nchan: [], node: [] };
                    results[key][server].push(r.connectMs);
                }
            }
        }
    }
    const names = { sse: 'SSE', ws: 'WebSocket', poll: 'Long poll' };
    const figures = [];
    for (const [key, byServer] of Object.entries(results)) {
        const [technique, n, stat] = key.split('.');
        const figure = {
            id: `latency.${key}`,
            label: stat === 'connect_ms' ? `${names[technique]}, ${n} subscribers: time to connect all`
                                         : `${names[technique]}, ${n} subscribers: publish→receive ${stat}`,
            unit: 'ms',
            better: 'lower',
            streamlab: summary(byServer.streamlab),
            peers: { nchan: summary(byServer.nchan), node: summary(byServer.node) },
        };
        if (stat === 'p99' && n === '1000' && technique !== 'poll') {
            const met = figure.streamlab.median <= figure.peers.nchan.median;
            figure.goal = { text: '<= nchan', met };
        }
        if (stat === 'p99' && technique === 'poll' && results[`sse.${n}.p99`]) {
            const sse = summary(results[`sse.${n}.p99`].streamlab).median;
            figure.goal = { text: `<= 2x StreamLab SSE p99 (${sse} ms)`, met: figure.streamlab.median <= 2 * sse };
        }
        figures.push(figure);
    }
    notes.unshift(`Payload ${128} bytes with the client's timestamp; one publisher over HTTP keep-alive; `
                  + `the next message is published when every subscriber has the previous one (10 s timeout). `
                  + `Subscribers connect 64 at a time. Rounds per cell: ${rounds}. Latency includes the single `
                  + `Node load client's own time to process N receipts (the same for every server).`);
    writePart(env, { part: 'latency', title: 'Publish→receive latency',
                     command: 'tests/bench/run --only latency', figures, notes });
    servers.killAll();
}

main().catch((error) => {
    console.error(`latency: ${error.stack || error}`);
    servers.killAll();
    process.exit(1);
});
