import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { runDl } from './run-dl.test-helpers.js';

// Runs the built CLI as a user would. The astronaut is vision's committed fixture (NASA, public domain); the cat
// comes from the data mirror (DL_DATA_MIRROR: ../shared/data here).
const ASTRONAUT = fileURLToPath(new URL('../../vision/src/pose/fixtures/astronaut.jpg', import.meta.url));
const CAT = testDataFile('images/chelsea.png');

const dl = (args: string[]) => runDl(args, { timeoutMs: 120_000 });

describe('dl vision pose (spawned)', () => {
  it.skipIf(!CAT)('--json answers the astronaut with 17 named keypoints and the cat with none; --out draws her skeleton on a same-size JPEG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-pose-'));
    try {
      const r = await dl(['vision', 'pose', '--json', '--out', dir, ASTRONAUT, CAT!]);
      expect(r.code, r.stderr).toBe(0);
      const [her, cat] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { input: string; output: Array<{ score: number; box: object; keypoints: Array<{ name: string }> }> });
      expect(her!.output).toHaveLength(1);
      expect(her!.output[0]!.keypoints.map((k) => k.name).slice(0, 3)).toEqual(['nose', 'left_eye', 'right_eye']);
      expect(her!.output[0]!.keypoints).toHaveLength(17);
      expect(cat!.output).toEqual([]);
      const drawn = join(dir, 'astronaut.jpg');
      const meta = await sharp(drawn).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 512, 512]);
      // The skeleton's lines and dots: pixels far from the original's (JPEG noise alone stays well under 80).
      const [a, b] = await Promise.all([drawn, ASTRONAUT].map((f) => sharp(f).raw().toBuffer()));
      let changed = 0;
      for (let i = 0; i < a!.length; i += 3) if ([0, 1, 2].some((c) => Math.abs(a![i + c]! - b![i + c]!) > 80)) changed++;
      expect(changed).toBeGreaterThan(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dl batch pose writes the same answer to its results file, from the tasks table with no batch code of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-pose-batch-'));
    try {
      const out = join(dir, 'poses.jsonl');
      const r = await dl(['batch', 'pose', ASTRONAUT, '--out', out, '--workers', '1']);
      expect(r.code, r.stderr).toBe(0);
      const [line] = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { output: Array<{ keypoints: unknown[] }> });
      expect(line!.output).toHaveLength(1);
      expect(line!.output[0]!.keypoints).toHaveLength(17);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints people and keypoints as text, and refuses --max-people 0 as a usage error (exit 2)', async () => {
    const r = await dl(['vision', 'pose', ASTRONAUT]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/astronaut\.jpg: 1 person\n {2}#1 person \d+% {2}\[\d+, \d+, \d+, \d+\]\n {5}nose \d+,\d+ \d+% {2}left_eye /);
    expect((await dl(['vision', 'pose', '--max-people', '0', ASTRONAUT])).code).toBe(2);
  });
});
