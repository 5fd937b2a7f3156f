import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { z } from 'zod';
import { DlError, errorMessage } from '../errors.js';
import { dlSettings } from '../models/settings.js';
import { datasetEntry, type DatasetEntry } from './registry.js';

/** Where a local copy was found: our cache, a `DL_DATA_MIRROR` folder, or a system package's folder. */
export type DatasetWhere = 'cache' | 'mirror' | 'packaged';

export interface DatasetLocation {
  dir: string;
  where: DatasetWhere;
  /** The system package, for `packaged`. */
  package?: string;
}

/** A folder that would take this many entries to list is not a data set's folder (nor a mirror of one). */
const MAX_WALK_ENTRIES = 100_000;
const STAMP_VERSION = 1;

/** The `DL_DATA_MIRROR` folders, in order (several joined by `:`, `;` on Windows). */
export function dataMirrors(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.DL_DATA_MIRROR ?? '').split(delimiter).filter((part) => part !== '').map((part) => resolve(part));
}

/** `DL_CACHE/datasets`: the only folder data sets are written to. */
export function datasetsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dlSettings(env).cacheDir, 'datasets');
}

/** A mirror's or a package's folder may be reached through a link (theirs to lay out); the files in it may not. */
const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The cache folder of `entry` when every part of its path below DL_CACHE/datasets is a real folder (a link there is refused). */
function cacheCopy(entry: DatasetEntry, env: NodeJS.ProcessEnv): string | undefined {
  let current = datasetsCacheDir(env);
  for (const part of ['', ...entry.dir.split('/')]) {
    current = join(current, part);
    let stats;
    try {
      stats = lstatSync(current);
    } catch {
      return undefined;
    }
    if (stats.isSymbolicLink()) throw new DlError('DATASET_INVALID', `${current} in the data-set cache is a link: refused (the cache holds real folders only); remove it`);
    if (!stats.isDirectory()) return undefined;
  }
  return current;
}

/** Every place a copy of `entry` could be, in the order they are used: cache, mirrors, system packages. */
export function datasetCandidates(entry: DatasetEntry, env: NodeJS.ProcessEnv = process.env): DatasetLocation[] {
  const found: DatasetLocation[] = [];
  const cached = cacheCopy(entry, env);
  if (cached) found.push({ dir: cached, where: 'cache' });
  for (const mirror of dataMirrors(env)) {
    const dir = join(mirror, ...entry.dir.split('/'));
    if (isFolder(dir)) found.push({ dir, where: 'mirror' });
  }
  for (const copy of entry.packaged ?? []) if (isFolder(copy.dir)) found.push({ dir: copy.dir, where: 'packaged', package: copy.package });
  return found;
}

interface TreeFile {
  rel: string;
  size: number;
  mtimeMs: number;
}

/** The set's files in `dir` (relative paths matching `content.include`); a link or special file among them is refused. */
function listTree(entry: DatasetEntry, dir: string): TreeFile[] {
  const include = new RegExp(`^(?:${entry.content.include})$`);
  const files: TreeFile[] = [];
  let seen = 0;
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      if (++seen > MAX_WALK_ENTRIES) throw new DlError('DATASET_INVALID', `${dir} holds over ${MAX_WALK_ENTRIES} entries: not the folder of ${entry.name}`);
      const rel = sub === '' ? name : `${sub}/${name}`;
      const stats = lstatSync(join(dir, rel));
      if (stats.isDirectory()) walk(rel);
      else if (include.test(rel)) {
        if (!stats.isFile()) throw new DlError('DATASET_INVALID', `${join(dir, rel)} of ${entry.name} is not a regular file (a link or device): refused`);
        files.push({ rel, size: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
  };
  walk('');
  return files;
}

/** sha256 of a file, read in 1 MiB blocks (synchronous: a test's skip decision and `dl data list` need it at once). */
export function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, block, 0, block.length, null)) > 0; ) hash.update(block.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * The tree hash of a data set: sha256 over the lines `<relative path>\0<sha256 hex>\n`, sorted by path (UTF-8
 * bytes), one per file. Files are given as `[relative path, sha256]`.
 */
export function treeHash(files: ReadonlyArray<readonly [string, string]>): string {
  const hash = createHash('sha256');
  const sorted = [...files].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const [rel, sha] of sorted) hash.update(`${rel}\0${sha}\n`);
  return hash.digest('hex');
}

