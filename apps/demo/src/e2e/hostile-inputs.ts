// Requests a hostile page (or a careless client) can send the demo, shared by the in-process and browser tests.

/**
 * A 16-bit mono WAV at `sampleRate` Hz: by default 1 MB at 1 Hz, 145 hours once resampled to 16 kHz, which the
 * demo once transcribed for ~45 minutes while it held its only model slot.
 */
export function lowRateWav(sampleRate = 1, frames = 512 * 1024): Buffer {
  const wav = Buffer.alloc(44 + frames * 2);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + frames * 2, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(frames * 2, 40);
  // A square wave, loud enough that nothing treats it as silence.
  for (let i = 0; i < frames; i++) wav.writeInt16LE(i % 2 === 0 ? 20_000 : -20_000, 44 + i * 2);
  return wav;
}

/** A text/plain body of about `bytes` bytes, in sentences (what a summary would split). */
export const bigText = (bytes = 10 * 1024 * 1024) => 'All work and no play makes Jack a dull boy. '.repeat(Math.ceil(bytes / 44));

/** `{"texts": [...]}` with `count` one-letter texts: 3,000,000 once ran the server out of its heap. */
export const manyTexts = (count = 3_000_000) => JSON.stringify({ texts: Array.from({ length: count }, () => 'a') });
