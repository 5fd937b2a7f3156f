import { deflateSync } from 'node:zlib';

/**
 * Whisper's tests of a failed decode (openai-whisper's `transcribe()`, faster-whisper's defaults): text that gzip
 * shrinks more than 2.4 times is a loop ("the the the ..."), and tokens the model itself found unlikely on average
 * (mean log-probability under -1) are a guess. Either sends the window to the next temperature of the ladder.
 */
export const COMPRESSION_RATIO_THRESHOLD = 2.4;
export const LOGPROB_THRESHOLD = -1;

/** A window's decode at one temperature, as the fallback judges it. */
export interface Attempt {
  text: string;
  /** Mean log-probability of the decoded tokens (end of text included); undefined where it was not measured. */
  avgLogprob?: number;
}

/** UTF-8 bytes over their zlib-deflated bytes, as openai-whisper computes it (`len(text) / len(zlib.compress(text))`). */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length === 0 ? 0 : bytes.length / deflateSync(bytes).length;
}

/** Whether a decode looks failed: looping text, or tokens unlikely on average. Empty text never does. */
export function needsFallback(attempt: Attempt): boolean {
  if (compressionRatio(attempt.text) > COMPRESSION_RATIO_THRESHOLD) return true;
  return attempt.avgLogprob !== undefined && attempt.avgLogprob < LOGPROB_THRESHOLD;
}

/**
 * Decodes at each temperature of the ladder in turn until a decode does not look failed; when all do, the last
 * one stands (as openai-whisper keeps its last attempt). `temperature` says which one was kept.
 */
export async function withFallback<T extends Attempt>(ladder: readonly number[], decodeAt: (temperature: number) => Promise<T>): Promise<T & { temperature: number }> {
  let attempt: (T & { temperature: number }) | undefined;
  for (const temperature of ladder) {
    attempt = { ...(await decodeAt(temperature)), temperature };
    if (!needsFallback(attempt)) break;
  }
  if (!attempt) throw new RangeError('withFallback needs at least one temperature');
  return attempt;
}
