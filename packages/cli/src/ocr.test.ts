import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { runDl } from './run-dl.test-helpers.js';

// Runs the built CLI as a user would, on vision's committed OCR fixture (rendered by its fixtures/render.mjs) and a
// cat from the data mirror (DL_DATA_MIRROR: ../shared/data here).
const FIXTURE = fileURLToPath(new URL('../../vision/src/ocr/fixtures/lines.png', import.meta.url));
const LINES = (JSON.parse(readFileSync(fileURLToPath(new URL('../../vision/src/ocr/fixtures/lines.json', import.meta.url)), 'utf8')) as { lines: string[] }).lines;
const CAT = testDataFile('images/chelsea.png');

const dl = (args: string[]) => runDl(args, { timeoutMs: 120_000 });

type Answer = { input: string; output: { text: string; lines: Array<{ text: string; words: Array<{ box: object }> }>; orientation: { degrees: number } } };

describe('dl vision ocr (spawned)', () => {
  it.skipIf(!CAT)('--json answers the fixture with its lines and word boxes and the cat with no text; --out draws the word boxes on a same-size PNG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-ocr-'));
    try {
      const r = await dl(['vision', 'ocr', '--json', '--format', 'png', '--out', dir, FIXTURE, CAT!]);
      expect(r.code, r.stderr).toBe(0);
      const [page, cat] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Answer);
      expect(page!.output.lines.map((l) => l.text)).toEqual(LINES);
      expect(page!.output.lines[0]!.words[0]!.box).toEqual({ xmin: expect.any(Number), ymin: expect.any(Number), xmax: expect.any(Number), ymax: expect.any(Number) });
      expect(page!.output.orientation.degrees).toBe(0);
      expect(cat!.output).toMatchObject({ text: '', lines: [] });
      const drawn = join(dir, 'lines.png');
      const [meta, original] = await Promise.all([sharp(drawn).metadata(), sharp(FIXTURE).metadata()]);
      expect([meta.format, meta.width, meta.height]).toEqual(['png', original.width, original.height]);
      // The boxes are coloured; the fixture is grey only.
      const { data } = await sharp(drawn).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      let coloured = 0;
      for (let i = 0; i < data.length; i += 3) if (Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!) > 60) coloured++;
      expect(coloured).toBeGreaterThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the lines read as text, and dl batch ocr writes the same answer from the tasks table', async () => {
    const r = await dl(['vision', 'ocr', FIXTURE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${FIXTURE}: 3 lines, 16 words\n${LINES.map((l) => `  ${l}`).join('\n')}\n`);
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-ocr-batch-'));
    try {
      const out = join(dir, 'text.jsonl');
      const b = await dl(['batch', 'ocr', FIXTURE, '--out', out, '--workers', '1']);
      expect(b.code, b.stderr).toBe(0);
      const [line] = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Answer);
      expect(line!.output.lines.map((l) => l.text)).toEqual(LINES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses --layout columns as a usage error (exit 2) naming the choices', async () => {
    const r = await dl(['vision', 'ocr', '--layout', 'columns', FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/layout/);
  });
});
