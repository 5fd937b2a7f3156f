import { DlError, loadLabels, loadLayersModel, loadLocalModel, selectTfjsBackend, type LayersModel, type ModelReference, type Tf } from '@dlkit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import { DIGIT_FEATURES, digitFeatures } from '../digits/features.js';
import { readDigit } from '../digits/rejection.js';

/**
 * The embedded spoken-digit model, loaded: one answer per segment, `text: ''` for a segment that is not a digit
 * (the model's "unknown", or no digit it is sure of), always with a score (see readDigit).
 */
export interface DigitRecognizer {
  /** The tfjs backend it runs on. */
  readonly device: string;
  /** One answer per segment; `DISPOSED` after `dispose()`. */
  recognize(segments: readonly Float32Array[]): Array<{ text: string; score: number }>;
  /** Frees the model; a second call does nothing. */
  dispose(): void;
}

export async function loadDigitRecognizer(reference: Exclude<ModelReference, { kind: 'hub' }>): Promise<DigitRecognizer> {
  const loaded = await loadLocalModel(reference);
  // A model of another task is a wrong argument (the caller named it), not a broken model.
  if (loaded.manifest.task !== 'speech-digits') {
    const message = `${loaded.manifest.name} is a ${loaded.manifest.task} model; speech recognition takes Whisper (a hub id or transformers.js folder) or a speech-digits model`;
    throw new DlError('INVALID_ARGUMENT', message, { parameter: 'model' });
  }
  const { tf, backend }: { tf: Tf; backend: string } = await selectTfjsBackend();
  const model: LayersModel = await loadLayersModel(loaded);
  const labels = await loadLabels(loaded, model.outputs[0]?.shape[1] ?? undefined);
  const size = DIGIT_FEATURES.frames * DIGIT_FEATURES.mels;
  // tfjs throws a raw "Container 'sequential_1' is already disposed" on a second dispose or a later predict.
  let disposed = false;
  return {
    device: backend,
    recognize(segments) {
      if (disposed) throw new DlError('DISPOSED', `${loaded.manifest.name} was disposed; load it again`);
      if (segments.length === 0) return [];
      const features = new Float32Array(segments.length * size);
      segments.forEach((s, i) => features.set(digitFeatures(s), i * size));
      const probabilities = tf.tidy(() => (model.predict(tf.tensor4d(features, [segments.length, DIGIT_FEATURES.frames, DIGIT_FEATURES.mels, 1])) as tfc.Tensor).dataSync() as Float32Array);
      return segments.map((_, i) => readDigit(probabilities.subarray(i * labels.length, (i + 1) * labels.length), labels));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
