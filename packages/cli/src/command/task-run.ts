import { existsSync } from 'node:fs';
import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import type { Output } from '../output.js';
import { cueLimitsOf, isSubtitles, type Format } from './formats.js';
import { writeOutput } from './out-paths.js';
import { fileText, humanLines } from './render.js';
import { booleanFlag, stringFlag, type ParsedCommand } from './spec.js';
import { asUsageError } from './usage-errors.js';
import type { Unit } from './task-inputs.js';

type Settled = { ok: boolean; value?: unknown; error?: unknown };

export interface TaskRun {
  task: AnyTaskDefinition;
  parsed: ParsedCommand;
  pipeline: { each(inputs: unknown[], options?: Record<string, unknown>): Promise<Settled[]> };
  units: readonly Unit[];
  targets: readonly string[] | undefined;
  format: Format;
  call: Record<string, unknown>;
  load: Record<string, unknown>;
  transform: (value: unknown) => unknown;
}

/**
 * Inputs per pipeline call: texts and images go in batches (the models run them together, bench/RESULTS.md),
 * audio one at a time (a file can be hours long); an image to draw on is one at a time too, its pixels kept only
 * until drawn.
 */
const BATCH: Record<string, number> = { text: 64, image: 8, audio: 1, table: 64 };

const drawing = (format: Format) => format === 'jpg' || format === 'png';
const isStream = (input: string) => input === '-' || /^https?:\/\//i.test(input);

/** What the pipeline is given: the path or text; to draw on a URL's or stdin's image, its bytes (read once). */
async function pipelineInput(unit: Unit, run: TaskRun): Promise<Settled> {
  if (unit.error !== undefined) return { ok: false, error: unit.error };
  if (!drawing(run.format) || !isStream(unit.value)) return { ok: true, value: unit.value };
  const { readInput } = await import('@dlkit/core');
  return readInput(unit.value, { allowUrls: true, allowStdin: true, allowPrivateHosts: true }).then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** The bytes or text of one output file in the run's format. */
async function fileData(run: TaskRun, unit: Unit, given: unknown, value: unknown): Promise<string | Uint8Array> {
  const reference = stringFlag(run.parsed, 'match');
  if (run.format === 'text') return fileText(value, run.task.input, reference);
  if (run.format === 'json') return `${JSON.stringify({ input: unit.input, output: value })}\n`;
  if (isSubtitles(run.format)) {
    const { toSrt, toVtt, toVttWords } = await import('@dlkit/speech');
    const chunks = (value as { chunks: Parameters<typeof toSrt>[0] }).chunks;
    return { srt: toSrt, vtt: toVtt, 'vtt-words': toVttWords }[run.format](chunks, await cueLimitsOf(run.parsed, run.format));
  }
  const { decodeImage, drawAnswer } = await import('@dlkit/vision');
  const image = await decodeImage(given as string | Buffer, { maxPixels: run.load.maxPixels as number | undefined, allowUrls: true, allowStdin: true, allowPrivateHosts: true });
  return drawAnswer(image, value, run.format === 'png' ? 'png' : 'jpeg');
}

/** One answer printed, and written to its target if there is one. */
async function deliver(run: TaskRun, unit: Unit, given: unknown, value: unknown, target: string | undefined, out: Output): Promise<void> {
  if (target !== undefined) await writeOutput(target, await fileData(run, unit, given, value));
  const subtitles = target === undefined && isSubtitles(run.format);
  const human = subtitles ? String(await fileData(run, unit, given, value)).trimEnd() : humanLines(unit.input, value, run.task.input, target, stringFlag(run.parsed, 'match'));
  out.result(unit.input, value, human, target);
}

/** The inputs not skipped by --skip-existing (their output already whole: written by temp file + rename). */
function todo(run: TaskRun, out: Output): number[] {
  const indexes: number[] = [];
  const skip = booleanFlag(run.parsed, 'skip-existing');
  for (const [i, unit] of run.units.entries()) {
    const target = run.targets?.[i];
    if (skip && target !== undefined && existsSync(target)) out.skipped(unit.input, target);
    else indexes.push(i);
  }
  return indexes;
}

/** Runs the pipeline over the units and reports each; resolves to how many failed. */
export async function runUnits(run: TaskRun, out: Output): Promise<number> {
  const indexes = todo(run, out);
  // A larger --batch-size than ours is the user's choice: the pipeline gets that many at once.
  const size = drawing(run.format) ? 1 : Math.max(BATCH[run.task.input] ?? 1, Number(run.load.batchSize ?? 0));
  let failed = 0;
  for (let start = 0; start < indexes.length; start += size) {
    const chunk = indexes.slice(start, start + size);
    const given = await Promise.all(chunk.map((i) => pipelineInput(run.units[i]!, run)));
    const ready = chunk.filter((_, k) => given[k]!.ok);
    let results: Settled[];
    try {
      results = ready.length === 0 ? [] : await run.pipeline.each(ready.map((i) => given[chunk.indexOf(i)]!.value), run.call);
    } catch (error) {
      throw asUsageError(error, run.parsed);
    }
    for (const [k, i] of chunk.entries()) {
      const unit = run.units[i]!;
      const result = given[k]!.ok ? results[ready.indexOf(i)]! : given[k]!;
      try {
        if (!result.ok) throw asUsageError(result.error, run.parsed);
        await deliver(run, unit, given[k]!.value, await run.transform(result.value), run.targets?.[i], out);
      } catch (error) {
        if (error instanceof Error && error.name === 'UsageError') throw error;
        failed++;
        out.inputError(unit.input, error);
      }
    }
  }
  return failed;
}
