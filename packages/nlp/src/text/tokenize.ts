const words = new Intl.Segmenter(undefined, { granularity: 'word' });

/** English clitics split off as their own tokens, as in the Penn Treebank (and the rt-polarity data): don't -> do n't. */
const CLITIC = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$/;

/** Segmenting one long string takes time quadratic in its length in V8; pieces cut at whitespace give the same words. */
const PIECE = 2000;

/**
 * What Intl.Segmenter calls a word in ASCII text without `_` (its rules for `_` are irregular), and the `!` and `?`
 * marks: ten times faster, and most text is this. text.test.ts checks it against the segmenter.
 */
const ASCII_WORD = /[A-Za-z0-9]+(?:(?:(?<=[A-Za-z])[:.'](?=[A-Za-z])|(?<=[0-9])[,;.'](?=[0-9]))[A-Za-z0-9]+)*|[!?]/g;
const PLAIN_ASCII = /^[\t\n\r\x20-\x5e\x60-\x7e]*$/;

function* pieces(text: string): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + PIECE);
    if (end < text.length) {
      // Only this piece is searched: lastIndexOf from `end` would scan back to the start of a text without
      // spaces for every piece, quadratic again.
      const space = text.slice(start, end + 1).lastIndexOf(' ');
      // Text without spaces (Chinese, Japanese) is cut at the limit, off a surrogate pair.
      if (space > 0) end = start + space;
      else if (/[\uDC00-\uDFFF]/.test(text[end]!)) end--;
    }
    yield text.slice(start, end);
    start = end;
  }
}

/** The words of a piece of text, and each `!` or `?` outside them (punctuation that carries sentiment). */
function* wordsAndMarks(piece: string): Generator<string> {
  if (PLAIN_ASCII.test(piece)) {
    yield* piece.match(ASCII_WORD) ?? [];
    return;
  }
  for (const { segment, isWordLike } of words.segment(piece)) {
    if (isWordLike) yield segment;
    else if (/^[!?]+$/.test(segment.trim())) yield* segment.trim();
  }
}

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
  for (const piece of pieces(normalised)) {
    for (const token of wordsAndMarks(piece)) {
      const clitic = CLITIC.exec(token);
      if (clitic) tokens.push(clitic[1]!, clitic[2]!);
      else tokens.push(token);
    }
  }
  return tokens;
}
