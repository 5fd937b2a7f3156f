import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { openOnnxSessions } from '@dlkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type WebSocketServer } from 'ws';
import { createDemoApp, type DemoApp } from './app.js';
import { Pipelines } from './pipelines.js';
import { LiveSpeech, type LiveMessage } from './routes/live-speech.js';

// Hostile clients of the live transcription socket, on the real speech-digits model (its VAD and CNN). The audio is
// generated here (silence, a tone, noise): what is checked is what the server does with the bytes, not the words.

const PATH = '/api/speech/stream';
const noise = (seconds: number) => Float32Array.from({ length: Math.round(seconds * 16_000) }, (_, i) => 0.3 * Math.sin(i / 7) + 0.05 * Math.sin(i * 1.37));

/** An upgrade request written by hand (the Host, Origin and target a browser or ws would never send), and the status line. */
async function rawUpgrade(port: number, lines: string[]): Promise<string> {
  const socket = tcpConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  const base = ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
  socket.write(`${[...lines, ...base].join('\r\n')}\r\n\r\n`);
  let answer = '';
  for await (const piece of socket) {
    answer += String(piece);
    if (answer.includes('\r\n')) break;
  }
  socket.destroy();
  return answer.split('\r\n')[0]!;
}

/** A client socket, every message it gets, and how it closed. */
function client(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const messages: LiveMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
  ws.on('error', () => {});
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => (ws.once('open', resolve), ws.once('unexpected-response', () => reject(new Error('refused')))));
  return { ws, messages, closed, opened };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live socket handshake against Host, Origin and request-target tricks (the demo app)', () => {
  let work: string;
  let demo: DemoApp;
  let server: ServerType;
  let port: number;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dlkit-demo-hostile-'));
    demo = await createDemoApp({ workDir: work });
    server = serve({ fetch: demo.app.fetch, port: 0, hostname: '127.0.0.1' });
    server.on('upgrade', demo.upgrade);
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await demo?.close();
    server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('refuses a rebinding Host, a userinfo Host, no Host, Origin null, another port, cross-site fetch metadata and an absolute-form target; a same-origin page is upgraded; the server still answers', async () => {
    const get = `GET ${PATH} HTTP/1.1`;
    const cases: Array<[string[], RegExp]> = [
      [[get, `Host: evil.example:${port}`], / 403 /],
      [[get, `Host: 127.0.0.1@evil.example:${port}`], / 403 /],
      // Node itself answers 400 to an HTTP/1.1 request without Host; either way no socket.
      [[get], / 40[03] /],
      [[get, `Host: 127.0.0.1:${port}`, 'Origin: null'], / 403 /],
      [[get, `Host: 127.0.0.1:${port}`, `Origin: http://127.0.0.1:${port + 1}`], / 403 /],
      [[get, `Host: 127.0.0.1:${port}`, `Origin: http://localhost:${port}`], / 403 /],
      [[get, `Host: 127.0.0.1:${port}`, 'Sec-Fetch-Site: cross-site'], / 403 /],
      [[`GET http://evil.example${PATH} HTTP/1.1`, `Host: 127.0.0.1:${port}`], / 400 /],
      [[get, `Host: 127.0.0.1:${port}`, `Origin: http://127.0.0.1:${port}`, 'Sec-Fetch-Site: same-origin'], / 101 /],
    ];
    for (const [lines, status] of cases) expect(await rawUpgrade(port, lines), lines.join(' | ')).toMatch(status);
    while (((await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { liveStreams: { open: number } }).liveStreams.open !== 0) await sleep(20);
  });
});

