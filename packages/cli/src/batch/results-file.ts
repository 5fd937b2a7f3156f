import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { DlError } from '@dlkit/core';
import type { TaskResult } from './tasks.js';

/** One line of a results file: `{"input", "output"}` or `{"input", "error": {code, message, hint?}}`. */
export type ResultLine = { input: string } & TaskResult;

export interface ExistingResults {
  /** Inputs that have a line, result or error. */
  done: Set<string>;
  errors: number;
}

/**
 * The inputs already in a results file, so that a rerun goes on where the last one stopped. A last line cut
 * short (the writer killed mid-line) is cut off the file: its input is done again. With `dropErrors`, the lines
 * that record an error are taken out of the file (rewritten whole, by rename) and their inputs run again. With
 * `readOnly` the file is left as it is (a cut last line is only skipped): for looking while another writes.
 */
export async function readExistingResults(path: string, options: { dropErrors?: boolean; readOnly?: boolean } = {}): Promise<ExistingResults> {
  const done = new Set<string>();
  let errors = 0;
  let whole = 0; // bytes of complete lines
  let lineNumber = 0;
  let dropped = 0;
  // The caller holds the file's lock, so one fixed name for the rewrite cannot clash.
  const kept = options.dropErrors && !options.readOnly ? createWriteStream(join(dirname(path), `.${basename(path)}.rewrite`)) : undefined;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let pending: string | undefined;
  const take = (line: string) => {
    lineNumber++;
    let parsed: Partial<ResultLine>;
    try {
      parsed = JSON.parse(line) as Partial<ResultLine>;
    } catch {
      throw new DlError('INPUT_UNREADABLE', `${path}:${lineNumber}: not a JSON line; fix or remove it, or write to another file`);
    }
    if (typeof parsed.input !== 'string') throw new DlError('INPUT_UNREADABLE', `${path}:${lineNumber}: a line without "input"; not a dl batch results file?`);
    if ('error' in parsed && options.dropErrors) {
      dropped++;
      return;
    }
    if ('error' in parsed) errors++;
    done.add(parsed.input);
    kept?.write(`${line}\n`);
  };
  try {
    // readline does not say whether the last line ended with a newline: hold each line until the next one
    // arrives, and look at the file's last byte for the held one.
    for await (const line of lines) {
      if (pending !== undefined) {
        whole += Buffer.byteLength(pending) + 1;
        if (pending.trim() !== '') take(pending);
      }
      pending = line;
    }
    if (pending !== undefined && pending !== '') {
      if (await endsWithNewline(path)) {
        whole += Buffer.byteLength(pending) + 1;
        take(pending);
      } else if (!options.readOnly) {
        await truncate(path, whole);
      }
    }
  } catch (error) {
    kept?.destroy();
    if (kept) await rm(kept.path, { force: true });
    throw error;
  }
  if (kept) {
    kept.end();
    await finished(kept);
    if (dropped > 0) await rename(kept.path, path);
    else await rm(kept.path, { force: true });
  }
  return { done, errors };
}

async function endsWithNewline(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** Appends result lines, each in one write, so that a kill leaves at most the last line cut short. */
export async function openResults(path: string): Promise<{ append(lines: ResultLine[]): Promise<void>; close(): Promise<void> }> {
  const handle: FileHandle = await open(path, 'a');
  let queue = Promise.resolve();
  return {
    append(lines) {
      if (lines.length === 0) return queue;
      const text = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
      queue = queue.then(() => handle.appendFile(text));
      return queue;
    },
    async close() {
      await queue;
      await handle.close();
    },
  };
}
