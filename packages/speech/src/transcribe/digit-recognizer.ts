import { loadLabels, loadLayersModel, loadLocalModel, selectTfjsBackend, type ModelReference, type Tf } from '@dlkit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DIGIT_FEATURES, digitFeatures } from '../digits/features.js';
import { readDigit } from '../digits/rejection.js';

/**
 * The embedded spoken-digit model, loaded: one answer per segment, `text: ''` for a segment that is not a digit
 * (the model's "unknown", or no digit it is sure of), always with a score (see readDigit).
 */
export interface DigitRecognizer {
  recognize(segments: readonly Float32Array[]): Array<{ text: string; score: number }>;
  dispose(): void;
}

export async function loadDigitRecognizer(reference: Exclude<ModelReference, { kind: 'hub' }>): Promise<DigitRecognizer> {
  const loaded = await loadLocalModel(reference, 'speech-digits');
  const { tf }: { tf: Tf } = await selectTfjsBackend();
  const model: LayersModel = await loadLayersModel(loaded);
  const labels = await loadLabels(loaded, model.outputs[0]?.shape[1] ?? undefined);
  const size = DIGIT_FEATURES.frames * DIGIT_FEATURES.mels;
  return {
    recognize(segments) {
      if (segments.length === 0) return [];
      const features = new Float32Array(segments.length * size);
      segments.forEach((s, i) => features.set(digitFeatures(s), i * size));
      const probabilities = tf.tidy(() => (model.predict(tf.tensor4d(features, [segments.length, DIGIT_FEATURES.frames, DIGIT_FEATURES.mels, 1])) as tfc.Tensor).dataSync() as Float32Array);
      return segments.map((_, i) => readDigit(probabilities.subarray(i * labels.length, (i + 1) * labels.length), labels));
    },
    dispose: () => model.dispose(),
  };
}
