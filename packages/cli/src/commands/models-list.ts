import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, listEmbeddedModels, MANIFEST_FILE, manifestSchema, type EmbeddedModel } from '@dlkit/core';
import type { ModelPeer, ModelRequirements } from '@dlkit/vision';
import type { Output } from '../output.js';

/** A manifest is a few KB: a larger one is not read (the listing must stay quick on a broken install). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** What a row of `dl models list` says about a model, beyond its registration. */
interface ModelFacts {
  runtime?: string;
  /** Bytes of the files the model reads (its folder's, and those it reads from installed peers), or null when unknown. */
  bytes: number | null;
  license?: string;
  installed: boolean;
  /** The optional peers it runs on (OCR's tesseract.js and traineddata), each with the version to install. */
  peers: ModelPeer[];
  /** The npm install line of the peers that are missing. */
  install?: string;
  error?: string;
}

async function fileBytes(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** The model's manifest (licence, runtime, its files' sizes) and its optional peers; no hashing: loading checks those. */
async function factsOf(model: EmbeddedModel, { peers, files, install }: ModelRequirements): Promise<ModelFacts> {
  const facts: ModelFacts = { bytes: null, installed: install === undefined, peers, ...(install !== undefined ? { install } : {}) };
  try {
    const path = join(model.dir, MANIFEST_FILE);
    const length = await fileBytes(path);
    if (length > MAX_MANIFEST_BYTES) throw new Error(`${MANIFEST_FILE} is ${length} bytes`);
    const bytes = await readFile(path);
    const manifest = manifestSchema.parse(JSON.parse(bytes.toString('utf8')));
    const sizes = await Promise.all([...Object.values(manifest.files).map((f) => fileBytes(join(model.dir, f))), ...files.map(fileBytes)]);
    // A model missing a peer misses the files it would read from it: no size to show yet.
    return { ...facts, runtime: manifest.runtime, license: manifest.license, bytes: facts.installed ? sizes.reduce((a, b) => a + b, 0) : null };
  } catch (error) {
    return { ...facts, error: `unreadable ${join(model.dir, MANIFEST_FILE)}: ${errorMessage(error)}` };
  }
}

/** The licence ids a manifest's licence text names (the column of the table; --json has the whole text). */
const LICENCE_IDS = /\b(?:Apache-2\.0|MIT|BSD-[23]-Clause|CC-BY(?:-NC)?(?:-SA)?-\d\.\d|CC0-1\.0|ODbL(?: 1\.0)?|PDDL|public[ -]domain|research use)\b/gi;

function shortLicence(text: string | undefined): string {
  if (text === undefined) return '?';
  const ids = [...new Set([...text.matchAll(LICENCE_IDS)].map((m) => (/^public/i.test(m[0]) ? 'public domain' : m[0])))];
  return ids.length > 0 ? ids.join(', ') : text.split(/ \(|;/)[0]!.slice(0, 24);
}

function size(bytes: number | null): string {
  if (bytes === null) return '-';
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function printTable(models: EmbeddedModel[], facts: ModelFacts[]): void {
  const rows = models.map((m, i) => {
    const f = facts[i]!;
    return [m.name, m.task, size(f.bytes), shortLicence(f.license), f.error !== undefined ? 'broken' : f.installed ? 'yes' : 'no', m.description];
  });
  const header = ['NAME', 'TASK', 'SIZE', 'LICENCE', 'INSTALLED', 'DESCRIPTION'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
  const notes = models.flatMap((m, i) => {
    const f = facts[i]!;
    if (f.error !== undefined) return [`${m.name}: ${f.error}`];
    return f.install === undefined ? [] : [`${m.name} runs on optional peers of ${m.package} that are not installed: ${f.install}`];
  });
  process.stdout.write(`${[line(header), ...rows.map(line), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n')}\n`);
}

export async function modelsList(out: Output): Promise<number> {
  // Importing a task package registers the models it ships; vision also says which of its models need optional peers.
  const [vision] = await Promise.all([import('@dlkit/vision'), import('@dlkit/nlp'), import('@dlkit/speech')]);
  const models = listEmbeddedModels();
  const requirements = (m: EmbeddedModel): ModelRequirements => (m.package === '@dlkit/vision' ? vision.embeddedModelRequirements(m.name) : { peers: [], files: [], install: undefined });
  const facts = await Promise.all(models.map((m) => factsOf(m, requirements(m))));
  if (out.json) {
    models.forEach((m, i) => {
      process.stdout.write(`${JSON.stringify({ name: m.name, task: m.task, package: m.package, description: m.description, dir: m.dir, ...facts[i] })}\n`);
    });
    return 0;
  }
  printTable(models, facts);
  return 0;
}
