import { loadLocalModel, parseModelReference, type Callback, type LoadedManifest } from '@dlkit/core';
import { loadTextModel } from '../text-model/classifier.js';
import { saveTextModel } from '../text-model/save.js';
import { disposeNetwork, TEXT_TRAINING_DEFAULTS, trainTextClassifier, type BaseTextModel, type TrainTextResult } from '../text-model/train.js';
import { readWordVectors } from '../text-model/word-vectors.js';
import { readLabelledTexts, type LabelledTexts } from './labelled-texts.js';

export interface FineTuneTextOptions {
  /** A CSV (with a header) or JSONL file of labelled texts. */
  data: string;
  textColumn: string;
  labelColumn: string;
  out: string;
  /**
   * The dlkit text model whose word embeddings and convolutions start the training (default `sentiment`);
   * `null` trains from scratch (then `vectors` gives pretrained embeddings).
   */
  base?: string | null;
  vectors?: string;
  epochs?: { cnn: number; bag: number };
  validation?: number;
  seed?: number;
  workers?: number;
  callbacks?: Callback[];
  signal?: AbortSignal;
}

export interface FineTuneTextResult {
  result: Omit<TrainTextResult, 'network'>;
  saved: LoadedManifest;
  skipped: LabelledTexts['skipped'];
}

/**
 * Trains the text classifier of the embedded sentiment model on the user's labelled texts (any number of
 * classes), starting from the base model's word embeddings and convolutions, and saves a model folder that
 * `createTextClassifier` / `dl nlp classify` / `dl nlp sentiment --model` load.
 */
export async function fineTuneTextClassifier(options: FineTuneTextOptions): Promise<FineTuneTextResult> {
  const data = await readLabelledTexts(options.data, { text: options.textColumn, label: options.labelColumn });
  const baseName = options.base === undefined ? 'sentiment' : options.base;
  let base: BaseTextModel | undefined;
  if (baseName !== null) {
    const loaded = await loadTextModel(await loadLocalModel(parseModelReference(baseName), 'text-classification'));
    base = { model: loaded.model, vocabulary: loaded.index.vocabulary };
  }
  try {
    const vectors = options.vectors ? await readWordVectors(options.vectors) : undefined;
    const result = await trainTextClassifier({
      texts: data.texts,
      labels: data.labels,
      seed: options.seed ?? TEXT_TRAINING_DEFAULTS.seed,
      validation: options.validation ?? TEXT_TRAINING_DEFAULTS.validation,
      ...(options.epochs ? { epochs: options.epochs } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
      ...(base ? { base } : {}),
      ...(vectors ? { vectors } : {}),
      ...(options.callbacks ? { callbacks: options.callbacks } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      const saved = await saveTextModel(result, options.out, {
        name: 'text-classifier',
        source: `Fine-tuned by dlkit (dl nlp fine-tune) on ${options.data}${baseName ? ` from ${baseName}` : ''}`,
        license: 'Yours: trained on your data (the base model’s licence applies to what it contributed)',
        data: `${options.data}, columns ${options.textColumn} / ${options.labelColumn}: ${data.texts.length} texts`,
        command: `dl nlp fine-tune ${options.data} --text-column ${options.textColumn} --label-column ${options.labelColumn} --out ${options.out}`,
        embeddings: baseName ? `from ${baseName}` : options.vectors ? `pretrained ${options.vectors}` : 'random, learnt',
      });
      const { network: _network, ...rest } = result;
      return { result: rest, saved, skipped: data.skipped };
    } finally {
      disposeNetwork(result.network);
    }
  } finally {
    base?.model.dispose();
  }
}
