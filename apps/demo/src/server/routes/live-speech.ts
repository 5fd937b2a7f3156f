import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { DlError } from '@dlkit/core';
import { createStreamingTranscriber, type StreamingTranscriber } from '@dlkit/speech';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ApiError, describeError } from '../api-error.js';
import { LIVE_LIMITS } from '../limits.js';
import type { Pipelines } from '../pipelines.js';
import { DEMO_TASKS } from '../pipelines.js';
import { crossOriginReason } from '../same-origin.js';

/** The route: a WebSocket of 16 kHz mono float32 frames in, JSON results out. */
export const LIVE_PATH = '/api/speech/stream';

const ASR = DEMO_TASKS.find((t) => t.task === 'automatic-speech-recognition')!;

/** The bounds of the route (LIVE_LIMITS; a test gives smaller ones to reach them in seconds). */
export type LiveLimits = Record<'maxStreams' | 'maxSeconds' | 'idleSeconds', number>;

/**
 * What a frame held while the model loads counts for besides its bytes: without it, a flood of empty frames (6 bytes
 * each on the wire) would be held without bound.
 */
const EARLY_FRAME_COST = 64;

/** What the server sends: each result as it is read, then `end`, or an `error` (then the socket closes). */
export type LiveMessage =
  | { type: 'partial' | 'final'; timestamp: [number, number]; text: string; score?: number }
  | { type: 'end' }
  | { type: 'error'; error: ReturnType<typeof describeError>['error'] };

