import { dlSettings, DlError, loadHubPipeline, parseModelReference } from '@dlkit/core';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';

/** `dl models pull <org/name> --task <task>`: downloads a hub model into DL_CACHE/hub so it works offline later. */
export async function modelsPull(args: { ids: string[]; task?: string }, out: Output): Promise<number> {
  if (args.ids.length === 0) throw new UsageError('models pull needs a hub id (org/name)');
  if (args.task === undefined) throw new UsageError('models pull needs --task, e.g. image-classification or object-detection');
  let failed = 0;
  for (const id of args.ids) {
    try {
      const reference = parseModelReference(id);
      if (reference.kind !== 'hub') throw new DlError('INVALID_ARGUMENT', `${id} is not a hub id (org/name)`);
      let shown = '';
      const pipeline = await loadHubPipeline(args.task, reference, {
        onProgress: (info) => {
          if (out.json || info.status !== 'progress' || info.file === undefined) return;
          const line = `${info.file} ${Math.round(info.progress ?? 0)}%`;
          if (line !== shown) process.stderr.write(`\r${(shown = line)}\x1b[K`);
        },
      });
      await pipeline.dispose();
      if (shown) process.stderr.write('\n');
      out.result(id, { cached: `${dlSettings().cacheDir}/hub` }, `${id}: cached in ${dlSettings().cacheDir}/hub`);
    } catch (error) {
      failed++;
      out.inputError(id, error);
    }
  }
  return failed > 0 ? 1 : 0;
}
