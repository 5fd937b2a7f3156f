import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDlError, type DlErrorCode } from '@dlkit/core';
import { pipeline as nlpPipeline, readTexts } from '@dlkit/nlp';
import { pipeline as speechPipeline } from '@dlkit/speech';
import { pipeline as visionPipeline } from '@dlkit/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS script, also run on its own to write the corpus
import { writeHostileCorpus } from '../scripts/write-hostile-corpus.mjs';
import { mapConcurrently } from './run-dl.test-helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const DIGIT = fileURLToPath(new URL('../../vision/samples/digit-7-mnist.png', import.meta.url));
const CAT = fileURLToPath(new URL('../../vision/samples/cat.jpg', import.meta.url));

type Expect = 'ok' | 'any' | { error: DlErrorCode[] };
interface HostileCase {
  path: string;
  domain: 'image' | 'audio' | 'text' | 'table' | 'model' | 'reference';
  why: string;
  expect: Expect;
}
type Outcome = { ok: true } | { ok: false; error: unknown };

let dir: string;
let cases: HostileCase[];
/** Time and peak memory of each `dl` run over a domain, printed at the end (bench/RESULTS.md quotes them). */
const measured: Array<{ command: string; inputs: number; seconds: number; peakRssMB: number }> = [];
/**
 * Peak RSS of one `dl` run over a whole domain: the models (~300 MB) and the largest good inputs (10 MB texts)
 * fit well under it; a device read to the end or a header trusted for an allocation does not.
 */
const MAX_RSS_MB = 1500;
const of = (domain: HostileCase['domain']) => cases.filter((c) => c.domain === domain);

const named = (c: HostileCase) => `${c.path} (${c.why})`;

/** Why a typed failure (a DlError, or the CLI's JSON `{code, message}`) breaks its case's promise, if it does. */
function brokenCode(c: HostileCase, error: { code: string; message: string }): string | undefined {
  if (c.expect === 'ok') return `${named(c)}: failed ${error.code}: ${error.message}`;
  if (typeof c.expect === 'object' && !c.expect.error.includes(error.code as DlErrorCode)) return `${named(c)}: failed ${error.code}, expected ${c.expect.error.join('|')}`;
  if (error.code === 'INTERNAL') return `${named(c)}: an untyped error: ${error.message}`;
  if (/\n/.test(error.message)) return `${named(c)}: a message of several lines`;
  return undefined;
}

/** Why a library outcome breaks its case's promise, or undefined when it keeps it. */
function broken(c: HostileCase, outcome: Outcome): string | undefined {
  if (outcome.ok) return typeof c.expect === 'object' ? `${named(c)}: gave a result, expected ${c.expect.error.join('|')}` : undefined;
  if (!isDlError(outcome.error)) return `${named(c)}: threw a plain ${String(outcome.error)}, not a DlError`;
  return brokenCode(c, outcome.error);
}

interface DlRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The child's peak resident memory (VmHWM), read every 100 ms while it runs. */
  peakRssMB: number;
}

/** The kernel's high-water mark of a process's resident memory, in MB (0 once it is gone). */
function peakRss(pid: number): number {
  const status = (() => {
    try {
      return readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return '';
    }
  })();
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}

/** `dl` run to its end without blocking the test worker (a long blocked worker misses vitest's heartbeats). */
function dlAsync(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<DlRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    let peakRssMB = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => (peakRssMB = Math.max(peakRssMB, peakRss(child.pid!))), 100);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', () => clearInterval(poll));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, peakRssMB });
    });
  });
}

