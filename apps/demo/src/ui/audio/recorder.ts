import workletUrl from './recorder-worklet.ts?worker&url';

/** 16-bit PCM mono WAV: what every reader takes, so a recording needs no ffmpeg on the server. */
export function encodeWav(samples: Float32Array, sampleRate: number): Blob {
  const view = new DataView(new ArrayBuffer(44 + samples.length * 2));
  const text = (offset: number, s: string) => [...s].forEach((ch, i) => view.setUint8(offset + i, ch.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  samples.forEach((s, i) => view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, s)) * 0x7fff, true));
  return new Blob([view.buffer], { type: 'audio/wav' });
}

export interface Recording {
  /** Ends the recording and gives it as a WAV file. */
  stop(): Promise<Blob>;
}

/** The open microphone: its rate, and `close()` to let it go (a second call does nothing). */
export interface Microphone {
  readonly sampleRate: number;
  close(): Promise<void>;
}

/** The microphone through an AudioWorklet: raw blocks of samples (unlike MediaRecorder's compressed WebM), each given to `onBlock`. */
export async function openMicrophone(onBlock: (samples: Float32Array) => void): Promise<Microphone> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false } });
  const context = new AudioContext();
  await context.audioWorklet.addModule(workletUrl);
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, 'dlkit-recorder');
  node.port.onmessage = (event: MessageEvent<Float32Array>) => onBlock(event.data);
  source.connect(node);
  let closing: Promise<void> | undefined;
  return {
    sampleRate: context.sampleRate,
    // Once: the page and a closed socket may both close it, and a closed AudioContext refuses a second close.
    close: () =>
      (closing ??= (async () => {
        source.disconnect();
        node.port.onmessage = null;
        for (const track of stream.getTracks()) track.stop();
        await context.close();
      })()),
  };
}

/** Records the microphone until `stop()`, as a WAV file. */
export async function recordMicrophone(): Promise<Recording> {
  const blocks: Float32Array[] = [];
  const microphone = await openMicrophone((block) => blocks.push(block));
  return {
    async stop() {
      await microphone.close();
      const samples = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
      let offset = 0;
      for (const block of blocks) {
        samples.set(block, offset);
        offset += block.length;
      }
      return encodeWav(samples, microphone.sampleRate);
    },
  };
}
