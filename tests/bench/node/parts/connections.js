// SPDX-License-Identifier: GPL-3.0-only
// Part "connections": N SSE subscribers held with 1 s heartbeats; RSS per connection from
// /proc/PID/status VmRSS before and while they are held (nchan: its nginx worker). Each round
// starts each server afresh, interleaved StreamLab, nchan, node.
'use strict';

const { environment, summary, writePart } = require('../lib/part');
const servers = require('../lib/servers');
const { holdSse } = require('../lib/loadclient');

const start = {
    streamlab: (env) => servers.startStreamlab(env, env.work),
    nchan: (env) => servers.startNginx('nchan', env.work),
    node: (env) => servers.startNodePeer(env.work),
};

async function main() {
    const env = environment();
    const n = env.quick ? 1000 : 10000;
    const rounds = env.quick ? 1 : 3;
    const perConn = { streamlab: [], nchan: [], node: [] };
    const held = { streamlab: [], nchan: [], node: [] };
    const notes = [];
    for (let round = 0; round < rounds; ++round) {
        for (const server of ['streamlab', 'nchan', 'node']) {
            const handle = await start[server](env);
            await servers.sleep(300);
            const before = servers.rssKiB(handle.measuredPid);
            const r = await holdSse({ server, base: handle.base, subscribers: n, heartbeatMs: 1000, holdMs: 1000,
                                      measure: async () => ({ rss: servers.rssKiB(handle.measuredPid),
                                                              fds: servers.openFiles(handle.measuredPid),
                                                              limit: servers.openFilesLimit(handle.measuredPid) }) });
            const kib = (r.measured.rss - before) / Math.max(1, r.held);
            console.log(`connections ${server}: ${r.held}/${n} held, RSS ${before} -> ${r.measured.rss} KiB, `
                        + `${kib.toFixed(2)} KiB each, fds ${r.measured.fds}, limit ${JSON.stringify(r.measured.limit)}`);
            perConn[server].push(kib);
            held[server].push(r.held);
            if (r.held < n) {
                notes.push(`${server}: ${r.held} of ${n} held (round ${round + 1}); ${r.failed} failed `
                           + `(${r.failures.join('; ')}); the server's open-files limit was `
                           + `${r.measured.limit ? r.measured.limit.soft : '?'}.`);
            }
            await handle.stop();
        }
    }
    const figures = [
        { id: `connections.sse.${n}.held`, label: `SSE subscribers held with 1 s heartbeats (of ${n})`, unit: 'connections',
          better: 'higher', streamlab: summary(held.streamlab),
          peers: { nchan: summary(held.nchan), node: summary(held.node) } },
        { id: `connections.sse.${n}.rss_per_connection`, label: `RSS per held SSE connection (${n} held)`, unit: 'KiB',
          better: 'lower', streamlab: summary(perConn.streamlab),
          peers: { nchan: summary(perConn.nchan), node: summary(perConn.node) } },
    ];
    figures[0].goal = { text: `${n} held`, met: figures[0].streamlab.median >= n };
    figures[1].goal = { text: '<= 16 KiB', met: figures[1].streamlab.median !== null && figures[1].streamlab.median <= 16 };
    notes.unshift('RSS growth of the server process (nchan: its one nginx worker; nchan also keeps channel data in '
                  + 'shared memory, counted only as far as the worker touched it) divided by the connections held; '
                  + 'a connection counts as held when it read a heartbeat during the last 2.5 s.');
    writePart(env, { part: 'connections', title: 'Concurrent SSE subscribers',
                     command: 'tests/bench/run --only connections', figures, notes });
    servers.killAll();
}

main().catch((error) => {
    console.error(`connections: ${error.stack || error}`);
    servers.killAll();
    process.exit(1);
});
