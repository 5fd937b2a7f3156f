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

  const job = (input: string, options: Record<string, unknown> = {}, task = 'summarize-extractive') => ({ task, options, input });
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
      [{ ...job(input), task: 'exec' }, /task: /],
      [job(input, { sentences: 2, evil: 1 }), /options: Unrecognized key: "evil"/],
      [job(input, { sentences: 0 }), /options\.sentences: /],
      [job(input, { sentences: 1e9 }), /options\.sentences: /],
      [job(input, { topk: 5 }), /options: Unrecognized key: "topk"/], // classify's, not this task's
      [job(input, { threads: 64 }, 'classify'), /options: Unrecognized key: "threads"/],
      [job(input, { maxPixels: MAX_JOB_PIXELS + 1 }, 'faces'), /options\.maxPixels: Too big/],
      [job(input, { threshold: 2 }, 'detect'), /options\.threshold: /],
      [{ ...job(input), extra: true }, /job: Unrecognized key: "extra"/],
      [{ task: 'sentiment', input }, /options: /],
      [null, /job: /],
      [job(`${input}\0.png`), /input: contains a NUL/],
    ];
    for (const [data, why] of cases) expect(await refusal(admitJob(data, policy)), JSON.stringify(data)).toMatch(why);
    // A job may lower the decoders' pixel limit, never raise it.
    expect(MAX_JOB_PIXELS).toBe(DEFAULT_MAX_PIXELS);
  });

  it('URLs only from --allow-host (any port, or the one given); models only those the worker was started with', async () => {
    const policy = await createJobPolicy({ allowDirs: [], allowHosts: ['Files.Example', '127.0.0.1:8080'], models: ['org/any-task', 'sentiment=/models/mine'] });
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
    await expect(createJobPolicy({ allowDirs: [], allowHosts: ['user@host'], models: [] })).rejects.toThrow(/--allow-host must be HOST or HOST:PORT/);
    await expect(createJobPolicy({ allowDirs: [join(dir, 'nowhere')], allowHosts: [], models: [] })).rejects.toThrow(/no such directory/);
  });
});
