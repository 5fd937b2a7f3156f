const words = new Intl.Segmenter(undefined, { granularity: 'word' });

/** English clitics split off as their own tokens, as in the Penn Treebank (and the rt-polarity data): don't -> do n't. */
const CLITIC = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$/;

/**
 * Lower-cased word tokens of any script (Unicode word segmentation: Chinese and Japanese are split into words
 * too), with English clitics separated and sentence punctuation that carries sentiment (! ?) kept.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  // Already-tokenized text ("does n't", "he 's", as in rt-polarity) is joined back first, so that a corpus
  // and natural text give the same tokens.
  const normalised = text
    .normalize('NFKC')
    .replace(/[’‘`]/g, "'")
    .toLowerCase()
    .replace(/(\p{L}) (n't|'s|'re|'ve|'ll|'d|'m)(?!\p{L})/gu, '$1$2');
  for (const { segment, isWordLike } of words.segment(normalised)) {
    if (isWordLike) {
      const clitic = CLITIC.exec(segment);
      if (clitic) tokens.push(clitic[1]!, clitic[2]!);
      else tokens.push(segment);
    } else if (/^[!?]+$/.test(segment.trim())) {
      tokens.push(...segment.trim());
    }
  }
  return tokens;
}
