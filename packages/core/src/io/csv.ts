import { DlError } from '../errors.js';

/** Default cap on one CSV field or one text line: far above any text a model takes, far below memory. */
export const DEFAULT_MAX_FIELD_BYTES = 16 * 1024 * 1024;

export interface CsvOptions {
  /** The input's name, for messages (`name:line: ...`). */
  name: string;
  /** Largest field, bytes (default 16 MiB): one byte more is INPUT_TOO_LARGE naming the limit and the line. */
  maxFieldBytes?: number;
  /** Largest record (all its fields and separators), bytes (default 4 x maxFieldBytes). */
  maxRecordBytes?: number;
  /** Most fields in one record (default: no limit but the record's bytes): one more is INPUT_TOO_LARGE, said at once. */
  maxFields?: number;
}

/** One CSV record: its fields and the line (1-based) where it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * An RFC 4180 parser over bytes, fed chunk by chunk: quoted fields may hold commas, doubled quotes and
 * newlines; line ends are \n or \r\n; blank lines are skipped. Memory is one record, bounded by the caps; a
 * quote that never closes is an error naming the line where it opened, not the rest of the file in one field.
 */
export class CsvParser {
  private readonly maxField: number;
  private readonly maxRecord: number;
  private readonly maxFields: number;
  private field = Buffer.alloc(256);
  private fieldLength = 0;
  private recordBytes = 0;
  private fields: string[] = [];
  private touched = false;
  private quoted = false;
  private afterQuote = false;
  private pendingCr = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;

  constructor(private readonly options: CsvOptions) {
    this.maxField = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
    this.maxRecord = options.maxRecordBytes ?? 4 * this.maxField;
    this.maxFields = options.maxFields ?? Number.MAX_SAFE_INTEGER;
  }

  /** The records completed by this chunk. */
  push(chunk: Uint8Array): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) this.byte(chunk[i]!, out);
    return out;
  }

  /** The last record; an error if a quote is still open. */
  end(): CsvRecord[] {
    if (this.quoted) {
      throw new DlError('INPUT_UNREADABLE', `${this.options.name}:${this.quoteLine}: a quote opened here never closes; close it, or write a quote inside a field as ""`);
    }
    if (this.pendingCr) this.add(CR);
    this.pendingCr = false;
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  private byte(b: number, out: CsvRecord[]): void {
    if (++this.recordBytes > this.maxRecord) throw this.tooLarge('record', this.maxRecord);
    if (this.quoted) {
      if (b === QUOTE) {
        this.quoted = false;
        this.afterQuote = true;
        return;
      }
      if (b === LF) this.line++;
      return this.add(b);
    }
    if (this.pendingCr) {
      this.pendingCr = false;
      if (b === LF) return this.newline(out);
      this.add(CR);
    }
    if (b === QUOTE) {
      // `""` inside a quoted field is one quote, and the field goes on quoted.
      if (this.afterQuote) this.add(QUOTE);
      else this.quoteLine = this.line;
      this.afterQuote = false;
      this.quoted = true;
      this.touched = true;
      return;
    }
    this.afterQuote = false;
    if (b === COMMA) {
      // Said at the first field too many, not after a 50 MB header has been cut into millions of strings.
      if (this.fields.length + 1 >= this.maxFields) {
        throw new DlError('INPUT_TOO_LARGE', `${this.options.name}:${this.recordLine}: a record of more than the ${this.maxFields} fields allowed`);
      }
      this.fields.push(this.take());
      this.touched = true;
    } else if (b === LF) this.newline(out);
    else if (b === CR) this.pendingCr = true;
    else {
      this.add(b);
      this.touched = true;
    }
  }

  private newline(out: CsvRecord[]): void {
    this.endRecord(out);
    this.line++;
    this.recordLine = this.line;
    this.recordBytes = 0;
  }

  private add(b: number): void {
    if (this.fieldLength === this.field.length) {
      if (this.fieldLength >= this.maxField) throw this.tooLarge('field', this.maxField);
      const grown = Buffer.alloc(Math.min(this.field.length * 2, this.maxField));
      this.field.copy(grown);
      this.field = grown;
    }
    this.field[this.fieldLength++] = b;
  }

  private take(): string {
    const bytes = this.field.subarray(0, this.fieldLength);
    this.fieldLength = 0;
    try {
      return utf8.decode(bytes);
    } catch (error) {
      throw new DlError('INPUT_UNREADABLE', `${this.options.name}:${this.recordLine}: not valid UTF-8; save the file as UTF-8`, { cause: error });
    }
  }

  private endRecord(out: CsvRecord[]): void {
    if (this.touched || this.fields.length > 0) out.push({ line: this.recordLine, fields: [...this.fields, this.take()] });
    this.fields = [];
    this.fieldLength = 0;
    this.touched = false;
    this.afterQuote = false;
  }

  private tooLarge(what: string, limit: number): DlError {
    const quote = this.quoted ? ` (inside a quote opened at line ${this.quoteLine}: is it closed?)` : '';
    return new DlError('INPUT_TOO_LARGE', `${this.options.name}:${this.recordLine}: a ${what} over the ${limit}-byte limit${quote}`);
  }
}

/** The records of a CSV byte stream (UTF-8), one at a time, in bounded memory (see `CsvParser`). */
export async function* readCsv(chunks: AsyncIterable<Uint8Array>, options: CsvOptions): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(options);
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

/**
 * Parses CSV text into rows of fields (see `CsvParser`; no size caps: the text is already in memory). A quote
 * that never closes is an error (INPUT_UNREADABLE) naming `name` and the line where it opened.
 */
export function parseCsv(text: string, name = 'CSV text'): string[][] {
  const parser = new CsvParser({ name, maxFieldBytes: Number.MAX_SAFE_INTEGER, maxRecordBytes: Number.MAX_SAFE_INTEGER });
  return [...parser.push(Buffer.from(text, 'utf8')), ...parser.end()].map((r) => r.fields);
}
