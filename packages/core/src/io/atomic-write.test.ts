import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'dl-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file whole, and removes temporaries of killed writers but not of live ones', async () => {
    const target = join(dir, 'out.srt');
    writeFileSync(target, 'old');
    // A process that has exited: its pid is free, as a SIGKILLed writer's would be.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(`${target}.tmp-${dead}-0badc0de`, 'half of it');
    writeFileSync(`${target}.tmp-${process.pid}-feedf00d`, 'being written by this process');
    writeFileSync(join(dir, 'other.srt.tmp-1-00000000'), 'not ours to judge');
    await writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['other.srt.tmp-1-00000000', 'out.srt', `out.srt.tmp-${process.pid}-feedf00d`]);
  });

  it('a failed write leaves the old file and no temporary', async () => {
    const target = join(dir, 'missing-folder', 'x.txt');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(readdirSync(dir)).not.toContain('missing-folder');
  });
});
