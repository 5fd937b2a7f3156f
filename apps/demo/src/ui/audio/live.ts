import { ApiFailure } from '../api.js';
import { openMicrophone } from './recorder.js';

/** What the server reads from the socket: 16 kHz mono float32. */
const RATE = 16_000;
/** Samples per frame sent: 100 ms, well under the server's frame limit. */
const FRAME = 1600;

/** A result as the server sends it (apps/demo/src/server/routes/live-speech.ts). */
export interface LiveWord {
  final: boolean;
  timestamp: [number, number];
  text: string;
}

/**
 * The microphone's rate to 16 kHz, block by block, by linear interpolation: the next output's position (in input
 * samples, from the block's start; -1 is the last sample of the block before) is carried from one block to the
 * next, so the blocks join without a seam. No low-pass first: speech above 8 kHz is faint, and the digits model
 * hears the log-mel bands below it.
 */
function resampler(from: number): (block: Float32Array) => Float32Array {
  const step = from / RATE;
  let position = 0;
  let previous = 0;
  return (block) => {
    const out: number[] = [];
    const sample = (i: number) => (i < 0 ? previous : block[i]!);
    for (; position <= block.length - 1; position += step) {
      const i = Math.floor(position);
      out.push(i + 1 < block.length ? sample(i) + (block[i + 1]! - sample(i)) * (position - i) : sample(i));
    }
    position -= block.length;
    previous = block.at(-1) ?? previous;
    return Float32Array.from(out);
  };
}

export interface LiveSession {
  /** Ends the stream: the word being said is still read; resolves once the server has sent everything. */
  stop(): Promise<void>;
}

/**
 * Streams the microphone to the server's live transcription socket, each result given to `onWord` as it comes
 * (partials, then the final word), an error to `onError` (the socket is over then).
 */
export async function streamMicrophone(onWord: (word: LiveWord) => void, onError: (error: Error) => void): Promise<LiveSession> {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/speech/stream?model=speech-digits`);
  socket.binaryType = 'arraybuffer';
  const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
  socket.addEventListener('message', (event: MessageEvent<string>) => {
    const message = JSON.parse(event.data) as { type: string; timestamp: [number, number]; text: string; error?: { code: string; message: string } };
    if (message.type === 'partial' || message.type === 'final') onWord({ final: message.type === 'final', timestamp: message.timestamp, text: message.text });
    else if (message.type === 'error') onError(new ApiFailure(0, message.error!.code, message.error!.message));
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    // A refused handshake (too many streams, another origin) reaches a page as an error with no reason.
    socket.addEventListener('error', () => reject(new ApiFailure(0, 'UNAVAILABLE', 'The server did not take the live stream (it takes two at once); try again in a moment.')));
  });
  let pending = new Float32Array(0);
  let resample: ((block: Float32Array) => Float32Array) | undefined;
  const microphone = await openMicrophone((block) => {
    if (!resample) return; // before the rate is known (it is, before the first block is posted)
    const samples = resample(block);
    const joined = new Float32Array(pending.length + samples.length);
    joined.set(pending);
    joined.set(samples, pending.length);
    let at = 0;
    for (; at + FRAME <= joined.length; at += FRAME) if (socket.readyState === WebSocket.OPEN) socket.send(joined.slice(at, at + FRAME));
    pending = joined.slice(at);
  });
  resample = resampler(microphone.sampleRate);
  // The server ends a stream on an error, a stall or its limit: the microphone stops with it.
  void closed.then(() => microphone.close());
  return {
    async stop() {
      await microphone.close();
      if (socket.readyState === WebSocket.OPEN) {
        if (pending.length > 0) socket.send(pending);
        socket.send('{"type":"end"}');
      }
      await closed;
    },
  };
}
