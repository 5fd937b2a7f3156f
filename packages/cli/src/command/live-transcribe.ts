import type { LiveResult, StreamingTranscriber, StreamingTranscriberOptions, TranscriptChunk } from '@dlkit/speech';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { optionsFromFlags } from './schema-flags.js';
import { booleanFlag, stringFlag, typedFlag, type FlagSpec, type ParsedCommand } from './spec.js';
import type { TaskExtras } from './task-extras.js';
import { asUsageError } from './usage-errors.js';

/** `dl speech transcribe`'s own flag: live transcription of standard input. */
const STREAM_FLAG: FlagSpec = {
  name: 'stream',
  kind: 'boolean',
  description: 'with -: transcribe standard input live (a WAV stream: arecord, ffmpeg), printing each segment as it closes (speech-digits by default; Whisper with --model)',
};

/** --stream's own flags, with the library option each sets (for wording its INVALID_ARGUMENT). */
const LIVE_FLAGS: FlagSpec[] = [
  {
    name: 'partial',
    kind: 'boolean',
    description: 'with --stream: also the reading of speech not final yet, on stderr ("partial 0.46-0.80 four"), or with --json as lines of "final": false (finals get "final": true)',
  },
  {
    name: 'idle-seconds',
    kind: 'number',
    value: 'F',
    description: 'with --stream: input that sends nothing for F seconds has stalled: the segments heard are printed, then INPUT_UNREADABLE (default: wait)',
  },
];

/** `dl speech transcribe`'s extras: --stream and its flags, which mean nothing without it (refused, not dropped). */
export const LIVE_EXTRAS: TaskExtras = {
  flags: [STREAM_FLAG, ...LIVE_FLAGS],
  async prepare(parsed) {
    const given = LIVE_FLAGS.find((f) => parsed.values[f.name] !== undefined);
    if (given) throw new UsageError(`${typedFlag(parsed, given.name)} applies to live transcription: it needs - --stream (${EXAMPLE})`);
    return (value) => value;
  },
};

const EXAMPLE = 'arecord -q -f S16_LE -r 16000 -c 1 | dl speech transcribe - --stream --model speech-digits';

/** What --stream takes besides itself: `-`, a model, and text or JSON lines (each segment is printed, never written). */
function checkLiveCommand(parsed: ParsedCommand): void {
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== '-') throw new UsageError(`--stream reads standard input: give - as the only input (${EXAMPLE})`);
  const format = stringFlag(parsed, 'format');
  for (const flag of parsed.command.flags) {
    if (['stream', 'model', 'max-seconds', ...LIVE_FLAGS.map((f) => f.name)].includes(flag.name) || parsed.values[flag.name] === undefined) continue;
    if (flag.name === 'format' && (format === 'text' || format === 'json')) continue;
    throw new UsageError(`${typedFlag(parsed, flag.name)} does not apply to --stream, which prints each segment (text, or JSON with --json) as it closes`);
  }
}

/** One closed segment for people: its times and its word (a segment the model could not read says so). */
const liveLine = ({ timestamp: [start, end], text }: TranscriptChunk): string => `${start.toFixed(2)}-${end.toFixed(2)} ${text || '(not read)'}`;

/** The transcriber's options from the flags: --max-seconds (the task's own flag), --idle-seconds, --partial. */
function liveOptions(parsed: ParsedCommand, model: string | undefined): StreamingTranscriberOptions {
  const { maxSeconds } = optionsFromFlags(parsed.command.flags.filter((f) => f.name === 'max-seconds'), parsed, 'call') as { maxSeconds?: number };
  const idle = stringFlag(parsed, 'idle-seconds');
  const idleSeconds = idle === undefined ? undefined : /^[0-9]{1,9}(\.[0-9]{1,9})?$/.test(idle) && Number(idle) > 0 ? Number(idle) : Number.NaN;
  if (Number.isNaN(idleSeconds)) throw new UsageError(`${typedFlag(parsed, 'idle-seconds')} must be a number of seconds above 0, got '${idle}'`);
  return {
    ...(model === undefined ? {} : { model }),
    ...(maxSeconds === undefined ? {} : { maxSeconds }),
    ...(idleSeconds === undefined ? {} : { idleSeconds }),
    ...(booleanFlag(parsed, 'partial') ? { partials: true } : {}),
  };
}

/** A result printed: finals as before; partials (--partial) on stderr, or with --json as `"final": false` lines. */
function printResult(out: Output, result: LiveResult, parsed: ParsedCommand): void {
  const { final, ...chunk } = result;
  const partials = booleanFlag(parsed, 'partial');
  if (parsed.json) out.result('-', partials ? result : chunk, '');
  else if (final) out.result('-', chunk, liveLine(chunk));
  else process.stderr.write(`partial ${liveLine(chunk)}\n`);
}

/** Standard input's WAV, decoded as it arrives, into the transcriber; `stop()` ends it early (Ctrl-C). */
function feed(transcriber: StreamingTranscriber, decodeWavStream: (bytes: AsyncIterable<Uint8Array>) => AsyncGenerator<Float32Array>) {
  let stopped = false;
  let failure: { error: unknown } | undefined;
  const done = (async () => {
    try {
      for await (const samples of decodeWavStream(process.stdin)) transcriber.push(samples);
    } catch (error) {
      // Reading cut short by stop() is the end of the stream, not a failure.
      if (!stopped) failure = { error };
    } finally {
      transcriber.end();
    }
  })();
  return {
    done: done.then(() => failure),
    stop() {
      stopped = true;
      process.stdin.destroy();
    },
  };
}

/**
 * `dl speech transcribe - --stream`: each segment printed (one line, or one JSON line with --json) as soon as its
 * speech ends, timed from the start of the stream; with --partial, the readings of speech still going on too. The
 * end of input or Ctrl-C ends the stream: the word being spoken then is still read and printed. Bad bytes are the
 * error a WAV file gives, a stall (--idle-seconds) INPUT_UNREADABLE and audio past --max-seconds INPUT_TOO_LARGE
 * (exit 1), each after the segments heard before it.
 */
export async function runLiveTranscription(parsed: ParsedCommand, out: Output, model: string | undefined): Promise<number> {
  checkLiveCommand(parsed);
  const { createStreamingTranscriber, decodeWavStream } = await import('@dlkit/speech');
  let transcriber: StreamingTranscriber;
  try {
    transcriber = await createStreamingTranscriber(liveOptions(parsed, model));
  } catch (error) {
    throw asUsageError(error, parsed);
  }
  const input = feed(transcriber, decodeWavStream);
  process.once('SIGINT', input.stop);
  try {
    for await (const result of transcriber.results()) printResult(out, result, parsed);
  } finally {
    process.off('SIGINT', input.stop);
    // Normally the input is over already; after a failure of the model, stop reading a source that may never end.
    input.stop();
    await transcriber.dispose();
  }
  const failure = await input.done;
  if (failure) throw failure.error;
  return 0;
}
