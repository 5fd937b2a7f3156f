import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, readAudio, SAMPLE_RATE } from '@dlkit/speech';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataFile, testDataset } from '@dlkit/core/testing';
import { startDemo, type RunningDemo } from './demo-server.js';

// Debian's chromium, installed by .ci/run with apt: the tests never download a browser.
const CHROMIUM = '/usr/bin/chromium';
// Real data from the mirror (DL_DATA_MIRROR: ../shared/data here): sample photos and FSDD recordings.
const IMAGES = testDataFile('images');
const FSDD = testDataset('fsdd');
const image = (name: string) => join(IMAGES ?? '', name);
const recording = (name: string) => join(FSDD ?? '', 'recordings', name);
const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
/** `DEMO_SCREENSHOTS=1 pnpm test` (or `pnpm demo:screenshots`) refreshes apps/demo/screenshots from this run. */
const saveScreenshots = process.env.DEMO_SCREENSHOTS === '1';

let demo: RunningDemo;
let browser: Browser;
let page: Page;
let work: string;

async function screenshot(name: string): Promise<void> {
  if (!saveScreenshots) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A seven: the bar, then the long diagonal (canvas pixels of the 280x280 pad). */
const SEVEN: Array<[number, number]> = [[80, 60], [200, 60], [120, 230]];
/** A zero: an upright ellipse. */
const ZERO = Array.from({ length: 25 }, (_, i) => [140 + 55 * Math.sin((i / 24) * 2 * Math.PI), 140 - 90 * Math.cos((i / 24) * 2 * Math.PI)] as [number, number]);

/** Draws one stroke through `points` on the digits pad with the mouse. */
async function draw(points: Array<[number, number]>): Promise<void> {
  const box = (await page.locator('#digit-canvas').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + (x / 280) * box.width, box.y + (y / 280) * box.height] as const;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

const prediction = () => page.locator('#digit-prediction').textContent();

/** Text of the top bar's label in a list of bars. */
const topLabel = (list: string) => page.locator(`${list} .bar`).first().locator('.bar-label').textContent();

describe.skipIf(!IMAGES || !FSDD)('demo in Debian chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; bash .ci/run does)`);
    work = await mkdtemp(join(tmpdir(), 'dlkit-demo-e2e-'));
    // The fake microphone plays this: one FSDD "seven" with a second of silence either side, so a take does not
    // run into the next when the browser loops it.
    const seven = await readAudio(recording('7_jackson_0.wav'));
    const padded = new Float32Array(seven.length + 2 * SAMPLE_RATE);
    padded.set(seven, SAMPLE_RATE);
    await writeFile(join(work, 'mic.wav'), encodeWav(padded, { sampleRate: SAMPLE_RATE }));
    demo = await startDemo(['--work-dir', join(work, 'server')]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${join(work, 'mic.wav')}`,
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(60_000);
  });

  afterAll(async () => {
    await browser?.close();
    const code = await demo?.stop();
    await rm(work, { recursive: true, force: true });
    expect(code, demo?.stderr()).toBe(0);
  });

  it('vision: a real photo gets a sensible label, a box around the dog, and the faces of a group photo', async () => {
    await page.goto(`${demo.url}#/vision`);
    await page.setInputFiles('input[type=file]', image('dog.jpg'));
    await page.locator('#vision-status', { hasText: 'done' }).waitFor();
    const labels = await page.locator('#classify-results .bar-label').allTextContents();
    expect(labels).toHaveLength(5);
    expect(labels.slice(0, 2).join(' ')).toMatch(/malamute|husky|eskimo dog/i);
    expect(await page.locator('#detections li').allTextContents()).toContainEqual(expect.stringMatching(/^dog \d+%$/));
    await screenshot('vision');

    await page.getByRole('button', { name: 'faces.jpg' }).click();
    await page.locator('#vision-status', { hasText: 'faces.jpg: done' }).waitFor();
    expect(await page.locator('#faces li').count()).toBe(3);
    expect(await page.locator('#poses li').allTextContents()).toEqual(Array(3).fill(expect.stringMatching(/^person \d+%: \d+ of 17 keypoints drawn$/)));
    await screenshot('vision-faces');
  });

  it('vision: the text of a rendered page is listed line by line and its words boxed (OCR panel)', async () => {
    await page.goto(`${demo.url}#/vision`);
    await page.setInputFiles('input[type=file]', fileURLToPath(new URL('../../../../packages/vision/src/ocr/fixtures/lines.png', import.meta.url)));
    await page.locator('#vision-status', { hasText: 'lines.png: done' }).waitFor();
    expect(await page.locator('#ocr-text li').allTextContents()).toEqual([
      expect.stringMatching(/^Invoice 2047 from Harbour Street \(\d+%\)$/),
      expect.stringMatching(/^Total due: 318\.40 EUR by Friday \(\d+%\)$/),
      expect.stringMatching(/^Thank you for your order \(\d+%\)$/),
    ]);
    await screenshot('vision-ocr');
  });

  it('vision: a file that is not an image is refused with a message that says so', async () => {
    await page.goto(`${demo.url}#/vision`);
    await page.setInputFiles('input[type=file]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/not something this page can read.*notes\.txt is text\/plain/);
    expect(await error.getAttribute('data-code')).toBe('INPUT_UNSUPPORTED');
    await screenshot('vision-error');
  });

  it('text: typed sentences get their sentiment, and an example its summary', async () => {
    await page.goto(`${demo.url}#/text`);
    await page.fill('#text-input', 'A warm, funny and beautifully acted film. I loved every minute.');
    await expect.poll(() => topLabel('#sentiment'), { timeout: 15_000 }).toBe('POSITIVE');
    await page.fill('#text-input', 'A dull, lifeless mess. The plot makes no sense and the jokes fall flat.');
    await expect.poll(() => topLabel('#sentiment'), { timeout: 15_000 }).toBe('NEGATIVE');

    await page.getByRole('button', { name: 'Try an example' }).click();
    await page.selectOption('#summary-sentences', '2');
    await page.click('#summarize');
    await expect.poll(() => page.locator('#summary').textContent(), { timeout: 15_000 }).toMatch(/\w.*\.\s.*\w.*\.$/);
    const summary = (await page.locator('#summary').textContent())!;
    const example = await page.inputValue('#text-input');
    for (const sentence of summary.split(/(?<=\.)\s+/)) expect(example).toContain(sentence);
    await screenshot('text');
  });

  it('speech: an uploaded FSDD recording and a recording from the microphone are read as their digits', async () => {
    await page.goto(`${demo.url}#/speech`);
    await page.setInputFiles('input[type=file]', recording('3_theo_1.wav'));
    await expect.poll(() => page.locator('#transcript-text').textContent(), { timeout: 15_000 }).toBe('three');
    expect(await page.locator('#transcript tbody tr').count()).toBe(1);

    await page.click('#record');
    await page.locator('#speech-status', { hasText: 'Recording' }).waitFor();
    await page.waitForTimeout(2500);
    await page.click('#record');
    await expect.poll(() => page.locator('#transcript-text').textContent(), { timeout: 15_000 }).toMatch(/^seven( seven)*$/);
    await screenshot('speech');
  });

  it('speech live: the microphone streamed over the WebSocket shows its words as they are recognised; Stop frees the stream', async () => {
    await page.goto(`${demo.url}#/speech`);
    await page.click('#live');
    await expect.poll(() => page.locator('#live-finals').textContent(), { timeout: 30_000 }).toMatch(/^(seven )+$/);
    await page.click('#live');
    const open = async () => ((await (await fetch(`${demo.url}api/health`)).json()) as { liveStreams: { open: number } }).liveStreams.open;
    await expect.poll(open, { timeout: 10_000 }).toBe(0);
    expect(await page.locator('#live').textContent()).toContain('Live');
  });

  it('digits: a digit drawn with the mouse is read as it is drawn', async () => {
    await page.goto(`${demo.url}#/digits`);
    await draw(SEVEN);
    await expect.poll(prediction, { timeout: 10_000 }).toBe('7');
    await screenshot('digits');
    await page.click('#digit-clear');
    await draw(ZERO);
    await expect.poll(prediction, { timeout: 10_000 }).toBe('0');
  });

  it('train: the digits network trains in the server with a live chart, stops, resumes, and then reads a drawn digit', async () => {
    await page.goto(`${demo.url}#/train`);
    await page.fill('#train-epochs', '1');
    await page.click('#train-start');
    const step = async () => Number((await page.locator('#train-progress').getAttribute('data-step')) ?? 0);
    await expect.poll(step, { timeout: 90_000 }).toBeGreaterThanOrEqual(5);
    await page.click('#train-stop');
    await page.locator('#train-status[data-status=stopped]').waitFor({ timeout: 90_000 });
    const stoppedAt = await step();
    expect(await page.isDisabled('#train-resume')).toBe(false);

    await page.click('#train-resume');
    await expect.poll(step, { timeout: 90_000 }).toBeGreaterThan(stoppedAt);
    await page.locator('#train-status[data-status=completed]').waitFor({ timeout: 180_000 });
    // One epoch of the recipe: validation accuracy is printed in the epoch table.
    const valAccuracy = Number.parseFloat((await page.locator('#train-epochs-table tr td').nth(4).textContent())!);
    expect(valAccuracy).toBeGreaterThan(90);
    await screenshot('train');

    await page.goto(`${demo.url}#/digits`);
    await page.selectOption('#digit-model', 'trained-digits');
    await draw(SEVEN);
    await expect.poll(prediction, { timeout: 10_000 }).toBe('7');
  });
});
