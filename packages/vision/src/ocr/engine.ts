import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DlError, errorMessage, isDlError, isPackageMissing, packageMissing } from '@dlkit/core';
import type Tesseract from 'tesseract.js';
import { testedPeerVersion } from '../embedded.js';

type TesseractModule = typeof Tesseract;

type TesseractBox = { x0: number; y0: number; x1: number; y1: number };
export interface TesseractWord {
  text: string;
  confidence: number;
  bbox: TesseractBox;
}
export interface TesseractLine extends TesseractWord {
  words: TesseractWord[];
}
/**
 * The part of tesseract.js's `Page` that is read here, declared here so that our published types do not need
 * tesseract.js's (an optional peer: a strict consumer without it must still compile).
 */
export interface TesseractPage {
  blocks: Array<{ paragraphs: Array<{ lines: TesseractLine[] }> }> | null;
}

/** tesseract.js's own PSM numbers for our layout names (Tesseract's `--psm`). */
export const PSM_OF_LAYOUT = { auto: '3', block: '6', line: '7', word: '8', sparse: '11' } as const;
export type OcrLayout = keyof typeof PSM_OF_LAYOUT;

/**
 * The tested version of an optional peer, for the install command of DEPENDENCY_MISSING; another language's data
 * package is not a peer of ours and is taken at English's version (the packages are released together).
 */
const versionOf = (pkg: string) => testedPeerVersion(pkg) ?? testedPeerVersion('@tesseract.js-data/eng') ?? 'latest';

/** A traineddata file bigger than this is not one (the largest of tessdata_best is ~90 MB unpacked). */
const MAX_TRAINEDDATA_BYTES = 200 * 1024 * 1024;

const requireHere = createRequire(import.meta.url);

const dependencyMissing = (pkg: string, version: string, why: string, cause?: unknown) => packageMissing(`${why} needs`, pkg, version, cause);

/** The folder of an installed package (by its package.json or main file), or undefined when it is not installed. */
function packageFolder(pkg: string): string | undefined {
  try {
    return dirname(requireHere.resolve(`${pkg}/package.json`));
  } catch {
    try {
      return dirname(requireHere.resolve(pkg));
    } catch {
      return undefined;
    }
  }
}

/**
 * The CommonJS package `pkg`, or DEPENDENCY_MISSING naming its npm install when it is not installed (an error in one
 * of its own files or dependencies, a broken install, keeps its own error).
 */
export function requireOptional<T>(pkg: string, version: string, why: string): T {
  try {
    return requireHere(pkg) as T;
  } catch (error) {
    throw isPackageMissing(error, pkg) ? dependencyMissing(pkg, version, why, error) : error;
  }
}

/** tesseract.js, an optional peer of @dlkit/vision (its wasm core is ~45 MB installed). */
const loadTesseract = () => requireOptional<TesseractModule>('tesseract.js', versionOf('tesseract.js'), 'OCR (image-to-text)');

/** Where the worker reads `<code>.traineddata[.gz]` for each language, and whether the files are gzipped. */
export interface LanguageData {
  codes: readonly string[];
  langPath: string;
  gzip: boolean;
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** The size of a regular file no larger than a traineddata can be, or undefined when there is none at `path`. */
async function fileSize(path: string): Promise<number | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) return undefined;
  if (info.size > MAX_TRAINEDDATA_BYTES) throw new DlError('MODEL_INVALID', `${path}: ${info.size} bytes is too large for a traineddata file`);
  return info.size;
}

