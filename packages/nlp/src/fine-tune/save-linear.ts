import { saveLayersModel, type ClassificationReport, type LoadedManifest } from '@dlkit/core';
import { VOCABULARY_FILE } from '../text-model/classifier.js';
import { buildLinearNetwork } from '../text-model/linear-network.js';
import type { SaveTextModelOptions } from '../text-model/save.js';
import type { LinearTextModel } from './linear-text.js';

/**
 * Saves the linear text model as a dlkit model folder of the same format as the CNN's (tfjs layers,
 * vocabulary.json with `kind: "linear"`, dlkit.json with sha256s), so every text classifier path loads it.
 */
export async function saveLinearTextModel(
  model: LinearTextModel,
  classes: readonly string[],
  validation: ClassificationReport,
  dir: string,
  options: Omit<SaveTextModelOptions, 'extraFiles'> & { split: string; seed: number },
): Promise<LoadedManifest> {
  const network = await buildLinearNetwork(model.vocabulary, model.weights);
  const { vocabulary, selection } = model;
  try {
    return await saveLayersModel(network, dir, {
      name: options.name,
      task: 'text-classification',
      labels: classes,
      input: { kind: 'text', model: 'linear', window: vocabulary.window, slots: vocabulary.slots, features: vocabulary.features.length, words: vocabulary.words.length },
      source: options.source,
      license: options.license,
      metrics: {
        validationAccuracy: validation.accuracy,
        validationMacroF1: validation.macroF1,
        validationCount: validation.count,
        crossValidationAccuracy: selection.grid.find((g) => g.c === selection.chosen.c && g.vectors === selection.chosen.vectors)?.accuracy,
        crossValidationFolds: selection.folds,
        temperature: selection.temperature,
        outOfFoldLogLoss: selection.logLoss,
      },
      training: {
        data: `${options.data}; ${options.split}`,
        seed: options.seed,
        architecture: `multinomial logistic regression (L-BFGS, L2 C=${selection.chosen.c}) on TF-IDF word 1-2-grams + character 2-5-grams (${vocabulary.features.length} features)${model.weights.vectors ? ` + mean word vector (weight ${selection.chosen.vectors})` : ''}; logits / ${selection.temperature.toFixed(3)} (temperature fitted on out-of-fold predictions)`,
        selection: selection.grid,
        embeddings: model.weights.vectors ? options.embeddings : 'none',
        command: options.command,
      },
      extraFiles: { [VOCABULARY_FILE]: JSON.stringify(vocabulary) },
    });
  } finally {
    network.dispose();
  }
}
