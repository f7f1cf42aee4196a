// PouchDB baseline for Loket's sync benchmark.
//
// Replicates N (default 10,000) intake records from a local PouchDB (leveldb
// adapter, temporary directory) to a pouchdb-server (leveldb, temporary
// directory) over loopback, and times only the one-shot
// `local.replicate.to(remote)` with PouchDB's default replication options
// (batch_size 100, batches_limit 10).
//
// pouchdb-server is started the documented way, through its own CLI
// (`pouchdb-server --host --port --dir --config -n`), as a child process.
//
// Usage: node replicate.mjs [--docs N]
// Prints one JSON line on stdout; progress and errors go to stderr.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import PouchDB from 'pouchdb';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.resolve(HERE, '../../crates/core/tests/fixtures/example.json');
const SERVER_BIN = path.join(HERE, 'node_modules/pouchdb-server/bin/pouchdb-server');
const LOAD_CHUNK = 1000; // bulkDocs chunk when filling the local db (not timed)

function log(msg) {
  process.stderr.write(`[pouchdb-bench] ${msg}\n`);
}

function parseArgs(argv) {
  let docs = 10000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let v;
    if (a === '--docs') v = argv[++i];
    else if (a.startsWith('--docs=')) v = a.slice('--docs='.length);
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node replicate.mjs [--docs N]\n');
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
    if (v === undefined || !/^[1-9][0-9]*$/.test(v)) throw new Error(`--docs needs a positive integer, got ${v}`);
    docs = Number(v);
  }
  return { docs };
}

function pkgVersion(name) {
  const p = path.join(HERE, 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(p, 'utf8')).version;
}

// ---- synthetic records ------------------------------------------------------

const pad = (n, w) => String(n).padStart(w, '0');

// Letters-only suffix (A, B, ..., Z, BA, BB, ...) so each name differs.
function letters(i) {
  let s = '';
  do {
    s = String.fromCharCode(65 + (i % 26)) + s;
    i = Math.floor(i / 26);
  } while (i > 0);
  return s;
}

function makeDocs(example, n) {
  const baseId = example.id; // UUIDv7 text; its last group is replaced per doc
  const idPrefix = baseId.slice(0, baseId.lastIndexOf('-') + 1);
  const region = example.person.nik.slice(0, 6); // NIK: region(6) + birth date(6) + serial(4)
  const docs = new Array(n);
  for (let i = 0; i < n; i++) {
    const d = structuredClone(example);
    const id = idPrefix + i.toString(16).padStart(12, '0');
    d.id = id;
    d._id = id;
    d.ticket = `${String.fromCharCode(65 + (Math.floor(i / 1000) % 26))}-${pad(i % 1000, 3)}`;
    d.person.full_name = `${example.person.full_name} ${letters(i)}`;
    const day = 1 + (i % 28);
    const serial = 1 + (Math.floor(i / 28) % 9999);
    d.person.date_of_birth = `1999-04-${pad(day, 2)}`;
    // women's NIK carry day + 40
    const nikDay = d.person.sex === 'F' ? day + 40 : day;
    d.person.nik = `${region}${pad(nikDay, 2)}0499${pad(serial, 4)}`;
    docs[i] = d;
  }
  return docs;
}

// ---- cleanup ----------------------------------------------------------------

let tmpRoot = null;
let server = null;

function killServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    try { server.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

function cleanupSync() {
  killServer();
  if (tmpRoot) {
    try { fs.rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 5 }); } catch (e) { log(`could not remove ${tmpRoot}: ${e.message}`); }
    tmpRoot = null;
  }
}

process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`caught ${sig}, cleaning up`);
    cleanupSync();
    process.exit(128 + os.constants.signals[sig]);
  });
}

// ---- server -----------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Preloaded into the server process: it watches its stdin, and when this
// process dies (even by SIGKILL) the pipe closes, so the server removes the
// benchmark's temporary directory and exits: it never outlives the benchmark.
const PARENT_WATCH = 'data:text/javascript,' + encodeURIComponent(`
import fs from 'node:fs';
const gone = () => {
  const dir = process.env.LOKET_POUCHDB_BENCH_TMP;
  if (dir) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
  process.exit(0);
};
process.stdin.on('end', gone);
process.stdin.on('error', gone);
process.stdin.resume();
`);

