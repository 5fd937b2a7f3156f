import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { decodeText } from './decode.js';
import { readTexts } from './read-texts.js';
import { splitSentences } from './sentences.js';
import { tokenize } from './tokenize.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-text-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const RT_SET = testDataset('rt-polarity');
const RT = join(RT_SET ?? '', 'rt-polarity.pos');

describe('decoding text files', () => {
  it('drops a UTF-8 BOM, reads UTF-16 with a BOM, and makes every line end \\n', () => {
    expect(decodeText(Buffer.from('\uFEFFa\r\nb\rc\n', 'utf8'), 'x')).toBe('a\nb\nc\n');
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo', 'utf16le')]), 'x')).toBe('héllo');
  });

  it('names the byte where UTF-8 breaks', () => {
    expect(() => decodeText(Buffer.from([0x61, 0x62, 0xc3, 0x28]), 'bad.txt')).toThrow(/bad\.txt: not valid UTF-8 \(byte 2 of 4\)/);
  });
});

describe.skipIf(!RT_SET)('reading texts', () => {
  it('one text per line of a real review file, with file:line inputs', async () => {
    const [result] = await readTexts([RT], { mode: 'lines' });
    expect(result?.ok).toBe(true);
    const items = result!.ok ? result!.value : [];
    expect(items).toHaveLength(5331);
    expect(items[0]!.input).toBe(`${RT}:1`);
    expect(items[0]!.text).toMatch(/^the rock is destined/);
  });

  it('a column of CSV (quoted commas and newlines) and JSONL; whole documents; a bad source or JSONL row fails alone', async () => {
    const csv = join(dir, 'reviews.csv');
    await writeFile(csv, 'id,review\r\n1,"Great, really great"\r\n2,"two\nlines"\r\n');
    const jsonl = join(dir, 'reviews.jsonl');
    await writeFile(jsonl, '{"review":"fine"}\n\n{"review":"bad"}\n');
    const doc = join(dir, 'doc.txt');
    await writeFile(doc, 'One.\n\nTwo.\n');
    const results = await readTexts([csv, jsonl, join(dir, 'missing.txt')], { mode: 'lines', column: 'review' });
    expect(results[0]).toEqual({ ok: true, value: [{ input: `${csv}:2`, text: 'Great, really great' }, { input: `${csv}:3`, text: 'two\nlines' }] });
    expect(results[1]).toEqual({ ok: true, value: [{ input: `${jsonl}:1`, text: 'fine' }, { input: `${jsonl}:3`, text: 'bad' }] });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'INPUT_NOT_FOUND' } });
    expect(await readTexts([doc], { mode: 'document' })).toEqual([{ ok: true, value: [{ input: doc, text: 'One.\n\nTwo.\n' }] }]);
    const broken = join(dir, 'broken.jsonl');
    await writeFile(broken, '{"review":"first"}\n{"review": oops\n{"stars":5}\n{"review":"last"}\n');
    expect(await readTexts([broken], { mode: 'lines', column: 'review' })).toMatchObject([
      { ok: true, value: [{ input: `${broken}:1`, text: 'first' }] },
      { ok: false, source: `${broken}:2`, error: { code: 'INPUT_UNREADABLE', message: expect.stringContaining(`${broken}:2: not valid JSON`) } },
      { ok: false, source: `${broken}:3`, error: { code: 'INPUT_UNREADABLE', message: `${broken}:3: no string 'review'` } },
      { ok: true, value: [{ input: `${broken}:4`, text: 'last' }] },
    ]);
    const wrong = await readTexts([csv], { mode: 'lines', column: 'text' });
    expect(wrong[0]).toMatchObject({ ok: false, error: { code: 'INPUT_UNREADABLE', message: expect.stringContaining("no column 'text' in the header (id, review)") } });
  });

  it('a 10 MB line is one text, not a crash', async () => {
    const big = join(dir, 'big.txt');
    await writeFile(big, `${'word '.repeat(2_000_000)}\nshort\n`);
    const [result] = await readTexts([big], { mode: 'lines' });
    expect(result!.ok && result!.value.map((t) => t.text.length)).toEqual([10_000_000, 5]);
  });
});

