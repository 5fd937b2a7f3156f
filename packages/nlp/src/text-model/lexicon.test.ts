import { describe, expect, it } from 'vitest';
import { tokenize } from '../text/tokenize.js';
import { indexLexicon, parseLexicon, scoreLexicon } from './lexicon.js';

const lexicon = indexLexicon({
  kind: 'valence',
  positive: 'POSITIVE',
  negative: 'NEGATIVE',
  weight: 2,
  valences: { good: 3, bad: -3, fun: 4, ruin: -2, like: 2, no: -1, kind: 2, 'kind of': 0, support: 0, 'does not work': -3, problem: -2 },
});
const score = (text: string) => scoreLexicon(lexicon, tokenize(text));

describe('valence lexicon', () => {
  it('scores words, squashed into -1..1, and counts its hits', () => {
    expect(score('good')).toEqual({ score: 3 / Math.sqrt(9 + 15), hits: 1 });
    expect(score('nothing to say').score).toBe(0);
    expect(score('good good good good good good').score).toBeLessThan(1);
  });

  it('"not", "never", "n\'t" and "no" turn around what follows within three tokens, and "no" has no valence of its own', () => {
    expect(score('not bad at all').score).toBeGreaterThan(0);
    expect(score("it isn't good").score).toBeLessThan(0);
    expect(score('no problem').score).toBeGreaterThan(0);
    expect(score('no').hits).toBe(0);
    expect(score('not that it was ever so good').score).toBeGreaterThan(0);
  });

  it('matches phrases longest first, a 0 phrase blocks its words, and a spoiling verb turns around its object', () => {
    expect(score('it does not work').score).toBe(-3 / Math.sqrt(9 + 15));
    expect(score('kind of bad').score).toBe(-3 / Math.sqrt(9 + 15));
    expect(score('very kind').score).toBeGreaterThan(0);
    expect(score('support team').hits).toBe(0);
    expect(score('microtransactions ruin the fun').score).toBeLessThan(0);
  });

  it('after "but" the clause decides, and a negator does not reach past "but"', () => {
    expect(score('good but bad').score).toBeLessThan(0);
    expect(score('bad but good').score).toBeGreaterThan(0);
    expect(score('not cheap but good').score).toBeGreaterThan(0);
  });

  it('"like" counts as liking only after a subject or an auxiliary, not in a comparison', () => {
    expect(score('i like it').score).toBeGreaterThan(0);
    expect(score('it tasted like water').hits).toBe(0);
  });

  it('a file that is not a valence lexicon is MODEL_INVALID', () => {
    expect(() => parseLexicon({ kind: 'valence', positive: 'P', negative: 'N', weight: 1, valences: { x: 99 } }, 'x.json')).toThrow(/not a valence lexicon/);
    expect(() => parseLexicon(null, 'x.json')).toThrow(/not a valence lexicon/);
  });
});
