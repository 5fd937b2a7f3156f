// bench/cold-start: the wall time of one `dl` command in a new node process (nothing cached but the OS page
// cache), for classify, sentiment, transcribe (speech-digits on an FSDD recording) and --help, N runs each.
// The commands are run in turn (classify, sentiment, ..., then again), and several --bin are interleaved the same
// way, so a busy machine slows every command and every bin alike. `node -e 0` is timed with them: node's own start.
// Usage (after pnpm build):
//   node bench/cold-start/run.mjs [--runs N] [--bin PATH ...] [--only classify,sentiment] [--trace] [--profile DIR]
// --bin: a `dl` (its bin.js, or node_modules/.bin/dl of an install; default this checkout's); several: side by side.
// --trace: also, once per command, which packages it loads, how many files and when the first of each loaded.
// --profile DIR: also, once per command, a --cpu-prof profile in DIR and its self time by package.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataset } from '../data.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const TRACER = join(repo, 'packages/cli/src/module-trace.test-helpers.mjs');
const options = {
  runs: { type: 'string', default: '10' },
  bin: { type: 'string', multiple: true },
  only: { type: 'string' },
  trace: { type: 'boolean', default: false },
  profile: { type: 'string' },
};
const { values } = parseArgs({ options });
const RUNS = Number(values.runs);
const BINS = (values.bin ?? [join(repo, 'packages/cli/dist/bin.js')]).map((bin) => realpathSync(bin));

const wav = join(await dataset('fsdd'), 'recordings', '0_george_0.wav');
const ALL = {
  classify: ['vision', 'classify', join(repo, 'packages/vision/samples/cat.jpg')],
  sentiment: ['nlp', 'sentiment', '--text', 'a fine film'],
  transcribe: ['speech', 'transcribe', '--model', 'speech-digits', wav],
  help: ['--help'],
};
const COMMANDS = Object.entries(ALL).filter(([name]) => values.only === undefined || values.only.split(',').includes(name));

// GNU time, where there is one, adds the child's CPU seconds (user + system): a figure a busy machine (other
// sessions' threads) changes far less than the wall time.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuFile = join(tmpdir(), `dl-cold-cpu-${process.pid}.txt`);

/** The CPU ms of the run GNU time just measured (NaN without it). */
function cpuMs() {
  if (GNU_TIME === undefined) return NaN;
  const [user, system] = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return (user + system) * 1000;
}

/** One run of `node <args>`: wall ms from spawn to exit, and CPU ms; a failed command stops the bench. */
function timed(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const [command, ...prefix] = GNU_TIME === undefined ? [process.execPath] : [GNU_TIME, '-o', cpuFile, '-f', '%U %S', process.execPath];
    const child = spawn(command, [...prefix, ...args], { cwd: tmpdir(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0 || stdout === '') reject(new Error(`node ${args.join(' ')}: exit ${code}\n${stderr}`));
      else resolve({ ms, cpu: cpuMs(), stdout });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Every command of every bin, and `node -e 0`, in turn, RUNS times (after one untimed round). */
async function timeAll() {
  const rows = [{ name: 'node -e 0', args: ['-e', 'process.stdout.write("0")'] }];
  for (const [name, args] of COMMANDS) for (const bin of BINS) rows.push({ name, bin, args: [bin, ...args] });
  const runs = rows.map(() => []);
  for (let round = -1; round < RUNS; round++) {
    for (const [i, row] of rows.entries()) {
      const run = await timed(row.args);
      if (round >= 0) runs[i].push(run);
    }
  }
  return rows.map((row, i) => {
    const wall = runs[i].map((run) => run.ms);
    return { ...row, median: median(wall), min: Math.min(...wall), cpu: median(runs[i].map((run) => run.cpu)) };
  });
}

const packageOf = (where) => {
  const path = where.replace(/^file:\/\//, '');
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(path);
  if (dep) return dep[1];
  const ours = /\/packages\/([^/]+)\//.exec(path);
  return ours ? `@dlkit/${ours[1]}` : path;
};

/** Which packages one command loads: files of each, and when (ms after start) its first file loaded. */
async function trace(bin, args) {
  const file = join(tmpdir(), `dl-cold-trace-${process.pid}.txt`);
  rmSync(file, { force: true });
  await timed(['--import', TRACER, bin, ...args], { DL_MODULE_TRACE: file });
  const byPackage = new Map();
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const [t, where] = line.split('\t');
    const entry = byPackage.get(packageOf(where)) ?? { files: 0, first: Number(t) };
    entry.files += 1;
    entry.first = Math.min(entry.first, Number(t));
    byPackage.set(packageOf(where), entry);
  }
  rmSync(file, { force: true });
  return [...byPackage].sort((a, b) => a[1].first - b[1].first);
}

/** Self time by package of one command's --cpu-prof profile (node's own loader code counts as node:internal). */
async function profile(bin, name, args) {
  const dir = join(values.profile, name);
  mkdirSync(dir, { recursive: true });
  await timed(['--cpu-prof', '--cpu-prof-dir', dir, bin, ...args]);
  const newest = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1);
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(join(dir, newest), 'utf8'));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const self = new Map();
  samples.forEach((id, i) => {
    const { url, functionName } = byId.get(id).callFrame;
    const key = url === '' ? `(${functionName})` : url.startsWith('node:') ? 'node:internal' : packageOf(url);
    self.set(key, (self.get(key) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 12);
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`node ${process.versions.node}; ${RUNS} runs each, interleaved; load average at start ${load()}`);
const results = await timeAll();
console.log('\n| command | bin | median ms | min ms | median CPU ms |\n|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.bin ?? ''} | ${r.median.toFixed(0)} | ${r.min.toFixed(0)} | ${r.cpu.toFixed(0)} |`);
console.log(`\nload average at end ${load()}`);
for (const [name, args] of values.trace ? COMMANDS : []) {
  const packages = await trace(BINS[0], args);
  console.log(`\n${name}: ${packages.reduce((n, [, p]) => n + p.files, 0)} files; package files@first-ms: ${packages.map(([pkg, p]) => `${pkg} ${p.files}@${p.first.toFixed(0)}`).join(', ')}`);
}
for (const [name, args] of values.profile === undefined ? [] : COMMANDS) {
  const top = await profile(BINS[0], name, args);
  console.log(`\n${name} self ms: ${top.map(([key, ms]) => `${key} ${ms.toFixed(0)}`).join(', ')}`);
}
