/**
 * Parses CSV text (RFC 4180: quoted fields may hold commas, doubled quotes and newlines) into rows of fields.
 * Line ends may be \n or \r\n; blank lines are skipped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let touched = false;
  const endRow = () => {
    if (touched || row.length > 0) rows.push([...row, field]);
    row = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      quoted = true;
      touched = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      touched = true;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      endRow();
    } else {
      field += c;
      touched = true;
    }
  }
  endRow();
  return rows;
}
