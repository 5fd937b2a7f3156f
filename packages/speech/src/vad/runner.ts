import { DlError, oneAtATime, type TaskRunner } from '@dlkit/core';
import { audioStream, type AudioInput } from '../audio/read-audio.js';
import { VAD_MODEL, type VadCallOptions, type VadLoadOptions } from '../tasks.js';
import { loadSileroVad, type SpeechSegment } from './silero.js';

const round = (s: number) => Math.round(s * 1000) / 1000;

/** The `voice-activity-detection` runner: Silero VAD, the speech segments of each input in seconds. */
export async function loadVadRunner(model: string, options: VadLoadOptions): Promise<TaskRunner<AudioInput, SpeechSegment[], VadCallOptions>> {
  if (model !== VAD_MODEL) {
    throw new DlError('INVALID_ARGUMENT', `voice-activity-detection runs the Silero VAD ('${VAD_MODEL}'), not '${model}'`, { parameter: 'model' });
  }
  const vad = await loadSileroVad();
  const segmentsOf = async (input: AudioInput, call: VadCallOptions): Promise<SpeechSegment[]> => {
    const audio = audioStream(input, { ...options, maxSeconds: call.maxSeconds, signal: call.signal });
    const segments: SpeechSegment[] = [];
    for await (const s of vad.segments(audio, call.threshold === undefined ? {} : { threshold: call.threshold })) {
      segments.push({ start: round(s.start), end: round(s.end) });
    }
    return segments;
  };
  let disposed: Promise<void> | undefined;
  return { model, device: 'cpu', run: oneAtATime(segmentsOf, model), dispose: () => (disposed ??= vad.dispose()) };
}
