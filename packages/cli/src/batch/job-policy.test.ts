import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_PIXELS } from '@dlkit/vision';
import { afterAll, describe, expect, it } from 'vitest';
import { admitJob, createJobPolicy } from './job-policy.js';
import { MAX_JOB_PIXELS } from './job-schema.js';

// The checks alone, without Redis or a worker process: queue-validation.test.ts drives a real worker.
describe('queue jobs checked against the worker allow-lists', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'dlkit-policy-')));
  const allowed = join(dir, 'allowed');
  mkdirSync(join(allowed, 'sub'), { recursive: true });
  writeFileSync(join(allowed, 'sub', 'a.txt'), 'A sentence.');
  writeFileSync(join(allowed, '..a.txt'), 'A file whose name starts with two dots.');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  symlinkSync(join(dir, 'secret.txt'), join(allowed, 'link.txt'));
  symlinkSync(join(allowed, 'sub'), join(dir, 'alias')); // a root given by a symbolic link to it
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const job = (input: string, options: Record<string, unknown> = {}, task = 'summarization') => ({ task, options, input });
  const refusal = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string; message?: string } | undefined;
    return error && `${error.code}: ${error.message}`;
  };

  it('admits a file under an --allow-dir and hands on its real path; refuses others by name or by real path', async () => {
    const policy = await createJobPolicy({ allowDirs: [allowed, join(dir, 'alias')], allowHosts: [], models: [] });
    expect(await admitJob(job(join(allowed, 'sub', 'a.txt'), { sentences: 2 }), policy)).toEqual(job(join(allowed, 'sub', 'a.txt'), { sentences: 2 }));
    expect((await admitJob(job(join(dir, 'alias', 'a.txt')), policy)).input).toBe(join(allowed, 'sub', 'a.txt'));
    expect((await admitJob(job(join(allowed, '..a.txt')), policy)).input).toBe(join(allowed, '..a.txt'));
    for (const input of ['/etc/passwd', join(allowed, '..', 'secret.txt'), 'relative.txt', allowed]) {
      expect(await refusal(admitJob(job(input), policy)), input).toMatch(/^INVALID_ARGUMENT: job refused by this worker: the input/);
    }
    expect(await refusal(admitJob(job(join(allowed, 'link.txt')), policy))).toMatch(/^INVALID_ARGUMENT: .*resolves \(through a symbolic link\) outside/);
    // Missing is retried (a slow mount), as a task's own INPUT_NOT_FOUND is.
    expect(await refusal(admitJob(job(join(allowed, 'later.txt')), policy))).toMatch(/^INPUT_NOT_FOUND: /);
  });

  it('refuses unknown tasks and keys, out-of-range numbers, and a worker-side knob', async () => {
    const policy = await createJobPolicy({ allowDirs: [allowed], allowHosts: [], models: [] });
    const input = join(allowed, 'sub', 'a.txt');
    const cases: Array<[unknown, RegExp]> = [
      [{ ...job(input), task: 'exec' }, /task: no batch task "exec"/],
      [job(input, { sentences: 2, evil: 1 }), /options: Unrecognized key: "evil"/],
      [job(input, { sentences: 0 }), /options\.sentences: /],
      [job(input, { sentences: 1e9 }), /options\.sentences: /],
      [job(input, { topK: 5 }), /options: Unrecognized key: "topK"/], // classification's, not this task's
      // The option names are the library's now: the old spelling is refused, not half-understood.
      [job(input, { topk: 3 }, 'classify'), /options: Unrecognized key: "topk"/],
      // What a worker sets from its own flags: its threads, a model run's size, and what its inputs may reach.
      ...['threads', 'batchSize', 'allowUrls', 'allowStdin', 'allowPrivateHosts'].map((key): [unknown, RegExp] => [job(input, { [key]: key === 'threads' || key === 'batchSize' ? 4 : true }, 'classify'), new RegExp(`options: Unrecognized key: "${key}"`)]),
      // A hub model's weights variant and device are the worker's choice, as its threads are.
      ...(['classify', 'detect', 'sentiment', 'summarize', 'transcribe'] as const).flatMap((task) =>
        [{ dtype: 'q8' }, { device: 'cpu' }].map((options): [unknown, RegExp] => [job(input, options, task), new RegExp(`options: Unrecognized key: "${Object.keys(options)[0]}"`)]),
      ),
      // Only a program can pass a signal or a callback.
      [job(input, { signal: {} }, 'transcribe'), /options: Unrecognized key: "signal"/],
      [job(input, { maxPixels: MAX_JOB_PIXELS + 1 }, 'faces'), /options\.maxPixels: Too big/],
      [job(input, { threshold: 2 }, 'detect'), /options\.threshold: /],
      [job(input, { classes: 'person' }, 'detect'), /options\.classes: /],
      [job(input, { classes: Array.from({ length: 3000 }, (_, i) => `class-${i}`) }, 'detect'), /options: longer than 16384 characters as JSON/],
      [{ ...job(input), extra: true }, /job: Unrecognized key: "extra"/],
      [{ task: 'sentiment', input }, /options: /],
      [null, /job: /],
      [job(`${input}\0.png`), /input: contains a NUL/],
    ];
    for (const [data, why] of cases) expect(await refusal(admitJob(data, policy)), JSON.stringify(data)).toMatch(why);
    // A job may lower the decoders' pixel limit, never raise it.
    expect(MAX_JOB_PIXELS).toBe(DEFAULT_MAX_PIXELS);
  });

  it("names a task by its row's name, an alias or the old batch name, and takes the task's own options", async () => {
    const policy = await createJobPolicy({ allowDirs: [allowed], allowHosts: [], models: [] });
    const input = join(allowed, 'sub', 'a.txt');
    expect(await admitJob(job(input, { topK: 3, maxPixels: 1000 }, 'classify'), policy)).toEqual(job(input, { topK: 3, maxPixels: 1000 }, 'image-classification'));
    expect(await admitJob(job(input, { classes: ['person'], agnostic: true }, 'detect'), policy)).toEqual(job(input, { classes: ['person'], agnostic: true }, 'object-detection'));
    expect(await admitJob(job(input, { topK: 2 }, 'text-classification'), policy)).toEqual(job(input, { topK: 2 }, 'text-classification'));
    // `summarize-extractive` was extractive summarization: the summarization task with its offline model.
    expect(await admitJob(job(input, { sentences: 1 }, 'summarize-extractive'), policy)).toEqual(job(input, { model: 'textrank', sentences: 1 }, 'summarization'));
  });

  it('URLs only from --allow-host (any port, or the one given); models only those the worker was started with', async () => {
    const policy = await createJobPolicy({ allowDirs: [], allowHosts: ['Files.Example', '127.0.0.1:8080'], models: ['org/any-task', 'sentiment=/models/mine'] });
    expect(policy.models.byTask.get('sentiment-analysis')).toEqual(new Set(['/models/mine']));
    expect((await admitJob(job('https://files.example/a.txt'), policy)).input).toBe('https://files.example/a.txt');
    expect((await admitJob(job('http://127.0.0.1:8080/a.txt'), policy)).input).toBe('http://127.0.0.1:8080/a.txt');
    for (const input of ['http://127.0.0.1/a.txt', 'http://127.0.0.1:8081/a.txt', 'https://evil.example/a.txt', 'http://files.example.evil.example/a.txt']) {
      expect(await refusal(admitJob(job(input), policy)), input).toMatch(/--allow-host list/);
    }
    const url = 'https://files.example/a.txt';
    expect((await admitJob(job(url, { model: '/models/mine' }, 'sentiment'), policy)).options).toEqual({ model: '/models/mine' });
    expect((await admitJob(job(url, { model: 'org/any-task' }, 'transcribe'), policy)).options).toEqual({ model: 'org/any-task' });
    expect(await refusal(admitJob(job(url, { model: '/models/mine' }, 'transcribe'), policy))).toMatch(/model "\/models\/mine" is not one it was started with/);
    expect(await refusal(admitJob(job(url, { model: '/tmp/evil' }, 'sentiment'), policy))).toMatch(/is not one it was started with/);
    // A task's own models need no flag: its default, and textrank, which the old summarize-extractive jobs ran.
    expect((await admitJob(job(url, { model: 'textrank' }, 'summarization'), policy)).options).toEqual({ model: 'textrank' });
    expect((await admitJob(job(url, { model: 'mobilenetv2' }, 'classify'), policy)).options).toEqual({ model: 'mobilenetv2' });
    expect(await refusal(admitJob(job(url, { model: 'textrank' }, 'sentiment'), policy))).toMatch(/is not one it was started with/);
    await expect(createJobPolicy({ allowDirs: [], allowHosts: ['user@host'], models: [] })).rejects.toThrow(/--allow-host must be HOST or HOST:PORT/);
    await expect(createJobPolicy({ allowDirs: [join(dir, 'nowhere')], allowHosts: [], models: [] })).rejects.toThrow(/no such directory/);
  });
});
