import { createReadStream, createWriteStream, lstatSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DlError, errorMessage, isDlError } from '../errors.js';
import { downloadPart, hashFile, regularFileSize, type DownloadContext } from '../io/download.js';
import { cacheFolder, dlSettings } from '../models/settings.js';
import { checkTree, datasetCandidates, locateEntry, verifyLocalCopy, type DatasetLocation } from './local.js';
import { datasetEntry, type DatasetEntry, type DatasetSource } from './registry.js';
import { extractTar } from './tar.js';

export interface DatasetProgress {
  dataset: string;
  file: string;
  loaded: number;
  total: number | undefined;
}

export interface EnsureOptions {
  signal?: AbortSignal;
  onProgress?: (event: DatasetProgress) => void;
}

export interface PulledDataset extends DatasetLocation {
  name: string;
  /** `local`: it was already here (cache, mirror or package); `downloaded`: fetched now into the cache. */
  status: 'local' | 'downloaded';
  /** Why a cached copy was deleted and fetched again. */
  replaced?: string;
}

/** Slowest transfer a download is given time for (then it is an interrupted one, resumed by the next pull). */
const MIN_BYTES_PER_SECOND = 128 * 1024;
const MiB = 1024 * 1024;

const notLocal = (entry: DatasetEntry, why: string, cause?: unknown) =>
  new DlError('DATASET_OFFLINE', `Data set ${entry.name} is not cached or in a DL_DATA_MIRROR folder, and ${why}`, {
    hint: { kind: 'pull-dataset', dataset: entry.name },
    ...(cause === undefined ? {} : { cause }),
  });

/** A folder of the cache that is a link is refused: nothing is written through it. */
function assertRealFolder(path: string): void {
  if (lstatSync(path).isSymbolicLink()) throw new DlError('DATASET_INVALID', `${path} in the data-set cache is a link: refused (the cache holds real folders only); remove it`);
}

/**
 * Makes `name` local: the verified local copy (cache, mirror, system package), else a download of its official
 * sources into `DL_CACHE/datasets/<dir>`. A cached copy that fails its check is deleted and fetched again (with
 * DL_OFFLINE=1 it is DATASET_INVALID naming the file at fault); not local and offline or unreachable: DATASET_OFFLINE.
 */
export async function pullDataset(name: string, options: EnsureOptions = {}): Promise<PulledDataset> {
  return pullEntry(datasetEntry(name), options);
}

/** `pullDataset` for an entry (the registry's, or a test's variant of one served from elsewhere). */
export async function pullEntry(entry: DatasetEntry, options: EnsureOptions = {}): Promise<PulledDataset> {
  const name = entry.name;
  const { offline } = dlSettings();
  let replaced: string | undefined;
  const cached = datasetCandidates(entry).find((c) => c.where === 'cache');
  if (cached) {
    try {
      verifyLocalCopy(entry, cached);
      return { ...cached, name, status: 'local' };
    } catch (error) {
      if (!isDlError(error, 'DATASET_INVALID') || offline) throw error;
      await rm(cached.dir, { recursive: true, force: true });
      replaced = error.message;
    }
  }
  const local = locateEntry(entry);
  if (local) return { ...local, name, status: 'local' };
  if (offline) throw notLocal(entry, 'DL_OFFLINE=1 forbids downloading it');
  const dir = await downloadDataset(entry, options);
  return { dir, where: 'cache', name, status: 'downloaded', ...(replaced ? { replaced } : {}) };
}

/** The folder of `name`, fetched first if need be (see `pullDataset`). */
export async function ensureDataset(name: string, options: EnsureOptions = {}): Promise<string> {
  return (await pullDataset(name, options)).dir;
}

const sourceName = (source: DatasetSource) => source.file ?? basename(new URL(source.url).pathname);

