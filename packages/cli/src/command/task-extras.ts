import type { FlagSpec, ParsedCommand } from './spec.js';
import { stringFlag, typedFlag } from './spec.js';
import { UsageError } from '../cli-error.js';
import { LIVE_EXTRAS } from './live-transcribe.js';

/** The loaded pipeline as an extra sees it. */
export type AnyPipeline = ((input: unknown, options?: Record<string, unknown>) => Promise<unknown>) & { dispose(): Promise<void> };

/**
 * What a task's command has beyond its `TASKS` row, all optional: a new task needs none of it. These are the CLI's
 * own additions (a reference face to match against) and the older spellings scripts may still use.
 */
export interface TaskExtras {
  /** Flags of the command's own (`--match`), handled by `prepare`. */
  readonly flags?: readonly FlagSpec[];
  /** Older flag spellings by option name (`maxDetections: ['max']`), besides the run-together one (`--topk`). */
  readonly aliases?: Readonly<Record<string, readonly string[]>>;
  /** Text tasks: what one text is by default, a line (and `--whole-file` makes it the file) or a whole document. */
  readonly textUnit?: 'line' | 'document';
  /** The model a legacy flag picks (`--method extractive` -> `textrank`), when --model is not given. */
  model?(parsed: ParsedCommand): string | undefined;
  /** Work done once the model is loaded; returns how each answer is turned into what dl shows and writes. */
  prepare?(parsed: ParsedCommand, pipeline: AnyPipeline): Promise<(value: unknown) => unknown | Promise<unknown>>;
}

type Face = { box: { xmin: number; ymin: number; xmax: number; ymax: number }; descriptor: number[] };
const area = (f: Face) => (f.box.xmax - f.box.xmin) * (f.box.ymax - f.box.ymin);
const byArea = <F extends Face>(faces: readonly F[]) => [...faces].sort((a, b) => area(b) - area(a));

/** The closest pair between an image's faces and the reference's, with which face of each it was (0-based). */
async function bestMatch(faces: readonly Face[], reference: readonly Face[]) {
  const { compareFaces } = await import('@dlkit/vision');
  let best: (ReturnType<typeof compareFaces> & { face: number; box: Face['box']; referenceFace: number; referenceBox: Face['box'] }) | undefined;
  for (const [i, a] of faces.entries()) {
    for (const [j, b] of reference.entries()) {
      const m = compareFaces(a, b);
      if (best === undefined || m.distance < best.distance) best = { ...m, face: i, box: a.box, referenceFace: j, referenceBox: b.box };
    }
  }
  return best ?? null;
}

/**
 * `dl vision faces` answers `{faces}` (largest first, as drawn and numbered), with `match` (the closest pair, or
 * null when either side has no face) when `--match FILE` is given: one shape with or without it.
 */
const faces: TaskExtras = {
  flags: [{ name: 'match', kind: 'string', value: 'FILE', description: 'also say whether each image shows the same person as FILE (adds "match" to each answer)' }],
  aliases: { threshold: ['min-confidence'] },
  async prepare(parsed, pipeline) {
    const file = stringFlag(parsed, 'match');
    const reference = file === undefined ? undefined : byArea((await pipeline(file)) as Face[]);
    return async (value) => {
      const sorted = byArea(value as Face[]);
      return reference === undefined ? { faces: sorted } : { faces: sorted, match: await bestMatch(sorted, reference) };
    };
  },
};

/** `--method abstractive|extractive`, the old way to pick a summarizer: extractive is the `textrank` model. */
const summarize: TaskExtras = {
  textUnit: 'document',
  flags: [{ name: 'method', kind: 'string', value: 'abstractive|extractive', description: 'older spelling of the model choice: extractive = --model textrank' }],
  model(parsed) {
    const method = stringFlag(parsed, 'method');
    if (method === undefined || method === 'abstractive') return undefined;
    if (method === 'extractive') return 'textrank';
    throw new UsageError(`${typedFlag(parsed, 'method')} is abstractive or extractive, not '${method}'`);
  },
};

/** By task name. */
export const TASK_EXTRAS: Readonly<Record<string, TaskExtras>> = {
  'object-detection': { aliases: { maxDetections: ['max'] } },
  'face-analysis': faces,
  summarization: summarize,
  'automatic-speech-recognition': LIVE_EXTRAS,
};
