import { mkdir } from 'node:fs/promises';
import { expandInputs, writeFileAtomic } from '@dlkit/core';
import { AUDIO_EXTENSIONS, audioStream, createTranscriber, createVad, isWhisperModel, toSrt, toVtt, type Transcript } from '@dlkit/speech';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { alreadyDone, assertStdinOnce, outputPaths, positiveInt } from './arguments.js';

export interface TranscribeArgs {
  inputs: string[];
  model?: string;
  language?: string;
  task?: string;
  format?: string;
  out?: string;
  skipExisting?: boolean;
  maxSeconds?: string;
}

const FORMATS = ['text', 'json', 'srt', 'vtt'] as const;
type Format = (typeof FORMATS)[number];

/** The text for people: an empty transcript says why (no speech, or speech the model could not read). */
function spoken({ text, chunks }: Transcript): string {
  if (text !== '') return text;
  if (chunks.length === 0) return '(no speech found)';
  return `(nothing read: ${chunks.length} speech segment${chunks.length === 1 ? '' : 's'} the model could not read)`;
}

function render(transcript: Transcript, format: Format): string {
  if (format === 'srt') return toSrt(transcript.chunks);
  if (format === 'vtt') return toVtt(transcript.chunks);
  if (format === 'json') return `${JSON.stringify(transcript)}\n`;
  return `${transcript.text}\n`;
}

/** Seconds done, on one updating stderr line when it is a terminal; nothing otherwise. */
function progressLine(name: string, quiet: boolean) {
  if (quiet || !process.stderr.isTTY) return { update: () => {}, done: () => {} };
  let shown = false;
  return {
    update: (seconds: number) => {
      shown = true;
      process.stderr.write(`\r${name}: ${seconds.toFixed(0)} s of audio done\x1b[K`);
    },
    done: () => shown && process.stderr.write('\r\x1b[K'),
  };
}

/** `dl speech transcribe <audio...> [--format srt --out file|dir]`. */
export async function speechTranscribe(args: TranscribeArgs, out: Output): Promise<number> {
  if (args.inputs.length === 0) throw new UsageError('speech transcribe needs audio files, folders, globs or - for standard input');
  assertStdinOnce(args.inputs);
  const format = (args.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (args.task !== undefined && args.task !== 'transcribe' && args.task !== 'translate') throw new UsageError('--task must be transcribe or translate');
  if ((args.language !== undefined || args.task !== undefined) && !isWhisperModel(args.model)) {
    throw new UsageError(`--language and --task are Whisper options: ${args.model} reads English spoken digits only`);
  }
  const maxSeconds = positiveInt('--max-seconds', args.maxSeconds);
  const inputs = await expandInputs(args.inputs, { extensions: AUDIO_EXTENSIONS, onSkip: out.walkSkipped });
  if (args.skipExisting && args.out === undefined) throw new UsageError('--skip-existing needs --out');
  const targets = args.out === undefined ? undefined : outputPaths(inputs, args.out, { extension: `.${format === 'text' ? 'txt' : format}`, single: /\.(txt|json|srt|vtt)$/i, stem: 'audio' });
  if (targets && targets.length > 1) await mkdir(args.out!, { recursive: true });
  const transcriber = await createTranscriber({
    ...(args.model ? { model: args.model } : {}),
    ...(args.language ? { language: args.language } : {}),
    ...(args.task ? { task: args.task as 'transcribe' | 'translate' } : {}),
  });
  let failed = 0;
  try {
    for (const [i, input] of inputs.entries()) {
      const done = alreadyDone(targets, i, args.skipExisting);
      if (done !== undefined) {
        out.skipped(input, done);
        continue;
      }
      const progress = progressLine(input, out.json);
      try {
        const transcript = await transcriber.transcribe(input, { onProgress: progress.update, ...(maxSeconds !== undefined ? { maxSeconds } : {}) });
        progress.done();
        if (targets) await writeFileAtomic(targets[i]!, render(transcript, format));
        const human = targets ? `${input}: ${spoken(transcript)} -> ${targets[i]}` : format === 'text' ? `${input}: ${spoken(transcript)}` : render(transcript, format).trimEnd();
        out.result(input, { ...transcript, ...(targets ? { file: targets[i] } : {}) }, human);
      } catch (error) {
        progress.done();
        failed++;
        out.inputError(input, error);
      }
    }
  } finally {
    await transcriber.dispose();
  }
  return failed > 0 ? 1 : 0;
}

/** `dl speech vad <audio...>`: the speech segments of each input, in seconds. */
export async function speechVad(args: { inputs: string[]; maxSeconds?: string }, out: Output): Promise<number> {
  if (args.inputs.length === 0) throw new UsageError('speech vad needs audio files, folders, globs or -');
  assertStdinOnce(args.inputs);
  const maxSeconds = positiveInt('--max-seconds', args.maxSeconds);
  const inputs = await expandInputs(args.inputs, { extensions: AUDIO_EXTENSIONS, onSkip: out.walkSkipped });
  const vad = await createVad();
  let failed = 0;
  try {
    for (const input of inputs) {
      try {
        const segments: Array<{ start: number; end: number }> = [];
        for await (const s of vad.segments(audioStream(input, maxSeconds !== undefined ? { maxSeconds } : {}))) segments.push({ start: s.start, end: s.end });
        out.result(input, segments, `${input}: ${segments.map((s) => `${s.start.toFixed(2)}-${s.end.toFixed(2)}`).join(' ') || 'no speech'}`);
      } catch (error) {
        failed++;
        out.inputError(input, error);
      }
    }
  } finally {
    await vad.dispose();
  }
  return failed > 0 ? 1 : 0;
}
