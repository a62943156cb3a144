// SPDX-License-Identifier: GPL-3.0-only
// Starting and stopping the servers under test: StreamLab (`streamlab serve`), the Node peer
// (server.js) and nginx (with or without nchan) from a template. Every server listens on
// 127.0.0.1 on a port chosen at run time; every process started here is remembered and ended
// by its pid when the part exits.
'use strict';

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const kNodeDir = path.resolve(__dirname, '..');
const kTemplateDir = path.resolve(__dirname, '..', '..', 'nginx');
const kNchanModule = '/usr/lib/nginx/modules/ngx_nchan_module.so';
const kStartTimeoutMs = 10000;

const started = new Set();

function killAll() {
    for (const child of started) {
        try {
            process.kill(child.pid, 'SIGTERM');
        } catch (error) {
            // Already gone.
        }
    }
    started.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
        killAll();
        process.exit(130);
    });
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

// A port that was free a moment ago (bind port 0, read it back, close).
function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0 }, () => {
            const port = server.address().port;
            server.close(() => resolve(port));
        });
    });
}

async function waitForPort(port, child, timeoutMs = kStartTimeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
        const open = await new Promise((resolve) => {
            const socket = net.connect({ host: '127.0.0.1', port }, () => {
                socket.destroy();
                resolve(true);
            });
            socket.on('error', () => resolve(false));
        });
        if (open) return;
        await sleep(50);
    }
    throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

// Spawns a server that prints its base URL as the first line of stdout.
function spawnPrintingUrl(name, command, args, logFile) {
    return new Promise((resolve, reject) => {
        const log = fs.openSync(logFile, 'a');
        const child = spawn(command, args, { stdio: ['ignore', 'pipe', log] });
        started.add(child);
        let text = '';
        const timer = setTimeout(() => reject(new Error(`${name} printed no URL`)), kStartTimeoutMs);
        child.on('exit', (code) => {
            started.delete(child);
            clearTimeout(timer);
            reject(new Error(`${name} exited with code ${code}; see ${logFile}`));
        });
        child.stdout.on('data', (chunk) => {
            text += chunk;
            const match = /^(http:\/\/\S+?)\/?\s*$/m.exec(text);
            if (match) {
                clearTimeout(timer);
                child.stdout.removeAllListeners('data');
                child.stdout.resume();
                resolve(makeHandle(name, child, `${match[1]}/`, child.pid));
            }
        });
    });
}

function makeHandle(name, child, base, measuredPid) {
    return {
        name,
        base,
        pid: child.pid,
        measuredPid, // the process whose memory is the server's (nginx: its one worker)
        stop: () => stopChild(child),
    };
}

async function stopChild(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    started.delete(child);
}

async function startStreamlab(env, logDir, extraArgs = []) {
    const args = ['serve', '--port', '0', '--idle-timeout', '600', ...extraArgs];
    return spawnPrintingUrl('streamlab', env.streamlab, args, path.join(logDir, 'streamlab.log'));
}

async function startNodePeer(logDir) {
    return spawnPrintingUrl('node', process.execPath, [path.join(kNodeDir, 'server.js')],
                            path.join(logDir, 'node-peer.log'));
}

function childPids(pid) {
    try {
        const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
        return text ? text.split(/\s+/).map(Number) : [];
    } catch (error) {
        return [];
    }
}

// nginx from tests/bench/nginx/<template>.conf: @PORT@, @PREFIX@, @NCHAN_MODULE@ and any
// extra @KEY@ from `vars` are filled in; the config, pid file, logs and temp folders live in
// their own prefix under `workDir`. Runs in the foreground (daemon off) with one worker.
async function startNginx(templateName, workDir, vars = {}) {
    const prefix = path.join(workDir, `nginx-${templateName}`);
    fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
    const port = await freePort();
    const values = { PORT: String(port), PREFIX: prefix, NCHAN_MODULE: kNchanModule, ...vars };
    let config = fs.readFileSync(path.join(kTemplateDir, `${templateName}.conf`), 'utf8');
    config = config.replace(/@([A-Z_]+)@/g, (whole, key) => {
        if (!(key in values)) throw new Error(`${templateName}.conf: no value for ${whole}`);
        return values[key];
    });
    const confFile = path.join(prefix, 'nginx.conf');
    fs.writeFileSync(confFile, config);
    const log = fs.openSync(path.join(prefix, 'logs', 'stderr.log'), 'a');
    const child = spawn('nginx', ['-p', `${prefix}/`, '-c', confFile, '-e', path.join(prefix, 'logs', 'error.log')],
                        { stdio: ['ignore', log, log] });
    started.add(child);
    child.on('exit', () => started.delete(child));
    await waitForPort(port, child);
    let workers = [];
    for (let i = 0; i < 50 && workers.length === 0; ++i) {
        workers = childPids(child.pid);
        if (workers.length === 0) await sleep(20);
    }
    return makeHandle(`nginx-${templateName}`, child, `http://127.0.0.1:${port}/`, workers[0] || child.pid);
}

// VmRSS of a process in KiB, or NaN when it cannot be read.
function rssKiB(pid) {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
        return match ? Number(match[1]) : NaN;
    } catch (error) {
        return NaN;
    }
}

// The soft limit on open files of a process ("Max open files"), or null.
function openFilesLimit(pid) {
    try {
        const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
        const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
        return match ? { soft: match[1], hard: match[2] } : null;
    } catch (error) {
        return null;
    }
}

function openFiles(pid) {
    try {
        return fs.readdirSync(`/proc/${pid}/fd`).length;
    } catch (error) {
        return NaN;
    }
}

function commandOutput(command, args) {
    try {
        return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (error) {
        return '';
    }
}

module.exports = {
    sleep,
    freePort,
    startStreamlab,
    startNodePeer,
    startNginx,
    rssKiB,
    openFilesLimit,
    openFiles,
    commandOutput,
    killAll,
};
