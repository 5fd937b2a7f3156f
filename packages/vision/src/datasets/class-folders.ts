import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DlError, errorMessage, type Dataset } from '@dlkit/core';

export interface ClassFoldersOptions {
  /** Turns one file into its features (e.g. decode + resize an image); errors name the file. */
  load: (path: string) => Promise<Float32Array>;
  featureShape: number[];
  /** File extensions to take, lower case with the dot (default: every file). */
  extensions?: string[];
}

async function listFiles(dir: string, extensions: string[] | undefined): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => extensions === undefined || extensions.includes(extname(path).toLowerCase()))
    .sort();
}

/**
 * `dir/<class>/**\/<file>`: one sub-folder per class (Keras `image_dataset_from_directory`, torchvision
 * `ImageFolder`). Files are listed up front and loaded per batch.
 */
export async function fromClassFolders(dir: string, options: ClassFoldersOptions): Promise<Dataset> {
  let classes: string[];
  try {
    classes = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw new DlError('DATASET_INVALID', `Cannot read dataset folder ${dir}: ${errorMessage(error)}`, { cause: error });
  }
  if (classes.length === 0) throw new DlError('DATASET_INVALID', `Dataset folder ${dir} has no class sub-folders (expected ${dir}/<class>/<files>)`);
  const files: string[] = [];
  const labels: number[] = [];
  for (const [index, name] of classes.entries()) {
    const found = await listFiles(join(dir, name), options.extensions);
    if (found.length === 0) throw new DlError('DATASET_INVALID', `Class folder ${join(dir, name)} has no ${options.extensions?.join('/') ?? ''} files`);
    files.push(...found);
    labels.push(...found.map(() => index));
  }
  const width = options.featureShape.reduce((a, b) => a * b, 1);
  return {
    size: files.length,
    featureShape: options.featureShape,
    classes,
    labels: Int32Array.from(labels),
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
