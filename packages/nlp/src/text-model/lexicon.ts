import { DlError } from '@dlkit/core';
import { tokenize } from '../text/tokenize.js';

/**
 * A word-valence lexicon saved with a two-class text model (`lexicon.json`): what the network cannot learn
 * from one domain's data. rt-polarity teaches that "product" is a put-down ("a hollywood product"); a
 * general lexicon knows that "rude", "refund" plus "never" and "delicious" mean the same everywhere.
 * Its score is added to the network's log-odds with a weight chosen on the dev sentences
 * (packages/nlp/scripts/tune-sentiment-lexicon.mjs).
 */
export interface TextLexicon {
  kind: 'valence';
  /** The classes a positive and a negative score point to. */
  positive: string;
  negative: string;
  /** Log-odds added per unit of the squashed lexicon score (in -1..1). */
  weight: number;
  /** Word or phrase -> valence, AFINN's -5..5 scale; a 0 phrase ("kind of") keeps its words from counting. */
  valences: Record<string, number>;
}

export const LEXICON_FILE = 'lexicon.json';

/** Checked by hand as parseVocabulary does (@dlkit/nlp has no zod); a hostile file cannot make the model lie silently. */
export function parseLexicon(raw: unknown, source: string): TextLexicon {
  const v = raw as Partial<TextLexicon> | null;
  const valid =
    v !== null &&
    v.kind === 'valence' &&
    typeof v.positive === 'string' &&
    typeof v.negative === 'string' &&
    Number.isFinite(v.weight) &&
    typeof v.valences === 'object' &&
    v.valences !== null &&
    Object.values(v.valences).every((x) => Number.isFinite(x) && Math.abs(x) <= 5);
  if (!valid) throw new DlError('MODEL_INVALID', `${source} is not a valence lexicon (kind, positive, negative, weight, valences)`);
  return v as TextLexicon;
}

export interface LexiconIndex {
  lexicon: TextLexicon;
  /** Tokenized entry -> valence; phrases are matched longest first. */
  entries: Map<string, number>;
  longest: number;
}

export function indexLexicon(lexicon: TextLexicon): LexiconIndex {
  const entries = new Map<string, number>();
  let longest = 1;
  for (const [entry, valence] of Object.entries(lexicon.valences)) {
    const tokens = tokenize(entry);
    // A negator is scored by what it turns around ("no problems"), not by a valence of its own (AFINN's "no": -1).
    if (tokens.length === 0 || (tokens.length === 1 && (valence === 0 || NEGATORS.has(tokens[0]!)))) continue;
    entries.set(tokens.join(' '), valence);
    longest = Math.max(longest, tokens.length);
  }
  return { lexicon, entries, longest };
}

/** Words that turn the valence of what follows them around ("not bad", "never again", "no problems"). */
const NEGATORS = new Set([
  'not', "n't", 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'without', 'hardly', 'barely',
  'cannot', 'cant', 'dont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'wont', 'nowhere', 'lack', 'lacks', 'lacking',
  // Verbs that spoil what follows them: "ruins the fun", "killed the mood" (their own valence still counts).
  'ruin', 'ruins', 'ruined', 'spoil', 'spoils', 'spoiled', 'spoilt', 'kill', 'kills', 'killed',
]);
/**
 * "like" is a verb of liking only after a subject or an auxiliary ("I like", "would like", "don't like");
 * otherwise it compares ("tasted like dishwater", "looks like a toy") and says nothing by itself.
 */
const LIKERS = new Set(['i', 'we', 'you', 'they', 'he', 'she', 'really', 'would', "'d", 'do', 'did', "n't", 'not', 'also', 'kids', 'people']);
/** How far back a negator reaches, in tokens (VADER's choice; punctuation is not in the tokens). */
const NEGATION_SCOPE = 3;
/** A negated valence flips and weakens: "not bad" is milder than "good" (VADER's N_SCALAR). */
const NEGATION_SCALE = -0.74;
const BOOSTERS = new Map([
  ['very', 1.3], ['really', 1.3], ['so', 1.3], ['extremely', 1.5], ['incredibly', 1.5], ['absolutely', 1.5],
  ['totally', 1.3], ['completely', 1.3], ['highly', 1.3], ['super', 1.3], ['truly', 1.3], ['most', 1.3],
  ['slightly', 0.6], ['somewhat', 0.7], ['fairly', 0.8], ['bit', 0.7], ['little', 0.8], ['kinda', 0.7],
]);
/** After "but", "however" or "yet" the sentence says what it means: the clause before weighs half, the one after 1.5x (VADER). */
const CONTRAST = new Map([['but', { before: 0.5, after: 1.5 }], ['however', { before: 0.5, after: 1.5 }], ['yet', { before: 0.5, after: 1.5 }]]);
/** VADER's normalisation constant: a sum s becomes s / sqrt(s^2 + ALPHA), in -1..1. */
const ALPHA = 15;

export interface LexiconScore {
  /** Sum of valences after negation, boosters and contrast, squashed into -1..1 (0: no lexicon word). */
  score: number;
  /** Lexicon entries found. */
  hits: number;
}

/** Valence hits of one token list: [position, valence] with negation and boosters applied. */
function valenceHits(index: LexiconIndex, tokens: readonly string[]): Array<[number, number]> {
  const hits: Array<[number, number]> = [];
  for (let i = 0; i < tokens.length; ) {
    let length = Math.min(index.longest, tokens.length - i);
    let valence: number | undefined;
    for (; length > 0; length--) {
      valence = index.entries.get(tokens.slice(i, i + length).join(' '));
      if (valence !== undefined) break;
    }
    if (valence === undefined || (length === 1 && tokens[i] === 'like' && !LIKERS.has(tokens[i - 1] ?? ''))) {
      i++;
      continue;
    }
    if (valence === 0) {
      i += length;
      continue;
    }
    // A negator before a "but" does not reach past it: "not cheap but sturdy".
    const before = tokens.slice(Math.max(0, i - NEGATION_SCOPE), i);
    const negated = before.slice(before.findLastIndex((t) => CONTRAST.has(t)) + 1).some((t) => NEGATORS.has(t));
    const boost = BOOSTERS.get(tokens[i - 1] ?? '') ?? 1;
    hits.push([i, valence * boost * (negated ? NEGATION_SCALE : 1)]);
    i += length;
  }
  return hits;
}

/** The lexicon's view of one window of tokens. */
export function scoreLexicon(index: LexiconIndex, tokens: readonly string[]): LexiconScore {
  const hits = valenceHits(index, tokens);
  const contrast = tokens.findLastIndex((t) => CONTRAST.has(t));
  const scale = contrast >= 0 ? CONTRAST.get(tokens[contrast]!)! : undefined;
  const sum = hits.reduce((s, [at, v]) => s + v * (scale ? (at < contrast ? scale.before : scale.after) : 1), 0);
  return { score: sum / Math.sqrt(sum * sum + ALPHA), hits: hits.length };
}

/** Whether a token carries a valence of its own (for telling texts the model knows nothing of). */
export function inLexicon(index: LexiconIndex, token: string): boolean {
  return index.entries.has(token);
}
