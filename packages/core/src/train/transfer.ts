import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { LayersModel } from '../runtime-types.js';
import { selectTfjsBackend } from '../backend/tfjs.js';
import { DlError } from '../errors.js';

/**
 * A frozen feature extractor cut from a pretrained chain of layers (conv nets like Darknet or VGG): the layers up
 * to and including `layer`, average-pooled to a `grid` x `grid` map and flattened, with a new input of
 * `inputShape` (convolutions take any size; smaller inputs are quicker). A grid of 1 is the usual global
 * pooling; 2 keeps where things are (a 6 from a 9), which global pooling loses. Only chains are supported: a
 * layer that takes more than one input (a residual add) is refused.
 */
export async function featureExtractor(model: LayersModel, layer: string, inputShape: number[], grid = 1): Promise<LayersModel> {
  await selectTfjsBackend();
  const tfl = await import('@tensorflow/tfjs-layers');
  const names = model.layers.map((l) => l.name);
  const last = names.indexOf(layer);
  if (last < 0) throw new DlError('MODEL_INVALID', `The backbone has no layer '${layer}'`);
  const input = tfl.input({ shape: inputShape });
  let x: SymbolicTensor = input;
  for (const l of model.layers.slice(0, last + 1)) {
    if (l.getClassName() === 'InputLayer') continue;
    if (l.inboundNodes.some((node) => node.inboundLayers.length !== 1)) {
      throw new DlError('MODEL_INVALID', `Layer ${l.name} of the backbone is not part of a simple chain`);
    }
    l.trainable = false;
    x = l.apply(x) as SymbolicTensor;
  }
  const [height, width] = x.shape.slice(1, 3) as [number, number];
  if (height < grid || width < grid) throw new DlError('INVALID_ARGUMENT', `An input of ${inputShape.join('x')} leaves a ${height}x${width} map at ${layer}, smaller than the ${grid}x${grid} grid`);
  const cell = [Math.floor(height / grid), Math.floor(width / grid)] as [number, number];
  const pooled = tfl.layers.averagePooling2d({ poolSize: cell, strides: cell }).apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.flatten().apply(pooled) as SymbolicTensor });
}

/** One model: `trunk`'s input through `trunk` and then `head` (trained on trunk's outputs), weights shared. */
export async function stackModels(trunk: LayersModel, head: LayersModel): Promise<LayersModel> {
  const tfl = await import('@tensorflow/tfjs-layers');
  let x = trunk.outputs[0]!;
  for (const l of head.layers) {
    if (l.getClassName() === 'InputLayer') continue;
    x = l.apply(x) as SymbolicTensor;
  }
  return tfl.model({ inputs: trunk.inputs, outputs: x });
}
