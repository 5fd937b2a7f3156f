import type { GraphModel } from '../runtime-types.js';
import { selectTfjsBackend } from '../backend/tfjs.js';
import { DlError, errorMessage } from '../errors.js';
import { importOptional } from '../optional-dependency.js';
import type { LoadedManifest } from './manifest.js';
import { readTfjsArtifacts } from './tfjs-artifacts.js';

export type { GraphModel };

/**
 * Loads the tfjs graph model (a converted TensorFlow SavedModel) of a checked model folder. tfjs-converter is an
 * optional peer of @dlkit/core (vision depends on it): without it, DEPENDENCY_MISSING names the install command.
 */
export async function loadGraphModel(loaded: LoadedManifest): Promise<GraphModel> {
  const { tf } = await selectTfjsBackend();
  const converter = await importOptional('@tensorflow/tfjs-converter', () => import('@tensorflow/tfjs-converter'));
  try {
    return await converter.loadGraphModel(tf.io.fromMemory(await readTfjsArtifacts(loaded, 'tfjs-graph')));
  } catch (error) {
    if (error instanceof DlError) throw error;
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} (${loaded.dir}) cannot be loaded: ${errorMessage(error)}`, { cause: error });
  }
}
