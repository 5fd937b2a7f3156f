import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, parseSubtitles, SAMPLE_RATE } from '@dlkit/speech';
import { joinRecordings } from '@dlkit/speech/training';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { runDl } from './run-dl.test-helpers.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');

const dl = (args: string[]) => runDl(args, { timeoutMs: 120_000 });

describe.skipIf(!FSDD_SET)('dl speech transcribe: cue limits and word-highlighted WebVTT (spawned, speech-digits on FSDD test takes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-cues-'));
  const pin = join(dir, 'pin.wav');
  const transcribe = ['speech', 'transcribe', '--model', 'speech-digits', pin];
  beforeAll(async () => {
    const { audio } = await joinRecordings(FSDD, ['2_lucas_0', '7_george_3', '3_jackson_2'], 0.5);
    writeFileSync(pin, encodeWav(audio, { sampleRate: SAMPLE_RATE }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--format srt --max-line-chars 10 packs the spoken digits into cues of at most 10 characters, each spanning its words', async () => {
    const words = JSON.parse((await dl([...transcribe, '--json'])).stdout).output.chunks as Array<{ timestamp: [number, number]; text: string }>;
    expect(words.map((w) => w.text)).toEqual(['two', 'seven', 'three']);
    const r = await dl([...transcribe, '--format', 'srt', '--max-line-chars', '10']);
    expect(r.code, r.stderr).toBe(0);
    const cues = parseSubtitles(r.stdout);
    expect(cues.map((c) => c.text)).toEqual(['two seven', 'three']);
    // A cue runs from its first word's start to its last word's end (ms in the file).
    expect(cues[0]!.timestamp[0]).toBeCloseTo(words[0]!.timestamp[0], 2);
    expect(cues[0]!.timestamp[1]).toBeCloseTo(words[1]!.timestamp[1], 2);
    expect(cues[1]!.timestamp).toEqual([expect.closeTo(words[2]!.timestamp[0], 2), expect.closeTo(words[2]!.timestamp[1], 2)]);
    const short = parseSubtitles((await dl([...transcribe, '--format', 'vtt', '--max-line-seconds', '0.5'])).stdout);
    expect(short.map((c) => c.text)).toEqual(['two', 'seven', 'three']);
  });

  it('--timestamps word --format vtt-words --out x.vtt: one cue, every word after the first timed inline at its start', async () => {
    const out = join(dir, 'pin.vtt');
    const r = await dl([...transcribe, '--timestamps', 'word', '--format', 'vtt-words', '--max-line-chars', '42', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const vtt = readFileSync(out, 'utf8');
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    const [cue, ...rest] = parseSubtitles(vtt);
    expect(rest).toEqual([]);
    expect(cue!.text).toMatch(/^<c>two<\/c> <(\d\d:\d\d:\d\d\.\d\d\d)><c>seven<\/c> <(\d\d:\d\d:\d\d\.\d\d\d)><c>three<\/c>$/);
    const words = JSON.parse((await dl([...transcribe, '--timestamps', 'word', '--json'])).stdout).output.chunks as Array<{ timestamp: [number, number] }>;
    const tags = [...cue!.text.matchAll(/<(\d\d):(\d\d):(\d\d)\.(\d{3})>/g)].map((m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000);
    expect(tags).toEqual([expect.closeTo(words[1]!.timestamp[0], 2), expect.closeTo(words[2]!.timestamp[0], 2)]);
    expect(cue!.timestamp[0] < tags[0]! && tags[0]! < tags[1]! && tags[1]! < cue!.timestamp[1]).toBe(true);
  });

  it('cue limits where there are no cues, vtt-words without word times, and bad limits are usage errors (exit 2)', async () => {
    const refused = [
      [['--max-line-chars', '10'], /--max-line-chars shapes subtitle cues: it needs --format srt, vtt, vtt-words .*not text/],
      [['--format', 'json', '--max-line-seconds', '2'], /--max-line-seconds shapes subtitle cues.*not json/],
      [['--format', 'vtt-words'], /vtt-words .*needs --timestamps word/],
      [['--format', 'srt', '--max-line-chars', '0'], /--max-line-chars must be a whole number/],
      [['--format', 'srt', '--max-line-seconds', 'soon'], /--max-line-seconds must be a number of seconds/],
      [['--timestamps', 'letter'], /--timestamps must be one of word, segment/],
    ] as const;
    for (const [flags, message] of refused) {
      const r = await dl([...transcribe, ...flags]);
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});
