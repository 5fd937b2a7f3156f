import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
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

export interface FfmpegOptions {
  sampleRate: number;
  /** Time spent waiting for ffmpeg's output before it is killed, in ms (default: `defaultDecodeTimeout(size)`). */
  timeoutMs?: number | undefined;
  /** Kills ffmpeg and ends with ABORTED. */
  signal?: AbortSignal | undefined;
}

/**
 * ffmpeg decodes a megabyte of any codec in well under a second here; 30 s + 1 s per 100 kB (at most 5 min)
 * leaves slow machines a wide margin while a live playlist, which never ends, is stopped within minutes.
 */
export function defaultDecodeTimeout(bytes: number): number {
  return Math.min(5 * 60_000, 30_000 + Math.round(bytes / 100_000) * 1000);
}

/** Process groups of running children: they are detached, so this process kills them when it exits. */
const running = new Set<number>();
let exitHooked = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group has gone already
  }
}

function track(pid: number): void {
  if (!exitHooked) process.on('exit', () => running.forEach(killGroup));
  exitHooked = true;
  running.add(pid);
}

/**
 * Only the input itself is readable: a playlist (HLS, concat) names other URLs, and ffmpeg would fetch or poll
 * them. A path may reach files (what its user can read anyway); bytes (an upload) reach nothing but the pipe.
 */
function ffmpegArgs(input: { path: string } | { bytes: Uint8Array }, sampleRate: number): string[] {
  const source = 'path' in input ? ['-protocol_whitelist', 'file,pipe', '-i', `file:${resolve(input.path)}`] : ['-protocol_whitelist', 'pipe', '-i', 'pipe:0'];
  return ['-nostdin', '-v', 'error', ...source, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1'];
}

/**
 * A wait for ffmpeg that counts against one budget of `timeoutMs` (time spent waiting only, so that a slow
 * consumer of the samples does not use it up) and gives up on the signal; either way `stop` kills ffmpeg first.
 */
function deadline(timeoutMs: number, signal: AbortSignal | undefined, name: string, stop: () => void) {
  let left = timeoutMs;
  return async <T>(work: Promise<T>): Promise<T> => {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    let onAbort = () => {};
    const stopped = new Promise<never>((_, reject) => {
      const fail = (error: DlError) => {
        stop();
        reject(error);
      };
      const seconds = Math.round(timeoutMs) / 1000;
      const late = () =>
        new DlError('INPUT_UNREADABLE', `${name}: ffmpeg did not finish decoding within ${seconds} s (a live stream or playlist never does)`, {
          hint: { kind: 'raise-option', option: 'decodeTimeoutMs' },
        });
      timer = setTimeout(() => fail(late()), Math.max(0, left));
      onAbort = () => fail(new DlError('ABORTED', `${name}: aborted`, { cause: signal?.reason }));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, stopped]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      left -= Date.now() - started;
    }
  };
}

/**
 * Decodes any audio ffmpeg reads (MP3, OGG, FLAC, M4A, WebM, ...) from a path or bytes into mono float32 chunks at
 * `sampleRate`, streaming: memory stays bounded whatever the length. ffmpeg runs in its own process group, which
 * is killed on the deadline, on abort, on an error and when the consumer stops early. The caller caps how much
 * output it takes and checks the samples (read-audio's `checked`).
 */
export async function* decodeWithFfmpeg(input: { path: string; size: number } | { bytes: Uint8Array }, name: string, options: FfmpegOptions): AsyncGenerator<Float32Array> {
  const ffmpeg = findFfmpeg();
  if (ffmpeg === null) {
    const where = 'none on the PATH, in DL_FFMPEG or as the npm package @ffmpeg-installer/ffmpeg';
    throw new DlError('INPUT_UNSUPPORTED', `${name}: only WAV is read without ffmpeg (${where})`, { hint: { kind: 'install', what: 'ffmpeg' } });
  }
  const child = spawn(ffmpeg, ffmpegArgs(input, options.sampleRate), { stdio: ['path' in input ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.on('error', () => {}); // a failed start also closes: the exit status below reports it
  const pid = child.pid;
  if (pid !== undefined) track(pid);
  const stop = () => {
    if (pid !== undefined && child.exitCode === null && child.signalCode === null) killGroup(pid);
  };
  if ('bytes' in input) {
    child.stdin!.on('error', () => {}); // ffmpeg may stop reading early; its exit status tells what went wrong
    child.stdin!.end(input.bytes);
  }
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const wait = deadline(options.timeoutMs ?? defaultDecodeTimeout('path' in input ? input.size : input.bytes.length), options.signal, name, stop);
  const chunks = (child.stdout! as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let rest: Buffer = Buffer.alloc(0);
  let total = 0;
  let code: number | null;
  try {
    for (let next = await wait(chunks.next()); !next.done; next = await wait(chunks.next())) {
      const joined = rest.length ? Buffer.concat([rest, next.value]) : next.value;
      const usable = joined.length - (joined.length % 4);
      rest = joined.subarray(usable);
      if (usable === 0) continue;
      const samples = new Float32Array(joined.buffer.slice(joined.byteOffset, joined.byteOffset + usable));
      total += samples.length;
      yield samples;
    }
    code = await wait(exited);
  } finally {
    stop();
    if (pid !== undefined) running.delete(pid);
    await chunks.return?.();
  }
  if (code !== 0) {
    const why = stderr.trim().split('\n').at(-1) || `exit ${code}`;
    throw new DlError('INPUT_UNREADABLE', `${name}: ffmpeg cannot decode it (${why})`);
  }
  if (total === 0) throw new DlError('INPUT_UNSUPPORTED', `${name}: no audio samples`);
}
