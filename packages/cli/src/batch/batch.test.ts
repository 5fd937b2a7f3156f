import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, DATA, dl, readLines, writePhotos, type Line } from './fixtures.test-helpers.js';

const VISION_SAMPLES = fileURLToPath(new URL('../../../vision/samples', import.meta.url));

const top1 = (line: Line) => (line.output as Array<{ label: string; score: number }>)[0]!;

describe.skipIf(!DATA)('dl batch (local worker threads, real models and data)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlkit-batch-'));
  let photos: string[] = [];
  beforeAll(async () => {
    photos = await writePhotos(join(dir, 'photos'), 48);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('classify with 2 workers: one line per input, the same labels as dl vision classify, a bad file fails alone', async () => {
    const broken = join(dir, 'broken.jpg');
    writeFileSync(broken, 'not an image');
    const list = join(dir, 'list.txt');
    writeFileSync(list, `# inputs from a list file\n${broken}\n${join(dir, 'missing.jpg')}\n${photos[0]}\n`);
    const out = join(dir, 'classify.jsonl');
    // --topk: the old spelling of --top-k, still taken.
    const r = await dl(['batch', 'classify', join(dir, 'photos'), '--list', list, '--out', out, '--workers', '2', '--topk', '3', '--json']);
    expect(r.code, r.stderr).toBe(1); // an input failed
    const summary = JSON.parse(r.stdout) as { done: number; errors: number; workers: number };
    expect(summary).toMatchObject({ done: 50, errors: 2, workers: 2 });
    expect(r.stderr).toMatch(/\[=+>\] 50\/50 100\.0% +[\d.]+\/s +ETA/);

    const lines = readLines(out);
    expect(lines.map((l) => l.input).sort()).toEqual([...photos, broken, join(dir, 'missing.jpg')].sort());
    const byInput = new Map(lines.map((l) => [l.input, l]));
    expect(byInput.get(broken)!.error!.code).toBe('INPUT_UNREADABLE');
    expect(byInput.get(join(dir, 'missing.jpg'))!.error!.code).toBe('INPUT_NOT_FOUND');

    const single = await dl(['vision', 'classify', '--json', '--top-k', '3', join(dir, 'photos')]);
    expect(single.code, single.stderr).toBe(0);
    const reference = single.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(reference).toHaveLength(48);
    for (const ref of reference) {
      const got = byInput.get(ref.input)!;
      expect(got.output as unknown[]).toHaveLength(3);
      expect(top1(got).label).toBe(top1(ref).label);
      expect(Math.abs(top1(got).score - top1(ref).score)).toBeLessThan(1e-3);
    }
    // A crop of the coffee photo is still an espresso.
    expect(top1(byInput.get(photos[1]!)!).label).toBe('espresso');
  });

  it('killed with SIGKILL mid-run, --skip-existing goes on: every input exactly one result; a rerun without it refuses', async () => {
    const many = join(dir, 'many');
    mkdirSync(many);
    for (let k = 0; k < 6; k++) for (const p of photos) copyFileSync(p, join(many, `${k}-${p.split('/').pop()}`));
    const out = join(dir, 'killed.jsonl');
    const child = spawn(process.execPath, [BIN, 'batch', 'classify', many, '--out', out, '--workers', '2'], { stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 40) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((resolve) => child.once('exit', resolve));
    const partial = readFileSync(out, 'utf8');
    expect(existsSync(`${out}.lock`)).toBe(true); // left by the killed run, taken over below
    expect(partial.split('\n').length).toBeLessThan(288);

    const refused = await dl(['batch', 'classify', many, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/dl: INVALID_ARGUMENT: .*exists: --skip-existing/);
    expect(readFileSync(out, 'utf8')).toBe(partial);

    const resumed = await dl(['batch', 'classify', many, '--out', out, '--skip-existing', '--workers', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/inputs already in/);
    expect(existsSync(`${out}.lock`)).toBe(false);
    const lines = readLines(out);
    expect(lines).toHaveLength(288);
    expect(new Set(lines.map((l) => l.input)).size).toBe(288);
    expect(lines.every((l) => l.output !== undefined)).toBe(true);
  });

  it('--retry-errors runs the failed inputs again, once they can be read', async () => {
    const broken = join(dir, 'later.jpg');
    writeFileSync(broken, 'not yet an image');
    const out = join(dir, 'retry.jsonl');
    expect((await dl(['batch', 'classify', broken, photos[1]!, '--out', out])).code).toBe(1);
    expect(readLines(out).find((l) => l.input === broken)!.error!.code).toBe('INPUT_UNREADABLE');
    copyFileSync(photos[3]!, broken);
    const r = await dl(['batch', 'classify', broken, photos[1]!, '--out', out, '--retry-errors']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readLines(out);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.output !== undefined)).toBe(true);
  });

  it("every other task from the domains' tables gives its command's results, by task name or alias", async () => {
    const text = join(dir, 'texts');
    mkdirSync(text);
    writeFileSync(join(text, 'good.txt'), 'A wonderful, moving film. The acting is superb and the story is beautiful.\n');
    writeFileSync(join(text, 'bad.txt'), 'A dull, tedious mess. The plot is boring and the jokes are awful.\n');
    const fsdd = join(DATA, 'fsdd', 'recordings');
    const image = (name: string) => join(DATA, 'images', name);
    const labels = (line: Line | undefined) => (line!.output as Array<{ label: string }>).map((d) => d.label);
    const polarity = (l: Map<string, Line>) => {
      expect(labels(l.get(join(text, 'good.txt')))[0]).toBe('POSITIVE');
      expect(labels(l.get(join(text, 'bad.txt')))[0]).toBe('NEGATIVE');
    };
    const oneSentence = (l: Map<string, Line>) => expect((l.get(join(text, 'good.txt'))!.output as Array<{ summary_text: string }>)[0]!.summary_text.split('. ')).toHaveLength(1);
    const cases: Array<[string[], (lines: Map<string, Line>) => void]> = [
      [['detect', image('dog.jpg')], (l) => expect(labels(l.get(image('dog.jpg')))).toContain('dog')],
      // The detection table's call options are batch flags too: only people are kept.
      [
        ['object-detection', image('person.jpg'), image('dog.jpg'), '--classes', 'person', '--agnostic'],
        (l) => {
          expect(labels(l.get(image('person.jpg')))).toContain('person');
          expect(new Set([...labels(l.get(image('person.jpg'))), ...labels(l.get(image('dog.jpg')))])).toEqual(new Set(['person']));
        },
      ],
      [['faces', join(VISION_SAMPLES, 'faces.jpg')], (l) => expect(l.get(join(VISION_SAMPLES, 'faces.jpg'))!.output).toHaveLength(3)],
      [['sentiment', text], polarity],
      // `classify` stays image classification; text classification is reached by its task name.
      [['text-classification', text, '--top-k', '2'], (l) => {
        polarity(l);
        expect(l.get(join(text, 'good.txt'))!.output).toHaveLength(2);
      }],
      [['summarize', join(text, 'good.txt'), '--model', 'textrank', '--sentences', '1'], oneSentence],
      // The old name of extractive summarization still runs it.
      [['summarize-extractive', join(text, 'good.txt'), '--sentences', '1'], oneSentence],
      [
        ['transcribe', join(fsdd, '3_jackson_0.wav'), join(fsdd, '8_nicolas_1.wav'), '--model', 'speech-digits'],
        (l) => {
          expect((l.get(join(fsdd, '3_jackson_0.wav'))!.output as { text: string }).text).toBe('three');
          expect((l.get(join(fsdd, '8_nicolas_1.wav'))!.output as { text: string }).text).toBe('eight');
        },
      ],
      [['vad', join(fsdd, '3_jackson_0.wav')], (l) => expect((l.get(join(fsdd, '3_jackson_0.wav'))!.output as Array<{ start: number; end: number }>).length).toBeGreaterThan(0)],
    ];
    for (const [args, check] of cases) {
      const out = join(dir, `${args[0]}.jsonl`);
      const r = await dl(['batch', ...args, '--out', out, '--workers', '2']);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      check(new Map(readLines(out).map((l) => [l.input, l])));
    }
  });

  it('fetches URL inputs, as the task commands do (the user gave them: loopback included)', async () => {
    const image = readFileSync(join(DATA, 'images', 'dog.jpg'));
    const server = createServer((_, res) => res.end(image));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dog.jpg`;
      const out = join(dir, 'url.jsonl');
      const r = await dl(['batch', 'classify', url, '--top-k', '1', '--out', out, '--workers', '1']);
      expect(r.code, r.stderr).toBe(0);
      expect(readLines(out)).toEqual([{ input: url, output: [{ label: 'Alaskan Malamute', score: expect.any(Number) }] }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a failed input's line carries the library's hint in the CLI's words", async () => {
    const out = join(dir, 'too-long.jsonl');
    const audio = join(DATA, 'fsdd', 'recordings', '3_jackson_0.wav');
    const r = await dl(['batch', 'transcribe', audio, '--model', 'speech-digits', '--max-seconds', '0.1', '--out', out, '--workers', '1']);
    expect(r.code, r.stderr).toBe(1);
    expect(readLines(out)[0]!.error).toMatchObject({ code: 'INPUT_TOO_LARGE', hint: expect.stringMatching(/^--max-seconds \d+ lets it through$/) });
  });

  it('usage mistakes are refused before anything runs', async () => {
    const out = join(dir, 'never.jsonl');
    for (const [args, message] of [
      [['batch', 'translate', 'x', '--out', out], /no task 'translate'/],
      [['batch', 'classify', photos[0]!], /needs --out/],
      [['batch', 'classify', photos[0]!, '--out', out, '--sentences', '2'], /--sentences does not apply to batch classify/],
      // Each task takes its own schemas' flags, and no other batch task's.
      [['batch', 'classify', photos[0]!, '--out', out, '--threshold', '0.5'], /--threshold does not apply to batch classify/],
      [['batch', 'image-classification', photos[0]!, '--out', out, '--classes', 'dog'], /--classes does not apply to batch image-classification/],
      [['batch', 'detect', photos[0]!, '--out', out, '--top-k', '3'], /--top-k does not apply to batch detect/],
      [['batch', 'detcet', photos[0]!, '--out', out], /no task 'detcet' \(did you mean 'detect'\?\)/],
      [['batch', 'classify', photos[0]!, '--out', out, '--top-k', '0'], /--top-k must be between 1 and 1000/],
      // An option the model cannot honour is refused once, before any input runs.
      [['batch', 'summarize', photos[0]!, '--out', out, '--model', 'textrank', '--max-length', '20'], /--max-length: .*textrank.*maxLength/],
      [['batch', 'classify', photos[0]!, '--out', out, '--queue', 'redis://127.0.0.1:1', '--batch-size', '4'], /--batch-size is for a local run/],
      [['batch', 'classify', '-', '--out', out], /--list -/],
      [['batch', 'classify', photos[0]!, '--out', out, '--status'], /--status needs --queue/],
      [['batch', 'detect', photos[0]!, '--out', out, '--threshold', '0x1'], /--threshold must be a decimal number/],
      // A job a worker would refuse is refused here, before it is queued.
      [['batch', 'faces', photos[0]!, '--out', out, '--queue', 'redis://127.0.0.1:1', '--max-pixels', '200000000'], /--max-pixels cannot go on the queue as given \(dl worker would refuse the jobs\): Too big/],
      [['worker'], /needs --queue/],
      [['worker', '--queue', 'redis://127.0.0.1:1'], /worker needs --allow-dir DIR .* or --allow-host HOST/],
    ] as Array<[string[], RegExp]>) {
      const r = await dl(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });
});
