// SPDX-License-Identifier: GPL-3.0-only
// The harness smoke (ctest bench_smoke): the load client's SSE and long-poll paths (Node's
// built-in modules only) against a running `streamlab serve`, a couple of seconds at most.
// Usage: node smoke.js BASE_URL. Exit 0 when every message reached every subscriber.
'use strict';

const { latencyRun } = require('./lib/loadclient');

async function main() {
    const base = process.argv[2];
    let ok = true;
    for (const technique of ['sse', 'poll']) {
        const r = await latencyRun({ server: 'streamlab', base, technique, subscribers: 10, messages: 5, timeoutMs: 2000 });
        console.log(`${technique}: ${r.delivered}/${r.expected} delivered, p50 ${r.p50} ms, p99 ${r.p99} ms`);
        if (r.delivered !== r.expected || !(r.p99 >= 0)) ok = false;
    }
    process.exit(ok ? 0 : 1);
}

main().catch((error) => {
    console.error(error.stack || error);
    process.exit(1);
});
