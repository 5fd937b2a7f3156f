import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, DATA, dl, readLines, REDIS, startWorker as startAnyWorker, until, writePhotos } from './fixtures.test-helpers.js';

const lineCount = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

describe.skipIf(!DATA)(`dl batch --queue and dl worker (BullMQ on ${REDIS})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlkit-queue-'));
  // Every input of these tests is in the test's folder.
  const startWorker = (name: string) => startAnyWorker(name, ['--allow-dir', dir]);
  const queueName = `dlkit-test-${process.pid}`;
  const workers: ChildProcess[] = [];
  let photos: string[] = [];
  let queue: Queue;

  beforeAll(async () => {
    queue = new Queue(queueName, { connection: { url: REDIS, maxRetriesPerRequest: 1 } });
    await queue.waitUntilReady().catch(() => {
      throw new Error(`no Redis at ${REDIS}: start redis-server (bash .ci/run does) or set DL_TEST_REDIS`);
    });
    photos = await writePhotos(join(dir, 'photos'), 120);
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await queue.obliterate({ force: true });
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two workers, one killed with SIGKILL mid-run: its jobs go to the other, every input exactly one result', async () => {
    const a = startWorker(queueName);
    const b = startWorker(queueName);
    workers.push(a, b);
    const out = join(dir, 'results.jsonl');
    const batch = spawn(process.execPath, [BIN, 'batch', 'classify', join(dir, 'photos'), '--out', out, '--queue', REDIS, '--queue-name', queueName, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    batch.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    batch.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Killed once both have results out and jobs in hand (each worker holds two at a time).
    await until(() => lineCount(out) >= 10);
    const active = await queue.getActiveCount();
    a.kill('SIGKILL');
    const code = await new Promise<number | null>((resolve) => batch.once('exit', resolve));
    expect(code, `${stderr}\n${b.log.join('')}`).toBe(0);
    expect(active).toBeGreaterThan(0);
    // The killed worker's jobs were taken back by the survivor's stalled-job check.
    expect(b.log.join('')).toMatch(/its worker stopped renewing its lock; queued again/);

    const lines = readLines(out);
    expect(lines).toHaveLength(120);
    expect(new Set(lines.map((l) => l.input))).toEqual(new Set(photos));
    expect(lines.filter((l) => l.error !== undefined)).toEqual([]);
    expect(JSON.parse(stdout)).toMatchObject({ done: 120, errors: 0, pending: 0 });
    // Results are collected into the file, then removed from Redis.
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
    b.kill('SIGTERM');
    await new Promise((resolve) => b.once('exit', resolve));
  });

  it('queued with no worker, interrupted, resumed: nothing queued or written twice; errors retried, then recorded', async () => {
    const out = join(dir, 'resumed.jsonl');
    const broken = join(dir, 'broken.jpg');
    writeFileSync(broken, 'not an image');
    const missing = join(dir, 'missing.jpg');
    const inputs = [...photos.slice(0, 20), broken, missing];
    const args = ['batch', 'classify', ...inputs, '--out', out, '--queue', REDIS, '--queue-name', queueName, '--attempts', '2'];

    // No worker yet: the jobs wait in Redis; the collector is stopped with Ctrl-C.
    const first = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let firstErr = '';
    first.stderr.on('data', (c: Buffer) => (firstErr += c.toString()));
    await until(() => firstErr.includes('22 jobs on'));
    first.kill('SIGINT');
    expect(await new Promise((resolve) => first.once('exit', resolve))).toBe(130);

    const status = await dl([...args, '--status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ inputs: 22, batch: { 'in the results file': 0, waiting: 22 } });

    // Queued again by the rerun: the same job ids, so still 22 jobs.
    const worker = startWorker(queueName);
    workers.push(worker);
    const second = await dl([...args, '--skip-existing']);
    expect(second.code, `${second.stderr}\n${worker.log.join('')}`).toBe(1); // two inputs failed
    const lines = readLines(out);
    expect(lines).toHaveLength(22);
    const byInput = new Map(lines.map((l) => [l.input, l]));
    expect(byInput.get(broken)!.error!.code).toBe('INPUT_UNREADABLE'); // the same everywhere: not retried
    expect(byInput.get(missing)!.error!.code).toBe('INPUT_NOT_FOUND'); // could be a slow mount: retried first
    expect(worker.log.join('')).toMatch(/missing\.jpg: INPUT_NOT_FOUND.*\(will retry\)/);
    expect(worker.log.join('')).not.toMatch(/broken\.jpg/);

    // Done: a third run queues nothing and writes nothing.
    const third = await dl([...args, '--skip-existing']);
    expect(third.stderr).toMatch(/0 jobs on/);
    expect(readLines(out)).toHaveLength(22);
    const after = await dl(['batch', '--queue', REDIS, '--queue-name', queueName, '--status', '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
    expect(JSON.parse(after.stdout).workers).toBeGreaterThanOrEqual(1);
  });

  it('SIGTERM stops a worker once the jobs in hand are done; an unreachable Redis fails fast', async () => {
    const worker = startWorker(queueName);
    await until(() => worker.log.join('').includes('worker on') || worker.log.join('').includes('workers on'));
    worker.kill('SIGTERM');
    expect(await new Promise((resolve) => worker.once('exit', resolve))).toBe(0);
    expect(worker.log.join('')).toMatch(/SIGTERM: finishing the jobs in hand[\s\S]*stopped after/);

    const refused = await dl(['batch', 'classify', photos[0]!, '--out', join(dir, 'never.jsonl'), '--queue', 'redis://127.0.0.1:1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/dl: BACKEND_UNAVAILABLE: redis:\/\/127\.0\.0\.1:1: cannot reach Redis/);
  });
});
