// SPDX-License-Identifier: GPL-3.0-only
// Part "files": a random file (1 GiB; 128 MiB with --quick) made in $BENCH_OUT/tmp/files at run
// time, downloaded whole with curl from StreamLab's /files/ and from nginx (throughput), then
// 64 KiB range requests at random offsets with wrk and a Lua script (requests per second).
// Rounds interleaved StreamLab, nginx, StreamLab, …
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { environment, summary, writePart } = require('../lib/part');
const servers = require('../lib/servers');

function makeFile(file, mib) {
    if (fs.existsSync(file) && fs.statSync(file).size === mib * 1048576) return;
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < mib; ++i) fs.writeSync(fd, crypto.randomBytes(1048576));
    fs.closeSync(fd);
}

function download(url) {
    const out = execFileSync('curl', ['-s', '-o', '/dev/null', '--max-time', '120', '-w', '%{http_code} %{size_download} %{speed_download}', url],
                             { encoding: 'utf8' });
    const [code, size, speed] = out.trim().split(' ').map(Number);
    return { code, size, mibPerS: speed / 1048576 };
}

function wrkRanges(url, size, seconds, work) {
    const script = path.join(work, 'ranges.lua');
    fs.writeFileSync(script, `-- 64 KiB ranges at random 64 KiB-aligned offsets\n`
                     + `local blocks = ${Math.floor(size / 65536)}\n`
                     + `request = function()\n  local start = math.random(0, blocks - 1) * 65536\n`
                     + `  return wrk.format("GET", nil, { Range = "bytes=" .. start .. "-" .. (start + 65535) })\nend\n`);
    const out = execFileSync('wrk', ['-t1', '-c16', `-d${seconds}s`, '-s', script, url], { encoding: 'utf8' });
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
    const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out);
    return { rps: rps ? Number(rps[1]) : NaN, errors: errors ? errors[0] : '' };
}

async function main() {
    const env = environment();
    const mib = env.quick ? 128 : 1024;
    const rounds = env.quick ? 1 : 3;
    const dir = path.join(env.work, 'files');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'big.bin');
    makeFile(file, mib);
    const handles = {
        streamlab: await servers.startStreamlab(env, env.work, ['--files', dir]),
        nginx: await servers.startNginx('static', env.work, { FILES: dir, TEXT_FILE: file, TEXT_TYPE: 'application/octet-stream' }),
    };
    const throughput = { streamlab: [], nginx: [] };
    const ranges = { streamlab: [], nginx: [] };
    const notes = [];
    for (const server of Object.keys(handles)) {
        const probe = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', '-r', '65536-131071',
                                            `${handles[server].base}files/big.bin`], { encoding: 'utf8' }).trim();
        if (probe !== '206 65536') notes.push(`${server}: a 64 KiB range answered "${probe}" (expected 206 65536).`);
    }
    for (let round = 0; round < rounds; ++round) {
        for (const server of Object.keys(handles)) {
            const d = download(`${handles[server].base}files/big.bin`);
            if (d.code !== 200 || d.size !== mib * 1048576) notes.push(`${server}: download got ${d.code}, ${d.size} bytes.`);
            throughput[server].push(d.mibPerS);
            const r = wrkRanges(`${handles[server].base}files/big.bin`, mib * 1048576, env.quick ? 2 : 5, env.work);
            if (r.errors) notes.push(`${server} ranges: ${r.errors}`);
            ranges[server].push(r.rps);
            console.log(`files ${server}: ${d.mibPerS.toFixed(0)} MiB/s whole, ${r.rps} ranges/s`);
        }
    }
    const figures = [
        { id: 'files.download.mib_per_s', label: `${mib} MiB file over loopback (curl)`, unit: 'MiB/s', better: 'higher',
          streamlab: summary(throughput.streamlab), peers: { nginx: summary(throughput.nginx) } },
        { id: 'files.range64k.req_per_s', label: '64 KiB range requests (wrk -t1 -c16)', unit: 'req/s', better: 'higher',
          streamlab: summary(ranges.streamlab), peers: { nginx: summary(ranges.nginx) } },
    ];
    const ratio = figures[0].streamlab.median / figures[0].peers.nginx.median;
    figures[0].goal = { text: '>= 0.5x nginx', met: ratio >= 0.5 };
    notes.unshift('nginx with Debian\'s stock settings (sendfile on, tcp_nopush on), one worker. The file is random '
                  + 'bytes made at run time and sits in the page cache for both servers.');
    writePart(env, { part: 'files', title: 'Files and ranges', command: 'tests/bench/run --only files', figures, notes });
    servers.killAll();
    fs.rmSync(file, { force: true });
}

main().catch((error) => {
    console.error(`files: ${error.stack || error}`);
    servers.killAll();
    process.exit(1);
});