/** The first `bytes` bytes of a file, gunzipped first when `gzip` (fewer when it is shorter or its gzip breaks). */
async function fileStart(path: string, gzip: boolean, bytes: number): Promise<Buffer> {
  const source = createReadStream(path, { end: gzip ? undefined : bytes - 1 });
  const chunks: Buffer[] = [];
  let got = 0;
  try {
    // pipeline, not pipe: a read error of the file reaches the gunzip stream (pipe would leave it waiting).
    for await (const chunk of gzip ? pipeline(source, createGunzip(), () => {}) : source) {
      chunks.push(chunk as Buffer);
      if ((got += (chunk as Buffer).length) >= bytes) break;
    }
  } catch {
    // A broken gzip: what came before is judged.
  } finally {
    source.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}

/**
 * Refuses a file that does not start as a traineddata does: Tesseract's table of contents (1-64 entries, each an int64
 * offset, -1 when absent, the first present one right after the table, in order). Checked before any worker starts:
 * tesseract.js 7 answers a file Tesseract cannot initialise by rejecting and then resolving the same job, which
 * throws in its message listener (an uncaught exception), and its worker's promise never settles (a thread left).
 */
async function checkTraineddata(path: string, gzip: boolean): Promise<void> {
  const head = await fileStart(path, gzip, 4 + 8 * 64);
  const count = head.length >= 4 ? head.readInt32LE(0) : 0;
  const offsets = count >= 1 && count <= 64 && head.length >= 4 + 8 * count ? Array.from({ length: count }, (_, i) => head.readBigInt64LE(4 + 8 * i)).filter((o) => o !== -1n) : [];
  if (offsets[0] === BigInt(4 + 8 * count) && offsets.every((o, i) => i === 0 || o >= offsets[i - 1]!)) return;
  throw new DlError('MODEL_INVALID', `${path} is not a Tesseract traineddata file (it does not start with one's table of contents)`);
}

/**
 * Languages from a local folder given by the caller: every code's file must be there, all gzipped or none (the
 * worker takes one `gzip` for all). A URL is refused here, since tesseract.js would fetch it.
 */
async function folderLanguages(codes: readonly string[], folder: string): Promise<LanguageData> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(folder) && !/^[a-z]:[\\/]/i.test(folder)) {
    throw new DlError('INVALID_ARGUMENT', `langPath must be a local folder, not '${folder}': nothing is fetched`, { parameter: 'langPath' });
  }
  const root = await realpath(folder).catch((error: unknown) => Promise.reject(new DlError('MODEL_NOT_FOUND', `langPath ${folder} does not exist`, { cause: error })));
  const kinds = await Promise.all(codes.map(async (code) => ((await fileSize(join(root, `${code}.traineddata.gz`))) !== undefined ? 'gz' : (await fileSize(join(root, `${code}.traineddata`))) !== undefined ? 'raw' : 'none')));
  const missing = codes.filter((_, i) => kinds[i] === 'none');
  if (missing.length > 0) throw new DlError('MODEL_NOT_FOUND', `langPath ${folder} has no ${missing.map((c) => `${c}.traineddata(.gz)`).join(', ')}`);
  if (new Set(kinds).size > 1) throw new DlError('MODEL_INVALID', `langPath ${folder}: the traineddata files must be all gzipped or all plain, not a mix`);
  await Promise.all(codes.map((code) => checkTraineddata(join(root, `${code}.traineddata${kinds[0] === 'gz' ? '.gz' : ''}`), kinds[0] === 'gz')));
  return { codes, langPath: root, gzip: kinds[0] === 'gz' };
}

/** The manifest of the English model: which file of which package, and its sha256. */
interface PackagedModel {
  name: string;
  package: string;
  file: string;
  sha256: Record<string, string>;
}

async function readPackagedModel(): Promise<PackagedModel> {
  const path = new URL('../../models/tesseract-eng/dlkit.json', import.meta.url);
  return JSON.parse(await readFile(path, 'utf8')) as PackagedModel;
}

/**
 * A language from its installed @tesseract.js-data package (the LSTM-only `4.0.0_best_int` file, the one
 * tesseract.js itself would fetch). English is checked against the sha256 in models/tesseract-eng/dlkit.json.
 */
async function packagedLanguage(code: string): Promise<LanguageData> {
  const pkg = `@tesseract.js-data/${code}`;
  const folder = packageFolder(pkg);
  if (folder === undefined) throw dependencyMissing(pkg, versionOf(pkg), `OCR in '${code}'`);
  const file = join(folder, '4.0.0_best_int', `${code}.traineddata.gz`);
  if ((await fileSize(file)) === undefined) throw new DlError('MODEL_NOT_FOUND', `${file} is missing (a broken ${pkg} install)`);
  const model = await readPackagedModel();
  if (code === 'eng' && (await sha256Of(file)) !== model.sha256[model.file]) {
    throw new DlError('MODEL_INVALID', `${file} does not match its sha256 in models/tesseract-eng/dlkit.json (corrupt or another version)`);
  }
  return { codes: [code], langPath: dirname(file), gzip: true };
}

