import { classFolderFiles, DlError, errorMessage, type Dataset } from '@dlkit/core';

export interface ClassFoldersOptions {
  /** Turns one file into its features (e.g. decode + resize an image); errors name the file. */
  load: (path: string) => Promise<Float32Array>;
  featureShape: number[];
  /** File extensions to take, lower case with the dot. */
  extensions: readonly string[];
}

/**
 * `dir/<class>/**\/<file>`: one sub-folder per class (Keras `image_dataset_from_directory`, torchvision
 * `ImageFolder`). Files are listed up front and loaded per batch.
 */
export async function fromClassFolders(dir: string, options: ClassFoldersOptions): Promise<Dataset> {
  const { classes, files, labels } = await classFolderFiles(dir, options.extensions);
  const width = options.featureShape.reduce((a, b) => a * b, 1);
  return {
    size: files.length,
    featureShape: options.featureShape,
    classes,
    labels,
    source: dir,
    read: async (items) => {
      const out = new Float32Array(items.length * width);
      await Promise.all(
        items.map(async (item, i) => {
          const path = files[item]!;
          let features: Float32Array;
          try {
            features = await options.load(path);
          } catch (error) {
            throw new DlError('DATASET_INVALID', `Cannot load ${path}: ${errorMessage(error)}`, { cause: error });
          }
          if (features.length !== width) throw new DlError('DATASET_INVALID', `${path} gave ${features.length} values, expected ${width}`);
          out.set(features, i * width);
        }),
      );
      return out;
    },
  };
}