/** Runs `dl` on many inputs at once with --json; every input must be answered, as its case says. */
async function dlBatch(args: string[], batch: HostileCase[], inputOf: (input: string) => string = (i) => i, timeoutMs = 180_000) {
  const started = performance.now();
  const r = await dlAsync([...args, ...batch.map((c) => c.path), '--json'], timeoutMs);
  const seconds = (performance.now() - started) / 1000;
  measured.push({ command: `dl ${args.join(' ')}`, inputs: batch.length, seconds, peakRssMB: r.peakRssMB });
  expect(r.signal, `dl ${args.join(' ')} was killed after ${seconds.toFixed(0)} s`).toBeNull();
  expect(r.peakRssMB, `dl ${args.join(' ')}: peak RSS`).toBeLessThan(MAX_RSS_MB);
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { input: string; output?: unknown; error?: { code: string; message: string } });
  const problems: string[] = [];
  let errors = 0;
  for (const c of batch) {
    const answers = lines.filter((l) => inputOf(l.input) === c.path);
    if (answers.length === 0) {
      problems.push(`${c.path}: no answer`);
      continue;
    }
    for (const a of answers) {
      if (a.error) errors++;
      const problem = a.error ? brokenCode(c, a.error) : broken(c, { ok: true });
      if (problem) problems.push(problem);
    }
  }
  // One stderr line per failed input, each `dl: CODE: message`.
  const stderr = r.stderr.trim().split('\n').filter(Boolean);
  const errorLines = stderr.filter((l) => /^dl: [A-Z_]+: /.test(l));
  expect(errorLines.length, r.stderr.slice(0, 2000)).toBe(errors);
  expect(stderr.filter((l) => !/^dl: [A-Z_]+: /.test(l) && !/^\r?\s*\S.*\[\d+\/\d+\]|^(dl: )?warning/i.test(l)), 'stray stderr lines').toEqual([]);
  expect(r.status).toBe(errors > 0 ? 1 : 0);
  return { problems, seconds, lines };
}

/** Each item's outcome from a library call that settles per item. */
async function settleEach<T>(items: HostileCase[], run: (paths: string[]) => Promise<Array<{ ok: true; value: T } | { ok: false; error: unknown }>>) {
  const settled = await run(items.map((c) => c.path));
  return items.map((c, i) => broken(c, settled[i]!.ok ? { ok: true } : { ok: false, error: (settled[i] as { error: unknown }).error })).filter(Boolean);
}

