import { registerDatasetLoader, type AugmentConfig, type DatasetLoader } from '@dlkit/core';
import { z } from 'zod';
import { randomAffine } from './image-affine.js';
import { imageFolderDataset } from './image-folder.js';
import { VISION_INPUT_KINDS } from './input-kinds.js';
import { fromDigitsJson, fromMnistIdx } from './mnist.js';

/** Images are resized to this at most: a 28x28 digit or a 224x224 photo is typical; larger is memory, not accuracy. */
const MAX_IMAGE_SIDE = 2048;

/** A training config's `augment` on HWC images: random rotation, scale, shift and shear (none for other shapes). */
function affineAugment(options: AugmentConfig, shape: readonly number[]) {
  if (shape.length !== 3) return undefined;
  return randomAffine({ height: shape[0]!, width: shape[1]!, channels: shape[2]!, ...options });
}

// Strict schemas: a misspelt key of a config's `data` (`"widht": 32`) is an error naming it, not a default.
const imageFolderSchema = z.strictObject({
  type: z.literal('image-folder'),
  path: z.string(),
  width: z.number().int().positive().max(MAX_IMAGE_SIDE).default(64),
  height: z.number().int().positive().max(MAX_IMAGE_SIDE).default(64),
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
});

const imageFolder: DatasetLoader<z.infer<typeof imageFolderSchema>> = {
  schema: imageFolderSchema,
  task: 'image-classification',
  load: (data, at) => imageFolderDataset(at(data.path), data),
  augment: affineAugment,
};

const mnistIdxSchema = z.strictObject({
  type: z.literal('mnist-idx'),
  images: z.string(),
  labels: z.string(),
  /** Names of labels 0, 1, ... for sets in MNIST's format that are not digits (Fashion-MNIST); default the digits. */
  classes: z.array(z.string().min(1)).min(2).max(256).optional(),
});

const mnistIdx: DatasetLoader<z.infer<typeof mnistIdxSchema>> = {
  schema: mnistIdxSchema,
  task: 'image-classification',
  load: async (data, at) => {
    const dataset = await fromMnistIdx(at(data.images), at(data.labels), data.classes ? { classes: data.classes } : {});
    const [height, width] = dataset.featureShape as [number, number, number];
    // Digits get the digit normalisation (crop to the ink, centre by mass); other images are read whole, resized.
    const input = data.classes ? { kind: VISION_INPUT_KINDS.image, width, height, channels: 1 } : { kind: VISION_INPUT_KINDS.digits };
    return { dataset, input };
  },
  augment: affineAugment,
};

const digitsJsonSchema = z.strictObject({ type: z.literal('digits-json'), path: z.string() });

const digitsJson: DatasetLoader<z.infer<typeof digitsJsonSchema>> = {
  schema: digitsJsonSchema,
  task: 'image-classification',
  load: async (data, at) => ({ dataset: await fromDigitsJson(at(data.path)), input: { kind: VISION_INPUT_KINDS.digits } }),
  augment: affineAugment,
};

/** Makes training configs read image folders and MNIST digits; @dlkit/vision's entry point runs it on import. */
export function registerVisionDatasets(): void {
  registerDatasetLoader('image-folder', imageFolder);
  registerDatasetLoader('mnist-idx', mnistIdx);
  registerDatasetLoader('digits-json', digitsJson);
}
