import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDataset } from '@dlkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every `dl` command line in the READMEs' shell blocks, extracted and run as written (no hand-kept copy), in a
// folder where the placeholder files they name (photo.jpg, calls/, reviews.csv, ...) exist as real samples.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'packages/cli/dist/bin.js');

const READMES = [
  'README.md',
  ...readdirSync(join(ROOT, 'packages')).map((p) => `packages/${p}/README.md`),
  'apps/demo/README.md',
  'examples/README.md',
].filter((f) => existsSync(join(ROOT, f)));

export interface DocumentedCommand {
  file: string;
  line: number;
  /** As run: the README's text with `pnpm --silent dl`, `npx dl` as `dl`, and without its trailing comment. */
  command: string;
}

/** The lines of ```sh blocks that run `dl`. The install step in front of the first command is CI's own job. */
export function documentedCommands(file: string, markdown: string): DocumentedCommand[] {
  const found: DocumentedCommand[] = [];
  let block: 'shell' | 'other' | undefined;
  markdown.split('\n').forEach((text, i) => {
    if (/^```/.test(text)) {
      block = block !== undefined ? undefined : /^```(sh|bash|shell)?\s*$/.test(text) ? 'shell' : 'other';
      return;
    }
    const inShell = block === 'shell';
    if (!inShell) return;
    const command = text
      .replace(/\s+#\s.*$/, '')
      .replace(/^npx -y pnpm@[\d.]+ install && /, '')
      .replace(/(npx -y pnpm@[\d.]+ --silent |pnpm --silent |npx )dl\b/g, 'dl')
      .trim();
    if (/(^|[|;&(]\s*)dl\s/.test(command)) found.push({ file, line: i + 1, command });
  });
  return found;
}

/** Needs what this machine lacks: a hub model, a web server, a Redis host, or an audio format only ffmpeg reads. */
function needsNetwork(command: string): boolean {
  const hubId = /(^|\s)--?[\w-]*\s+[\w.-]+\/[\w.-]+(\s|$)|\bmodels pull\b/.test(command) && /\b[A-Z][\w-]*\/[\w.-]+/.test(command);
  const whisper = /\b(speech|batch) transcribe\b/.test(command) && !/--model speech-digits/.test(command);
  const abstractive = /\b(nlp|batch) summarize\b/.test(command) && !/--model textrank|--method extractive/.test(command);
  return hubId || whisper || abstractive || /https?:\/\/|redis:\/\/|\.mp3\b/.test(command);
}

/** Work that runs for minutes by design (training, a worker waiting for jobs): started, then stopped. */
const isLongWork = (command: string) => /\bdl (train|worker)\b|\bfine-tune\b/.test(command);

/**
 * A folder the lines of some READMEs run in, one after another, and the models its cut-short lines would have
 * written: a later line that loads one may find it missing. Data sets come from DL_DATA_MIRROR (the vitest
 * config's), as a user's from their cache.
 */
interface World {
  dir: string;
  unfinished: Set<string>;
}
const newWorld = (): World => ({ dir: mkdtempSync(join(tmpdir(), 'dl-readme-')), unfinished: new Set() });

const IMAGE = join(ROOT, 'packages/vision/samples/cat.jpg');
const SAMPLES: Record<string, string> = {
  face: join(ROOT, 'packages/vision/samples/faces.jpg'),
  digit: join(ROOT, 'packages/vision/samples/digit-7-mnist.png'),
};
const PRINTED = join(ROOT, 'packages/vision/src/ocr/fixtures/lines.png');
const FSDD = join(testDataset('fsdd') ?? '/nonexistent', 'recordings');
const wav = (n: number) => join(FSDD, readdirSync(FSDD).filter((f) => f.endsWith('.wav')).sort()[n]!);

const REVIEWS = ['I loved every minute of it.', 'The battery died after an hour and support never answered.', 'Great value for the money.'];
const TEAMS = { billing: 'I was charged twice for my plan', network: 'The connection drops every evening', account: 'I cannot log in since the password reset' };

function put(path: string, make: (path: string) => void): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  make(path);
}

/** A sample behind each name a command reads (never what it writes: those follow --out). */
function placeholder(world: string, token: string): void {
  const path = join(world, token);
  if (/\.(jpe?g|png)$/i.test(token)) {
    const kind = /team|badge|face/.test(token) ? 'face' : /digit/.test(token) ? 'digit' : undefined;
    put(path, (p) => copyFileSync(kind ? SAMPLES[kind]! : IMAGE, p));
  } else if (/\.wav$/.test(token)) put(path, (p) => copyFileSync(wav(0), p));
  else if (/^calls\/?$|^mnt\/calls/.test(token)) [0, 1].forEach((n) => put(join(path, `call-${n}.wav`), (p) => copyFileSync(wav(n), p)));
  else if (/^(photos|data|mnt\/photos)\/?$/.test(token)) ['a.jpg', 'b.jpg'].forEach((f) => put(join(path, f), (p) => copyFileSync(IMAGE, p)));
  else if (/^scans\/?$/.test(token)) ['page-1.png', 'page-2.png'].forEach((f) => put(join(path, f), (p) => copyFileSync(PRINTED, p)));
  else if (/^my-photos\/?$/.test(token)) ['cat', 'dog'].forEach((c) => [1, 2, 3].forEach((n) => put(join(path, c, `${n}.jpg`), (p) => copyFileSync(c === 'cat' ? IMAGE : SAMPLES.face!, p))));
  else if (token === 'reviews.csv') put(path, (p) => writeFileSync(p, `review\n${REVIEWS.map((r) => `"${r}"`).join('\n')}\n`));
  else if (token === 'tickets.csv') put(path, (p) => writeFileSync(p, `body,team\n${Object.entries(TEAMS).flatMap(([team, body]) => Array.from({ length: 12 }, (_, n) => `"${body} (${n})",${team}`)).join('\n')}\n`));
  else if (token === 'my-config.json') {
    put(join(world, 'table.csv'), (p) => writeFileSync(p, `a,b,y\n${Array.from({ length: 60 }, (_, n) => `${n % 7},${(n * 3) % 5},${n % 2}`).join('\n')}\n`));
    put(path, (p) => writeFileSync(p, JSON.stringify({ data: { type: 'csv', path: 'table.csv', label: 'y' }, model: { architecture: 'mlp' }, epochs: 2, out: 'my-config-model' })));
  } else if (/\.txt$/.test(token)) put(path, (p) => writeFileSync(p, `${REVIEWS.join(' ')} ${REVIEWS.join(' ')}\n`));
}

/**
 * The command with absolute sample folders (/data, /mnt/...) moved into the world, and its inputs made. Each line
 * is its own example: an output an earlier line wrote is removed first, unless the line goes on with it.
 */
function prepare(world: string, command: string): string {
  // A microphone (arecord) is a recording played into the pipe: the same WAV stream, at the speed of a file.
  const local = command.replace(/(^|\s)\/(data|mnt\/\w+)/g, '$1$2').replace(/^arecord\s[^|]*\|/, `cat '${wav(0)}' |`);
  for (const token of local.split(/\s+/)) if (!token.startsWith('-') && !token.includes('://')) placeholder(world, token);
  const out = outOf(local);
  if (out !== undefined && !/--skip-existing|--retry-errors|--status/.test(local)) rmSync(join(world, out), { recursive: true, force: true });
  return local;
}

interface Run {
  code: number | null;
  timedOut: boolean;
  stderr: string;
}

/** Runs one line in bash in the world, `dl` on the PATH, offline, with a fresh cache. */
function runLine(world: string, command: string, timeoutMs: number): Promise<Run> {
  const bin = join(world, '.bin');
  put(join(bin, 'dl'), (p) => {
    writeFileSync(p, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(p, 0o755);
  });
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, DL_OFFLINE: '1', DL_CACHE: join(world, '.cache') };
  return new Promise((done) => {
    const child = spawn('bash', ['-c', command], { cwd: world, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, timedOut, stderr });
    });
  });
}

