import { describe, expect, it } from 'vitest';
import { buildVocabulary, encodeWindow, indexVocabulary, ngramsOf, tokenWindows, UNKNOWN } from './vocabulary.js';

describe('text model vocabulary', () => {
  it('keeps words seen twice or with a vector, n-grams seen in two texts, in first-seen order', () => {
    const texts = [
      ['a', 'good', 'film'],
      ['a', 'good', 'plot'],
      ['rare', 'film'],
    ];
    const v = buildVocabulary(texts, { known: (w) => w === 'rare', extraWords: ['great', 'good'] });
    expect(v.words).toEqual(['a', 'good', 'film', 'rare', 'great']);
    expect(v.ngrams).toEqual(['a', 'good', 'film', 'a good']);
    expect(v.maxNgrams).toBe(3 * v.window - 3);
  });

  it('encodes word ids (unknown = 1, padding = 0) then the ids of the known n-grams', () => {
    const index = indexVocabulary({ words: ['a', 'good'], ngrams: ['good', 'a good'], window: 4, maxNgrams: 9 });
    expect(Array.from(encodeWindow(index, ['a', 'good', 'movie']))).toEqual([2, 3, UNKNOWN, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0]);
    expect(ngramsOf(['x', 'y', 'x', 'y'])).toEqual(['x', 'y', 'x y', 'y x', 'x y x', 'y x y']);
  });

  it('scores a long text by windows of whole sentences; a sentence longer than a window is cut', () => {
    expect(tokenWindows('Short and sweet.', 8)).toEqual([['short', 'and', 'sweet']]);
    expect(tokenWindows('One two three. Four five six. Seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen.', 8)).toEqual([
      ['one', 'two', 'three', 'four', 'five', 'six'],
      ['seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen'],
      ['fifteen', 'sixteen', 'seventeen'],
    ]);
    expect(tokenWindows(' ... ', 8)).toEqual([]);
  });
});