describe('live socket against hostile streams (LiveSpeech with 1 s idle, 3 s of audio, 2 streams)', () => {
  const limits = { maxStreams: 2, maxSeconds: 3, idleSeconds: 1 };
  let pipelines: Pipelines;
  let live: LiveSpeech;
  let server: Server;
  let url: string;
  let sessionsBefore: number;
  beforeAll(async () => {
    pipelines = new Pipelines();
    live = new LiveSpeech(pipelines, (u) => new URL(u).hostname === '127.0.0.1', limits);
    server = createServer((_, res) => res.end('ok'));
    server.on('upgrade', live.upgrade);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
    sessionsBefore = openOnnxSessions();
  });
  afterAll(async () => {
    await live?.close();
    await pipelines?.dispose();
    server?.close();
  });
  /**
   * Waits until the stream's model is loaded (its ONNX sessions are open, then a moment): frames sent before that
   * are held, at most maxSeconds' worth, and a flood of them is cut off (1006) rather than read.
   */
  const afterLoad = async () => {
    while (openOnnxSessions() <= sessionsBefore) await sleep(20);
    await sleep(300);
  };
  const untilFreed = async () => {
    while (live.stats().open !== 0) await sleep(20);
    expect(openOnnxSessions()).toBe(sessionsBefore);
  };

  it('a client that never sends is over after idleSeconds (INPUT_UNREADABLE, 1008) and freed', async () => {
    const c = client(url);
    await c.opened;
    expect(await c.closed).toBe(1008);
    expect(c.messages.at(-1)).toMatchObject({ type: 'error', error: { code: 'INPUT_UNREADABLE' } });
    await untilFreed();
  });

  it('a client trickling one sample every 300 ms (never idle, never at maxSeconds of audio) is cut off at maxSeconds + idleSeconds of wall clock (INPUT_TOO_LARGE, 1008)', async () => {
    const c = client(url);
    await c.opened;
    const started = Date.now();
    const trickle = setInterval(() => c.ws.readyState === c.ws.OPEN && c.ws.send(Float32Array.of(0)), 300);
    try {
      expect(await c.closed).toBe(1008);
    } finally {
      clearInterval(trickle);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual((limits.maxSeconds + limits.idleSeconds) * 1000 - 50);
    expect(c.messages.at(-1)).toMatchObject({ type: 'error', error: { code: 'INPUT_TOO_LARGE' } });
    await untilFreed();
  });

  it('100,000 frames of one sample each (6.25 s of audio) then end: a normal end, and the socket is freed', async () => {
    const c = client(url);
    await c.opened;
    await afterLoad();
    const audio = noise(6.25);
    for (let i = 0; i < 100_000; i++) c.ws.send(audio.subarray(i, i + 1));
    c.ws.send('{"type":"end"}');
    const code = await c.closed;
    // 6.25 s is past the 3 s limit: the server reads what fits, then says so.
    expect(code).toBe(1008);
    expect(c.messages.at(-1)).toMatchObject({ type: 'error', error: { code: 'INPUT_TOO_LARGE' } });
    await untilFreed();
  });

  it('garbage after audio: 100,000 one-byte frames, a 6-byte frame, Inf samples, a 60 kB nested JSON text, invalid UTF-8 text: each ends its stream with a typed error or a protocol close, and is freed', async () => {
    const nested = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    const cases: Array<[(ws: WebSocket) => void, number, string | undefined]> = [
      [(ws) => { for (let i = 0; i < 100_000; i++) ws.send(Buffer.of(i & 0xff)); }, 1008, 'INVALID_ARGUMENT'],
      [(ws) => ws.send(Buffer.alloc(6)), 1008, 'INVALID_ARGUMENT'],
      [(ws) => ws.send(Float32Array.of(0.1, Number.POSITIVE_INFINITY)), 1008, 'INPUT_UNREADABLE'],
      [(ws) => ws.send(nested), 1008, 'INVALID_ARGUMENT'],
      [(ws) => ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }), 1007, undefined],
    ];
    for (const [bad, code, error] of cases) {
      const c = client(url);
      await c.opened;
      await afterLoad();
      c.ws.send(noise(0.5));
      bad(c.ws);
      expect(await c.closed).toBe(code);
      if (error !== undefined) expect(c.messages.at(-1)).toMatchObject({ type: 'error', error: { code: error } });
      await untilFreed();
    }
  });

  it('the most streams held open: a third is 503, plain HTTP still answers, and both are freed when they drop', async () => {
    const held = [client(url), client(url)];
    await Promise.all(held.map((h) => h.opened));
    const third = client(url);
    await expect(third.opened).rejects.toThrow('refused');
    third.ws.terminate();
    expect(await (await fetch(url.replace('ws', 'http').replace(PATH, '/'))).text()).toBe('ok');
    for (const h of held) h.ws.terminate();
    await untilFreed();
  });

  it('a client that never reads: its partials, end and close handshake do not hold the stream; a ping flood from it is cut off', async () => {
    const c = client(`${url}?partials=1`);
    await c.opened;
    // The client's socket stops reading: whatever the server sends stays in the kernel's buffers, then in ws's.
    const raw = (c.ws as unknown as { _socket: import('node:net').Socket })._socket;
    raw.pause();
    const audio = noise(2.5);
    for (let at = 0; at < audio.length; at += 8000) c.ws.send(audio.subarray(at, at + 8000));
    c.ws.send('{"type":"end"}');
    await untilFreed();
    raw.resume();
    await c.closed;

    // Pings from a client that reads no pongs: ws answers each, so unbounded they would pile up in the server.
    const flood = client(url);
    await flood.opened;
    const socket = (flood.ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.pause();
    const serverSide = () => [...(live as unknown as { sockets: WebSocketServer }).sockets.clients];
    const payload = Buffer.alloc(125, 1);
    let mostBuffered = 0;
    let sent = 0;
    for (; sent < 200_000 && flood.ws.readyState === flood.ws.OPEN; sent++) {
      flood.ws.ping(payload);
      if (sent % 1000 === 0) {
        // A little audio now and then, so that the stream is not over for being idle.
        flood.ws.send(noise(0.01));
        for (const s of serverSide()) mostBuffered = Math.max(mostBuffered, s.bufferedAmount);
        await sleep(1);
      }
    }
    socket.resume();
    flood.ws.terminate();
    await untilFreed();
    // ws (8.23: maxPendingAutoPongs 60) drops a client whose pongs pile up: it is gone long before 200,000 pings.
    expect(sent).toBeLessThan(200_000);
    expect(mostBuffered).toBeLessThan(2 ** 20);
  });

  it('a client that closes mid-frame (half a frame header, then gone) is freed', async () => {
    const c = client(url);
    await c.opened;
    c.ws.send(noise(0.3));
    const raw = (c.ws as unknown as { _socket: import('node:net').Socket })._socket;
    // A masked binary frame header announcing 1,000 bytes, its payload never sent.
    raw.write(Buffer.from([0x82, 0xfe, 0x03, 0xe8, 1, 2]));
    raw.destroy();
    await untilFreed();
  });
});
