import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataset } from '@dlkit/core/testing';
import { encodeWav, SAMPLE_RATE, toSrt, toVttWords, type Transcript } from '@dlkit/speech';
import { joinRecordings } from '@dlkit/speech/training';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoApp, type DemoApp } from './app.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');

describe.skipIf(!FSDD_SET)('demo subtitles: format=vtt-words and cue limits (speech-digits on FSDD)', () => {
  let work: string;
  let demo: DemoApp;
  let wav: Buffer;
  const transcribe = (query: string) => {
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'pin.wav');
    return demo.app.request(`http://127.0.0.1/api/speech/transcribe?${query}`, { method: 'POST', body: form });
  };
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dlkit-demo-subtitles-'));
    demo = await createDemoApp({ workDir: work });
    wav = encodeWav((await joinRecordings(FSDD, ['4_george_0', '1_jackson_1', '5_theo_2'], 0.5)).audio, { sampleRate: SAMPLE_RATE });
  });
  afterAll(async () => {
    await demo?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('vtt-words with timestamps=word and the cue limits gives what the library writes of the same transcript', async () => {
    const { output } = (await (await transcribe('timestamps=word')).json()) as { output: Transcript };
    expect(output.text).toBe('four one five');
    const words = await transcribe('timestamps=word&format=vtt-words&maxLineChars=8');
    expect(words.status).toBe(200);
    expect(words.headers.get('content-type')).toMatch(/^text\/vtt/);
    const vtt = await words.text();
    expect(vtt).toBe(toVttWords(output.chunks, { maxLineChars: 8 }));
    expect(vtt).toMatch(/<c>four<\/c> <00:00:\d\d\.\d{3}><c>one<\/c>/);
    const srt = await (await transcribe('format=srt&maxLineSeconds=1.5')).text();
    expect(srt).toBe(toSrt(output.chunks, { maxLineSeconds: 1.5 }));
    expect(srt.match(/-->/g)!.length).toBeGreaterThan(1);
  });

  it('bad limits, limits with JSON, and vtt-words without word timestamps are 400 INVALID_ARGUMENT naming the parameter, before the model runs', async () => {
    const cases: Array<[string, string]> = [
      ['format=vtt-words', 'timestamps'],
      ['format=srt&maxLineChars=0', 'maxLineChars'],
      ['format=srt&maxLineChars=0x10', 'maxLineChars'],
      ['format=srt&maxLineChars=2.5', 'maxLineChars'],
      ['format=srt&maxLineChars=10001', 'maxLineChars'],
      ['format=vtt&maxLineSeconds=1e1', 'maxLineSeconds'],
      ['format=vtt&maxLineSeconds=0', 'maxLineSeconds'],
      ['maxLineChars=20', 'maxLineChars'],
      ['format=ass', 'format'],
    ];
    for (const [query, parameter] of cases) {
      const r = await transcribe(query);
      const body = (await r.json()) as { error: { code: string; parameter?: string } };
      expect([r.status, body.error.code, body.error.parameter], query).toEqual([400, 'INVALID_ARGUMENT', parameter]);
    }
  });
});
