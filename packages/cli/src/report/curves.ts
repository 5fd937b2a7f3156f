import { join } from 'node:path';
import { errorMessage, writeFileAtomic, type EpochLogs } from '@dlkit/core';
import { curvesPng } from '@dlkit/vision';

/** The name of the training-curves figure written beside every model `dl train` saves. */
export const CURVES_FILE = 'curves.png';

/**
 * Writes `curves.png` into a saved model's folder. A figure is never worth a training run: any failure is a
 * warning on stderr and undefined, never an error.
 */
export async function writeCurves(modelDir: string, history: readonly EpochLogs[]): Promise<string | undefined> {
  try {
    const png = await curvesPng(history);
    if (png === undefined) return undefined;
    const path = join(modelDir, CURVES_FILE);
    await writeFileAtomic(path, png);
    return path;
  } catch (error) {
    process.stderr.write(`dl: warning: ${CURVES_FILE} not written in ${modelDir}: ${errorMessage(error)}\n`);
    return undefined;
  }
}