describe('hostile inputs (packages/cli/scripts/write-hostile-corpus.mjs) through the library and dl', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlkit-hostile-'));
    cases = await writeHostileCorpus(join(dir, 'corpus'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const m of measured) process.stderr.write(`hostile: ${m.command}: ${m.inputs} inputs, ${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMB.toFixed(0)} MB\n`);
  });

  it('has at least 200 cases across every domain', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.domain))).toEqual(new Set(['image', 'audio', 'text', 'table', 'model', 'reference']));
  });

  it('images: classify, detect, faces and digits settle each one as its case says, in bounded time', async () => {
    const images = of('image');
    const started = performance.now();
    const classifier = await visionPipeline('image-classification');
    const digits = await visionPipeline('image-classification', 'digits');
    const detector = await visionPipeline('object-detection');
    const faces = await visionPipeline('face-analysis');
    try {
      const problems = [
        ...(await settleEach(images, (p) => classifier.each(p))),
        ...(await settleEach(images, (p) => detector.each(p))),
        ...(await settleEach(images, (p) => faces.each(p))),
        // The digits model finds no digit in a flat image: that is its typed refusal, not a broken promise.
        ...(await settleEach(
          images.map((c) => (c.expect === 'ok' ? { ...c, expect: 'any' as const } : c)),
          (p) => digits.each(p),
        )),
      ];
      expect(problems).toEqual([]);
    } finally {
      await Promise.all([classifier.dispose(), digits.dispose(), detector.dispose(), faces.dispose()]);
    }
    expect((performance.now() - started) / 1000).toBeLessThan(240);
  });

  it('images: dl vision classify answers each in one run, and dl vision detect --out writes only the good ones', async () => {
    const images = of('image');
    const classified = await dlBatch(['vision', 'classify'], images);
    expect(classified.problems).toEqual([]);
    const out = join(dir, 'annotated');
    const detected = await dlBatch(['vision', 'detect', '--out', out], images);
    expect(detected.problems).toEqual([]);
    const written = readdirSync(out);
    expect(written.length).toBe(detected.lines.filter((l) => l.output !== undefined).length);
    expect(written.filter((f) => !f.endsWith('.jpg') && !f.endsWith('.png')), 'temporary files left behind').toEqual([]);
  });

  it('audio: the transcriber and dl speech transcribe --out answer each as its case says', async () => {
    const audio = of('audio');
    const out = join(dir, 'subtitles');
    // The child runs while the library goes through the same files: independent, so their waits overlap.
    const spawning = dlBatch(['speech', 'transcribe', '--model', 'speech-digits', '--format', 'srt', '--out', out], audio);
    spawning.catch(() => {}); // its failure is reported where it is awaited, not as an unhandled rejection
    const transcriber = await speechPipeline('automatic-speech-recognition', 'speech-digits');
    const problems: string[] = [];
    try {
      for (const c of audio) {
        const outcome: Outcome = await transcriber(c.path).then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        const problem = broken(c, outcome);
        if (problem) problems.push(problem);
      }
    } finally {
      await transcriber.dispose();
    }
    expect(problems).toEqual([]);
    const spawned = await spawning;
    expect(spawned.problems).toEqual([]);
    const written = readdirSync(out);
    expect(written.length).toBe(spawned.lines.filter((l) => l.output !== undefined).length);
    expect(written.every((f) => f.endsWith('.srt')), `left behind: ${written.join(', ')}`).toBe(true);
  });

  it('text: read and summarized by the library; dl nlp sentiment answers every line of every file', async () => {
    const texts = of('text');
    // A line is answered as `file:line`. The child runs while the library reads and summarizes the same files.
    const spawning = dlBatch(['nlp', 'sentiment'], texts, (input) => input.replace(/:\d+$/, ''), 300_000);
    spawning.catch(() => {}); // reported where it is awaited
    const problems: string[] = [];
    const summarizer = await nlpPipeline('summarization', 'textrank');
    for (const c of texts) {
      const [read] = await readTexts([c.path], { mode: 'document' });
      const outcome: Outcome = !read!.ok
        ? { ok: false, error: read!.error }
        : await Promise.resolve()
            .then(() => summarizer(read!.value[0]!.text))
            .then(
              () => ({ ok: true as const }),
              (error: unknown) => ({ ok: false as const, error }),
            );
      const problem = broken(c, outcome);
      if (problem) problems.push(problem);
    }
    expect(problems).toEqual([]);
    const spawned = await spawning;
    expect(spawned.problems).toEqual([]);
  }, 400_000);

  it('tables: dl nlp sentiment --column review answers each row or says why the file cannot be used', async () => {
    const spawned = await dlBatch(['nlp', 'sentiment', '--column', 'review'], of('table'), (input) => input.replace(/:\d+$/, ''));
    expect(spawned.problems).toEqual([]);
  });

  it('model folders: tampered, escaping or broken ones are refused by the library and by dl', async () => {
    const models = of('model');
    // Each folder is its own `dl` run (a cold start each): three at a time, beside the library's loads.
    const spawned = mapConcurrently(models, 3, async (c) => {
      const r = await dlAsync(['vision', 'classify', '--model', c.path, DIGIT], 60_000);
      return r.status !== 1 || !/^dl: (MODEL_INVALID|MODEL_NOT_FOUND): [^\n]+\n$/.test(r.stderr) ? `dl --model ${c.path}: exit ${r.status}, stderr ${r.stderr}` : undefined;
    });
    const problems: Array<string | undefined> = [];
    for (const c of models) {
      const outcome: Outcome = await visionPipeline('image-classification', c.path).then(
        async (classifier) => (await classifier.dispose(), { ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      problems.push(broken(c, outcome));
    }
    problems.push(...(await spawned));
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it('references: a path or a traversal where a hub id is expected is refused, and nothing is fetched', async () => {
    const cache = join(dir, 'cache');
    // The hub address is a closed port: any request would fail differently. Three runs at a time.
    const env = { ...process.env, DL_CACHE: cache, DL_HUB_ENDPOINT: 'http://127.0.0.1:9' };
    const references = of('reference');
    const runs = await mapConcurrently(references, 3, (c) => dlAsync(['models', 'pull', c.path, '--task', 'image-classification'], 30_000, env));
    references.forEach((c, i) => {
      expect(runs[i]!.status, c.path).toBe(1);
      expect(runs[i]!.stderr, c.path).toMatch(/^dl: (INVALID_ARGUMENT|MODEL_NOT_FOUND): [^\n]+\n$/);
    });
    expect(readdirSync(dir)).not.toContain('cache');
  });

  it('walked folders: a FIFO, a device link, a non-UTF-8 name and an outside symlink each get their own line; the photos beside them are classified', async () => {
    const folder = join(dir, 'walked');
    mkdirSync(folder);
    const cat = readFileSync(CAT);
    writeFileSync(join(folder, 'a-cat.jpg'), cat);
    writeFileSync(join(dir, 'outside-cat.jpg'), cat);
    symlinkSync(join(dir, 'outside-cat.jpg'), join(folder, 'b-link-to-cat.jpg'));
    symlinkSync('/dev/zero', join(folder, 'c-zero.jpg'));
    expect(spawnSync('mkfifo', [join(folder, 'd-fifo.jpg')]).status).toBe(0);
    // A Latin-1 name: not valid UTF-8, so Node's string for it names no file.
    writeFileSync(Buffer.concat([Buffer.from(`${folder}/e-caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]), cat);
    writeFileSync(join(folder, 'f-\u001b[31mred\r.jpg'), cat);
    const started = performance.now();
    const r = await dlAsync(['vision', 'classify', folder], 60_000);
    expect((performance.now() - started) / 1000).toBeLessThan(30);
    expect(r.signal).toBeNull();
    expect(r.peakRssMB).toBeLessThan(MAX_RSS_MB);
    expect(r.status).toBe(1);
    // Human output: the ESC and CR of a name are shown, never sent to the terminal.
    expect(r.stdout + r.stderr).not.toMatch(/[\u001b\r\u0007]/);
    const labelled = r.stdout.split('\n').filter((l) => /^\S/.test(l));
    expect(labelled.some((l) => l.endsWith('a-cat.jpg'))).toBe(true);
    expect(labelled.some((l) => l.endsWith('b-link-to-cat.jpg'))).toBe(true);
    expect(labelled.some((l) => l.includes('f-\\x1b[31mred\\x0d.jpg'))).toBe(true);
    const errors = r.stderr.trim().split('\n').filter((l) => /^dl: [A-Z_]+: /.test(l));
    expect(errors.find((l) => l.includes('c-zero.jpg'))).toMatch(/^dl: (INPUT_UNSUPPORTED|INPUT_UNREADABLE): /);
    expect(errors.find((l) => l.includes('d-fifo.jpg'))).toMatch(/^dl: (INPUT_UNSUPPORTED|INPUT_UNREADABLE): /);
    expect(errors.find((l) => l.includes('e-caf'))).toMatch(/^dl: (INPUT_UNSUPPORTED|INPUT_UNREADABLE): .*UTF-8/);
    expect(errors).toHaveLength(3);
  });

  it('hub listings: a mirror whose listing names files outside the model folder makes dl models pull write nothing outside DL_CACHE/hub/<org>/<name>', async () => {
    const escape = join(dir, 'escaped');
    const cache = join(dir, 'hub-cache');
    const onnx = Buffer.from('not really onnx, never loaded');
    const listings: Record<string, string[]> = {
      'evil/deep-traversal': ['config.json', 'onnx/model.onnx', `onnx/../../../../../../../../..${escape}/evil.onnx`],
      'evil/into-hub-root': ['config.json', 'onnx/model.onnx', 'onnx/../../../evil.onnx'],
      'evil/into-org': ['config.json', 'onnx/model.onnx', 'onnx/../../evil.onnx'],
      'evil/backslash': ['config.json', 'onnx/model.onnx', 'onnx\\..\\..\\..\\evil.onnx'],
      'evil/absolute': ['config.json', 'onnx/model.onnx', `onnx/${'../'.repeat(12)}${escape.slice(1)}/evil2.onnx`],
      'evil/control': ['config.json', 'onnx/model.onnx', 'onnx/\u001b[2Jevil.onnx'],
    };
    const server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/main$/.exec(url.pathname);
      const files = api && listings[api[1]!];
      if (files) {
        const siblings = files.map((rfilename) => ({ rfilename, size: onnx.length, lfs: { sha256: createHash('sha256').update(onnx).digest('hex'), size: onnx.length } }));
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ siblings }));
      }
      res.writeHead(200, { 'content-length': onnx.length }).end(onnx);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ids = Object.keys(listings);
      const runs = await mapConcurrently(ids, 3, (id) => dlAsync(['models', 'pull', id, '--task', 'text-classification'], 30_000, { ...process.env, DL_CACHE: cache, DL_HUB_ENDPOINT: endpoint }));
      ids.forEach((id, i) => {
        expect(runs[i]!.status, `${id}: ${runs[i]!.stderr}`).toBe(1);
        expect(runs[i]!.stderr, id).toMatch(/^dl: MODEL_INVALID: [^\n\u001b]+\n$/);
      });
    } finally {
      server.close();
    }
    expect(existsSync(escape), 'a file written outside DL_CACHE').toBe(false);
    const hub = join(cache, 'hub');
    const stray = existsSync(hub) ? readdirSync(hub, { recursive: true, encoding: 'utf8' }).filter((f) => !/^evil(\/[a-z-]+)?$/.test(f) && !/^evil\/[a-z-]+\//.test(f)) : [];
    expect(stray, 'files written outside DL_CACHE/hub/<org>/<name>').toEqual([]);
    const onnxFiles = existsSync(hub) ? readdirSync(hub, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.onnx')) : [];
    expect(onnxFiles, 'a listing with a bad entry is refused before anything is written').toEqual([]);
  });
});