const outOf = (command: string) => /--out\s+(\S+)/.exec(command)?.[1];
const modelOf = (command: string) => /--model\s+(\S+)/.exec(command)?.[1];

const commands = READMES.flatMap((file) => documentedCommands(file, readFileSync(join(ROOT, file), 'utf8')));
/** Codes that say "not here" (no network, no Redis host) rather than "wrong command". */
const OFFLINE_CODES = ['MODEL_OFFLINE', 'DATASET_OFFLINE', 'INPUT_UNREADABLE', 'INPUT_UNSUPPORTED', 'BACKEND_UNAVAILABLE'];

/** One line's run, and whether a model it loads was left unwritten by an earlier, cut-short line. */
type Ran = { run: Run; missingModel: boolean } | { thrown: unknown };

/** One line's run in its world, noting a model it would have written if it was cut short. */
async function runIn(world: World, { command }: DocumentedCommand): Promise<Ran> {
  try {
    const long = isLongWork(command);
    const missingModel = world.unfinished.has(modelOf(command) ?? '');
    const run = await runLine(world.dir, prepare(world.dir, command), long ? 20_000 : 120_000);
    if (run.timedOut && long && outOf(command) !== undefined) world.unfinished.add(outOf(command)!);
    return { run, missingModel };
  } catch (thrown) {
    return { thrown };
  }
}

