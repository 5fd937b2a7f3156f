import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline } from '../pipeline.js';

// Copies of the embedded model folders with a labels.json of another length (and its sha256 updated, so the
// folder is consistent): a label file that does not match the model's output must be refused at load.
const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));
let scratch: string;

async function withLabels(model: string, labels: unknown): Promise<string> {
  const dir = join(scratch, `${model}-${Math.random().toString(36).slice(2)}`);
  await cp(join(MODELS, model), dir, { recursive: true });
  const text = JSON.stringify(labels);
  await writeFile(join(dir, 'labels.json'), text);
  const manifest = JSON.parse(await readFile(join(dir, 'dlkit.json'), 'utf8'));
  manifest.sha256['labels.json'] = createHash('sha256').update(text).digest('hex');
  await writeFile(join(dir, 'dlkit.json'), JSON.stringify(manifest));
  return dir;
}

async function refusal(model: string): Promise<{ code: string; message: string }> {
  const error = await pipeline('image-classification', model).then(async (c) => (await c.dispose(), undefined), (e: unknown) => e);
  expect(error).toBeDefined();
  return error as { code: string; message: string };
}

describe('classifier labels must match the model output', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'dlkit-labels-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('refuses a tfjs model (digits, 10 outputs) whose labels.json gives 9, naming both counts', async () => {
    const dir = await withLabels('digits', ['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    const error = await refusal(dir);
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain(`${join(dir, 'labels.json')} gives 9 labels but the model's output has 10 classes`);
  });

  it('refuses an ONNX model (mobilenetv2, 1000 outputs) whose labels.json gives 1001', async () => {
    const labels = JSON.parse(await readFile(join(MODELS, 'mobilenetv2', 'labels.json'), 'utf8')) as string[];
    const error = await refusal(await withLabels('mobilenetv2', [...labels, 'one too many']));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/gives 1001 labels but the model's output has 1000 classes/);
  });

  it('refuses labels that are not an array of strings', async () => {
    for (const labels of [{ 0: 'zero' }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'digits']) {
      expect((await refusal(await withLabels('digits', labels))).code, JSON.stringify(labels)).toBe('MODEL_INVALID');
    }
  });

  it('still loads a folder whose labels match, and names classes by them', async () => {
    const dir = await withLabels('digits', ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']);
    const classifier = await pipeline('image-classification', dir);
    await classifier.dispose();
  });
});
