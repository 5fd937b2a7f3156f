import { DlError, isDlError } from '@dlkit/core/pipeline';
import { datasetCandidates, datasetEntry, listDatasets, locateDataset, pullDataset, type DatasetEntry, type DatasetLocation } from '@dlkit/core/datasets';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { downloadProgress } from '../terminal/download-progress.js';

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;

/** Where a set is here: its verified local copy, `absent`, or `invalid` (a copy that fails its check, with why). */
function whereIs(entry: DatasetEntry): { where: string; dir?: string; error?: string } {
  try {
    const location = locateDataset(entry.name);
    return location ? { where: label(location), dir: location.dir } : { where: 'absent' };
  } catch (error) {
    if (!isDlError(error, 'DATASET_INVALID')) throw error;
    return { where: 'invalid', error: error.message };
  }
}

const label = (location: DatasetLocation) => (location.where === 'packaged' ? `package ${location.package}` : location.where);

/** `dl data list`: every registered set, its task, size, licence and where it is here. */
export async function dataList(out: Output): Promise<number> {
  const rows = listDatasets().map((entry) => ({ entry, ...whereIs(entry) }));
  if (out.json) {
    for (const { entry, where, dir, error } of rows) {
      process.stdout.write(`${JSON.stringify({ name: entry.name, task: entry.task, bytes: entry.content.bytes, licence: entry.licence, where, ...(dir ? { dir } : {}), ...(error ? { error } : {}) })}\n`);
    }
    return 0;
  }
  const table = [['NAME', 'TASK', 'SIZE', 'WHERE', 'LICENCE'], ...rows.map((r) => [r.entry.name, r.entry.task, megabytes(r.entry.content.bytes), r.where, r.entry.licence])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
  return 0;
}

/** `dl data pull <name>...`: each set made local (already here, or downloaded and checked into DL_CACHE/datasets). */
export async function dataPull(names: readonly string[], out: Output): Promise<number> {
  if (names.length === 0) throw new UsageError(`data pull needs a data set name (${listDatasets().map((d) => d.name).join(', ')})`);
  let failed = 0;
  for (const name of names) {
    const progress = downloadProgress(out.json);
    try {
      const pulled = await pullDataset(name, { onProgress: (event) => progress.update(event) });
      progress.end();
      const entry = datasetEntry(name);
      const how = pulled.status === 'downloaded' ? `downloaded and checked (${entry.content.files} files, ${megabytes(entry.content.bytes)})` : `already here (${label(pulled)}, checked)`;
      out.result(name, { name, dir: pulled.dir, where: pulled.where, status: pulled.status, ...(pulled.replaced ? { replaced: pulled.replaced } : {}) }, `${name}: ${how} in ${pulled.dir}`);
    } catch (error) {
      progress.end();
      failed++;
      // The hint of a set that cannot be fetched names this very command: say what else gets it instead.
      out.inputError(name, isDlError(error, 'DATASET_OFFLINE') ? new DlError('DATASET_OFFLINE', `${error.message}; or point DL_DATA_MIRROR at a folder that holds ${name}`, { cause: error }) : error);
    }
  }
  return failed > 0 ? 1 : 0;
}

/** `dl data info <name>`: the registry entry (sources, content hash, splits) and every local copy. */
export async function dataInfo(names: readonly string[], out: Output): Promise<number> {
  if (names.length !== 1) throw new UsageError('data info takes one data set name');
  const entry = datasetEntry(names[0]!);
  const here = whereIs(entry);
  const copies = datasetCandidates(entry).map((c) => ({ where: label(c), dir: c.dir }));
  const lines = [
    `${entry.name}: ${entry.title}`,
    `task: ${entry.task}`,
    `licence: ${entry.licence}`,
    `homepage: ${entry.homepage}`,
    ...(entry.citation ? [`cite: ${entry.citation}`] : []),
    `content: ${entry.content.files} files, ${megabytes(entry.content.bytes)}, tree sha256 ${entry.content.sha256}`,
    'sources:',
    ...entry.sources.map((s) => `  ${s.url}${s.bytes ? ` (${megabytes(s.bytes)})` : ''}${s.sha256 ? ` sha256 ${s.sha256}` : ''}`),
    'splits:',
    ...Object.entries(entry.splits).map(([name, { holdout, ...data }]) => `  ${entry.name}:${name}  ${JSON.stringify(data)}${holdout ? `  (${holdout.part} part of a seeded ${holdout.stratify === false ? '' : 'stratified '}${holdout.fraction} holdout)` : ''}`),
    `here: ${here.where}${here.dir ? ` (${here.dir})` : ''}${here.error ? `: ${here.error}` : ''}`,
    ...(here.where === 'absent' ? [`  get it with: dl data pull ${entry.name}`] : []),
  ];
  out.result(entry.name, { ...entry, here, copies }, lines.join('\n'));
  return 0;
}
