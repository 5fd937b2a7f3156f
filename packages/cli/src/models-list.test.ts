import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDl } from './run-dl.test-helpers.js';

// Runs the built CLI as a user would. OCR's optional peers are installed in this repository (vision's
// devDependencies); the "not installed" cases hide them from Node's resolver (hide-packages.test-helpers.cjs), as a
// project that never installed them sees it.
const HIDE = fileURLToPath(new URL('./hide-packages.test-helpers.cjs', import.meta.url));
const OCR_FIXTURE = fileURLToPath(new URL('../../vision/src/ocr/fixtures/lines.png', import.meta.url));
const MOVENET = fileURLToPath(new URL('../../vision/models/movenet-lightning/', import.meta.url));
const OCR_PEERS = 'tesseract.js,@tesseract.js-data/eng';
const INSTALL = 'npm install tesseract.js@7.0.0 @tesseract.js-data/eng@1.0.0';
const withoutOcrPeers = { NODE_OPTIONS: `--require=${HIDE}`, DL_TEST_HIDDEN_PACKAGES: OCR_PEERS };

const dl = (args: string[], env: Record<string, string> = {}) => runDl(args, { env, timeoutMs: 120_000 });

type Row = { name: string; task: string; runtime: string; bytes: number | null; license: string; installed: boolean; install?: string; peers: Array<{ package: string; version: string; installed?: string }> };

const rows = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Row);

describe('dl models list and dl doctor on the optional OCR peers (spawned)', () => {
  it('models list --json gives MoveNet and tesseract-eng with task, size, licence and installed (the traineddata from its package)', async () => {
    const r = await dl(['models', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = rows(r.stdout);
    const movenetBytes = ['movenet-lightning.json', 'movenet-lightning.bin', 'LICENSE.md'].reduce((sum, f) => sum + statSync(`${MOVENET}${f}`).size, 0);
    expect(list.find((m) => m.name === 'movenet-lightning')).toMatchObject({ task: 'pose-estimation', runtime: 'tfjs-graph', bytes: movenetBytes, installed: true, peers: [], license: expect.stringMatching(/^Apache-2\.0/) });
    expect(list.find((m) => m.name === 'tesseract-eng')).toMatchObject({
      task: 'image-to-text',
      runtime: 'tesseract',
      bytes: expect.any(Number),
      installed: true,
      license: expect.stringMatching(/^Apache-2\.0/),
      peers: [
        { package: 'tesseract.js', version: '7.0.0', installed: '7.0.0' },
        { package: '@tesseract.js-data/eng', version: '1.0.0', installed: '1.0.0' },
      ],
    });
    expect(list.find((m) => m.name === 'tesseract-eng')!.bytes).toBeGreaterThan(2_000_000); // eng.traineddata.gz, best_int
    expect(list.every((m) => m.bytes !== null && m.bytes > 0 && m.installed && !('error' in m))).toBe(true);
  });

  it('without the OCR peers, models list marks tesseract-eng not installed with the npm install line, and the table says so', async () => {
    const json = await dl(['models', 'list', '--json'], withoutOcrPeers);
    expect(json.code, json.stderr).toBe(0);
    expect(rows(json.stdout).find((m) => m.name === 'tesseract-eng')).toMatchObject({ installed: false, bytes: null, install: INSTALL });
    const table = await dl(['models', 'list'], withoutOcrPeers);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME +TASK +SIZE +LICENCE +INSTALLED +DESCRIPTION$/);
    expect(lines.find((l) => l.startsWith('tesseract-eng '))).toMatch(/^tesseract-eng +image-to-text +- +Apache-2\.0, MIT +no +Tesseract/);
    expect(lines.find((l) => l.startsWith('movenet-lightning '))).toMatch(/^movenet-lightning +pose-estimation +4\.\d MB +Apache-2\.0, MIT +yes +MoveNet/);
    expect(table.stdout).toContain(`tesseract-eng runs on optional peers of @dlkit/vision that are not installed: ${INSTALL}\n`);
  });

  it('without the OCR peers, dl vision ocr is one DEPENDENCY_MISSING line naming both packages, exit 1, and doctor names the install', async () => {
    const ocr = await dl(['vision', 'ocr', OCR_FIXTURE], withoutOcrPeers);
    expect(ocr.code).toBe(1);
    expect(ocr.stdout).toBe('');
    expect(ocr.stderr).toBe(`dl: DEPENDENCY_MISSING: OCR (image-to-text) needs tesseract.js and @tesseract.js-data/eng, which are not installed: ${INSTALL}\n`);
    const doctor = await dl(['doctor', '--json'], withoutOcrPeers);
    expect(JSON.parse(doctor.stdout).ocr).toMatchObject({ installed: false, install: INSTALL });
    const text = await dl(['doctor'], withoutOcrPeers);
    expect(text.stdout).toContain(`ocr      not installed (optional, for dl vision ocr): ${INSTALL}\n`);
    expect((await dl(['doctor'])).stdout).toContain('ocr      tesseract.js 7.0.0, @tesseract.js-data/eng 1.0.0 (dl vision ocr)\n');
  });
});
