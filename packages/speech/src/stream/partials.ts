import { SAMPLE_RATE } from '../audio/read-audio.js';
import { DIGIT_VAD } from '../digits/features.js';
import type { DigitRecognizer } from '../transcribe/digit-recognizer.js';
import type { TranscriptChunk } from '../transcribe/transcribe.js';
import type { Vad } from '../vad/silero.js';

/**
 * How an engine reads audio that is not final yet (a word still being said, a Whisper window still open), for
 * partial results: the stream hands it the audio heard since the last final chunk ended, at most `keepSeconds`
 * of it, every `everySeconds` of audio, and shows what it answers as provisional.
 */
export interface LivePartials {
  readonly everySeconds: number;
  readonly keepSeconds: number;
  /** The chunks heard in `tail`, in seconds from the stream's start (`start` is where the tail begins). */
  read(tail: Float32Array, start: number): Promise<TranscriptChunk[]>;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/**
 * The digits model's reading of an open word: the tail's speech (its own VAD pass: the live one says nothing
 * until a segment closes), each stretch read by the CNN. 4 readings a second of at most 2 s of audio: a word is
 * under a second, and each reading costs about one VAD pass over the tail.
 */
export function digitsPartials(vad: Vad, recognizer: DigitRecognizer): LivePartials {
  return {
    everySeconds: 0.25,
    keepSeconds: 2,
    async read(tail, start) {
      const chunks: TranscriptChunk[] = [];
      for await (const segment of vad.segments(tail, { ...DIGIT_VAD, withAudio: true })) {
        const [word] = recognizer.recognize([segment.audio!]);
        chunks.push({ timestamp: [round(start + segment.start), round(start + segment.end)], text: word!.text, score: round(word!.score) });
      }
      return chunks;
    },
  };
}

/**
 * The audio heard since a given sample, at most `keep` samples of it: what a partial reading hears. Chunks older
 * than that are let go as new ones come.
 */
export class TailAudio {
  /** Samples heard in all. */
  total = 0;
  private chunks: Float32Array[] = [];
  private held = 0;

  constructor(private readonly keep: number) {}

  push(chunk: Float32Array): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    this.held += chunk.length;
    while (this.chunks.length > 1 && this.held - this.chunks[0]!.length >= this.keep) this.held -= this.chunks.shift()!.length;
  }

  /** The samples from `from` (a sample index of the stream) to now, cut to the last `keep`; and where they start. */
  since(from: number): { samples: Float32Array; start: number } {
    const first = Math.max(from, this.total - this.keep, this.total - this.held);
    const samples = new Float32Array(Math.max(0, this.total - first));
    let at = this.total - this.held;
    for (const chunk of this.chunks) {
      const a = Math.max(first, at);
      const b = at + chunk.length;
      if (b > a) samples.set(chunk.subarray(a - at), a - first);
      at = b;
    }
    return { samples, start: first / SAMPLE_RATE };
  }
}
