// Detects objects in a video, one frame per second: ffmpeg cuts the frames, the embedded CenterNet finds objects.
// Usage: node examples/detect-video-frames.mjs <video> [frames per second]   (needs ffmpeg: PATH, DL_FFMPEG or
// npm @ffmpeg-installer/ffmpeg)
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFfmpeg } from '@dlkit/speech';
import { pipeline } from '@dlkit/vision';

const [video, fps = '1'] = process.argv.slice(2);
if (!video) throw new Error('usage: detect-video-frames.mjs <video> [fps]');
const ffmpeg = await findFfmpeg();
if (!ffmpeg) throw new Error('ffmpeg not found: install it, set DL_FFMPEG, or npm install @ffmpeg-installer/ffmpeg');
const frames = await mkdtemp(join(tmpdir(), 'frames-'));
try {
  await promisify(execFile)(ffmpeg, ['-v', 'error', '-i', video, '-vf', `fps=${fps}`, join(frames, '%05d.jpg')]);
  const files = (await readdir(frames)).sort();
  const detect = await pipeline('object-detection');
  for (const [i, file] of files.entries()) {
    const found = await detect(join(frames, file));
    const seconds = (i / Number(fps)).toFixed(1);
    console.log(`${seconds}s\t${found.map((d) => `${d.label} ${(d.score * 100).toFixed(0)}%`).join(', ') || '-'}`);
  }
  await detect.dispose();
} finally {
  await rm(frames, { recursive: true, force: true });
}