/**
 * Where each language's model is read from: `langPath` when given, else the language's own package. Several
 * languages are read by one worker from one folder, and each package is a folder of its own: they need langPath.
 */
export async function resolveLanguages(codes: readonly string[], langPath: string | undefined): Promise<LanguageData> {
  if (langPath !== undefined) return folderLanguages(codes, langPath);
  if (codes.length > 1) {
    throw new DlError('INVALID_ARGUMENT', `languages ${codes.join('+')}: several languages are read from one folder: give langPath (a folder of <code>.traineddata files)`, { parameter: 'langPath' });
  }
  return packagedLanguage(codes[0]!);
}

export interface OcrEngine {
  /** Starts the worker (and loads the languages) now rather than at the first image, so a bad model fails the load. */
  start(): Promise<void>;
  /**
   * Recognises one encoded image (PNM/PNG bytes) with the page segmentation `psm` by `deadline` (ms since the
   * epoch); `timeoutMs` is the image's whole allowance, for the error's hint.
   */
  recognize(image: Uint8Array, psm: string, deadline: number, timeoutMs: number): Promise<TesseractPage>;
  dispose(): Promise<void>;
}

/** A worker that failed to start says why only through errorHandler: this waits for whichever comes first. */
async function startWorker(T: TesseractModule, data: LanguageData, onError: (error: unknown) => void): Promise<Tesseract.Worker> {
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const worker = T.createWorker([...data.codes], T.OEM.LSTM_ONLY, {
    langPath: data.langPath,
    gzip: data.gzip,
    // No cache: the traineddata is read from langPath each start, and nothing is written anywhere.
    cacheMethod: 'none',
    // Without a handler, tesseract.js throws a job's failure from its message listener: an uncaught exception.
    errorHandler: (error: unknown) => {
      fail(error);
      onError(error);
    },
  });
  try {
    const started = await Promise.race([worker, failed]);
    // Tesseract's own notes ("Estimating resolution as 300") go to the worker's stdout, which is the process's:
    // they would land inside `dl --json` output. Its debug file takes them instead.
    await Promise.race([started.setParameters({ debug_file: '/dev/null' }), failed]);
    return started;
  } catch (error) {
    void worker.then((w) => w.terminate(), () => {});
    throw new DlError('MODEL_INVALID', `Tesseract could not load ${data.codes.join('+')} from ${data.langPath}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * The OCR engine: one tesseract.js worker thread (its wasm core from the installed tesseract.js-core, never a CDN),
 * started on first use and again after a timeout, since a running recognition cannot be interrupted but by
 * terminating its thread.
 */
export function createEngine(data: LanguageData): OcrEngine {
  const T = loadTesseract();
  let worker: Promise<Tesseract.Worker> | undefined;
  let jobFailed: ((error: unknown) => void) | undefined;
  const current = () => (worker ??= startWorker(T, data, (error) => jobFailed?.(error)));
  const stop = async () => {
    const w = worker;
    worker = undefined;
    await w?.then((x) => x.terminate(), () => {});
  };
  return {
    async start() {
      await current();
    },
    async recognize(image, psm, deadline, timeoutMs) {
      const w = await current();
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        const error = new DlError('MODEL_RUNTIME', `OCR gave up on this image after ${timeoutMs} ms (timeoutMs)`, { hint: { kind: 'raise-option', option: 'timeoutMs', value: timeoutMs * 2 } });
        timer = setTimeout(() => reject(error), Math.max(1, deadline - Date.now()));
      });
      const failed = new Promise<never>((_, reject) => (jobFailed = reject));
      try {
        const job = w.recognize(Buffer.from(image.buffer, image.byteOffset, image.byteLength), { tessedit_pageseg_mode: psm } as never, { text: false, blocks: true });
        return (await Promise.race([job, limit, failed])).data as TesseractPage;
      } catch (error) {
        if (isDlError(error)) await stop();
        throw isDlError(error) ? error : new DlError('MODEL_RUNTIME', `Tesseract failed on this image: ${errorMessage(error)}`, { cause: error });
      } finally {
        clearTimeout(timer);
        jobFailed = undefined;
      }
    },
    dispose: stop,
  };
}
