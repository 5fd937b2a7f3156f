import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from './demo-server.js';
import { bigText, lowRateWav, manyTexts } from './hostile-inputs.js';

const CHROMIUM = '/usr/bin/chromium';
/** Peak RSS the server may reach here: 175 MB measured (the sentiment model loaded), with room for a busy machine. */
const RSS_BOUND_MB = 300;

let demo: RunningDemo;
let browser: Browser;
let evil: Server;
let evilPort: number;
let work: string;
const checkpoint = () => join(work, 'server', 'digits.checkpoint', 'checkpoint.json');

/** What a page on another site can do without any permission: a text/plain form post, and no-cors fetches. */
function attackPage(target: string, kind: string): string {
  const start = `${target}api/train/start`;
  if (kind === 'form') {
    // The classic way to smuggle JSON in a form: the field name and value join to {"epochs":1,...,"x":"="}.
    return `<form id="f" method="POST" enctype="text/plain" action="${start}"><input name='{"epochs": 1, "fresh": true, "x": "' value='"}'></form>
      <script>document.getElementById('f').submit()</script>`;
  }
  return `<script>
    const send = (path, body) => fetch('${target}' + path, { method: 'POST', mode: 'no-cors', body });
    Promise.all([send('api/train/start', '{"epochs": 1, "fresh": true}'), send('api/train/resume', '{}'), send('api/nlp/summarize', 'Hi. There.')])
      .then(() => (document.title = 'sent'), (e) => (document.title = 'failed ' + e));
  </script>`;
}

async function trainStatus(): Promise<string> {
  return ((await (await fetch(`${demo.url}api/train`)).json()) as { status: string }).status;
}

describe('demo against a hostile page in Debian chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; bash .ci/run does)`);
    work = await mkdtemp(join(tmpdir(), 'dlkit-demo-cross-origin-'));
    // A run stopped by an earlier server: resumable, and what a stray start would delete.
    await mkdir(join(work, 'server', 'digits.checkpoint'), { recursive: true });
    await writeFile(checkpoint(), '{}');
    demo = await startDemo(['--work-dir', join(work, 'server')]);
    evil = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(attackPage(demo.url, url.pathname.slice(1)));
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilPort = (evil.address() as AddressInfo).port;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  afterAll(async () => {
    await browser?.close();
    evil?.close();
    const code = await demo?.stop();
    await rm(work, { recursive: true, force: true });
    expect(code, demo?.stderr()).toBe(0);
  });

  it('a form post and no-cors fetches from another port and from another site neither start training nor touch the checkpoint', async () => {
    expect(await trainStatus()).toBe('stopped');
    const before = (await stat(checkpoint())).mtimeMs;
    const page = await browser.newPage();
    // 127.0.0.1 on another port is the same site (fetch metadata says same-site), localhost another one.
    for (const host of [`127.0.0.1:${evilPort}`, `localhost:${evilPort}`]) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/train/start'));
      await page.goto(`http://${host}/form`);
      expect((await answered).status(), host).toBe(403);
      expect(await page.textContent('body')).toMatch(/"FORBIDDEN".*own page/);

      const statuses: number[] = [];
      page.on('response', (r) => r.url().startsWith(demo.url) && statuses.push(r.status()));
      await page.goto(`http://${host}/fetch`);
      await expect.poll(() => page.title()).toBe('sent');
      await expect.poll(() => statuses.length).toBe(3);
      expect(statuses, host).toEqual([403, 403, 403]);
      page.removeAllListeners('response');
    }
    await page.close();
    expect(await trainStatus()).toBe('stopped');
    expect((await stat(checkpoint())).mtimeMs).toBe(before);
  });

  it('oversized texts and a 1 Hz recording are refused with 413 while the server stays under its memory bound', async () => {
    const post = (path: string, type: string, body: string | Buffer) => fetch(`${demo.url}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });
    const oversized = () => [
      post('api/nlp/summarize', 'text/plain', bigText()),
      post('api/nlp/sentiment', 'application/json', manyTexts()),
      post('api/speech/transcribe', 'audio/wav', lowRateWav()),
    ];
    // One at a time, then a burst of them at once: each is refused, and the burst by the queue or the caps.
    for (const response of oversized()) {
      const r = await response;
      expect(r.status, await r.clone().text()).toBe(413);
      expect(await r.json()).toMatchObject({ error: { code: 'INPUT_TOO_LARGE', message: expect.stringMatching(/at most [\d,]+ (bytes|s)/) } });
    }
    const burst = await Promise.all([...oversized(), ...oversized(), ...oversized()]);
    expect(burst.map((r) => r.status).every((s) => s === 413 || s === 429), burst.map((r) => r.status).join(' ')).toBe(true);
    const health = await fetch(`${demo.url}api/health`);
    expect(health.status).toBe(200);
    const sentiment = await post('api/nlp/sentiment', 'application/json', JSON.stringify({ text: 'Still here, and glad of it.' }));
    expect(sentiment.status).toBe(200);
    const peak = await demo.peakRssMB();
    expect(peak, `peak RSS ${Math.round(peak)} MB`).toBeLessThan(RSS_BOUND_MB);
  });
});
