// Memory on long audio: writes a 1-hour 16 kHz WAV (115 MB: a spoken FSDD digit every 30 s, silence between),
// runs `dl speech transcribe --json` on it, and reports wall time and the CLI's peak RSS (from the kernel, via
// a child process). Usage: pnpm --filter @dlkit/bench bench:speech-long
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, readAudio, SAMPLE_RATE } from '@dlkit/speech';
import { listFsdd } from '@dlkit/speech/training';
import { dataset } from '../data.mjs';

const FSDD = join(await dataset('fsdd'), 'recordings');
const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const hours = Number(process.argv[2] ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'dl-long-'));
const path = join(dir, 'long.wav');
const takes = (await listFsdd(FSDD)).filter((r) => r.take <= 4);
const blocks = Math.round((hours * 3600) / 30);
const header = encodeWav(new Float32Array(0), { sampleRate: SAMPLE_RATE });
header.writeUInt32LE(36 + blocks * 30 * SAMPLE_RATE * 2, 4);
header.writeUInt32LE(blocks * 30 * SAMPLE_RATE * 2, 40);
const out = createWriteStream(path);
out.write(header);
const expected = [];
for (let b = 0; b < blocks; b++) {
  const take = takes[b % takes.length];
  const block = new Float32Array(30 * SAMPLE_RATE);
  block.set(await readAudio(take.path), SAMPLE_RATE);
  expected.push(take.digit);
  const pcm = encodeWav(block, { sampleRate: SAMPLE_RATE }).subarray(44);
  if (!out.write(pcm)) await new Promise((resolve) => out.once('drain', resolve));
}
await new Promise((resolve) => out.end(resolve));

const start = performance.now();
const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'speech', 'transcribe', '--model', 'speech-digits', '--json', path], { stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
child.stdout.on('data', (d) => (stdout += d));
child.stderr.on('data', (d) => (stderr += d));
const code = await new Promise((resolve) => child.on('close', resolve));
const seconds = (performance.now() - start) / 1000;
const peakKb = Number(stderr.trim().split('\n').at(-1));
const { output } = JSON.parse(stdout);
console.log(`exit ${code}; ${hours} h of audio (${blocks} words) in ${seconds.toFixed(1)} s (real-time factor ${(seconds / (hours * 3600)).toFixed(4)}); peak RSS ${(peakKb / 1024).toFixed(0)} MiB; ${output.chunks.length} words found`);
rmSync(dir, { recursive: true, force: true });
