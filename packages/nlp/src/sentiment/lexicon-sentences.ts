import { createRng, RNG_STREAM } from '@dlkit/core';

/**
 * Short everyday sentences made from a valence lexicon, added to the training side of rt-polarity: movie
 * reviews alone teach that "product" or "service" lean one way and rarely show "not <word>" or "<word> but
 * <word>" in plain statements. Each frame puts a lexicon word (|valence| >= 2) beside a neutral everyday noun;
 * the label follows the word, flipped by "not"/"never", and the clause after "but" decides.
 */
const NOUNS = [
  'product', 'service', 'staff', 'room', 'food', 'app', 'flight', 'doctor', 'course', 'bank', 'game', 'waiter',
  'battery', 'refund', 'delivery', 'support', 'hotel', 'meal', 'price', 'screen', 'teacher', 'nurse', 'driver',
  'seat', 'update', 'account', 'order', 'package', 'phone', 'software', 'website', 'manager', 'clinic', 'class',
  'train', 'bus', 'airline', 'menu', 'coffee', 'breakfast', 'bed', 'shower', 'team', 'agent', 'call', 'store',
  'shop', 'car', 'trip', 'lesson', 'school', 'loan', 'card', 'fee', 'charger', 'case', 'device', 'experience',
  'process', 'company', 'visit', 'appointment', 'platform', 'interface', 'level', 'quality', 'size',
];

type Frame = (noun: string, word: string, other: { noun: string; word: string }) => { text: string; flip: boolean; byOther?: boolean };

const FRAMES: Frame[] = [
  (n, w) => ({ text: `the ${n} is ${w}.`, flip: false }),
  (n, w) => ({ text: `the ${n} was really ${w}.`, flip: false }),
  (n, w) => ({ text: `${w} ${n}.`, flip: false }),
  (n, w) => ({ text: `the ${n} was not ${w}.`, flip: true }),
  (n, w) => ({ text: `it is not ${w} at all.`, flip: true }),
  (n, w) => ({ text: `i would never say the ${n} is ${w}.`, flip: true }),
  (n, w, o) => ({ text: `the ${o.noun} was ${o.word}, but the ${n} is ${w}.`, flip: false }),
  (n, w, o) => ({ text: `the ${n} is ${w} but the ${o.noun} was ${o.word}.`, flip: false, byOther: true }),
];

export interface LexiconSentences {
  texts: string[];
  labels: string[];
}

/** `count` sentences, half positive, from the lexicon's single words; the same seed gives the same sentences. */
export function lexiconSentences(valences: Record<string, number>, count: number, seed: number): LexiconSentences {
  const words = Object.entries(valences).filter(([w, v]) => /^\p{L}+$/u.test(w) && Math.abs(v) >= 2);
  const positive = words.filter(([, v]) => v > 0).map(([w]) => w);
  const negative = words.filter(([, v]) => v < 0).map(([w]) => w);
  const rng = createRng(seed, RNG_STREAM.augment);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rng() * list.length)]!;
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    const wantPositive = i % 2 === 0;
    const frame = FRAMES[Math.floor(rng() * FRAMES.length)]!;
    // The word that decides the label is chosen so that the sentence comes out as wanted.
    const probe = frame('x', 'y', { noun: 'x', word: 'y' });
    const decidingPositive = probe.flip ? !wantPositive : wantPositive;
    const deciding = pick(decidingPositive ? positive : negative);
    const contrast = pick(decidingPositive ? negative : positive);
    const [word, otherWord] = probe.byOther ? [contrast, deciding] : [deciding, contrast];
    texts.push(frame(pick(NOUNS), word, { noun: pick(NOUNS), word: otherWord }).text);
    labels.push(wantPositive ? 'POSITIVE' : 'NEGATIVE');
  }
  return { texts, labels };
}