/** A stamp: what a verified copy's files were (path, size, mtime, sha256) when their tree hash matched. */
const stampSchema = z.object({
  version: z.literal(STAMP_VERSION),
  name: z.string(),
  dir: z.string(),
  sha256: z.string(),
  files: z.array(z.tuple([z.string(), z.number(), z.number(), z.string()])).max(MAX_WALK_ENTRIES),
});
type Stamp = z.infer<typeof stampSchema>;
/** A stamp lists at most MAX_WALK_ENTRIES files of ~150 bytes: a larger file in its place is not one of ours. */
const MAX_STAMP_BYTES = 32 * 1024 * 1024;

/** Stamps live in the cache, keyed by the folder's real path: a mirror or a package folder is never written. */
function stampPath(entry: DatasetEntry, realDir: string, env: NodeJS.ProcessEnv): string {
  const key = createHash('sha256').update(`${entry.name}\0${realDir}`).digest('hex').slice(0, 32);
  return join(datasetsCacheDir(env), '.verified', `${key}.json`);
}

/** The stamp at `path`, or undefined when there is none or it is not one (a stale, corrupt or planted file: the copy is checked again). */
function readStamp(path: string): Stamp | undefined {
  try {
    const stats = lstatSync(path);
    if (!stats.isFile() || stats.size > MAX_STAMP_BYTES) return undefined;
    const parsed = stampSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written only means the next use checks the files again. */
function writeStamp(path: string, stamp: Stamp): void {
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify(stamp));
    renameSync(`${path}.tmp`, path);
  } catch {
    // not writable: verified again next time
  }
}

/** The per-file sha256s of `files` (in `dir`) and their tree hash. */
function hashTree(dir: string, files: readonly TreeFile[]): { hashes: Map<string, string>; sha256: string } {
  const hashes = new Map(files.map((f) => [f.rel, fileSha256(join(dir, f.rel))] as const));
  return { hashes, sha256: treeHash([...hashes]) };
}

function recordStamp(entry: DatasetEntry, realDir: string, files: readonly TreeFile[], tree: { hashes: Map<string, string>; sha256: string }, env: NodeJS.ProcessEnv): void {
  writeStamp(stampPath(entry, realDir, env), { version: STAMP_VERSION, name: entry.name, dir: realDir, sha256: tree.sha256, files: files.map((f) => [f.rel, f.size, f.mtimeMs, tree.hashes.get(f.rel)!]) });
}

/**
 * Whether the set's files in `dir` (a folder being filled, before it is renamed into the cache) have the
 * registry's tree hash; the reason when not.
 */
export function checkTree(entry: DatasetEntry, dir: string): { ok: true } | { ok: false; reason: string } {
  const files = listTree(entry, dir);
  const over = oversize(entry, files);
  if (over) return { ok: false, reason: over };
  const tree = hashTree(dir, files);
  if (acceptedTrees(entry).includes(tree.sha256)) return { ok: true };
  return { ok: false, reason: culprit(entry, files, tree.hashes, undefined) ?? `its tree hash is ${tree.sha256}, not ${entry.content.sha256}` };
}

/**
 * Why the files cannot be the set, told from their sizes alone: more bytes than any accepted tree has. Checked
 * before hashing, so that a sparse terabyte file in a mirror is refused at once, not read for hours.
 */
function oversize(entry: DatasetEntry, files: readonly TreeFile[]): string | undefined {
  const most = Math.max(entry.content.bytes, ...(entry.content.equivalent ?? []).map((e) => e.bytes));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total <= most) return undefined;
  const largest = files.reduce((a, b) => (b.size > a.size ? b : a));
  return `its files hold ${total} bytes, more than the set's ${most} (${largest.rel} is ${largest.size} bytes)`;
}

