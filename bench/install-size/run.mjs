// Install size: each package packed and installed alone (with @dlkit/core's tarball) into an empty npm project, as
// a user outside this repository gets it. Per install: node_modules MB (du), the seconds of a second `npm install`
// once the first has warmed npm's cache, and the cold start of a first call (a fresh `node` that imports the
// package and runs one embedded model), median of 3. Prints a markdown table (bench/RESULTS.md, "Install size").
//
//   node bench/install-size/run.mjs [--only nlp,speech]     (packages built first: pnpm build)
//
// npm runs with ONNXRUNTIME_NODE_INSTALL=skip (its script would download CUDA libraries) and without the npm_/pnpm_
// settings of a pnpm script. The transcribe call reads an FSDD recording through the data-set registry
// (DL_DATA_MIRROR=../shared/data here); without it that row's first call is the import alone.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dataset } from '../data.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CAT = join(REPO, 'packages/vision/samples/cat.jpg');
const RUNS = 3;

/** What we aim at per install (issue 21), and what holds a miss: the largest dependencies of that install. */
const TARGET_MB = { nlp: 120, speech: 350, vision: 400, all: 450 };

/** A first call as a fresh `node` running `code` as an ES module (top-level await). */
const esm = (code) => ['node', '--input-type=module', '-e', code];

const fsdd = await dataset('fsdd').catch(() => undefined);
const WAV = fsdd && join(fsdd, 'recordings', '4_nicolas_2.wav');

/** Each install: the packages in it and its first calls (name -> [command, ...args] run in the project). */
const INSTALLS = {
  core: { packages: ['core'], calls: { import: esm("await import('@dlkit/core')") } },
  nlp: {
    packages: ['core', 'nlp'],
    calls: { sentiment: esm("const { pipeline } = await import('@dlkit/nlp'); const s = await pipeline('sentiment-analysis'); console.log(JSON.stringify(await s('a fine film')))") },
  },
  speech: {
    packages: ['core', 'speech'],
    calls: WAV
      ? { transcribe: esm(`const { pipeline } = await import('@dlkit/speech'); const t = await pipeline('automatic-speech-recognition', 'speech-digits'); console.log((await t(${JSON.stringify(WAV)})).text)`) }
      : { import: esm("await import('@dlkit/speech')") },
  },
  vision: {
    packages: ['core', 'vision'],
    calls: { classify: esm(`const { pipeline } = await import('@dlkit/vision'); const c = await pipeline('image-classification'); console.log((await c(${JSON.stringify(CAT)}))[0].label)`) },
  },
  tabular: { packages: ['core', 'tabular'], calls: { import: esm("await import('@dlkit/tabular')") } },
  all: {
    packages: ['core', 'vision', 'nlp', 'speech', 'tabular', 'cli'],
    calls: {
      'dl vision classify': ['node_modules/.bin/dl', 'vision', 'classify', CAT],
      'dl nlp sentiment': ['node_modules/.bin/dl', 'nlp', 'sentiment', '--text', 'a fine film'],
    },
  },
};

function npmEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_)/i.test(k)));
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

async function run(command, args, cwd) {
  return promisify(execFile)(command, args, { cwd, env: npmEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 900_000 });
}

async function timed(command, args, cwd) {
  const start = performance.now();
  await run(command, args, cwd);
  return (performance.now() - start) / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The packed tarball of each package, by short name. */
async function pack(work) {
  const packs = join(work, 'packs');
  mkdirSync(packs);
  for (const p of ['core', 'vision', 'nlp', 'speech', 'tabular', 'cli']) await run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', packs], join(REPO, 'packages', p));
  return Object.fromEntries(readdirSync(packs).map((file) => [/^dlkit-(\w+)-/.exec(file)[1], join(packs, file)]));
}

/** node_modules in MB (MiB of disk, as du counts them) and its largest packages. */
async function sizes(dir) {
  const total = Number((await run('du', ['-sk', 'node_modules'], dir)).stdout.split('\t')[0]) / 1024;
  // Scoped packages one by one and the scope folders left out: du counts a folder once, under its first argument.
  const { stdout } = await run('sh', ['-c', 'du -sk node_modules/[!@.]* node_modules/@*/* 2>/dev/null'], dir);
  const parts = stdout.trim().split('\n').map((line) => line.split('\t')).map(([kb, path]) => ({ name: path.replace('node_modules/', ''), mb: Number(kb) / 1024 }));
  return { total, largest: parts.filter((p) => !p.name.startsWith('@dlkit/')).sort((a, b) => b.mb - a.mb).slice(0, 3) };
}

/** One install: first (warms the cache), then a timed second one from scratch, its size and its first calls. */
async function measure(work, name, { packages, calls }, tarballs) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `size-${name}`, version: '1.0.0', private: true, type: 'module' }));
  const install = ['install', ...packages.map((p) => tarballs[p])];
  await run('npm', install, dir);
  rmSync(join(dir, 'node_modules'), { recursive: true });
  rmSync(join(dir, 'package-lock.json'));
  const seconds = await timed('npm', install, dir);
  const size = await sizes(dir);
  const first = {};
  for (const [call, [command, ...args]] of Object.entries(calls)) {
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await timed(command, args, dir));
    first[call] = median(times);
  }
  return { name, packages, seconds, ...size, first };
}

function row(r) {
  const target = TARGET_MB[r.name];
  const verdict = target === undefined ? '' : r.total <= target ? `<= ${target}: met` : `<= ${target}: missed by ${(r.total - target).toFixed(0)} MB`;
  const largest = r.largest.map((p) => `${p.name} ${p.mb.toFixed(0)}`).join(', ');
  const first = Object.entries(r.first).map(([call, s]) => `${call} ${s.toFixed(2)} s`).join('; ');
  const pkgs = r.packages.length === 6 ? 'all six' : r.packages.map((p) => `@dlkit/${p}`).join(' + ');
  return `| ${pkgs} | ${r.total.toFixed(1)} | ${verdict} | ${r.seconds.toFixed(1)} | ${first} | ${largest} |`;
}

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : Object.keys(INSTALLS);
const work = mkdtempSync(join(tmpdir(), 'dlkit-size-'));
try {
  const tarballs = await pack(work);
  const results = [];
  for (const name of only) {
    results.push(await measure(work, name, INSTALLS[name], tarballs));
    console.error(`${name}: ${results.at(-1).total.toFixed(1)} MB`);
  }
  console.log('| install (npm, one project each) | node_modules MB | target | npm install s (warm cache) | first call, cold (median of 3) | largest dependencies (MB) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) console.log(row(r));
  console.log(`\n${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (first calls are timed under it)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
