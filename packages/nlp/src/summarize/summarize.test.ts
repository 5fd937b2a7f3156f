import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { isDlError } from '@dlkit/core';
import { pipeline } from '../index.js';
import { groupSentences, splitSentences } from '../text/sentences.js';
import { GRAPH_LIMIT, summarizeExtractive } from './extractive.js';

// A real document: the dataset description that ships beside the repository.
const DOC_FILE = testDataFile('mnist/SOURCE.md');
const DOC = DOC_FILE ? readFileSync(DOC_FILE, 'utf8') : '';

describe.skipIf(!DOC_FILE)('extractive summaries (TextRank, offline)', () => {
  it('returns the N top sentences of a real document, in their original order', () => {
    const all = splitSentences(DOC);
    const included = (summary: string) => all.map((sentence, i) => ({ i, at: summary.indexOf(sentence) })).filter((x) => x.at >= 0);
    const [{ summary_text }] = summarizeExtractive(DOC, { sentences: 2 });
    const picked = included(summary_text);
    expect(picked).toHaveLength(2);
    expect(picked[0]!.at).toBeLessThan(picked[1]!.at); // document order
    expect(summary_text).toBe(picked.map((p) => all[p.i]).join(' '));
    expect(included(summarizeExtractive(DOC, { ratio: 0.5 })[0].summary_text)).toHaveLength(Math.round(all.length * 0.5));
  });

  it('prefers the sentences that share the document topic over an off-topic one', () => {
    const text = [
      'The film follows a young chef who opens a restaurant in Paris.',
      'The restaurant struggles at first, and the chef nearly gives up.',
      'My neighbour painted his fence blue last weekend.',
      'In the end the chef and the restaurant win over the critics of Paris.',
    ].join(' ');
    const [{ summary_text }] = summarizeExtractive(text, { sentences: 2 });
    expect(summary_text).not.toContain('fence');
  });

  it('past GRAPH_LIMIT sentences ranks by similarity to the whole document: on-topic sentences, not the stray one', () => {
    const topic = ['The river floods the valley every spring.', 'Farmers in the valley plant after the river floods.', 'Spring floods leave rich soil along the river.'];
    const stray = 'My neighbour collects stamps from Peru.';
    const sentences = Array.from({ length: GRAPH_LIMIT + 500 }, (_, i) => (i === 700 ? stray : topic[i % topic.length]!));
    const [{ summary_text }] = summarizeExtractive(sentences.join(' '), { sentences: 3 });
    expect(summary_text).not.toContain('stamps');
    expect(summary_text.split(/(?<=\.) /).every((s) => topic.includes(s))).toBe(true);
  });

  it('refuses empty text and bad options with typed errors', () => {
    expect(() => summarizeExtractive('   ')).toThrow(expect.objectContaining({ code: 'INPUT_UNSUPPORTED' }));
    expect(() => summarizeExtractive(DOC, { ratio: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', parameter: 'ratio' }));
  });
});

describe('abstractive summaries (transformers.js)', () => {
  it('cuts long documents on sentence boundaries only', () => {
    const long = Array.from({ length: 200 }, (_, i) => `Sentence number ${i} says something about the plot.`).join(' ');
    const chunks = groupSentences(long, 500);
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.every((c) => c.length <= 500 && c.endsWith('.'))).toBe(true);
    expect(chunks.join(' ')).toBe(long);
  });

});

// A tiny hand-set "BART" in transformers.js's seq2seq layout (scripts/make-tiny-bart.py): it copies the input's
// content words, best-scored first, each once (reading its key-value cache), then ends. Wiring only.
const TINY_BART = join(import.meta.dirname, 'fixtures/tiny-bart');
const scratch = mkdtempSync(join(tmpdir(), 'dl-nlp-tiny-bart-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const short = { minLength: 1, maxLength: 20 };

describe('abstractive summaries through transformers.js (tiny hand-set BART fixture, wiring only)', () => {
  it('tokenizes, encodes, generates with the key-value cache and decodes', async () => {
    const summarizer = await pipeline('summarization', TINY_BART);
    try {
      expect(await summarizer('The dog ran in the park. The cat sat on the mat.', short)).toEqual([{ summary_text: 'cat dog park mat sat ran' }]);
      expect(await summarizer(['The sun was warm.'], { ...short, beams: 2 })).toEqual([[{ summary_text: 'sun warm' }]]);
      await expect(summarizer(' \n ', short)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    } finally {
      await summarizer.dispose();
    }
  });

  it('a document longer than the model input is summarised in parts, then the parts summarised again', async () => {
    const summarizer = await pipeline('summarize', TINY_BART);
    try {
      // ~6,000 characters: the dog only in the first half, the sun only in the second; truncating would lose one.
      const text = [...Array.from({ length: 100 }, () => 'The dog ran in the park.'), ...Array.from({ length: 200 }, () => 'The sun was warm.')].join(' ');
      expect(text.length).toBeGreaterThan(3000 * 1.5);
      expect(await summarizer(text, short)).toEqual([{ summary_text: 'dog park sun ran warm' }]);
    } finally {
      await summarizer.dispose();
    }
  });

  it("refuses textrank's options and a minLength above maxLength by name", async () => {
    const summarizer = await pipeline('summarization', TINY_BART);
    try {
      for (const option of ['sentences', 'ratio']) {
        await expect(summarizer('The sun was warm.', { [option]: 1 }), option).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: option });
      }
      await expect(summarizer('The sun was warm.', { minLength: 30, maxLength: 20 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'minLength' });
    } finally {
      await summarizer.dispose();
    }
  });

  it("the model's own failure on one text is MODEL_RUNTIME for that text only; dispose twice, then DISPOSED", async () => {
    // A copy whose tokenizer knows a word past the end of the model's embedding table: onnxruntime fails on it.
    // Before, that raw Error escaped (the CLI printed INTERNAL) and a disposed summarizer had no guard.
    const dir = join(scratch, 'mismatched');
    cpSync(TINY_BART, dir, { recursive: true });
    const tokenizer = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    tokenizer.model.vocab.zebra = 64;
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    const summarizer = await pipeline('summarization', dir);
    const [dog, zebra] = await summarizer.each(['The dog ran in the park.', 'The zebra ran in the park.'], short);
    expect(dog).toEqual({ ok: true, value: [{ summary_text: 'dog park ran' }] });
    expect(zebra!.ok === false && zebra!.error.code).toBe('MODEL_RUNTIME');
    await summarizer.dispose();
    await summarizer.dispose();
    await expect(summarizer('The dog ran in the park.', short)).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it("an embedded name that is not a summarizer is MODEL_NOT_FOUND pointing at 'textrank' as data, not a flag", async () => {
    const error = await pipeline('summarization', 'sentiment').catch((e: unknown) => e);
    expect(isDlError(error, 'MODEL_NOT_FOUND')).toBe(true);
    expect(error).toMatchObject({ parameter: 'model', hint: { kind: 'other-model', models: ['textrank'] } });
    expect((error as Error).message).not.toMatch(/--|\bdl /);
  });
});
