import type * as tfc from '@tensorflow/tfjs-core';
import { DlError, errorMessage } from '../errors.js';
import { readModelFile, type LoadedManifest } from './manifest.js';

/**
 * The model.json and weights of a checked tfjs model folder, as in-memory artifacts for `tf.io.fromMemory`.
 * The weights file is the manifest's, never a path taken from model.json, so a model folder cannot make us read
 * outside itself; both are read once and hashed, so what tfjs builds is what matched the manifest.
 * @internal
 */
export async function readTfjsArtifacts(loaded: LoadedManifest, runtime: 'tfjs-layers' | 'tfjs-graph'): Promise<tfc.io.ModelArtifacts> {
  const { manifest, paths } = loaded;
  if (manifest.runtime !== runtime || paths.model === undefined || paths.weights === undefined) {
    throw new DlError('MODEL_INVALID', `Model ${manifest.name} is not a ${runtime} model with 'model' and 'weights' files`);
  }
  let json: tfc.io.ModelJSON;
  try {
    json = JSON.parse((await readModelFile(loaded, 'model')).toString('utf8')) as tfc.io.ModelJSON;
  } catch (error) {
    if (error instanceof DlError) throw error;
    throw new DlError('MODEL_INVALID', `Model file ${paths.model} is not JSON: ${errorMessage(error)}`, { cause: error });
  }
  const weights = await readModelFile(loaded, 'weights');
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    ...(json.signature ? { signature: json.signature } : {}),
  };
}
