// SPDX-License-Identifier: GPL-3.0-only
// Part plumbing: the environment `tests/bench/run` passes, run summaries (median, min, max of
// rounds) and writing $BENCH_OUT/<part>.json in the harness contract's shape.
'use strict';

const fs = require('fs');
const path = require('path');

function environment() {
    const out = process.env.BENCH_OUT || path.resolve('build-bench/results');
    const work = path.join(out, 'tmp');
    fs.mkdirSync(work, { recursive: true });
    return {
        root: process.env.BENCH_ROOT || path.resolve(__dirname, '..', '..', '..', '..'),
        out,
        work,
        quick: process.env.BENCH_QUICK === '1',
        streamlab: process.env.STREAMLAB || path.resolve('build-bench/app/streamlab'),
    };
}

function summary(runs) {
    const values = runs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    if (!values.length) return { median: null, min: null, max: null, runs };
    const mid = Math.floor(values.length / 2);
    const median = values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    const round = (v) => Math.round(v * 1000) / 1000;
    return { median: round(median), min: round(values[0]), max: round(values[values.length - 1]),
             runs: runs.map((v) => (Number.isFinite(v) ? round(v) : null)) };
}

function writePart(env, part) {
    const file = path.join(env.out, `${part.part}.json`);
    fs.writeFileSync(file, `${JSON.stringify(part, null, 2)}\n`);
    console.log(`${part.part}: wrote ${file}`);
}

module.exports = { environment, summary, writePart };
