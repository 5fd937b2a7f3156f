import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, dl, readLines, REDIS, startWorker } from './fixtures.test-helpers.js';

const PASSWD = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!; // `root:x:0:0:...`: what must never come back

/**
 * Jobs added straight to Redis, as anything that reaches it could (no `dl batch` in between): a worker runs only
 * what its own --allow-dir, --allow-host and --model flags allow.
 */
describe.skipIf(!DATA)(`dl worker refuses queue jobs outside its allow-lists (BullMQ on ${REDIS})`, () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'dlkit-jobs-')));
  const allowed = join(dir, 'allowed');
  const good = join(allowed, 'good.txt');
  const queueName = `dlkit-test-validation-${process.pid}`;
  let queue: Queue;
  let worker: ChildProcess & { log: string[] };
  let server: Server;
  let fetched = 0;
  let url = '';

  beforeAll(async () => {
    mkdirSync(allowed);
    writeFileSync(good, 'The river rose in the night. By morning the bridge was gone. The town rebuilt it in a year.\n');
    writeFileSync(join(dir, 'secret.txt'), 'A secret outside the allowed folder.\n');
    symlinkSync('/etc/passwd', join(allowed, 'passwd.txt'));
    symlinkSync('/etc', join(allowed, 'etc'));
    // A URL that a worker must not fetch: it counts what it is asked for.
    server = createServer((_, res) => {
      fetched++;
      res.end('fetched\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notes.txt`;
    queue = new Queue(queueName, { connection: { url: REDIS, maxRetriesPerRequest: 1 } });
    await queue.waitUntilReady();
    worker = startWorker(queueName, ['--allow-dir', allowed]);
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await queue.obliterate({ force: true });
    await queue.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a job for a file, URL, model or option it does not allow fails at once, never retried; a good job beside them runs', async () => {
    const summarize = (input: string, options: Record<string, unknown> = {}) => ({ task: 'summarization', options: { model: 'textrank', ...options }, input });
    const attacks: Record<string, unknown> = {
      'a local file outside': summarize('/etc/passwd', { sentences: 3 }),
      'a URL': summarize(url),
      'a model path': { task: 'sentiment', options: { model: join(dir, 'evil-model') }, input: good },
      'an unknown option': summarize(good, { sentences: 1, evil: true }),
      // The option names are the library's: an old spelling is refused, not half-understood.
      'an old option name': { task: 'classify', options: { topk: 3 }, input: good },
      'a knob the worker sets': { task: 'classify', options: { allowPrivateHosts: true }, input: good },
      'a symlink inside pointing outside': summarize(join(allowed, 'passwd.txt')),
      'a folder symlink inside': summarize(join(allowed, 'etc', 'passwd')),
      '.. out of the folder': summarize(`${allowed}/../secret.txt`),
      'an unknown task': { task: 'shell', options: {}, input: good },
    };
    const jobs = new Map<string, Job>();
    const opts = { attempts: 3, backoff: { type: 'exponential', delay: 1000 } };
    for (const [name, data] of Object.entries(attacks)) jobs.set(name, await queue.add('x', data, opts));
    jobs.set('good', await queue.add('x', summarize(good, { sentences: 1 }), opts));
    // A job written for the old batch task name runs as the task it became.
    jobs.set('old name', await queue.add('x', { task: 'summarize-extractive', options: { sentences: 1 }, input: good }, opts));

    const finished = new Map<string, Job>();
    while (finished.size < jobs.size) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const [name, { id }] of jobs) {
        const job = await queue.getJob(id!);
        if (job?.finishedOn) finished.set(name, job);
      }
    }
    for (const name of Object.keys(attacks)) {
      const job = finished.get(name)!;
      expect(await job.getState(), name).toBe('failed');
      expect(job.failedReason, name).toMatch(/^INVALID_ARGUMENT: job refused by this worker: /);
      expect(job.attemptsMade, name).toBe(1);
      expect(job.returnvalue, name).toBeNull();
    }
    expect(finished.get('good')!.returnvalue).toEqual({ output: [{ summary_text: expect.stringMatching(/river|bridge|town/) }] });
    expect(finished.get('old name')!.returnvalue).toEqual(finished.get('good')!.returnvalue);
    expect(finished.get('an old option name')!.failedReason).toMatch(/options: Unrecognized key: "topk"/);
    const everything = JSON.stringify([...finished.values()].map((j) => [j.returnvalue, j.failedReason, j.stacktrace]));
    expect(everything).not.toContain(PASSWD);
    expect(everything).not.toContain('A secret');
    expect(fetched).toBe(0);
    expect(worker.log.join('')).not.toMatch(/will retry/);
  });

  it('dl batch --queue records a refused input as its error line and says which worker flags the inputs need', async () => {
    const out = join(dir, 'results.jsonl');
    const link = join(allowed, 'passwd.txt');
    const result = await dl(['batch', 'summarize-extractive', '/etc/passwd', link, good, '--out', out, '--queue', REDIS, '--queue-name', queueName]);
    expect(result.code, `${result.stderr}\n${worker.log.join('')}`).toBe(1);
    expect(result.stderr).toContain(`start dl worker --queue ${REDIS} --allow-dir /etc --allow-dir ${allowed} where`);
    const byInput = new Map(readLines(out).map((line) => [line.input, line]));
    expect(byInput.size).toBe(3);
    for (const input of ['/etc/passwd', link]) expect(byInput.get(input)!.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/--allow-dir/) });
    expect(byInput.get(good)!.output).toBeDefined();
    expect(readFileSync(out, 'utf8')).not.toContain(PASSWD);
  });

  it('URL inputs: a worker with --allow-host fetches from that host (loopback included), images and texts alike', async () => {
    const image = readFileSync(join(DATA, 'images', 'dog.jpg'));
    const files = createServer((req, res) => res.end(req.url === '/dog.jpg' ? image : 'The lake froze early that year. Skaters came from every town around it.\n'));
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(files.address() as AddressInfo).port}`;
    const name = `${queueName}-urls`;
    const urls = new Queue(name, { connection: { url: REDIS, maxRetriesPerRequest: 1 } });
    const fetcher = startWorker(name, ['--allow-host', host]);
    try {
      const opts = { attempts: 1 };
      const picture = await urls.add('x', { task: 'classify', options: { topK: 1 }, input: `http://${host}/dog.jpg` }, opts);
      const notes = await urls.add('x', { task: 'summarize', options: { model: 'textrank', sentences: 1 }, input: `http://${host}/notes.txt` }, opts);
      const done = async (id: string) => {
        for (;;) {
          const job = await urls.getJob(id);
          if (job?.finishedOn) return job;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      const [a, b] = await Promise.all([done(picture.id!), done(notes.id!)]);
      expect(a.returnvalue, `${a.failedReason}\n${fetcher.log.join('')}`).toEqual({ output: [{ label: 'Alaskan Malamute', score: expect.any(Number) }] });
      expect(b.returnvalue, `${b.failedReason}\n${fetcher.log.join('')}`).toEqual({ output: [{ summary_text: expect.stringMatching(/lake|Skaters/) }] });
    } finally {
      fetcher.kill('SIGKILL');
      await urls.obliterate({ force: true });
      await urls.close();
      await new Promise((resolve) => files.close(resolve));
    }
  });
});
