/** Pixels a decoded upload may have: a 40-megapixel photo passes, a decompression bomb does not. */
export const MAX_PIXELS = 40_000_000;

/**
 * Seconds of audio a request may carry: the pages send a few seconds. 300 s took 6 s to transcribe here (speech,
 * noise or silence alike), so this bounds a job the queue's deadline cannot cut short.
 */
export const MAX_AUDIO_SECONDS = 120;

/**
 * Live transcription over a WebSocket (routes/live-speech.ts): streams at once (each loads its own model, a few MB,
 * and takes a core's share while speech is read), audio per stream (as per request), how long a page may send
 * nothing before its stream is over, and the largest frame (1 s of float32; a page sends 20-100 ms).
 */
export const LIVE_LIMITS = { maxStreams: 2, maxSeconds: MAX_AUDIO_SECONDS, idleSeconds: 10, maxFrameBytes: 64 * 1024 } as const;

/**
 * Options this server fixes whatever a request says, set wherever a task's schema has them (at load and on each
 * call); a request cannot name them. `words` is the limit as the error that hits it says it.
 */
export const SERVER_LIMITS: Readonly<Record<string, { value: number; words: string }>> = {
  maxPixels: { value: MAX_PIXELS, words: `${MAX_PIXELS.toLocaleString('en-US')} pixels per image` },
  maxSeconds: { value: MAX_AUDIO_SECONDS, words: `${MAX_AUDIO_SECONDS} s of audio per request` },
};
