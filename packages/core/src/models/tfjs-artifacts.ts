import { readFile } from 'node:fs/promises';
import type * as tfc from '@tensorflow/tfjs-core';
import { DlError } from '../errors.js';
import type { LoadedManifest } from './manifest.js';

/**
 * The model.json and weights of a checked tfjs model folder, as in-memory artifacts for `tf.io.fromMemory`.
 * The weights file is the manifest's, never a path taken from model.json, so a model folder cannot make us read
 * outside itself.
 */
export async function readTfjsArtifacts(loaded: LoadedManifest, runtime: 'tfjs-layers' | 'tfjs-graph'): Promise<tfc.io.ModelArtifacts> {
  const { manifest, paths } = loaded;
  if (manifest.runtime !== runtime || paths.model === undefined || paths.weights === undefined) {
    throw new DlError('MODEL_INVALID', `Model ${manifest.name} is not a ${runtime} model with 'model' and 'weights' files`);
  }
  const json = JSON.parse(await readFile(paths.model, 'utf8')) as tfc.io.ModelJSON;
  const weights = await readFile(paths.weights);
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    ...(json.signature ? { signature: json.signature } : {}),
  };
}
