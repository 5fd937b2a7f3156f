import { DlError, loadHubPipeline, parseModelReference, pullHubModel } from '@dlkit/core';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { downloadProgress } from '../terminal/download-progress.js';

/**
 * `dl models pull <org/name> --task <task>`: downloads a hub model into DL_CACHE/hub (resumable,
 * each file checked against the hub's hash), then loads it from the cache alone, so that it is known to work
 * offline.
 */
export async function modelsPull(args: { ids: string[]; task?: string }, out: Output): Promise<number> {
  if (args.ids.length === 0) throw new UsageError('models pull needs a hub id (org/name)');
  if (args.task === undefined) throw new UsageError('models pull needs --task, e.g. text-classification, summarization or image-classification');
  let failed = 0;
  for (const id of args.ids) {
    const progress = downloadProgress(out.json);
    try {
      const reference = parseModelReference(id);
      if (reference.kind !== 'hub') throw new DlError('INVALID_ARGUMENT', `${id} is not a hub id (org/name)`);
      const { dir, files } = await pullHubModel(id, { onProgress: (event) => progress.update(event) });
      progress.end();
      const pipeline = await loadHubPipeline(args.task, reference, { cacheOnly: true });
      await pipeline.dispose();
      const bytes = files.reduce((n, f) => n + f.size, 0);
      out.result(id, { dir, files }, `${id}: ${files.length} files (${(bytes / 1e6).toFixed(1)} MB, each checked) in ${dir}; loads offline for ${args.task}`);
    } catch (error) {
      progress.end();
      failed++;
      out.inputError(id, error);
    }
  }
  return failed > 0 ? 1 : 0;
}