describe('reading texts in bounded memory', () => {
  /** A sparse file: `size` NUL bytes on one line (no disk, no time to write), then `tail`. */
  async function oneHugeLine(name: string, size: number, tail: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, '');
    await truncate(path, size);
    const handle = await open(path, 'r+');
    await handle.write(Buffer.from(tail), 0, tail.length, size);
    await handle.close();
    return path;
  }

  it('a 200 MB line fails alone as INPUT_TOO_LARGE naming the limit and the line; the line after it is read', async () => {
    const path = await oneHugeLine('line-200mb.txt', 200 * 2 ** 20, '\nshort\n');
    const started = Date.now();
    const before = process.memoryUsage().rss;
    expect(await readTexts([path], { mode: 'lines' })).toMatchObject([
      { ok: false, source: `${path}:1`, error: { code: 'INPUT_TOO_LARGE', message: `${path}:1: a line over the 16777216-byte limit; split it, or raise the limit` } },
      { ok: true, value: [{ input: `${path}:2`, text: 'short' }] },
    ]);
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 2 ** 20);
    const [document] = await readTexts([path], { mode: 'document' });
    expect(document).toMatchObject({ ok: false, error: { code: 'INPUT_TOO_LARGE', message: expect.stringContaining('16777216-byte limit') } });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('a CSV quote that never closes keeps the rows before it and fails naming where it opened', async () => {
    const csv = join(dir, 'unclosed.csv');
    await writeFile(csv, 'id,review\n1,Fine.\n2,"A quote\nthat never ends.\n3,Dull.\n');
    expect(await readTexts([csv], { mode: 'lines', column: 'review' })).toMatchObject([
      { ok: true, value: [{ input: `${csv}:2`, text: 'Fine.' }] },
      { ok: false, source: csv, error: { code: 'INPUT_UNREADABLE', message: `${csv}:3: a quote opened here never closes; close it, or write a quote inside a field as ""` } },
    ]);
  });

  it('streamed lines: UTF-16 with a BOM, CR-only line ends, and a line that is not UTF-8 failing alone', async () => {
    const utf16 = join(dir, 'utf16.txt');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Très bien.\r\nDull.', 'utf16le')]));
    const cr = join(dir, 'cr.txt');
    await writeFile(cr, 'one\rtwo\r');
    const bad = join(dir, 'bad.txt');
    await writeFile(bad, Buffer.concat([Buffer.from('good\nab'), Buffer.from([0xc3, 0x28]), Buffer.from('\nalso good\n')]));
    expect(await readTexts([utf16, cr, bad], { mode: 'lines' })).toMatchObject([
      { ok: true, value: [{ input: `${utf16}:1`, text: 'Très bien.' }, { input: `${utf16}:2`, text: 'Dull.' }] },
      { ok: true, value: [{ input: `${cr}:1`, text: 'one' }, { input: `${cr}:2`, text: 'two' }] },
      { ok: true, value: [{ input: `${bad}:1`, text: 'good' }] },
      { ok: false, source: `${bad}:2`, error: { code: 'INPUT_UNREADABLE', message: `${bad}:2: not valid UTF-8 (byte 2 of 4); save it as UTF-8` } },
      { ok: true, value: [{ input: `${bad}:3`, text: 'also good' }] },
    ]);
  });
});

