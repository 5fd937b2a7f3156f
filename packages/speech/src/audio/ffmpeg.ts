import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { DlError } from '@dlkit/core';

let found: string | null | undefined;

/**
 * The ffmpeg to decode compressed audio with: `DL_FFMPEG`, else `ffmpeg` on the PATH, else the binary of the
 * optional npm package `@ffmpeg-installer/ffmpeg`; null when there is none.
 */
export function findFfmpeg(): string | null {
  if (found !== undefined) return found;
  const works = (path: string) => spawnSync(path, ['-version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  const candidates = [process.env.DL_FFMPEG, 'ffmpeg'];
  try {
    candidates.push((createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path);
  } catch {
    // not installed: fine, it is optional
  }
  found = candidates.find((c): c is string => !!c && works(c)) ?? null;
  return found;
}

export const FFMPEG_HELP = 'install ffmpeg (apt-get install ffmpeg, brew install ffmpeg) or the npm package @ffmpeg-installer/ffmpeg, or set DL_FFMPEG to its path';

/**
 * Decodes any audio ffmpeg reads (MP3, OGG, FLAC, M4A, WebM, ...) from a path or bytes into 16 kHz mono float32
 * chunks, streaming: memory stays bounded whatever the length.
 */
export async function* decodeWithFfmpeg(input: { path: string } | { bytes: Uint8Array }, name: string, sampleRate: number): AsyncGenerator<Float32Array> {
  const ffmpeg = findFfmpeg();
  if (ffmpeg === null) throw new DlError('INPUT_UNSUPPORTED', `${name}: only WAV is read without ffmpeg; to read this file ${FFMPEG_HELP}`);
  const source = 'path' in input ? input.path : 'pipe:0';
  const child = spawn(ffmpeg, ['-nostdin', '-v', 'error', '-i', source, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1'], {
    stdio: ['path' in input ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if ('bytes' in input) {
    child.stdin!.on('error', () => {}); // ffmpeg may stop reading early; its exit status tells what went wrong
    child.stdin!.end(input.bytes);
  }
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let rest: Buffer = Buffer.alloc(0);
  let total = 0;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      const joined = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const usable = joined.length - (joined.length % 4);
      rest = joined.subarray(usable);
      if (usable === 0) continue;
      const samples = new Float32Array(joined.buffer.slice(joined.byteOffset, joined.byteOffset + usable));
      total += samples.length;
      yield samples;
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code !== 0) {
    const why = stderr.trim().split('\n').at(-1) ?? `exit ${code}`;
    throw new DlError('INPUT_UNREADABLE', `${name}: ffmpeg cannot decode it (${why})`);
  }
  if (total === 0) throw new DlError('INPUT_UNSUPPORTED', `${name}: no audio samples`);
}
