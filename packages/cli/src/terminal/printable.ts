/**
 * Text for a terminal with every control character shown, not obeyed: a file name holding ESC, CR or a C1
 * byte must not move the cursor, recolour the screen or overwrite the line before it. Line feeds and tabs
 * that our own formatting puts between fields are kept; every other C0, DEL and C1 character becomes `\xNN`
 * (or `\uNNNN` past 0xff for the bidi overrides, which reorder what a reader sees).
 */
export function printable(text: string, { keepNewlines = true }: { keepNewlines?: boolean } = {}): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\t' || (keepNewlines && c === '\n')) return c;
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
