import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testDataFile, testDataset } from '@dlkit/core/testing';
import { findFfmpeg } from '@dlkit/speech';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';

// Each example run as its header says, on real data (found through the data-set registry), as a user would copy
// the command.
const HERE = fileURLToPath(new URL('.', import.meta.url));
const IMAGES = testDataFile('images');
const DIGITS = testDataset('mnist-cazala');
const POLARITY = testDataset('rt-polarity');
const FSDD = testDataset('fsdd');
const work = mkdtempSync(join(tmpdir(), 'dlkit-examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function example(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(HERE, script), ...args], { cwd: work, encoding: 'utf8', timeout: 300_000 });
  return stdout;
}

describe('examples/ (smoke: each runs as written)', () => {
  it.skipIf(!IMAGES)('classify-folder-to-csv: one row per photo, the dog photo labelled as a dog breed', async () => {
    const out = join(work, 'labels.csv');
    expect(await example('classify-folder-to-csv.mjs', IMAGES!, out)).toMatch(/^5 images -> /);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('file,label,score');
    expect(rows).toHaveLength(6);
    expect(rows.find((r) => r.includes('dog.jpg'))).toMatch(/Malamute|husky/i);
  });

  it.skipIf(!IMAGES)('detect-video-frames: a three-second video of the dog photo gives a dog in every second', async () => {
    const ffmpeg = (await findFfmpeg())!;
    const video = join(work, 'dog.mp4');
    await promisify(execFile)(ffmpeg, ['-v', 'error', '-loop', '1', '-i', join(IMAGES!, 'dog.jpg'), '-t', '3', '-r', '5', '-vf', 'scale=640:-2', '-c:v', 'mpeg4', video]);
    const lines = (await example('detect-video-frames.mjs', video, '1')).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(/^\d+\.\ds\t.*dog \d+%/);
  });

  it.skipIf(!DIGITS)('fine-tune-images: learns threes from sevens (MNIST digits as PNG folders) and reads a new one', async () => {
    // cazala's JSON: every 28x28 digit of one class, flattened one after another, ink in [0, 1].
    const digitsOf = (n: number) => (JSON.parse(readFileSync(join(DIGITS!, `${n}.json`), 'utf8')) as { data: number[] }).data;
    const png = (pixels: number[], i: number, path: string) =>
      sharp(Buffer.from(pixels.slice(i * 784, (i + 1) * 784).map((v) => Math.round(v * 255))), { raw: { width: 28, height: 28, channels: 1 } })
        .resize(96)
        .png()
        .toFile(path);
    const data = join(work, 'digit-folders');
    for (const [name, pixels] of [['three', digitsOf(3)], ['seven', digitsOf(7)]] as const) {
      mkdirSync(join(data, name), { recursive: true });
      for (let i = 0; i < 30; i++) await png(pixels, i, join(data, name, `${i}.png`));
    }
    await png(digitsOf(7), 100, join(work, 'probe-100.png'));
    const out = await example('fine-tune-images.mjs', data, join(work, 'digit-model'), join(work, 'probe-100.png'));
    expect(out).toMatch(/validation accuracy \d+\.\d% -> /);
    expect(out).toMatch(/label: 'seven'/);
  });

  it.skipIf(!POLARITY)('fine-tune-sentiment: trains on a labelled CSV of real reviews and labels a new sentence', async () => {
    const lines = (file: string) => readFileSync(join(POLARITY!, file), 'latin1').trim().split('\n').slice(0, 150);
    const csv = ['review,verdict', ...lines('rt-polarity.pos').map((t) => `"${t.replaceAll('"', '""')}",liked`), ...lines('rt-polarity.neg').map((t) => `"${t.replaceAll('"', '""')}",disliked`)];
    writeFileSync(join(work, 'reviews.csv'), `${csv.join('\n')}\n`);
    const out = await example('fine-tune-sentiment.mjs', join(work, 'reviews.csv'), 'review', 'verdict', join(work, 'review-model'), 'a wonderful, moving film');
    expect(out).toMatch(/labels (liked, disliked|disliked, liked); validation accuracy/);
    expect(out).toMatch(/label: 'liked'/);
  });

  it.skipIf(!FSDD)('transcribe-folder-to-subtitles: an .srt beside each recording, and a rerun skips them', async () => {
    const folder = join(work, 'calls');
    mkdirSync(folder);
    for (const f of ['2_jackson_0.wav', '6_theo_1.wav', '9_lucas_2.wav']) copyFileSync(join(FSDD!, 'recordings', f), join(folder, f));
    const out = await example('transcribe-folder-to-subtitles.mjs', folder, '--model', 'speech-digits');
    expect(out.trim().split('\n').sort()).toEqual([`${join(folder, '2_jackson_0.wav')}: two`, `${join(folder, '6_theo_1.wav')}: six`, `${join(folder, '9_lucas_2.wav')}: nine`]);
    expect(readdirSync(folder).filter((f) => f.endsWith('.srt'))).toHaveLength(3);
    expect(existsSync(join(folder, '6_theo_1.srt'))).toBe(true);
    expect(await example('transcribe-folder-to-subtitles.mjs', folder, '--model', 'speech-digits')).toBe('');
  });
});
