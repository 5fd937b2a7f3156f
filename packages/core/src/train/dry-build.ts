import type { LayersModel } from '@tensorflow/tfjs-layers';
import { activationsPerExample, type Footprint } from './limits.js';

type Tfl = typeof import('@tensorflow/tfjs-layers');
type AddWeight = (name: string, shape: number[]) => unknown;

/** The prototype that defines `addWeight`: tfjs-layers' `Layer`, whatever its (bundled) class name. */
function layerPrototype(tfl: Tfl): { addWeight: AddWeight } {
  let proto: object | null = Object.getPrototypeOf(tfl.layers.dense({ units: 1 }));
  while (proto !== null && !Object.hasOwn(proto, 'addWeight')) proto = Object.getPrototypeOf(proto);
  if (proto === null) throw new Error('tfjs-layers has no Layer.addWeight');
  return proto as { addWeight: AddWeight };
}

/**
 * The footprint of the model `build` would make, without allocating its weights: building a layer initialises
 * each weight at once, so a config with 1e10 weights would exhaust memory before any check could look at it.
 * While `build` runs its synchronous part, `addWeight` only records shapes and hands back an inert stand-in; the model
 * built that way is thrown away.
 */
export async function dryBuild(tfl: Tfl, build: () => LayersModel | Promise<LayersModel>): Promise<Footprint> {
  const proto = layerPrototype(tfl);
  const real = proto.addWeight;
  let params = 0;
  let built: LayersModel | Promise<LayersModel>;
  proto.addWeight = function stand(name: string, shape: number[]) {
    params += shape.reduce((a, b) => a * b, 1);
    return { name, originalName: name, shape, dtype: 'float32', trainable: true, read: () => { throw new Error('dry build'); }, dispose: () => {} };
  };
  try {
    built = build();
  } finally {
    proto.addWeight = real;
  }
  // modelFromJSON builds before its first await (which is only for weights files, never given here); a dry
  // model holds no tensors, so it is left to the GC.
  return { params, activationsPerExample: activationsPerExample(await built) };
}