async function startServer(dir) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    const args = [
      '--import', PARENT_WATCH,
      SERVER_BIN,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--dir', path.join(dir, 'data'),
      '--config', path.join(dir, 'config.json'),
      '--no-stdout-logs', // request log still goes to <dir>/log.txt (default level "info")
    ];
    let output = '';
    const child = spawn(process.execPath, args, {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LOKET_POUCHDB_BENCH_TMP: tmpRoot },
    });
    server = child;
    child.stdout.on('data', (b) => { output += b; });
    child.stderr.on('data', (b) => { output += b; });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (/already in use/.test(output)) break;
      try {
        const res = await fetch(url + '/', { signal: AbortSignal.timeout(1000) });
        const body = await res.json();
        if (res.ok && 'express-pouchdb' in body) return { url, child };
      } catch { /* not up yet */ }
      await sleep(100);
    }
    killServer();
    if (/already in use/.test(output)) {
      log(`port ${port} taken, retrying (${attempt})`);
      continue;
    }
    throw new Error(`pouchdb-server did not answer on ${url}:\n${output}`);
  }
  throw new Error('could not find a free port for pouchdb-server');
}

// ---- main -------------------------------------------------------------------

async function main() {
  const { docs: n } = parseArgs(process.argv.slice(2));
  const example = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));

  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'loket-pouchdb-bench-'));
  const serverDir = path.join(tmpRoot, 'server');
  const localDir = path.join(tmpRoot, 'local');
  fs.mkdirSync(serverDir);
  fs.mkdirSync(localDir);

  const { url } = await startServer(serverDir);
  log(`pouchdb-server up at ${url} (data in ${serverDir})`);

  const local = new PouchDB(path.join(localDir, 'cases'));
  if ((await local.info()).adapter !== 'leveldb') throw new Error('local PouchDB is not on leveldb');

  const docs = makeDocs(example, n);
  for (let i = 0; i < n; i += LOAD_CHUNK) {
    const res = await local.bulkDocs(docs.slice(i, i + LOAD_CHUNK));
    const bad = res.filter((r) => !r.ok);
    if (bad.length) throw new Error(`local bulkDocs failed: ${JSON.stringify(bad[0])}`);
  }
  const localCount = (await local.info()).doc_count;
  if (localCount !== n) throw new Error(`local db holds ${localCount} docs, expected ${n}`);
  log(`local db filled with ${n} docs (${JSON.stringify(docs[0]).length} bytes each, approx.)`);

  // Create the remote db before the clock starts: only replication is timed.
  const remote = new PouchDB(`${url}/cases`);
  const remoteInfo = await remote.info();
  if (remoteInfo.doc_count !== 0) throw new Error('remote db is not empty');

  const t0 = performance.now();
  const result = await local.replicate.to(remote); // defaults: batch_size 100, batches_limit 10
  const seconds = (performance.now() - t0) / 1000;

  if (!result.ok || result.doc_write_failures !== 0 || result.docs_written !== n) {
    throw new Error(`replication incomplete: ${JSON.stringify({ ok: result.ok, docs_written: result.docs_written, doc_write_failures: result.doc_write_failures, errors: result.errors })}`);
  }
  const remoteCount = (await remote.info()).doc_count;
  if (remoteCount !== n) throw new Error(`remote db holds ${remoteCount} docs, expected ${n}`);

  await local.close();
  await remote.close();

  const out = {
    docs: n,
    seconds: Number(seconds.toFixed(3)),
    docs_per_second: Math.round(n / seconds),
    pouchdb: pkgVersion('pouchdb'),
    pouchdb_server: pkgVersion('pouchdb-server'),
  };
  cleanupSync();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`FAILED: ${err && err.stack ? err.stack : err}`);
    cleanupSync();
    process.exit(1);
  },
);
