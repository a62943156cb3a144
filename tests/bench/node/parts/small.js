// SPDX-License-Identifier: GPL-3.0-only
// Part "small": wrk -t1 -c64 on StreamLab's /text?mode=buffered&interval=0 against nginx serving
// the same bytes (fetched from StreamLab first, saved as a static file, same Content-Type).
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { environment, summary, writePart } = require('../lib/part');
const servers = require('../lib/servers');

function wrk(url, seconds) {
    const out = execFileSync('wrk', ['-t1', '-c64', `-d${seconds}s`, url], { encoding: 'utf8' });
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
    const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out);
    return { rps: rps ? Number(rps[1]) : NaN, errors: errors ? errors[0] : '' };
}

async function main() {
    const env = environment();
    const rounds = env.quick ? 1 : 3;
    const dir = path.join(env.work, 'small');
    fs.mkdirSync(dir, { recursive: true });
    const streamlab = await servers.startStreamlab(env, env.work);
    const textFile = path.join(dir, 'text.bin');
    const type = execFileSync('curl', ['-s', '-o', textFile, '-w', '%{content_type}', `${streamlab.base}text?mode=buffered&interval=0`],
                              { encoding: 'utf8' }).trim();
    const nginx = await servers.startNginx('static', env.work, { FILES: dir, TEXT_FILE: textFile, TEXT_TYPE: type });
    const urls = { streamlab: `${streamlab.base}text?mode=buffered&interval=0`, nginx: `${nginx.base}text` };
    const rps = { streamlab: [], nginx: [] };
    const notes = [];
    for (let round = 0; round < rounds; ++round) {
        for (const server of ['streamlab', 'nginx']) {
            const r = wrk(urls[server], env.quick ? 2 : 5);
            if (r.errors) notes.push(`${server}: ${r.errors}`);
            rps[server].push(r.rps);
            console.log(`small ${server}: ${r.rps} req/s ${r.errors}`);
        }
    }
    const figure = { id: 'small.text_buffered.req_per_s', label: `/text?mode=buffered&interval=0 (${fs.statSync(textFile).size} bytes), wrk -t1 -c64`,
                     unit: 'req/s', better: 'higher', streamlab: summary(rps.streamlab), peers: { nginx: summary(rps.nginx) } };
    figure.goal = { text: '>= 0.3x nginx', met: figure.streamlab.median / figure.peers.nginx.median >= 0.3 };
    notes.unshift(`nginx serves the same ${fs.statSync(textFile).size} bytes as a static file with Content-Type "${type}", one worker.`);
    writePart(env, { part: 'small', title: 'Small responses', command: 'tests/bench/run --only small', figures: [figure], notes });
    servers.killAll();
}

main().catch((error) => {
    console.error(`small: ${error.stack || error}`);
    servers.killAll();
    process.exit(1);
});
