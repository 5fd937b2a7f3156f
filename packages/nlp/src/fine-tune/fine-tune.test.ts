import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { pipeline } from '../index.js';
import { loadPolarityData } from '../sentiment/train-sentiment.js';
import { fineTuneTextClassifier } from './fine-tune.js';

const POLARITY = testDataset('rt-polarity') ?? '';
const dir = mkdtempSync(join(tmpdir(), 'dl-nlp-ft-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;

describe.skipIf(!POLARITY)('nlp fine-tune', () => {
  it('trains on a labelled CSV from the embedded model and the result loads and classifies held-out rows', async () => {
    const { texts, labels } = await loadPolarityData(POLARITY);
    // 300 + 300 real sentences, relabelled so that the model must learn the user's label names.
    const rows = [...texts.slice(0, 300).map((t) => [t, 'thumbs-down']), ...texts.slice(-300).map((t) => [t, 'thumbs-up'])];
    expect(labels[0]).toBe('NEGATIVE');
    const csv = join(dir, 'reviews.csv');
    writeFileSync(csv, `id,review,verdict\n${rows.map(([t, l], i) => `${i},${csvField(t!)},${l}`).join('\n')}\n`);
    const out = join(dir, 'model');
    const { result, saved, skipped } = await fineTuneTextClassifier({ data: csv, textColumn: 'review', labelColumn: 'verdict', out, epochs: { cnn: 2, bag: 2 } });
    expect(skipped).toEqual([]);
    expect(result.classes).toEqual(['thumbs-down', 'thumbs-up']);
    expect(result.split).toMatchObject({ train: 540, validation: 60 });
    expect(result.validation.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(saved.manifest).toMatchObject({ task: 'text-classification', training: { command: expect.stringContaining('fineTuneTextClassifier({') } });
    // A library call records itself as a call: no CLI command line in a model a program trained.
    expect(saved.manifest.training!.command).not.toMatch(/--|\bdl /);
    const classifier = await pipeline('text-classification', out);
    try {
      const [best] = await classifier('a thoroughly enjoyable and moving film');
      expect(best!.label).toBe('thumbs-up');
    } finally {
      await classifier.dispose();
    }
  });

  it('any number of classes from scratch (tiny data, wiring only): JSONL rows that cannot be used are skipped and named', async () => {
    const jsonl = join(dir, 'topics.jsonl');
    const topics = { sport: 'the team won the match and the goal', food: 'the soup and the bread taste', weather: 'rain and wind and a cold sky' };
    const lines = Object.entries(topics).flatMap(([label, words]) =>
      Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: `${words} ${i}`, topic: label })),
    );
    writeFileSync(jsonl, [...lines, '{"text": broken', '{"text":"no label"}', '{"text":"","topic":"food"}'].join('\n'));
    const out = join(dir, 'topics');
    // A caller's own command line (the CLI passes its) is what the manifest records as the way to retrain.
    const command = 'node retrain.mjs topics.jsonl';
    const { result, saved, skipped } = await fineTuneTextClassifier({ data: jsonl, textColumn: 'text', labelColumn: 'topic', out, base: null, epochs: { cnn: 3, bag: 3 }, command });
    expect(saved.manifest.training).toMatchObject({ command });
    expect(result.classes).toEqual(['food', 'sport', 'weather']);
    expect(skipped.map((s) => s.input)).toEqual([`${jsonl}:61`, `${jsonl}:62`, `${jsonl}:63`]);
    const classifier = await pipeline('text-classification', out);
    try {
      const all = await classifier('the team and the goal', { topK: 3 });
      expect(all.map((l) => l.label).sort()).toEqual(['food', 'sport', 'weather']);
      expect(all[0]!.label).toBe('sport');
    } finally {
      await classifier.dispose();
    }
  });

  it('into a folder that holds a model: OUTPUT_EXISTS before any training, the model intact; overwrite replaces it', async () => {
    const jsonl = join(dir, 'pets.jsonl');
    const pets = { cat: 'the cat purrs on the mat', dog: 'the dog barks at the ball' };
    writeFileSync(jsonl, Object.entries(pets).flatMap(([label, words]) => Array.from({ length: 12 }, (_, i) => JSON.stringify({ text: `${words} ${i}`, pet: label }))).join('\n'));
    const out = join(dir, 'pets');
    const options = { data: jsonl, textColumn: 'text', labelColumn: 'pet', out, base: null, epochs: { cnn: 1, bag: 1 } };
    await fineTuneTextClassifier(options);
    const before = readdirSync(out).map((file) => [file, readFileSync(join(out, file))] as const);
    let epochs = 0;
    const counting = [{ name: 'count-epochs', onEpochBegin: () => void epochs++ }];
    const again = fineTuneTextClassifier({ ...options, seed: 9, callbacks: counting });
    await expect(again).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', hint: { kind: 'use-option', option: 'overwrite', value: true } });
    expect(epochs).toBe(0);
    expect(readdirSync(out).map((file) => [file, readFileSync(join(out, file))] as const)).toEqual(before);
    const { saved } = await fineTuneTextClassifier({ ...options, seed: 9, callbacks: counting, overwrite: true });
    expect(saved.dir).toBe(out);
    expect(readFileSync(join(out, 'dlkit.json'))).not.toEqual(before.find(([file]) => file === 'dlkit.json')![1]);
  });

  it('a missing column, an unsupported file and data with one class are typed errors', async () => {
    const csv = join(dir, 'one.csv');
    writeFileSync(csv, 'text,label\ngood,a\nbad,a\n');
    const run = (data: string, labelColumn = 'label') => fineTuneTextClassifier({ data, textColumn: 'text', labelColumn, out: join(dir, 'x'), base: null });
    await expect(run(csv, 'stars')).rejects.toMatchObject({ code: 'INPUT_UNREADABLE', message: expect.stringContaining("no column 'stars'") });
    await expect(run(join(dir, 'notes.txt'))).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    await expect(run(csv)).rejects.toMatchObject({ code: 'DATASET_INVALID' });
  });
});
