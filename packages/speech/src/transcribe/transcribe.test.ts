import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOnnxSessions, selectTfjsBackend } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { readAudio, SAMPLE_RATE } from '../audio/read-audio.js';
import { resample } from '../audio/resample.js';
import { encodeWav } from '../audio/wav.js';
import { DIGIT_WORDS } from '../digits/features.js';
import { joinRecordings, listFsdd } from '../digits/fsdd.js';
import { pipeline, type SpeechRecognitionPipeline } from '../index.js';
import { parseSubtitles, toSrt, toVtt } from './subtitles.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const dir = mkdtempSync(join(tmpdir(), 'dl-speech-'));

describe.skipIf(!FSDD_SET)('no leaks over many transcriptions', () => {
  it('1,000 transcriptions by one pipeline leave no tensors; dispose() releases the VAD session and the digits model', async () => {
    const { tf } = await selectTfjsBackend();
    const tensors = tf.memory().numTensors;
    const sessions = openOnnxSessions();
    const own = await pipeline('automatic-speech-recognition', 'speech-digits');
    expect(openOnnxSessions()).toBeGreaterThan(sessions);
    const takes = await Promise.all(['3_theo_0.wav', '8_lucas_1.wav', '0_george_2.wav'].map((f) => readAudio(join(FSDD, f))));
    const clip = (i: number) => encodeWav(takes[i % takes.length]!, { sampleRate: SAMPLE_RATE });
    try {
      for (let i = 0; i < 3; i++) await own(clip(i));
      const baseline = tf.memory().numTensors;
      for (let i = 0; i < 1000; i++) await own(clip(i));
      expect(tf.memory().numTensors).toBe(baseline);
    } finally {
      await own.dispose();
    }
    expect(openOnnxSessions()).toBe(sessions);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe.skipIf(!FSDD_SET)('spoken digits with the embedded model (trained here on FSDD) and Silero VAD', () => {
  let transcriber: SpeechRecognitionPipeline;
  beforeAll(async () => {
    transcriber = await pipeline('automatic-speech-recognition', 'speech-digits');
  });
  afterAll(async () => {
    await transcriber.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recognises the official FSDD test takes (0-4, never trained on) at >= 97%', async () => {
    const tests = (await listFsdd(FSDD)).filter((r) => r.take <= 4);
    expect(tests).toHaveLength(250);
    let correct = 0;
    for (const r of tests) {
      const { text } = await transcriber(r.path);
      if (text === DIGIT_WORDS[r.digit]) correct++;
    }
    expect(correct / tests.length).toBeGreaterThanOrEqual(0.97);
  });

  it('transcribes a sequence of test takes by different speakers with silence between: words and their times', async () => {
    const { audio: all, times: truth } = await joinRecordings(FSDD, ['4_george_0', '1_jackson_1', '5_theo_2', '9_nicolas_3', '0_lucas_4'], 0.6);
    // As a user's file would come: 44.1 kHz stereo, 16-bit.
    const hi = resample(all, SAMPLE_RATE, 44_100);
    const stereo = new Float32Array(hi.length * 2);
    hi.forEach((v, i) => ((stereo[2 * i] = v), (stereo[2 * i + 1] = v)));
    const path = join(dir, 'sequence.wav');
    writeFileSync(path, encodeWav(stereo, { sampleRate: 44_100, channels: 2 }));
    const transcript = await transcriber(path);
    expect(transcript.text).toBe('four one five nine zero');
    transcript.chunks.forEach((chunk, i) => {
      // Each word's time covers its recording's speech, give or take the recordings' own leading/trailing silence.
      expect(chunk.timestamp[0]).toBeGreaterThanOrEqual(truth[i]![0] - 0.1);
      expect(chunk.timestamp[1]).toBeLessThanOrEqual(truth[i]![1] + 0.2);
      expect(chunk.timestamp[1] - chunk.timestamp[0]).toBeGreaterThan(0.15);
    });
  });

  it('finds no words in silence and in noise-free tone-less audio', async () => {
    expect(await transcriber(encodeWav(new Float32Array(SAMPLE_RATE * 2), { sampleRate: SAMPLE_RATE }))).toEqual({ text: '', chunks: [] });
  });
});

describe('subtitles', () => {
  it('SRT and VTT parse back to the same cues, with times past one hour', () => {
    const chunks = [
      { timestamp: [0.5, 1.25] as [number, number], text: 'four' },
      { timestamp: [3725.007, 3726.5] as [number, number], text: 'one' },
    ];
    const srt = toSrt(chunks);
    expect(srt).toBe('1\n00:00:00,500 --> 00:00:01,250\nfour\n\n2\n01:02:05,007 --> 01:02:06,500\none\n');
    expect(parseSubtitles(srt)).toEqual(chunks);
    const vtt = toVtt(chunks);
    expect(vtt.startsWith('WEBVTT\n\n00:00:00.500 --> 00:00:01.250\nfour\n')).toBe(true);
    expect(parseSubtitles(vtt)).toEqual(chunks);
  });
});
