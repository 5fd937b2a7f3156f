import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DlError, errorMessage } from '../../errors.js';
import { expandInputs } from '../../io/inputs.js';

export interface ClassFolderFiles {
  classes: string[];
  files: string[];
  labels: Int32Array;
}

/**
 * `dir/<class>/**\/<file>` (torchvision's ImageFolder, Keras' `image_dataset_from_directory`): the class folders
 * sorted, the files of each walked as `dl`'s inputs are (hidden files and links to folders left out, and said). A
 * class folder without such files is DATASET_INVALID: a class the data cannot show is a mistake, not a zero.
 */
export async function classFolderFiles(dir: string, extensions: readonly string[], onSkip?: (path: string, reason: string) => void): Promise<ClassFolderFiles> {
  let classes: string[];
  try {
    classes = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw new DlError('DATASET_INVALID', `Cannot read ${dir}: ${errorMessage(error)}`, { cause: error });
  }
  if (classes.length === 0) throw new DlError('DATASET_INVALID', `${dir} has no class folders: a labelled set is ${dir}/<class>/<files>`);
  const files: string[] = [];
  const labels: number[] = [];
  for (const [index, name] of classes.entries()) {
    let found: string[];
    try {
      found = await expandInputs([join(dir, name)], { extensions, ...(onSkip ? { onSkip } : {}) });
    } catch (error) {
      throw new DlError('DATASET_INVALID', `Class folder ${join(dir, name)}: ${errorMessage(error)}`, { cause: error });
    }
    files.push(...found);
    labels.push(...found.map(() => index));
  }
  return { classes, files, labels: Int32Array.from(labels) };
}
