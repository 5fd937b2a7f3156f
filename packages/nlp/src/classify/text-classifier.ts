import { DlError, isTransformersFolder, loadHubPipeline, loadLocalModel, parseModelReference, type ModelReference } from '@dlkit/core';
import { groupSentences } from '../text/sentences.js';
import { combineWindows, loadTextModel, postprocessText, preprocessText, runTextModel, type TextLabel } from '../text-model/classifier.js';

export type { TextLabel };

export interface TextClassifierOptions {
  /**
   * An embedded model name (`sentiment`), a folder written by `dl nlp fine-tune` / `dl train sentiment`, a hub id
   * (e.g. Xenova/distilbert-base-uncased-finetuned-sst-2-english) or a folder in transformers.js's layout.
   */
  model: string;
  /** Hub models: texts longer than this many characters are scored by windows of whole sentences (default 1500, ~400 tokens). */
  window?: number;
}

export interface ClassifyOptions {
  /** Every label, best first (default: the best one only). */
  allScores?: boolean;
}

export interface TextClassifier {
  /** The best label, or every label with `allScores`, best first. */
  classify(text: string, options?: ClassifyOptions): Promise<TextLabel[]>;
  /** Several texts at once (one batch through the network for dlkit models). */
  classifyBatch(texts: readonly string[], options?: ClassifyOptions): Promise<TextLabel[][]>;
  dispose(): Promise<void>;
}

function assertText(text: string): void {
  if (text.trim() === '') throw new DlError('INPUT_UNSUPPORTED', 'Nothing to classify: the text is empty');
}

const pick = (ranked: TextLabel[], options: ClassifyOptions) => (options.allScores ? ranked : ranked.slice(0, 1));

/**
 * A text classifier on a dlkit model (offline; embedded or trained here) or a transformers.js model. A text
 * longer than the model's window is not truncated: it is scored window by window (whole sentences) and the
 * label probabilities averaged, weighted by window length.
 */
export async function createTextClassifier(options: TextClassifierOptions): Promise<TextClassifier> {
  const reference = parseModelReference(options.model);
  if (reference.kind === 'hub' || isTransformersFolder(reference)) return hubClassifier(reference, options);
  return localClassifier(reference);
}

async function localClassifier(reference: Exclude<ModelReference, { kind: 'hub' }>): Promise<TextClassifier> {
  const text = await loadTextModel(await loadLocalModel(reference, 'text-classification'));
  const width = text.model.inputs[0]!.shape[1] as number;
  let disposed = false;
  const classifyBatch = async (texts: readonly string[], opts: ClassifyOptions = {}) => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This text classifier has been disposed');
    texts.forEach(assertText);
    const inputs = texts.map((t) => preprocessText(text.index, t, text.lexicon));
    for (const [i, input] of inputs.entries()) {
      if (input.weights.length === 0) throw new DlError('INPUT_UNSUPPORTED', `Nothing to classify: text ${texts.length > 1 ? `${i + 1} ` : ''}has no words`);
    }
    const rows = inputs.reduce((n, input) => n + input.weights.length, 0);
    const features = new Float32Array(rows * width);
    let row = 0;
    for (const input of inputs) {
      features.set(input.features, row * width);
      row += input.weights.length;
    }
    const probabilities = await runTextModel(text, features, rows);
    const classes = text.classes.length;
    row = 0;
    return inputs.map((input) => {
      const own = probabilities.subarray(row * classes, (row + input.weights.length) * classes);
      row += input.weights.length;
      return pick(postprocessText(text, own, input), opts);
    });
  };
  return {
    classify: async (t, opts) => (await classifyBatch([t], opts))[0]!,
    classifyBatch,
    async dispose() {
      if (!disposed) text.model.dispose();
      disposed = true;
    },
  };
}

async function hubClassifier(reference: Parameters<typeof loadHubPipeline>[1], options: TextClassifierOptions): Promise<TextClassifier> {
  const pipeline = await loadHubPipeline('text-classification', reference);
  const limit = options.window ?? 1500;
  const classify = async (text: string, opts: ClassifyOptions = {}) => {
    assertText(text);
    const parts = text.length > limit ? groupSentences(text, limit) : [text];
    const labels: TextLabel[][] = [];
    for (const part of parts) labels.push((await pipeline(part, { top_k: null })) as TextLabel[]);
    const classes = labels[0]!.map((l) => l.label);
    const probabilities = Float32Array.from(labels.flatMap((ls) => classes.map((c) => ls.find((l) => l.label === c)?.score ?? 0)));
    return pick(combineWindows(probabilities, parts.map((p) => p.length), classes), opts);
  };
  return {
    classify,
    classifyBatch: async (texts, opts) => {
      const out: TextLabel[][] = [];
      for (const t of texts) out.push(await classify(t, opts));
      return out;
    },
    dispose: () => pipeline.dispose(),
  };
}
