import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDlError } from '../errors.js';
import { testDataset } from '../testing.js';
import { dataMirrors, locateEntry } from './local.js';
import { datasetEntry } from './registry.js';
import { extractTar, type TarOptions } from './tar.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'dlkit-datasets-hostile-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** One ustar header block, its checksum computed: what a hostile archive is made of (tiny fixtures, by hand). */
function header(name: string, size: number, type = '0', link = '', edit: (block: Buffer) => void = () => {}): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write(type, 156);
  block.write(link, 157, 100, 'utf8');
  block.write('ustar\0' + '00', 257, 'binary');
  edit(block);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'binary');
  return block;
}
const padded = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
const file = (name: string, data: Buffer, type = '0') => Buffer.concat([header(name, data.length, type), padded(data)]);
const END = Buffer.alloc(1024);

const OPTIONS: TarOptions = { strip: 0, keep: () => true, maxArchiveBytes: 1 << 20, maxBytes: 64 * 1024, what: 'The test archive' };
async function extract(archive: Buffer, options: Partial<TarOptions> = {}) {
  const dest = mkdtempSync(join(work, 'dest-'));
  const outcome = await extractTar(Readable.from([archive]), dest, { ...OPTIONS, ...options }).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { outcome, written: readdirSync(dest, { recursive: true, encoding: 'utf8' }).sort() };
}
const refused = (outcome: { ok: boolean; error?: unknown }) => (outcome.ok ? 'extracted' : isDlError(outcome.error) ? `${outcome.error.code}: ${outcome.error.message}` : `plain ${String(outcome.error)}`);

describe('a hostile tar from a mirror or a cache (tiny hand-made archives): refused or read past, nothing written outside', () => {
  const good = file('set/a.txt', Buffer.from('real bytes\n'));

  it('names that climb out (../, absolute, a backslash) are DATASET_INVALID, and no file lands outside the folder', async () => {
    for (const name of ['set/../../evil.txt', '/tmp/evil.txt', '..\\evil.txt', 'set/\u001b[2Jx']) {
      const { outcome } = await extract(Buffer.concat([good, file(name, Buffer.from('evil')), END]));
      expect(refused(outcome), name).toMatch(/^DATASET_INVALID: The test archive holds the entry .* outside its folder: refused/);
    }
    expect(existsSync(join(work, 'evil.txt'))).toBe(false);
  });

  it('symlinks, hardlinks, devices and FIFOs are never created: only the regular files come out', async () => {
    const entries = [header('set/link', 0, '2', '/etc/passwd'), header('set/hard', 0, '1', 'set/a.txt'), header('set/zero', 0, '3'), header('set/disk', 0, '4'), header('set/pipe', 0, '6')];
    const { outcome, written } = await extract(Buffer.concat([good, ...entries, END]));
    expect(outcome.ok).toBe(true);
    expect(written).toEqual(['set', 'set/a.txt']);
  });

  it('a huge declared size is refused before a byte is written; a base-256 size (8 GiB and more) too', async () => {
    const huge = Buffer.concat([header('set/big.bin', 0o77777777777), Buffer.alloc(512), END]);
    const { outcome, written } = await extract(huge);
    expect(refused(outcome)).toMatch(/^DATASET_INVALID: .*holds more than the 65536 bytes of the set/);
    expect(written).toEqual([]);
    const base256 = header('set/big.bin', 0, '0', '', (block) => void (block[124] = 0x80));
    expect(refused((await extract(Buffer.concat([base256, END]))).outcome)).toMatch(/^DATASET_INVALID: .*too large to unpack/);
  });

  it('an archive that unpacks past its bound (a gzip bomb) stops at the bound, not at the end of memory', async () => {
    const skipped = file('set/other.bin', Buffer.alloc(2 << 20));
    const { outcome } = await extract(Buffer.concat([skipped, END]), { keep: (rel) => rel.endsWith('.txt') });
    expect(refused(outcome)).toMatch(/^DATASET_INVALID: .*unpacks to more than 1048576 bytes/);
  });

  it('a truncated archive (mid-entry, mid-header, after a long-name header) is DATASET_INVALID, never a plain error', async () => {
    const whole = Buffer.concat([good, file('set/b.txt', Buffer.alloc(3000, 'b')), END]);
    const longName = Buffer.concat([header('././@LongLink', 600, 'L')]);
    for (const [what, archive] of [
      ['mid-entry', whole.subarray(0, 512 * 3 + 100)],
      ['mid-header', whole.subarray(0, 1024 + 200)],
      ['after a long-name header', longName],
    ] as const) {
      expect(refused((await extract(archive)).outcome), what).toMatch(/^DATASET_INVALID: .*(ends in the middle of an entry|not a tar archive)/);
    }
  });

  it('a header whose checksum is wrong, and the same file twice, are DATASET_INVALID', async () => {
    const bad = header('set/a.txt', 0);
    bad[0] = 0x41;
    expect(refused((await extract(Buffer.concat([bad, END]))).outcome)).toMatch(/checksum does not match/);
    expect(refused((await extract(Buffer.concat([good, good, END]))).outcome)).toMatch(/holds set\/a\.txt twice/);
  });
});