/** An HTTP answer on a socket not upgraded (the handshake refused): status, JSON body, closed. */
function refuse(socket: Duplex, error: unknown): void {
  const { status, error: body, retryAfterSeconds } = describeError(error);
  const json = JSON.stringify({ error: body });
  const retry = retryAfterSeconds === undefined ? '' : `Retry-After: ${retryAfterSeconds}\r\n`;
  socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n${retry}Connection: close\r\n\r\n${json}`);
}

/** A binary frame as samples: whole little-endian float32s (copied: a frame's buffer may be shared or unaligned). */
function samplesOf(data: RawData): Float32Array {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  if (bytes.length % 4 !== 0) throw new DlError('INVALID_ARGUMENT', `a frame of ${bytes.length} bytes is not whole float32 samples (4 bytes each)`, { parameter: 'chunk' });
  const samples = new Float32Array(bytes.length / 4);
  new Uint8Array(samples.buffer).set(bytes);
  return samples;
}

/**
 * Live transcription for the Speech page: `GET /api/speech/stream?model=...&partials=0|1` upgraded to a
 * WebSocket. The page sends binary frames of 16 kHz mono float32 samples (its microphone, resampled there) and
 * the text `{"type":"end"}` when it stops; the server answers JSON `LiveMessage`s. Bounded as uploads are: same
 * origin, loopback host, at most `maxStreams` at once (503 BUSY), frames of at most `maxFrameBytes`, streams of at
 * most `maxSeconds`, a stream that sends nothing for `idleSeconds` is over. A socket that closes, however it
 * closes, frees its transcriber (`stats().open` counts the live ones).
 */
export class LiveSpeech {
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: LIVE_LIMITS.maxFrameBytes });
  private readonly streams = new Set<Promise<void>>();

  constructor(
    private readonly pipelines: Pipelines,
    private readonly isLocalHost: (url: string) => boolean,
    private readonly limits: LiveLimits = LIVE_LIMITS,
  ) {}

  stats(): { open: number; max: number } {
    return { open: this.streams.size, max: this.limits.maxStreams };
  }

  /** The HTTP server's `upgrade` event: the checks an HTTP route gets, then the socket. */
  upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    try {
      const url = `http://${request.headers.host ?? 'unknown'}${request.url ?? '/'}`;
      // An absolute-form target (`GET http://elsewhere/ HTTP/1.1`) makes no URL here: a bad request, not a 500.
      if (!URL.canParse(url)) throw new ApiError(400, 'INVALID_ARGUMENT', 'The request target is not a path on this server.');
      if (!this.isLocalHost(url)) throw new ApiError(403, 'FORBIDDEN', 'This server answers only to localhost.');
      const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
      // A socket takes work as a POST does: another site's page must not open one through the visitor's browser.
      const reason = crossOriginReason('POST', url, header('origin'), header('sec-fetch-site'));
      if (reason !== undefined) throw new ApiError(403, 'FORBIDDEN', `This server streams only to its own page (same origin); ${reason} was refused.`);
      const { pathname, searchParams } = new URL(url);
      if (pathname !== LIVE_PATH) throw new ApiError(404, 'NOT_FOUND', `No WebSocket route ${pathname}.`);
      const model = this.pipelines.checkModel(ASR, searchParams.get('model') || undefined);
      const partials = searchParams.get('partials') ?? '1';
      if (partials !== '0' && partials !== '1') throw new DlError('INVALID_ARGUMENT', `partials is 0 or 1, not '${partials}'`, { parameter: 'partials' });
      if (this.streams.size >= this.limits.maxStreams) throw new DlError('BUSY', `This server transcribes at most ${this.limits.maxStreams} live streams at once; try again when one ends.`);
      this.sockets.handleUpgrade(request, socket, head, (ws) => this.serve(ws, model, partials === '1'));
    } catch (error) {
      refuse(socket, error);
    }
  };

  /** One socket's stream, counted from the upgrade until its transcriber is freed. */
  private serve(ws: WebSocket, model: string, partials: boolean): void {
    const stream = this.run(ws, model, partials).finally(() => this.streams.delete(stream));
    this.streams.add(stream);
  }

  private async run(ws: WebSocket, model: string, partials: boolean): Promise<void> {
    const send = (message: LiveMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
    const fail = (error: unknown) => {
      send({ type: 'error', error: describeError(error).error });
      ws.close(isClientError(error) ? 1008 : 1011);
    };
    // Frames that come while the model loads wait for it; a socket closed meanwhile never gets one.
    let transcriber: StreamingTranscriber | undefined;
    let refused: unknown;
    const early: Array<{ data: RawData; binary: boolean }> = [];
    let earlyBytes = 0;
    const take = (data: RawData, binary: boolean) => {
      if (!transcriber) {
        // Held no more than a stream may carry in all: a client flooding the socket while the model loads is cut off.
        earlyBytes += (Buffer.isBuffer(data) ? data.length : LIVE_LIMITS.maxFrameBytes) + EARLY_FRAME_COST;
        if (earlyBytes > this.limits.maxSeconds * 16_000 * 4) return void ws.terminate();
        return void early.push({ data, binary });
      }
      try {
        if (binary) transcriber.push(samplesOf(data));
        else if (String(data) === '{"type":"end"}') transcriber.end();
        else throw new DlError('INVALID_ARGUMENT', 'a text message is {"type":"end"}; audio goes in binary frames of float32 samples', { parameter: 'chunk' });
      } catch (error) {
        // Garbage ends the stream: what was heard is still read and sent, then the error. The transcriber's own
        // (NaN samples, too much audio) comes out of results(); a frame it never saw is kept here.
        refused ??= error;
        transcriber.end();
      }
    };
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    // A protocol error (a frame over maxPayload, bad framing) closes the socket; unheard, it would end the server.
    ws.on('error', () => {});
    ws.on('message', take);
    try {
      transcriber = await createStreamingTranscriber({ model, partials, maxSeconds: this.limits.maxSeconds, idleSeconds: this.limits.idleSeconds });
    } catch (error) {
      return fail(error);
    }
    void closed.then(() => transcriber!.dispose());
    // idleSeconds restarts on every frame, even an empty one: a client trickling a sample every few seconds would
    // hold one of the few streams for days. A page sends audio as it is heard, so its stream is over by then.
    const wallSeconds = this.limits.maxSeconds + this.limits.idleSeconds;
    const overtime = setTimeout(() => {
      refused ??= new DlError('INPUT_TOO_LARGE', `a live stream lasts at most ${wallSeconds} s (its audio at most ${this.limits.maxSeconds} s); what was heard is read`);
      transcriber!.end();
    }, wallSeconds * 1000);
    try {
      for (const { data, binary } of early.splice(0)) take(data, binary);
      for await (const r of transcriber.results()) send({ type: r.final ? 'final' : 'partial', timestamp: r.timestamp, text: r.text, ...(r.score === undefined ? {} : { score: r.score }) });
      if (refused !== undefined) throw refused;
      send({ type: 'end' });
      ws.close(1000);
    } catch (error) {
      fail(error);
    } finally {
      clearTimeout(overtime);
      await transcriber.dispose();
    }
  }

  /** Closes every socket and waits until their transcribers are freed. */
  async close(): Promise<void> {
    for (const ws of this.sockets.clients) ws.terminate();
    await Promise.all([...this.streams]);
    this.sockets.close();
  }
}

const isClientError = (error: unknown) => describeError(error).status < 500;
