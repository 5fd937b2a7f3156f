import type { LayersModel } from '../runtime-types.js';
import { z } from 'zod';
import { selectTfjsBackend } from '../backend/tfjs.js';
import { DlError, errorMessage } from '../errors.js';
import { dryBuild } from './dry-build.js';
import { assertModelSize, type Footprint } from './limits.js';
import { createRng, RNG_STREAM, withSeededMathRandom } from './random.js';

type Tfl = typeof import('@tensorflow/tfjs-layers');
type ArchitectureOptions = { inputShape: readonly number[]; classes: number; seed?: number } & z.input<typeof architectureOptionsSchema>;

/** Named architectures for `dl train` and the recipes; the input shape and class count come from the data. */
export const ARCHITECTURES = {
  /** Dense layers on flat features (tabular data, embeddings). */
  mlp: 'Dense ReLU layers with dropout; for tabular features',
  /** Two conv/pool stages; small images (28x28 digits). */
  'cnn-small': 'conv3x3x32-pool, conv3x3x64-pool, dense128, dropout 0.4; small images such as 28x28 digits',
  /** Three conv/pool stages. */
  cnn: 'conv3x3x32-pool, conv3x3x64-pool, conv3x3x128-pool, dense128, dropout 0.4; small images up to ~64x64',
} as const;

export type ArchitectureName = keyof typeof ARCHITECTURES;

export const architectureOptionsSchema = z.object({
  /** mlp hidden layer sizes (default [128, 64]). */
  hidden: z.array(z.number().int().positive()).optional(),
  dropout: z.number().min(0).max(0.95).optional(),
});

export function isArchitectureName(name: string): name is ArchitectureName {
  return Object.hasOwn(ARCHITECTURES, name);
}

/** The function that builds a named architecture (layers are allocated as it runs). */
function architectureBuilder(tfl: Tfl, name: ArchitectureName, options: ArchitectureOptions): () => LayersModel {
  const L = tfl.layers;
  const inputShape = [...options.inputShape];
  const dropout = options.dropout ?? 0.4;
  if (name !== 'mlp' && inputShape.length !== 3) {
    throw new DlError('INVALID_ARGUMENT', `Architecture ${name} takes images [height, width, channels]; the data has shape [${inputShape.join(', ')}]`);
  }
  if (name === 'mlp') {
    const hidden = options.hidden ?? [128, 64];
    return () =>
      tfl.sequential({
        layers: [
          ...(inputShape.length > 1 ? [L.flatten({ inputShape })] : []),
          ...hidden.flatMap((units, i) => [
            L.dense({ units, activation: 'relu', ...(i === 0 && inputShape.length === 1 ? { inputShape } : {}) }),
            ...(dropout > 0 ? [L.dropout({ rate: dropout })] : []),
          ]),
          L.dense({ units: options.classes, activation: 'softmax' }),
        ],
      });
  }
  const filters = name === 'cnn' ? [32, 64, 128] : [32, 64];
  return () =>
    tfl.sequential({
      layers: [
        ...filters.flatMap((f, i) => [
          L.conv2d({ ...(i === 0 ? { inputShape } : {}), filters: f, kernelSize: 3, padding: 'same', activation: 'relu' }),
          L.maxPooling2d({ poolSize: 2 }),
        ]),
        L.flatten(),
        L.dense({ units: 128, activation: 'relu' }),
        L.dropout({ rate: dropout }),
        L.dense({ units: options.classes, activation: 'softmax' }),
      ],
    });
}

/** Weights and activations of a named architecture, found without allocating it. */
export async function architectureFootprint(name: ArchitectureName, options: ArchitectureOptions): Promise<Footprint> {
  await selectTfjsBackend();
  const tfl = await import('@tensorflow/tfjs-layers');
  return dryBuild(tfl, architectureBuilder(tfl, name, options));
}

/**
 * Builds a named architecture with seeded initial weights (the same seed gives the same weights); one too big
 * to train on this machine is refused before its weights are allocated.
 */
export async function buildArchitecture(name: ArchitectureName, options: ArchitectureOptions): Promise<LayersModel> {
  const { backend } = await selectTfjsBackend(); // weights are allocated on the backend as the layers are built
  const tfl = await import('@tensorflow/tfjs-layers');
  const build = architectureBuilder(tfl, name, options);
  assertModelSize((await dryBuild(tfl, build)).params, backend, `Architecture ${name}`);
  return withSeededMathRandom(createRng(options.seed ?? 0, RNG_STREAM.init), build);
}

type Topology = import('@tensorflow/tfjs-core').io.ModelJSON['modelTopology'];

function topologyOf(json: unknown): Topology {
  return ((json as { modelTopology?: unknown })?.modelTopology ?? json) as Topology;
}

/** Weights and activations of a tfjs layers JSON, found without allocating its weights. */
export async function layersJsonFootprint(json: unknown): Promise<Footprint> {
  await selectTfjsBackend();
  const tfl = await import('@tensorflow/tfjs-layers');
  try {
    return await dryBuild(tfl, () => tfl.models.modelFromJSON({ modelTopology: topologyOf(json) }));
  } catch (error) {
    throw new DlError('INVALID_ARGUMENT', `Not a usable tfjs layers model JSON: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * A model from a tfjs layers JSON (what `model.toJSON()` gives, or the `modelTopology` of a model.json), with
 * seeded initial weights; one too big to train on this machine is refused before its weights are allocated.
 */
export async function modelFromLayersJson(json: unknown, seed = 0): Promise<LayersModel> {
  const { backend } = await selectTfjsBackend();
  const tfl = await import('@tensorflow/tfjs-layers');
  assertModelSize((await layersJsonFootprint(json)).params, backend, 'The layers JSON');
  try {
    // modelFromJSON builds the model (and draws its initial weights) before its first await, which is only for
    // weights files, so the seeded part is the synchronous start of the call.
    const started = withSeededMathRandom(createRng(seed, RNG_STREAM.init), () => ({
      model: tfl.models.modelFromJSON({ modelTopology: topologyOf(json) }),
    }));
    return await started.model;
  } catch (error) {
    throw new DlError('INVALID_ARGUMENT', `Not a usable tfjs layers model JSON: ${errorMessage(error)}`, { cause: error });
  }
}