// The real rt-polarity files, copied into a mirror folder of the test's own and tampered with there.
const RT = testDataset('rt-polarity');
describe.skipIf(!RT)('a mirror folder whose files fail the tree hash is DATASET_INVALID and never used (real rt-polarity)', () => {
  const entry = datasetEntry('rt-polarity');
  const env = () => ({ ...process.env, DL_CACHE: join(work, 'cache'), DL_DATA_MIRROR: join(work, 'mirror') });
  const copy = () => {
    cpSync(RT!, join(work, 'mirror', 'rt-polarity'), { recursive: true });
    return join(work, 'mirror', 'rt-polarity');
  };
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return isDlError(error) ? `${error.code}: ${error.message}` : `plain ${String(error)}`;
    }
    return 'used';
  };

  it('a file grown to a sparse 64 GiB is refused from its size at once, without being read', () => {
    const dir = copy();
    truncateSync(join(dir, 'rt-polarity.pos'), 64 * 2 ** 30);
    const started = performance.now();
    expect(failure(() => locateEntry(entry, env()))).toMatch(/^DATASET_INVALID: The DL_DATA_MIRROR copy .*more than the set's \d+ \(rt-polarity\.pos is 68719476736 bytes\)/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a file with one byte changed is DATASET_INVALID naming it', () => {
    const dir = copy();
    writeFileSync(join(dir, 'rt-polarity.neg'), 'tampered\n');
    expect(failure(() => locateEntry(entry, env()))).toMatch(/^DATASET_INVALID: .*rt-polarity\.neg/);
  });

  it('a corrupt or planted verification stamp is not trusted: the copy is checked again (a good copy is found, a bad one refused)', () => {
    const dir = copy();
    const key = createHash('sha256').update(`rt-polarity\0${dir}`).digest('hex').slice(0, 32);
    const stamps = join(work, 'cache', 'datasets', '.verified');
    mkdirSync(stamps, { recursive: true });
    const plant = (stamp: unknown) => writeFileSync(join(stamps, `${key}.json`), JSON.stringify(stamp));
    // The right tree hash with damaged file rows: once a TypeError that made a good copy "invalid".
    plant({ version: 1, name: 'rt-polarity', dir, sha256: entry.content.sha256, files: [null, 5] });
    expect(locateEntry(entry, env())).toMatchObject({ dir, where: 'mirror' });
    plant({ version: 1, name: 'rt-polarity', dir, sha256: entry.content.sha256, files: [[1, 'x']] });
    writeFileSync(join(dir, 'rt-polarity.neg'), 'tampered\n');
    expect(failure(() => locateEntry(entry, env()))).toMatch(/^DATASET_INVALID: .*rt-polarity\.neg/);
  });

  it('DL_DATA_MIRROR with empty items, a relative path and a path that is a file: the empty ones and the file are passed over', () => {
    const dir = copy();
    const aFile = join(work, 'not-a-folder');
    writeFileSync(aFile, 'x');
    const mirror = ['', aFile, '', join(work, 'mirror'), ''].join(':');
    expect(dataMirrors({ DL_DATA_MIRROR: mirror })).toEqual([aFile, join(work, 'mirror')]);
    expect(locateEntry(entry, { ...env(), DL_DATA_MIRROR: mirror })).toMatchObject({ dir, where: 'mirror' });
    expect(dataMirrors({ DL_DATA_MIRROR: 'relative/mirror' })).toEqual([join(process.cwd(), 'relative', 'mirror')]);
    expect(locateEntry(entry, { ...env(), DL_DATA_MIRROR: `${aFile}::` })).toBeUndefined();
  });
});
