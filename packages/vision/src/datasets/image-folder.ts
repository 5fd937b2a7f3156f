import type { Dataset } from '@dlkit/core';
import { loadResized } from '../classify/preprocess.js';
import type { DecodeOptions } from '../image/decode.js';
import { fromClassFolders } from './class-folders.js';
import { IMAGE_EXTENSIONS } from '../tasks.js';
import { VISION_INPUT_KINDS, type ImageInputSpec } from './input-kinds.js';

export { IMAGE_EXTENSIONS };

export interface ImageFolderOptions extends DecodeOptions {
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * A folder with one sub-folder of images per class, as a training dataset of whole images resized to
 * width x height in [0,1]; with the input spec a model trained on it records, so the classifier prepares
 * images the same way.
 */
export async function imageFolderDataset(dir: string, options: ImageFolderOptions): Promise<{ dataset: Dataset; input: ImageInputSpec }> {
  const { width, height, channels } = options;
  const dataset = await fromClassFolders(dir, {
    extensions: IMAGE_EXTENSIONS,
    featureShape: [height, width, channels],
    load: (path) => loadResized(path, width, height, channels, options),
  });
  return { dataset, input: { kind: VISION_INPUT_KINDS.image, width, height, channels } };
}
