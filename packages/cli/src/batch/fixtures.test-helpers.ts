import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { testDataFile, testDataset } from '@dlkit/core/testing';
import { BIN } from '../run-dl.test-helpers.js';

// Shared by the batch and queue tests (not itself a test file, and not built into dist).
export { BIN, runDl as dl } from '../run-dl.test-helpers.js';
const IMAGES_DIR = testDataFile('images');
const FSDD_DIR = testDataset('fsdd');
/**
 * The data mirror holding the sample photos and FSDD (`<DATA>/images/*`, `<DATA>/fsdd/recordings/*`), or undefined
 * when they are not in one mirror folder: the batch tests skip then (one line says which is missing).
 */
export const DATA = IMAGES_DIR && FSDD_DIR && dirname(IMAGES_DIR) === dirname(FSDD_DIR) ? dirname(IMAGES_DIR) : undefined;
const VISION_SAMPLES = fileURLToPath(new URL('../../../vision/samples', import.meta.url));
const IMAGES = ['chelsea.png', 'coffee.png', 'dog.jpg', 'horses.jpg', 'person.jpg'].map((f) => join(DATA ?? '', 'images', f));

export type Line = { input: string; output?: unknown; error?: { code: string; message: string } };
export const readLines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

/** `n` distinct real photos: crops of the five shared test images, as JPEG. */
export async function writePhotos(dir: string, n: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const source = IMAGES[i % IMAGES.length]!;
    const { width = 0, height = 0 } = await sharp(source).metadata();
    const f = 0.6 + (0.4 * ((i * 37) % 100)) / 100;
    const file = join(dir, `photo-${String(i).padStart(4, '0')}.jpg`);
    await sharp(source).extract({ left: 0, top: 0, width: Math.floor(width * f), height: Math.floor(height * f) }).jpeg({ quality: 85 }).toFile(file);
    files.push(file);
  }
  return files;
}


// `.ci/run` starts Debian's redis-server here; DL_TEST_REDIS points the tests at another.
export const REDIS = process.env.DL_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** A `dl worker` process on `queueName`, one thread; its stderr kept for the assertion messages. */
export function startWorker(queueName: string, extra: string[]): ChildProcess & { log: string[] } {
  const child = spawn(process.execPath, [BIN, 'worker', '--queue', REDIS, '--queue-name', queueName, '--concurrency', '1', '--lock-ms', '2000', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  }) as ChildProcess & { log: string[] };
  child.log = [];
  child.stderr!.on('data', (chunk: Buffer) => child.log.push(chunk.toString()));
  return child;
}

/** Resolves once `check()` holds, polled every `ms`. */
export const until = (check: () => boolean, ms = 20) =>
  new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (check()) {
        clearInterval(poll);
        resolve();
      }
    }, ms);
  });
