import type { StreamingTranscriber, TranscriptChunk } from '@dlkit/speech';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { stringFlag, typedFlag, type FlagSpec, type ParsedCommand } from './spec.js';
import { asUsageError } from './usage-errors.js';

/** `dl speech transcribe`'s own flag: live transcription of standard input. */
export const STREAM_FLAG: FlagSpec = {
  name: 'stream',
  kind: 'boolean',
  description: 'with -: transcribe standard input live (a WAV stream: arecord, ffmpeg), printing each segment as it closes (speech-digits models only; the default model with --stream)',
};

const EXAMPLE = 'arecord -q -f S16_LE -r 16000 -c 1 | dl speech transcribe - --stream --model speech-digits';

/** What --stream takes besides itself: `-`, a model, and text or JSON lines (each segment is printed, never written). */
function checkLiveCommand(parsed: ParsedCommand): void {
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== '-') throw new UsageError(`--stream reads standard input: give - as the only input (${EXAMPLE})`);
  const format = stringFlag(parsed, 'format');
  for (const flag of parsed.command.flags) {
    if (flag.name === 'stream' || flag.name === 'model' || parsed.values[flag.name] === undefined) continue;
    if (flag.name === 'format' && (format === 'text' || format === 'json')) continue;
    throw new UsageError(`${typedFlag(parsed, flag.name)} does not apply to --stream, which prints each segment (text, or JSON with --json) as it closes`);
  }
}

/** One closed segment for people: its times and its word (a segment the model could not read says so). */
const liveLine = ({ timestamp: [start, end], text }: TranscriptChunk): string => `${start.toFixed(2)}-${end.toFixed(2)} ${text || '(not read)'}`;

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
 * speech ends, timed from the start of the stream. The end of input or Ctrl-C ends the stream: the word being
 * spoken then is still read and printed. Bad bytes are the error a WAV file gives (exit 1), after the segments
 * heard before them.
 */
export async function runLiveTranscription(parsed: ParsedCommand, out: Output, model: string | undefined): Promise<number> {
  checkLiveCommand(parsed);
  const { createStreamingTranscriber, decodeWavStream } = await import('@dlkit/speech');
  let transcriber: StreamingTranscriber;
  try {
    transcriber = await createStreamingTranscriber(model === undefined ? {} : { model });
  } catch (error) {
    throw asUsageError(error, parsed);
  }
  const input = feed(transcriber, decodeWavStream);
  process.once('SIGINT', input.stop);
  try {
    for await (const chunk of transcriber) out.result('-', chunk, liveLine(chunk));
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
