import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { testDataset } from '@dlkit/core/testing';
import { pipeline, type TranscriptChunk } from '@dlkit/speech';
import { joinRecordings } from '@dlkit/speech/training';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDemoApp, type DemoApp } from './app.js';
import { LIVE_LIMITS } from './limits.js';
import type { LiveMessage } from './routes/live-speech.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');

let work: string;
let demo: DemoApp;
let server: ServerType;
let base: string;

/** A socket to the live route, every message it gets, and how it closed. */
function connect(query = '', headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/speech/stream${query}`, { headers });
  const messages: LiveMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  return { ws, messages, closed, opened };
}

/** The refused handshake's status and body, as a non-browser client sees them. */
async function refused(query: string, headers: Record<string, string> = {}): Promise<{ status: number; code?: string }> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/speech/stream${query}`, { headers });
  // Aborting a handshake that was answered is an error event of its own: not this test's.
  ws.on('error', () => {});
  const [, response] = (await once(ws, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage];
  let body = '';
  for await (const piece of response) body += String(piece);
  ws.terminate();
  return { status: response.statusCode!, code: (JSON.parse(body) as { error: { code: string } }).error.code };
}

async function health(): Promise<{ liveStreams: { open: number }; resources: { onnxSessions: number } }> {
  return (await fetch(`${base}/api/health`)).json() as never;
}

/** Polls until the server's count of live streams is `open` (a closed socket is freed asynchronously). */
async function untilOpen(open: number): Promise<void> {
  while ((await health()).liveStreams.open !== open) await new Promise((r) => setTimeout(r, 20));
}

/** Sends `audio` as 20 ms frames of float32, a short pause now and then (about 4x real time, as a page would). */
async function sendAudio(ws: WebSocket, audio: Float32Array): Promise<void> {
  for (let at = 0; at < audio.length; at += 320) {
    ws.send(audio.slice(at, at + 320));
    if (at % 1280 === 0) await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'dlkit-demo-live-'));
  demo = await createDemoApp({ workDir: work });
  server = serve({ fetch: demo.app.fetch, port: 0, hostname: '127.0.0.1' });
  server.on('upgrade', demo.upgrade);
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await demo?.close();
  server?.close();
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(!FSDD_SET)('demo live transcription socket (speech-digits on FSDD)', () => {
  let audio: Float32Array;
  let whole: TranscriptChunk[];
  beforeAll(async () => {
    audio = (await joinRecordings(FSDD, ['5_theo_1', '9_nicolas_0', '4_jackson_4', '8_lucas_2'], 0.5)).audio;
    const file = await pipeline('automatic-speech-recognition', 'speech-digits');
    whole = (await file(audio)).chunks;
    await file.dispose();
  });

  it('float32 frames in, partial and final messages out: a partial while the first word is said, the finals are the whole file\'s chunks, then end and a normal close', async () => {
    const socket = connect();
    await socket.opened;
    // Three quarters into the first word: its segment is still open, so the server can only send a partial.
    const first = whole[0]!;
    const cut = Math.round((first.timestamp[0] + 0.75 * (first.timestamp[1] - first.timestamp[0])) * 16_000);
    await sendAudio(socket.ws, audio.subarray(0, cut));
    while (socket.messages.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(socket.messages[0]).toMatchObject({ type: 'partial', text: expect.any(String) });
    await sendAudio(socket.ws, audio.subarray(cut));
    socket.ws.send('{"type":"end"}');
    expect(await socket.closed).toBe(1000);
    const finals = socket.messages.filter((m) => m.type === 'final').map(({ type, ...chunk }) => chunk);
    expect(finals).toEqual(whole);
    expect(socket.messages.at(-1)).toEqual({ type: 'end' });
    await untilOpen(0);
  });

  it('a client that drops mid-stream frees its transcriber: open streams and ONNX sessions back to where they were', async () => {
    const before = await health();
    const socket = connect();
    await socket.opened;
    await sendAudio(socket.ws, audio.subarray(0, audio.length >> 1));
    await untilOpen(1);
    socket.ws.terminate();
    await untilOpen(0);
    expect((await health()).resources.onnxSessions).toBe(before.resources.onnxSessions);
  });

  it('garbage ends the stream after the words heard: a frame that is not whole float32s is INVALID_ARGUMENT, NaN samples INPUT_UNREADABLE (close 1008)', async () => {
    const heard = Math.round((whole[1]!.timestamp[1] + 0.3) * 16_000);
    for (const [bad, code] of [
      [Buffer.from([1, 2, 3]), 'INVALID_ARGUMENT'],
      [Float32Array.of(0.1, Number.NaN), 'INPUT_UNREADABLE'],
      ['hello', 'INVALID_ARGUMENT'],
    ] as const) {
      const socket = connect();
      await socket.opened;
      await sendAudio(socket.ws, audio.subarray(0, heard));
      socket.ws.send(bad);
      expect(await socket.closed).toBe(1008);
      expect(socket.messages.filter((m) => m.type === 'final').map((m) => (m as { text: string }).text)).toEqual(['five', 'nine']);
      expect(socket.messages.at(-1)).toMatchObject({ type: 'error', error: { code } });
    }
    await untilOpen(0);
  });
});

describe('demo live transcription socket: handshake checks', () => {
  it(`at most ${LIVE_LIMITS.maxStreams} streams at once (then 503 BUSY); another origin 403; a model the server lacks 404; a frame over ${LIVE_LIMITS.maxFrameBytes} bytes closes the socket (1009); another path 404`, async () => {
    const open = Array.from({ length: LIVE_LIMITS.maxStreams }, () => connect());
    await Promise.all(open.map((s) => s.opened));
    expect(await refused('')).toEqual({ status: 503, code: 'BUSY' });
    for (const s of open) s.ws.terminate();
    await untilOpen(0);
    expect(await refused('', { Origin: 'https://evil.example' })).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await refused('?model=nope')).toEqual({ status: 404, code: 'MODEL_NOT_FOUND' });
    expect(await refused('?partials=yes')).toEqual({ status: 400, code: 'INVALID_ARGUMENT' });
    // A frame over the limit closes the socket (1009, message too big), and its stream is freed.
    const big = connect();
    await big.opened;
    big.ws.send(new Uint8Array(LIVE_LIMITS.maxFrameBytes + 4));
    expect(await big.closed).toBe(1009);
    await untilOpen(0);
    const other = new WebSocket(`${base.replace('http', 'ws')}/api/speech/other`);
    other.on('error', () => {});
    const [, response] = (await once(other, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(404);
    other.terminate();
  });
});
