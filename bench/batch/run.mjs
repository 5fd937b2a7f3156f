// dl batch: throughput of classify on 1 and 2 workers, and what the Redis queue costs per job.
// Usage: pnpm --filter @dlkit/bench bench:batch   (needs redis-server on the PATH; taskset from util-linux)
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { mirrorPath } from '../data.mjs';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const IMAGES = mirrorPath('images');
const N = Number(process.env.N ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'dlkit-bench-batch-'));

/** N distinct JPEGs: random crops (seeded) of the five shared photos, 60-100% of each side. */
async function photos() {
  const folder = join(dir, 'photos');
  mkdirSync(folder);
  const sources = ['chelsea.png', 'coffee.png', 'dog.jpg', 'horses.jpg', 'person.jpg'].map((f) => join(IMAGES, f));
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < N; i++) {
    const source = sources[i % sources.length];
    const { width, height } = await sharp(source).metadata();
    const w = Math.floor(width * (0.6 + 0.4 * rand()));
    const h = Math.floor(height * (0.6 + 0.4 * rand()));
    const left = Math.floor((width - w) * rand());
    const top = Math.floor((height - h) * rand());
    await sharp(source).extract({ left, top, width: w, height: h }).jpeg({ quality: 85 }).toFile(join(folder, `${i}.jpg`));
  }
  return folder;
}

/** Tiny documents: the model work per job is next to nothing, so a job's time is mostly coordination. */
function texts() {
  const folder = join(dir, 'texts');
  mkdirSync(folder);
  for (let i = 0; i < N; i++) writeFileSync(join(folder, `${i}.txt`), `Document ${i} is short. It has three sentences. The last one is here.\n`);
  return folder;
}

/** One `dl batch` run; its --json summary (the rate excludes model loading) and the whole command's wall time. */
async function batch(args, prefix = []) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.jsonl`);
  const started = performance.now();
  const [cmd, ...rest] = [...prefix, process.execPath, BIN, 'batch', ...args, '--out', out, '--json'];
  const { stdout } = await run(cmd, rest, { maxBuffer: 1 << 26 });
  const wall = (performance.now() - started) / 1000;
  rmSync(out);
  const summary = JSON.parse(stdout.trim().split('\n').at(-1));
  return { perSecond: summary.done / summary.seconds, wall, errors: summary.errors };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startRedis(port) {
  const server = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const ok = await run('redis-cli', ['-p', String(port), 'ping']).then(() => true, () => false);
    if (ok) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}

function startWorker(url, concurrency) {
  // Every input is under the bench's folder: the one root the worker lets jobs read.
  const worker = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--concurrency', String(concurrency), '--allow-dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve) => worker.stderr.on('data', (c) => c.toString().includes(' on redis://') && resolve(worker)));
}

const photoDir = await photos();
const textDir = texts();
console.log(`# dl batch, ${N} inputs, ${availableParallelism()} cores, median of ${ROUNDS} rounds (interleaved)`);

const local = {
  'classify, 1 worker pinned to 1 core (taskset -c 0, --threads 1)': () => batch(['classify', photoDir, '--workers', '1', '--threads', '1'], ['taskset', '-c', '0']),
  'classify, 1 worker, 2 cores (--threads 2)': () => batch(['classify', photoDir, '--workers', '1']),
  'classify, 2 workers, 2 cores (default)': () => batch(['classify', photoDir, '--workers', '2']),
  // The machine's own ceiling: two independent processes, each pinned to its own core, rates added.
  'classify, 2 separate processes, each 1 worker pinned to its own core (sum)': async () => {
    const runs = await Promise.all(['0', '1'].map((core) => batch(['classify', photoDir, '--workers', '1', '--threads', '1'], ['taskset', '-c', core])));
    return { perSecond: runs[0].perSecond + runs[1].perSecond, wall: Math.max(runs[0].wall, runs[1].wall), errors: runs[0].errors + runs[1].errors };
  },
  'summarize --model textrank (tiny texts), 2 workers': () => batch(['summarize', textDir, '--model', 'textrank', '--workers', '2']),
};
const results = Object.fromEntries(Object.keys(local).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) for (const [name, fn] of Object.entries(local)) results[name].push(await fn());

// The same work through BullMQ: one Redis on loopback, one `dl worker` with 2 threads, `dl batch --queue`.
const port = 16379 + Math.floor(Math.random() * 1000);
const redis = await startRedis(port);
const url = `redis://127.0.0.1:${port}`;
const worker = await startWorker(url, 2);
// Warm-up: the worker's threads load each model on their first job of a task.
for (let i = 0; i < 4; i++) await batch(['classify', join(photoDir, `${i}.jpg`), join(photoDir, `${i + 4}.jpg`), '--queue', url]);
await batch(['summarize', join(textDir, '0.txt'), join(textDir, '1.txt'), '--model', 'textrank', '--queue', url]);
const queued = {
  'classify via --queue, dl worker --concurrency 2': () => batch(['classify', photoDir, '--queue', url]),
  'summarize --model textrank (tiny texts) via --queue, dl worker --concurrency 2': () => batch(['summarize', textDir, '--model', 'textrank', '--queue', url]),
};
for (const name of Object.keys(queued)) results[name] = [];
for (let round = 0; round < ROUNDS; round++) for (const [name, fn] of Object.entries(queued)) results[name].push(await fn());
worker.kill('SIGTERM');
redis.kill();

console.log('\n| run | inputs/s | ms per input | whole command, s | errors |\n|---|---|---|---|---|');
const rates = {};
for (const [name, runs] of Object.entries(results)) {
  const rate = median(runs.map((r) => r.perSecond));
  rates[name] = rate;
  console.log(`| ${name} | ${rate.toFixed(1)} | ${(1000 / rate).toFixed(2)} | ${median(runs.map((r) => r.wall)).toFixed(1)} | ${runs[0].errors} |`);
}
const r = (a, b) => (rates[a] / rates[b]).toFixed(2);
const names = Object.keys(results);
console.log(`\n2 workers / 1 worker on 1 core: ${r(names[2], names[0])}x; 2 workers / 1 worker with 2 onnxruntime threads: ${r(names[2], names[1])}x; 2 separate pinned processes / 1: ${r(names[3], names[0])}x`);
console.log(`queue cost per job, tiny texts: ${(1000 / rates[names[6]] - 1000 / rates[names[4]]).toFixed(2)} ms; classify: ${(1000 / rates[names[5]] - 1000 / rates[names[2]]).toFixed(2)} ms`);
rmSync(dir, { recursive: true, force: true });