const acceptedTrees = (entry: DatasetEntry) => [entry.content.sha256, ...(entry.content.equivalent ?? []).map((e) => e.sha256)];

/** Which file is at fault when a tree does not match: one that changed since a stamp, a missing or extra one, or one whose download sha256 is known. */
function culprit(entry: DatasetEntry, files: TreeFile[], hashes: Map<string, string>, stamp: Stamp | undefined): string | undefined {
  const changed = stamp?.files.find(([rel, , , sha]) => hashes.has(rel) && hashes.get(rel) !== sha);
  if (changed) return `${changed[0]} changed since it was verified`;
  const known = entry.sources.filter((s) => (s.unpack ?? 'none') === 'none' && s.sha256 !== undefined);
  for (const source of known) {
    const rel = source.file ?? source.url.slice(source.url.lastIndexOf('/') + 1);
    if (!hashes.has(rel)) return `${rel} is missing`;
    if (hashes.get(rel) !== source.sha256) return `${rel} does not match its sha256`;
  }
  if (files.length !== entry.content.files) return `it holds ${files.length} of the set's files, not ${entry.content.files}`;
  return undefined;
}

/**
 * Checks the copy of `entry` in `location` against the registry's tree hash, once: a stamp in the cache records the
 * size and mtime of every file, so later uses only list the folder. A copy that does not match is DATASET_INVALID
 * naming the file at fault where it can be told.
 */
export function verifyLocalCopy(entry: DatasetEntry, location: DatasetLocation, env: NodeJS.ProcessEnv = process.env): void {
  const realDir = realpathSync(location.dir);
  const files = listTree(entry, realDir);
  const path = stampPath(entry, realDir, env);
  const stamp = readStamp(path);
  const same =
    stamp !== undefined &&
    acceptedTrees(entry).includes(stamp.sha256) &&
    stamp.files.length === files.length &&
    files.every((f, i) => stamp.files[i]![0] === f.rel && stamp.files[i]![1] === f.size && stamp.files[i]![2] === f.mtimeMs);
  if (same) return;
  const where = location.where === 'cache' ? 'cached copy' : location.where === 'mirror' ? 'DL_DATA_MIRROR copy' : `copy from the ${location.package} package`;
  const invalid = (why: string) => new DlError('DATASET_INVALID', `The ${where} of ${entry.name} in ${location.dir} does not match the registry${why}`, { hint: { kind: 'pull-dataset', dataset: entry.name } });
  const over = oversize(entry, files);
  if (over) throw invalid(`: ${over}`);
  const tree = hashTree(realDir, files);
  if (acceptedTrees(entry).includes(tree.sha256)) return recordStamp(entry, realDir, files, tree, env);
  const fault = culprit(entry, files, tree.hashes, stamp);
  throw invalid(fault ? `: ${fault}` : ` (tree hash ${tree.sha256})`);
}

/** The first verified local copy of `name` (cache, then each mirror, then a system package's folder), or undefined: no network. */
export function locateDataset(name: string, env: NodeJS.ProcessEnv = process.env): DatasetLocation | undefined {
  return locateEntry(datasetEntry(name), env);
}

/** `locateDataset` for an entry (the registry's, or a test's variant of one). */
export function locateEntry(entry: DatasetEntry, env: NodeJS.ProcessEnv = process.env): DatasetLocation | undefined {
  const name = entry.name;
  const candidates = datasetCandidates(entry, env);
  for (const location of candidates) {
    try {
      verifyLocalCopy(entry, location, env);
      return location;
    } catch (error) {
      // A package folder of another version holds other bytes: not this set, and not ours to call corrupt.
      if (location.where === 'packaged') continue;
      throw error instanceof DlError ? error : new DlError('DATASET_INVALID', `Cannot read ${location.dir} for ${name}: ${errorMessage(error)}`, { cause: error });
    }
  }
  return undefined;
}

/** The verified local folder of `name`, or undefined when it is neither cached, mirrored nor installed by a package. */
export function localDataset(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return locateDataset(name, env)?.dir;
}