/**
 * Every line's run, started before the tests that check them: the root README's lines in order in one world, every
 * other README's in order in a second, both chains at once. No line reads what the other chain wrote, and on
 * 2 cores one chain's long runs (each a fixed 20 s window) and cold starts leave room for the other's.
 */
function startRuns(): { ran: Map<DocumentedCommand, Promise<Ran>>; all: Promise<unknown> } {
  const ran = new Map<DocumentedCommand, Promise<Ran>>();
  const chains = [commands.filter((c) => c.file === 'README.md'), commands.filter((c) => c.file !== 'README.md')];
  const all = Promise.all(
    chains.map((lines) => {
      const world = newWorld();
      let previous: Promise<unknown> = Promise.resolve();
      for (const line of lines) ran.set(line, (previous = previous.then(() => runIn(world, line))) as Promise<Ran>);
      return previous.finally(() => rmSync(world.dir, { recursive: true, force: true }));
    }),
  );
  return { ran, all };
}

describe('every dl command line in the READMEs', () => {
  let runs: ReturnType<typeof startRuns> | undefined;
  beforeAll(() => void (runs = startRuns()));
  afterAll(() => runs?.all);

  it('finds the documented commands (the extraction itself works)', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.some((c) => c.command.startsWith('dl vision classify'))).toBe(true);
  });

  it.each(commands.map((c) => [`${c.file}:${c.line}: ${c.command}`, c] as const))('%s', async (_name, documented) => {
    const { command } = documented;
    const long = isLongWork(command);
    const ran = await runs!.ran.get(documented)!;
    if ('thrown' in ran) throw ran.thrown;
    const { run, missingModel } = ran;
    const errors = run.stderr.split('\n').filter((l) => /^dl: [A-Z_]+:/.test(l));
    // Never a usage error (the README names a command or flag that does not exist), never a crash.
    expect(run.code, run.stderr).not.toBe(2);
    expect(run.stderr).not.toMatch(/INTERNAL|TypeError|ReferenceError|at .*\.js:\d+/);
    if (run.timedOut) {
      expect(long, `${command} did not finish within the time limit`).toBe(true);
      return;
    }
    if (run.code === 0) return;
    // A documented line may fail only for want of what is not here, and says so with a typed error.
    expect(needsNetwork(command) || long || missingModel, run.stderr).toBe(true);
    expect(errors.length, run.stderr).toBeGreaterThan(0);
    const allowed = missingModel ? [...OFFLINE_CODES, 'MODEL_NOT_FOUND'] : OFFLINE_CODES;
    for (const line of errors) expect(allowed, line).toContain(/^dl: ([A-Z_]+):/.exec(line)![1]);
  });
});
