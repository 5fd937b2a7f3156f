import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlError, type DlHint } from '@dlkit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeError, hintText } from './api-error.js';
import { createDemoApp } from './app.js';

/** What an HTTP client must never be told to do: pass a flag, or run a `dl` command. */
const CLI_WORDS = /--|\bdl\s+[a-z]/;

describe('demo errors: one status per DlError code, worded for an HTTP client', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('maps each code to its status; INVALID_ARGUMENT names its parameter; a model failure shows one line and no stack', () => {
    const status = (error: DlError) => describeError(error).status;
    expect(describeError(new DlError('INVALID_ARGUMENT', 'topK must be at least 1', { parameter: 'topK' }))).toMatchObject({
      status: 400,
      error: { code: 'INVALID_ARGUMENT', parameter: 'topK' },
    });
    expect(status(new DlError('INPUT_UNREADABLE', 'x'))).toBe(400);
    expect(status(new DlError('INPUT_NOT_FOUND', 'x'))).toBe(400);
    expect(status(new DlError('INPUT_TOO_LARGE', 'x'))).toBe(413);
    expect(status(new DlError('INPUT_UNSUPPORTED', 'x'))).toBe(415);
    expect(status(new DlError('MODEL_NOT_FOUND', 'x'))).toBe(404);
    expect(status(new DlError('MODEL_OFFLINE', 'x'))).toBe(503);
    expect(status(new DlError('DISPOSED', 'x'))).toBe(503);
    expect(describeError(new DlError('BUSY', 'x'))).toMatchObject({ status: 503, retryAfterSeconds: expect.any(Number) });
    const runtime = new DlError('MODEL_RUNTIME', 'mobilenetv2 failed on this input: shape mismatch\n    at Session.run (ort.js:1:1)', { cause: new Error('shape') });
    expect(describeError(runtime)).toMatchObject({ status: 500, error: { code: 'MODEL_RUNTIME', message: 'mobilenetv2 failed on this input: shape mismatch' } });
    const foreign = describeError(new Error('secret /home/path'));
    expect(foreign).toMatchObject({ status: 500, error: { code: 'INTERNAL' } });
    expect(foreign.error.message).not.toContain('/home/path');
  });

  it('renders every kind of hint in the demo words, never a CLI flag or a dl command', () => {
    const hints: Array<[DlHint, RegExp]> = [
      [{ kind: 'pull-model', model: 'Xenova/distilbart-cnn-6-6', task: 'summarization' }, /^This server has not downloaded Xenova\/distilbart-cnn-6-6; ask its operator to fetch it\.$/],
      [{ kind: 'pull-model', model: 'x/y', task: 'summarization', alternatives: ['textrank'] }, /^This server has not downloaded x\/y; ask its operator to fetch it\. Or try model textrank, which it has\.$/],
      [{ kind: 'other-model', models: ['textrank'], why: 'works offline' }, /^Try model textrank \(works offline\)\.$/],
      [{ kind: 'raise-option', option: 'maxSeconds', value: 300 }, /^This server takes at most 120 s of audio per request\.$/],
      [{ kind: 'raise-option', option: 'maxPixels' }, /^This server takes at most 40,000,000 pixels per image\.$/],
      [{ kind: 'raise-option', option: 'maxLength', value: 200 }, /maxLength \(200\)/],
      [{ kind: 'use-option', option: 'method', value: 'extractive' }, /^Try method: "extractive"\.$/],
      [{ kind: 'did-you-mean', value: 'person' }, /^Did you mean 'person'\?$/],
      [{ kind: 'install', what: 'ffmpeg' }, /ffmpeg.*ask its operator/],
    ];
    for (const [hint, words] of hints) {
      const text = hintText(hint);
      expect(text, hint.kind).toMatch(words);
      expect(text, hint.kind).not.toMatch(CLI_WORDS);
    }
    // A hint rides on the message of any code; an offline model gets the server's words alone.
    expect(describeError(new DlError('INPUT_TOO_LARGE', 'upload: longer than 120 s', { hint: { kind: 'raise-option', option: 'maxSeconds' } })).error.message).toBe(
      'upload: longer than 120 s This server takes at most 120 s of audio per request.',
    );
    const offline = new DlError('MODEL_OFFLINE', 'Hub model x/y is not in the cache (/root/.cache) and DL_OFFLINE=1: run `dl models pull x/y --task summarization`', {
      hint: { kind: 'pull-model', model: 'x/y', task: 'summarization' },
    });
    expect(describeError(offline).error.message).toBe('This server has not downloaded x/y; ask its operator to fetch it.');
  });

  it('a summarize request on a server without the hub model gets a JSON error in its own words (old: `dl models pull ... --task` over HTTP)', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'dlkit-demo-empty-cache-'));
    vi.stubEnv('DL_OFFLINE', '1');
    vi.stubEnv('DL_CACHE', cache);
    const demo = await createDemoApp({ workDir: join(cache, 'demo') });
    try {
      const r = await demo.app.request('http://127.0.0.1/api/nlp/summarize', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'Cats sleep. Dogs bark. Birds sing.', model: 'Xenova/distilbart-cnn-6-6' }),
      });
      const text = await r.text();
      expect(r.status, text).toBe(503);
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'MODEL_OFFLINE', message: expect.stringMatching(/distilbart-cnn-6-6.*ask its operator to fetch it/) } });
      expect(text).not.toMatch(CLI_WORDS);
      expect(text).not.toContain('dl models');
      // Nor the server's own folders.
      expect(text).not.toContain(cache);
    } finally {
      await demo.close();
      await rm(cache, { recursive: true, force: true });
    }
  });
});
