import { describe, expect, it } from 'vitest';
import { isDlError } from '@dlkit/core';
import { parseCueTime, parseSubtitles, splitCues, toSrt, toVtt, toVttWords } from './subtitles.js';
import type { TranscriptChunk } from './transcribe.js';

const word = (start: number, end: number, text: string): TranscriptChunk => ({ timestamp: [start, end], text });
// Word chunks as Whisper's `timestamps: 'word'` gives them (a leading space each) and the digits model's.
const WORDS = [word(0.5, 0.9, ' the'), word(0.9, 1.3, ' quick'), word(1.3, 1.8, ' brown'), word(1.9, 2.3, ' fox'), word(2.4, 2.9, ' jumps'), word(6.0, 6.5, ' over')];

describe('subtitle cues from chunks (whisper.cpp -ml)', () => {
  it('packs word chunks into cues up to maxLineChars, never splitting a word; a word longer than the limit is a cue alone', () => {
    const cues = splitCues(WORDS, { maxLineChars: 10 });
    expect(cues.map((c) => c.text)).toEqual(['the quick', 'brown fox', 'jumps over']);
    expect(cues.map((c) => c.timestamp)).toEqual([[0.5, 1.3], [1.3, 2.3], [2.4, 6.5]]);
    for (const c of cues) expect(c.text.length).toBeLessThanOrEqual(10);
    expect(splitCues([word(0, 1, 'extraordinary'), word(1, 2, 'a')], { maxLineChars: 5 }).map((c) => c.text)).toEqual(['extraordinary', 'a']);
  });

  it('maxLineSeconds closes a cue before it would last longer; both limits together hold both', () => {
    expect(splitCues(WORDS, { maxLineSeconds: 1 }).map((c) => c.text)).toEqual(['the quick', 'brown fox', 'jumps', 'over']);
    for (const c of splitCues(WORDS, { maxLineChars: 16, maxLineSeconds: 1.5 })) {
      expect(c.text.length).toBeLessThanOrEqual(16);
      expect(c.timestamp[1] - c.timestamp[0]).toBeLessThanOrEqual(1.5);
    }
  });

  it('a segment longer than the limits is split at word boundaries, its time shared in proportion to characters', () => {
    // 'aaaa bbbb cccc dddd' is 19 characters over 1.9 s: 0.1 s a character, a space included.
    const cues = splitCues([word(10, 11.9, ' aaaa bbbb cccc dddd')], { maxLineChars: 9 });
    expect(cues.map((c) => c.text)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(cues[0]!.timestamp[0]).toBe(10);
    expect(cues[0]!.timestamp[1]).toBeCloseTo(10.9, 9);
    expect(cues[1]!.timestamp[0]).toBeCloseTo(11, 9);
    expect(cues[1]!.timestamp[1]).toBeCloseTo(11.9, 9);
  });

  it('a segment within the limits stays one cue and is not merged with its neighbours; empty chunks make no cue', () => {
    const chunks = [word(0, 2, ' Hello there.'), word(2, 4, ' General Kenobi.'), word(4, 5, ''), word(5, 6, 'four')];
    expect(splitCues(chunks, { maxLineChars: 40 }).map((c) => c.text)).toEqual(['Hello there.', 'General Kenobi.', 'four']);
    // Without limits, every chunk with text is a cue, as before the limits existed.
    expect(splitCues(WORDS).map((c) => c.text)).toEqual(['the', 'quick', 'brown', 'fox', 'jumps', 'over']);
  });

  it('bad limits are INVALID_ARGUMENT naming the limit', () => {
    for (const [limits, parameter] of [[{ maxLineChars: 0 }, 'maxLineChars'], [{ maxLineChars: 2.5 }, 'maxLineChars'], [{ maxLineSeconds: -1 }, 'maxLineSeconds']] as const) {
      let caught: unknown;
      try {
        splitCues(WORDS, limits);
      } catch (error) {
        caught = error;
      }
      expect(isDlError(caught, 'INVALID_ARGUMENT') && caught.parameter).toBe(parameter);
    }
  });

  it('SRT and VTT of packed cues parse back to the same cues', () => {
    const cues = splitCues(WORDS, { maxLineChars: 10 }).map(({ timestamp, text }) => ({ timestamp, text }));
    expect(parseSubtitles(toSrt(WORDS, { maxLineChars: 10 }))).toEqual(cues);
    expect(parseSubtitles(toVtt(WORDS, { maxLineChars: 10 }))).toEqual(cues);
  });
});

/** What a WebVTT parser checks of a cue's timestamp tags: each after the cue's start and the previous tag, before its end. */
function inlineTimes(vtt: string): Array<{ cue: [number, number]; times: number[]; words: string[] }> {
  expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
  return parseSubtitles(vtt).map(({ timestamp, text }) => {
    const times = [...text.matchAll(/<(\d{2,}:\d{2}:\d{2}\.\d{3})>/g)].map((m) => parseCueTime(m[1]));
    let previous = timestamp[0];
    for (const t of times) {
      expect(t).toBeGreaterThan(previous);
      expect(t).toBeLessThan(timestamp[1]);
      previous = t;
    }
    // Nothing but timestamp tags, <c> spans and the spaces between them.
    expect(text).toMatch(/^<c>[^<]+<\/c>( (<\d{2,}:\d{2}:\d{2}\.\d{3}>)?<c>[^<]+<\/c>)*$/);
    return { cue: timestamp, times, words: [...text.matchAll(/<c>([^<]+)<\/c>/g)].map((m) => m[1]!) };
  });
}

describe('word-highlighted WebVTT', () => {
  it('each cue holds its words in <c> spans, each after the first timed by its start: valid, increasing timestamp tags', () => {
    const vtt = toVttWords(WORDS, { maxLineChars: 10 });
    expect(vtt.split('\n\n')[1]).toBe('00:00:00.500 --> 00:00:01.300\n<c>the</c> <00:00:00.900><c>quick</c>');
    const cues = inlineTimes(vtt);
    expect(cues.map((c) => c.words)).toEqual([['the', 'quick'], ['brown', 'fox'], ['jumps', 'over']]);
    expect(cues.map((c) => c.times)).toEqual([[0.9], [1.9], [6]]);
  });

  it('a start that is not after the previous one gets no tag (WebVTT wants increasing times); text is escaped', () => {
    const vtt = toVttWords([word(1, 2, 'a<b'), word(1, 2, 'c&d'), word(1.5, 2, 'e')], { maxLineChars: 20 });
    const [cue] = inlineTimes(vtt);
    expect(cue!.words).toEqual(['a&lt;b', 'c&amp;d', 'e']);
    expect(cue!.times).toEqual([1.5]);
  });
});
