import type { z } from 'zod';
import type { DlError } from '../errors.js';

/** The outcome of one input of a batch call: a bad input fails alone, the others still get their result. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: DlError };

/** What a task reads; the CLI, `dl batch` and the demo pick their input readers and file extensions from it. */
export const INPUT_KINDS = ['image', 'text', 'audio', 'table'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export const DOMAINS = ['vision', 'nlp', 'speech', 'tabular'] as const;
export type Domain = (typeof DOMAINS)[number];

/** A loaded model as a task runs it: every input of a call gets its own settled result. */
export interface TaskRunner<In, Out, CallOptions> {
  /** The model's name as loaded (an embedded name, a folder's manifest name, a hub id). */
  readonly model: string;
  /** Where it runs: onnxruntime's execution provider or the tfjs backend. */
  readonly device: string;
  run(inputs: readonly In[], options: CallOptions): Promise<Array<Settled<Out>>>;
  dispose(): Promise<void>;
}

/** A command line of `dl` that shows a task at work, for its `--help` (a test parses every one against the CLI). */
export interface TaskExample {
  /** The whole line as typed, from `dl` on (`dl vision ocr scan.png --out boxed.png`). */
  readonly command: string;
  /** What it does, in a few words (`the scan with each line boxed`). */
  readonly comment: string;
}

/**
 * One row of a domain's `TASKS` table: everything the pipeline factory, the CLI, `dl batch` and the demo need to
 * know about a task, so none of them keeps its own copy.
 */
export interface TaskDefinition<
  In = unknown,
  Out = unknown,
  Load extends z.ZodObject = z.ZodObject,
  Call extends z.ZodObject = z.ZodObject,
> {
  /** Hugging Face's task name where there is one (`image-classification`). */
  readonly task: string;
  /** Other names it is called by (`classify`); the first is the CLI's command word. */
  readonly aliases: readonly string[];
  readonly domain: Domain;
  /** One line for `--help` and listings. */
  readonly summary: string;
  /** The model used when none is named: embedded where one can be, else a hub id fetched on first use. */
  readonly defaultModel: string;
  /** Whether the default model works with no network (it is embedded). */
  readonly offline: boolean;
  /**
   * What the task's models are, where the generic words (an embedded model, a model folder or a hub id; embedded,
   * or fetched on first use) would mislead: a task that runs one model only, or needs packages installed for it.
   * Help shows it on the default-model line and the `--model` flag.
   */
  readonly modelNote?: string;
  /** 1-3 command lines of `dl` using the task, shown under "Examples:" in its help. */
  readonly examples?: readonly TaskExample[];
  readonly input: InputKind;
  /** The shape of one input's answer, in words (`[{label, score}]`), for help and docs. */
  readonly output: string;
  /** Options given when the model is loaded (`maxPixels`, `threads`, ...). */
  readonly loadOptions: Load;
  /** Options of each call (`topK`, `threshold`, ...). */
  readonly callOptions: Call;
  load(model: string, options: z.infer<Load>): Promise<TaskRunner<In, Out, z.infer<Call>>>;
}

/** Any row of any `TASKS` table, for code (the CLI, the demo) that handles them all alike. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTaskDefinition = TaskDefinition<any, any, z.ZodObject, z.ZodObject>;