/** Downloads, unpacks into a fresh folder, checks the tree, renames it into place: a second try after a failed check. */
async function downloadDataset(entry: DatasetEntry, options: EnsureOptions): Promise<string> {
  const root = await cacheFolder('datasets');
  assertRealFolder(root);
  // Complete downloads wait here between runs (a later pull resumes, not restarts); removed once the set is in place.
  const staging = join(root, '.partial', entry.name);
  await mkdir(staging, { recursive: true });
  assertRealFolder(join(root, '.partial'));
  assertRealFolder(staging);
  for (let attempt = 1; ; attempt++) {
    const files: string[] = [];
    for (const [i, source] of entry.sources.entries()) files.push(await fetchSource(entry, source, join(staging, `${i}-${sourceName(source)}`), options));
    const tmp = await mkdtemp(join(root, `.tmp-${entry.name}-`));
    try {
      const failed = await unpackChecked(entry, files, tmp);
      if (failed === undefined) return await install(entry, root, tmp, staging);
      // A download that does not unpack or does not match is fetched anew (once here, else by the next pull).
      await rm(staging, { recursive: true, force: true });
      if (failed instanceof DlError || attempt >= 2) {
        throw failed instanceof DlError ? failed : new DlError('DATASET_INVALID', `The download of ${entry.name} does not match the registry (${failed}), twice: deleted (a changed upstream or a tampered mirror)`);
      }
      await mkdir(staging, { recursive: true });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

/** The sources unpacked into `tmp` and the tree checked: undefined when it matches, else why (a reason, or the unpacking's error). */
async function unpackChecked(entry: DatasetEntry, files: readonly string[], tmp: string): Promise<DlError | string | undefined> {
  try {
    for (const [i, source] of entry.sources.entries()) await unpack(entry, source, files[i]!, tmp);
  } catch (error) {
    if (isDlError(error)) return error;
    throw error;
  }
  const check = checkTree(entry, tmp);
  return check.ok ? undefined : check.reason;
}

/** Renames the checked folder into `DL_CACHE/datasets/<dir>` (one step: a reader sees all of it or nothing) and stamps it. */
async function install(entry: DatasetEntry, root: string, tmp: string, staging: string): Promise<string> {
  const final = join(root, ...entry.dir.split('/'));
  await mkdir(dirname(final), { recursive: true });
  for (let parent = dirname(final); parent !== root; parent = dirname(parent)) assertRealFolder(parent);
  try {
    await rename(tmp, final);
  } catch (error) {
    // Another pull of the same set finished first: its copy is used (and checked) instead.
    if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
  await rm(staging, { recursive: true, force: true });
  await rmdir(join(root, '.partial')).catch(() => undefined); // others' downloads may wait there
  verifyLocalCopy(entry, { dir: final, where: 'cache' }); // records the stamp: later uses only list the folder
  return final;
}

function context(entry: DatasetEntry, source: DatasetSource, options: EnsureOptions, bytes: number): DownloadContext {
  const host = new URL(source.url).host;
  return {
    server: host,
    subject: `data set ${entry.name}`,
    offline: 'DATASET_OFFLINE',
    notFound: 'DATASET_OFFLINE',
    invalid: 'DATASET_INVALID',
    hint: { kind: 'pull-dataset', dataset: entry.name },
    timeoutMs: Math.ceil(60_000 + (bytes / MIN_BYTES_PER_SECOND) * 1000),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * One source into `target` (resumed from `<target>.part`), checked against its sha256 where the registry has one:
 * a mismatch deletes it and downloads it once more, then is DATASET_INVALID.
 */
async function fetchSource(entry: DatasetEntry, source: DatasetSource, target: string, options: EnsureOptions): Promise<string> {
  const file = sourceName(source);
  const limit = source.bytes ?? entry.content.bytes * 2 + 64 * MiB;
  for (let attempt = 1; ; attempt++) {
    const have = await regularFileSize(target);
    if (have === undefined || (source.bytes !== undefined && have !== source.bytes)) {
      const job = { url: source.url, part: `${target}.part`, file, limit, ...(source.bytes === undefined ? {} : { expected: source.bytes }) };
      const onProgress = options.onProgress ? (e: { file: string; loaded: number; total: number | undefined }) => options.onProgress!({ dataset: entry.name, ...e }) : undefined;
      try {
        await downloadPart({ ...job, ...(onProgress ? { onProgress } : {}) }, context(entry, source, options, limit));
      } catch (error) {
        if (isDlError(error, 'DATASET_OFFLINE')) throw notLocal(entry, `cannot be downloaded: ${error.message}`, error);
        throw error;
      }
      await rename(`${target}.part`, target);
    }
    if (source.sha256 === undefined || (await hashFile(target, 'sha256')) === source.sha256) return target;
    await rm(target, { force: true });
    if (attempt >= 2) throw new DlError('DATASET_INVALID', `${file} of ${entry.name} from ${source.url} does not match its sha256, twice: deleted (a changed upstream or a tampered mirror)`);
  }
}

/** Counts bytes through a stream, refusing past `max`. */
function bounded(max: number, what: string): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > max ? new DlError('DATASET_INVALID', `${what} unpacks to more than ${max} bytes: refused`) : null, chunk);
    },
  });
}

function gunzipped(path: string): Readable {
  const gunzip = createGunzip();
  const source = createReadStream(path);
  source.on('error', (error) => gunzip.destroy(error));
  return source.pipe(gunzip);
}

/** A downloaded source into the fresh folder `dest`, as its `unpack` says. */
async function unpack(entry: DatasetEntry, source: DatasetSource, file: string, dest: string): Promise<void> {
  const what = `${sourceName(source)} of ${entry.name}`;
  const unpackAs = source.unpack ?? 'none';
  try {
    if (unpackAs === 'none') return await rename(file, join(dest, sourceName(source)));
    if (unpackAs === 'gzip') {
      const name = source.file ?? sourceName(source).replace(/\.gz$/, '');
      return await pipeline(gunzipped(file), bounded(entry.content.bytes, what), createWriteStream(join(dest, name), { flags: 'wx' }));
    }
    const include = new RegExp(`^(?:${entry.content.include})$`);
    await extractTar(gunzipped(file), dest, { strip: source.strip ?? 0, keep: (rel) => include.test(rel), maxArchiveBytes: entry.content.bytes * 3 + 64 * MiB, maxBytes: entry.content.bytes, what: `The archive ${what}` });
  } catch (error) {
    if (isDlError(error)) throw error;
    throw new DlError('DATASET_INVALID', `Cannot unpack ${what}: ${errorMessage(error)} (deleted: the next pull downloads it again)`, { cause: error });
  }
}
