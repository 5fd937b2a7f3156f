import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-decode-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Error & { code?: string }) => e);

describe('decoding an image', () => {
  it('an empty file or buffer is a typed one-line error that names the input', async () => {
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    expect(await failure(decodeImage(empty))).toMatchObject({ code: 'INPUT_UNSUPPORTED', message: `${empty}: empty, not an image` });
    expect(await failure(decodeImage(Buffer.alloc(0)))).toMatchObject({ code: 'INPUT_UNSUPPORTED', message: '<buffer of 0 bytes>: empty, not an image' });
  });

  it('bytes that are not an image, a device and a FIFO fail naming the input, in one line', async () => {
    const text = join(dir, 'text.jpg');
    await writeFile(text, 'a shopping list, not a picture\n');
    for (const [input, code] of [[text, 'INPUT_UNREADABLE'], ['/dev/zero', 'INPUT_UNSUPPORTED']] as const) {
      const error = await failure(decodeImage(input));
      expect(error).toMatchObject({ code, message: expect.stringMatching(new RegExp(`^${input}: [^\\n]+$`)) });
    }
  });
});
