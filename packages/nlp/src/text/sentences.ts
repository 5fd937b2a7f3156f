/** Words whose trailing period does not end a sentence (lower case, without the period). */
const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof sr jr st mt vs etc e.g i.e cf al approx dept est fig inc ltd co corp no vol p pp ed eds gen gov sen rep rev sgt lt col capt jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun u.s u.k a.m p.m ph.d'.split(' '),
);

/**
 * Splits text into sentences: after `.`, `!`, `?` or `…` (with any closing quotes or brackets) followed by
 * space and something that can start a sentence; never after an abbreviation (Mr., e.g., U.S.), an initial
 * (J. K. Rowling) or inside a number (3.14); and after the full-width marks of CJK text (。！？) without a
 * space. Blank lines always end a sentence.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const flat = paragraph.replace(/\s+/g, ' ').trim();
    let start = 0;
    const boundary = /([.!?…]+)(["'”’)\]]*)(\s+)(?=["'“‘(\[]?[\p{Lu}\p{Lo}\p{N}])|([。！？]+)(["'”’」』)]*)/gu;
    for (let m = boundary.exec(flat); m !== null; m = boundary.exec(flat)) {
      const end = m.index + (m[1] ?? m[4] ?? '').length + (m[2] ?? m[5] ?? '').length;
      if (m[1]?.startsWith('.') && m[1].length === 1) {
        const word = /(\S+)$/.exec(flat.slice(start, m.index))?.[1] ?? '';
        const bare = word.replace(/^["'“‘(\[]+/, '').toLowerCase();
        if (ABBREVIATIONS.has(bare) || /^\p{L}$/u.test(bare) || /^(\p{L}\.)+\p{L}$/u.test(bare)) continue;
      }
      const sentence = flat.slice(start, end).trim();
      if (sentence) sentences.push(sentence);
      start = end;
    }
    const rest = flat.slice(start).trim();
    if (rest) sentences.push(rest);
  }
  return sentences;
}

/** Consecutive sentences grouped into chunks of at most `limit` characters (a longer sentence is its own chunk). */
export function groupSentences(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const sentence of splitSentences(text)) {
    if (current && current.length + 1 + sentence.length > limit) {
      chunks.push(current);
      current = sentence;
    } else current = current ? `${current} ${sentence}` : sentence;
  }
  if (current) chunks.push(current);
  return chunks;
}