describe('sentences', () => {
  it('keeps abbreviations, initials, numbers and quotes inside their sentence', () => {
    expect(splitSentences('Mr. Smith paid $3.50 at 5 p.m. on Main St. yesterday. "Was it worth it?" he asked. J. K. Rowling agreed! The U.S. Senate did not.')).toEqual([
      'Mr. Smith paid $3.50 at 5 p.m. on Main St. yesterday.',
      '"Was it worth it?" he asked.',
      'J. K. Rowling agreed!',
      'The U.S. Senate did not.',
    ]);
  });

  it('splits other languages and scripts without crashing', () => {
    expect(splitSentences('Das ist gut. Überall schön! Это хорошо. Да.')).toEqual(['Das ist gut.', 'Überall schön!', 'Это хорошо.', 'Да.']);
    expect(splitSentences('今天天气很好。我们去公园吧！好吗？')).toEqual(['今天天气很好。', '我们去公园吧！', '好吗？']);
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('no end mark\n\nnew paragraph')).toEqual(['no end mark', 'new paragraph']);
  });
});

describe.skipIf(!RT_SET)('tokens', () => {
  it('a long text gives the tokens of its sentences, in about linear time (segmented in pieces)', () => {
    const sentence = "It wasn't bad at all, the cast's work is great! ";
    const tokens = tokenize(sentence);
    const long = tokenize(sentence.repeat(20_000)); // ~1 MB: minutes if segmented in one piece
    expect(long.length).toBe(tokens.length * 20_000);
    expect(long.slice(-tokens.length)).toEqual(tokens);
    expect(tokenize('天气很好'.repeat(1000)).join('')).toBe('天气很好'.repeat(1000));
  });

  it('splits clitics as the Penn Treebank (and rt-polarity) do, and keeps ! and ?', () => {
    expect(tokenize("It's NOT bad, I don't think so!?")).toEqual(['it', "'s", 'not', 'bad', 'i', 'do', "n't", 'think', 'so', '!', '?']);
    expect(tokenize('It’s great')).toEqual(['it', "'s", 'great']);
  });

  it('the ASCII fast path gives exactly the tokens of Intl.Segmenter (rt-polarity, both files, and 50,000 random ASCII strings)', () => {
    // The reference: every piece through the segmenter, as tokenize did before the fast path.
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
    const viaSegmenter = (text: string) => {
      const out: string[] = [];
      const normalised = text.normalize('NFKC').replace(/[’‘`]/g, "'").toLowerCase().replace(/(\p{L}) (n't|'s|'re|'ve|'ll|'d|'m)(?!\p{L})/gu, '$1$2');
      for (const { segment, isWordLike } of segmenter.segment(normalised)) {
        if (isWordLike) {
          const clitic = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$/.exec(segment);
          out.push(...(clitic ? [clitic[1]!, clitic[2]!] : [segment]));
        } else if (/^[!?]+$/.test(segment.trim())) out.push(...segment.trim());
      }
      return out;
    };
    const corpus = [RT, RT.replace(/pos$/, 'neg')].flatMap((f) => readFileSync(f, 'utf8').split('\n'));
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = `aZq09 \t\n${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')}`;
    const strings = Array.from({ length: 50_000 }, () => Array.from({ length: 1 + Math.floor(random() * 16) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    const differing = [...corpus, ...strings].filter((t) => JSON.stringify(tokenize(t)) !== JSON.stringify(viaSegmenter(t)));
    expect(differing.slice(0, 5)).toEqual([]);
  });

  it('handles any script and emoji', () => {
    expect(tokenize('Schön, très bien 👍')).toEqual(['schön', 'très', 'bien']);
    expect(tokenize('我喜欢这部电影').length).toBeGreaterThan(1);
    expect(tokenize('')).toEqual([]);
  });

  it('gives the same tokens for the tokenized rt-polarity corpus and for the same sentences written naturally', () => {
    const lines = readFileSync(RT, 'utf8').split('\n').filter(Boolean);
    const natural = (l: string) => l.replace(/ (n't|'s|'re|'ve|'ll|'d|'m)\b/g, '$1');
    const differing = lines.filter((l) => tokenize(l).join(' ') !== tokenize(natural(l)).join(' '));
    expect(lines).toHaveLength(5331);
    expect(differing).toEqual([]);
    expect(tokenize("he 's sure it does n't")).toEqual(['he', "'s", 'sure', 'it', 'does', "n't"]);
  });
});
