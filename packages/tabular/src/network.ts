// What both kinds of tabular model folder share once their rows are numbers: the network with its labels, and
// the best labels of a row's scores.
import { loadLabels, loadLayersModel, type LayersModel, type LoadedManifest } from '@dlkit/core';
import type { RowLabel } from './tasks.js';

/** The model folder's network and the labels of its outputs; the network is disposed if the labels do not fit it. */
export async function loadNetworkWithLabels(loaded: LoadedManifest, check?: () => void): Promise<{ network: LayersModel; labels: string[] }> {
  const network = await loadLayersModel(loaded);
  try {
    const labels = await loadLabels(loaded, network.outputs[0]?.shape.at(-1) ?? undefined);
    check?.();
    return { network, labels };
  } catch (error) {
    network.dispose();
    throw error;
  }
}

/** The `k` best labels of one row's class scores, best first. */
export function topLabels(scores: ArrayLike<number>, labels: readonly string[], k: number): RowLabel[] {
  return Array.from(scores, (score, i) => ({ label: labels[i]!, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
