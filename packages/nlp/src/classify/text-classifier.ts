import {
  DlError,
  hubPipelineDevice,
  isTransformersFolder,
  loadHubPipeline,
  loadLocalModel,
  oneAtATime,
  parseModelReference,
  refuseHubOnlyOptions,
  type HubLoadOptions,
  type ModelReference,
  type Settled,
  type TaskRunner,
} from '@dlkit/core';
import '../embedded.js';
import { groupSentences } from '../text/sentences.js';
import { combineWindows, loadTextModel, postprocessText, preprocessText, runTextModel, type LocalTextModel, type TextInput, type TextLabel } from '../text-model/classifier.js';

export type { TextLabel };

/** A call's options, as the task's schema has checked them. */
export interface ClassificationCall {
  /** How many labels, best first (default 1, as Hugging Face's text-classification pipeline). */
  topK?: number | undefined;
}

/** Hub models: texts longer than this many characters are scored by windows of whole sentences (~400 tokens). */
const HUB_WINDOW_CHARACTERS = 1500;

/**
 * The runner of `sentiment-analysis` and `text-classification`: a dlkit model (embedded, or trained here: offline)
 * or a transformers.js model (a hub id or a folder in its layout). A text longer than the model's window is not
 * truncated: it is scored window by window (whole sentences) and the label probabilities averaged, weighted by
 * window length. `options`: a hub model's `dtype` and `device` (a dlkit model refuses them, but `device: 'cpu'`).
 * `window` is the hub models' window in characters (tests use a small one).
 */
export async function loadTextClassifierRunner(model: string, options: HubLoadOptions = {}, window = HUB_WINDOW_CHARACTERS): Promise<TaskRunner<string, TextLabel[], ClassificationCall>> {
  const reference = parseModelReference(model);
  if (reference.kind === 'hub' || isTransformersFolder(reference)) return hubRunner(model, reference, options, window);
  refuseHubOnlyOptions(options, model);
  return localRunner(model, reference);
}

const best = (ranked: TextLabel[], options: ClassificationCall) => ranked.slice(0, options.topK ?? 1);

/** Why a text cannot be classified at all (the others of its call still are). */
function checkText(text: unknown): DlError | undefined {
  if (typeof text !== 'string') return new DlError('INVALID_ARGUMENT', `A text to classify must be a string, not ${text === null ? 'null' : typeof text}`, { parameter: 'inputs' });
  if (text.trim() === '') return new DlError('INPUT_UNSUPPORTED', 'Nothing to classify: the text is empty');
  return undefined;
}

/** Each text as the network's input, or the reason it has none. */
function prepare(text: LocalTextModel, texts: readonly string[]): Array<Settled<TextInput>> {
  return texts.map((t) => {
    const refused = checkText(t);
    if (refused) return { ok: false, error: refused };
    const input = preprocessText(text.index, t, text.lexicon);
    if (input.weights.length === 0) return { ok: false, error: new DlError('INPUT_UNSUPPORTED', 'Nothing to classify: the text has no words') };
    return { ok: true, value: input };
  });
}

async function localRunner(model: string, reference: Exclude<ModelReference, { kind: 'hub' }>): Promise<TaskRunner<string, TextLabel[], ClassificationCall>> {
  const text = await loadTextModel(await loadLocalModel(reference, 'text-classification'));
  const width = text.model.inputs[0]!.shape[1] as number;
  const classes = text.classes.length;
  return {
    model,
    device: text.tf.getBackend(),
    // The texts that can be read go through the network in one batch; the others fail on their own.
    async run(texts, options) {
      const prepared = prepare(text, texts);
      const inputs = prepared.flatMap((p) => (p.ok ? [p.value] : []));
      const rows = inputs.reduce((n, input) => n + input.weights.length, 0);
      const features = new Float32Array(rows * width);
      let row = 0;
      for (const input of inputs) {
        features.set(input.features, row * width);
        row += input.weights.length;
      }
      const probabilities = rows > 0 ? await runTextModel(text, features, rows) : new Float32Array(0);
      row = 0;
      return prepared.map((p): Settled<TextLabel[]> => {
        if (!p.ok) return p;
        const own = probabilities.subarray(row * classes, (row + p.value.weights.length) * classes);
        row += p.value.weights.length;
        return { ok: true, value: best(postprocessText(text, own, p.value), options) };
      });
    },
    async dispose() {
      text.model.dispose();
    },
  };
}

async function hubRunner(
  model: string,
  reference: Parameters<typeof loadHubPipeline>[1],
  { dtype, device }: HubLoadOptions,
  window: number,
): Promise<TaskRunner<string, TextLabel[], ClassificationCall>> {
  const pipeline = await loadHubPipeline('text-classification', reference, { dtype, device });
  const classify = async (text: string, options: ClassificationCall) => {
    const refused = checkText(text);
    if (refused) throw refused;
    const parts = text.length > window ? groupSentences(text, window) : [text];
    const labels: TextLabel[][] = [];
    for (const part of parts) labels.push((await pipeline(part, { top_k: null })) as TextLabel[]);
    const names = labels[0]!.map((l) => l.label);
    const probabilities = Float32Array.from(labels.flatMap((ls) => names.map((c) => ls.find((l) => l.label === c)?.score ?? 0)));
    return best(combineWindows(probabilities, parts.map((p) => p.length), names), options);
  };
  return {
    model,
    device: hubPipelineDevice(pipeline, device),
    // One text at a time, each settled alone: a hub model's own exception on one text is MODEL_RUNTIME for it.
    run: oneAtATime(classify, model),
    dispose: () => pipeline.dispose(),
  };
}
