// Load test of the demo server on loopback: 50 connections for 60 s over a mix of real requests and malformed ones.
// Prints figures for bench/RESULTS.md. Run: pnpm --filter @dlkit/bench bench:demo-load [-- --seconds 60 --connections 50]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { dataset } from '../data.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, connections: { type: 'string', default: '50' } } });
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(REPO, 'apps/demo/dist/server/main.js');

const work = await mkdtemp(join(tmpdir(), 'dlkit-load-'));
// The heap cap of `pnpm demo` (package.json): without it V8 lets a busy server's heap grow to hundreds of MB of
// garbage between collections, and RSS with it.
const server = spawn(process.execPath, ['--max-old-space-size=256', MAIN, '--port', '0', '--work-dir', work], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
    if (m) resolve(m[0]);
  });
  server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});

const photo = await sharp(join(REPO, 'packages/vision/samples/cat.jpg')).resize(320).jpeg().toBuffer();
const wav = await readFile(join(await dataset('fsdd'), 'recordings/3_theo_0.wav'));
const json = (body) => ({ method: 'POST', path: '/api/nlp/sentiment', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
// Weighted by how often each appears in the list: mostly inference, some cheap reads, some garbage.
const requests = [
  { method: 'POST', path: '/api/vision/classify', headers: { 'content-type': 'image/jpeg' }, body: photo },
  { method: 'POST', path: '/api/vision/classify?model=digits', headers: { 'content-type': 'image/jpeg' }, body: photo },
  { method: 'POST', path: '/api/vision/detect', headers: { 'content-type': 'image/jpeg' }, body: photo },
  { method: 'POST', path: '/api/speech/transcribe', headers: { 'content-type': 'audio/wav' }, body: wav },
  json({ text: 'A warm, funny and beautifully acted film.' }),
  json({ texts: ['Loved it.', 'A dull, lifeless mess.'] }),
  { method: 'POST', path: '/api/nlp/summarize', headers: { 'content-type': 'text/plain' }, body: 'Cats sleep. Dogs bark at night. Cats and dogs can live together. Birds sing.' },
  { method: 'GET', path: '/api/health' },
  { method: 'GET', path: '/api/models' },
  // malformed: wrong type, broken JSON, garbage image, unknown model, traversal
  { method: 'POST', path: '/api/vision/classify', headers: { 'content-type': 'text/plain' }, body: 'not an image' },
  { method: 'POST', path: '/api/nlp/sentiment', headers: { 'content-type': 'application/json' }, body: '{"text": ' },
  { method: 'POST', path: '/api/vision/detect', headers: { 'content-type': 'image/png' }, body: Buffer.from('not really a png at all') },
  { method: 'POST', path: '/api/vision/classify?model=../../etc/passwd', headers: { 'content-type': 'image/jpeg' }, body: photo },
  { method: 'GET', path: '/../../../etc/passwd' },
];

const health = async () => (await (await fetch(`${url}api/health`)).json()).resources;
// Warm-up at the same load: every model loaded and every buffer pool (wasm heap, sharp, V8) at its working size,
// so that RSS before and after compare the same server.
await autocannon({ url, connections, duration: 20, requests });
const before = await health();
const samples = [];
const sampler = setInterval(async () => {
  const r = await health();
  samples.push(`${r.rssMB} (heap ${r.heapMB}, external ${r.externalMB})`);
}, 10_000);
const result = await autocannon({ url, connections, duration: seconds, requests });
clearInterval(sampler);
await new Promise((r) => setTimeout(r, 2000));
const after = await health();

server.kill('SIGTERM');
const [code] = await once(server, 'exit');
await rm(work, { recursive: true, force: true });

const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([s, v]) => [s, v.count]));
const fiveXX = Object.entries(statuses).filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0);
const figures = {
  connections,
  seconds,
  requests: result.requests.total,
  throughputPerSecond: Math.round(result.requests.average * 10) / 10,
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  statuses,
  responses5xx: fiveXX,
  errors: result.errors,
  timeouts: result.timeouts,
  rssMB: { before: before.rssMB, every10s: samples, after: after.rssMB, change: `${(((after.rssMB - before.rssMB) / before.rssMB) * 100).toFixed(1)}%` },
  tensors: { before: before.tensors, after: after.tensors },
  onnxSessions: { before: before.onnxSessions, after: after.onnxSessions },
  serverExit: code,
};
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
if (fiveXX > 0 || code !== 0) process.exitCode = 1;
