import { DlError, listEmbeddedModels, type AnyTaskDefinition, type Domain, type InputKind, type Pipeline } from '@dlkit/core';
import { pipeline as nlpPipeline, TASKS as NLP_TASKS, TEXTRANK_MODEL } from '@dlkit/nlp';
import { pipeline as speechPipeline, SPEECH_DIGITS_MODEL, TASKS as SPEECH_TASKS } from '@dlkit/speech';
import { pipeline as visionPipeline, TASKS as VISION_TASKS } from '@dlkit/vision';
import { SERVER_LIMITS } from './limits.js';

/** The model the Train page writes, offered next to the embedded ones once it exists. */
export const TRAINED_DIGITS = 'trained-digits';

/** What this server reads from HTTP; a task of another input kind (tables) gets no route. */
export const SERVED_INPUTS: readonly InputKind[] = ['image', 'text', 'audio'];

export type DemoPipeline = Pipeline<unknown, unknown, Record<string, unknown>>;

type Factory = (task: string, model?: string, options?: Record<string, unknown>) => Promise<DemoPipeline>;

const FACTORIES: Partial<Record<Domain, Factory>> = { vision: visionPipeline, nlp: nlpPipeline, speech: speechPipeline };

/** Every task the demo serves, straight from the domains' tables. */
export const DEMO_TASKS: readonly AnyTaskDefinition[] = [...VISION_TASKS, ...NLP_TASKS, ...SPEECH_TASKS].filter(
  (t: AnyTaskDefinition) => SERVED_INPUTS.includes(t.input) && FACTORIES[t.domain] !== undefined,
);

/** An HTTP server reads nothing the request does not carry: no URL fetches, no stdin, no private hosts. */
const CLOSED_SOURCES = { allowUrls: false, allowStdin: false, allowPrivateHosts: false };

/**
 * Models the demo runs when a request names none, where they differ from the table's default: both work offline,
 * so every page works out of the box (the table's defaults there are hub models fetched on first use).
 */
const DEMO_DEFAULT_MODEL: Record<string, string> = {
  summarization: TEXTRANK_MODEL,
  // The Speech page is about spoken digits; Whisper can still be named.
  'automatic-speech-recognition': SPEECH_DIGITS_MODEL,
};

/**
 * Call options the demo uses unless a request says otherwise. Faces: half, whatever the library's default is, so
 * that a demo page shows no face on the dog in the sample photo (0.41 there).
 */
const DEMO_CALL_DEFAULTS: Record<string, Record<string, unknown>> = {
  'face-analysis': { threshold: 0.5 },
};

/** The values of `fixed` whose keys `schema` has. */
function pinned(schema: { shape: object }, fixed: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fixed).filter(([key]) => key in schema.shape));
}

const limitValues = Object.fromEntries(Object.entries(SERVER_LIMITS).map(([key, { value }]) => [key, value]));

/** The model a request that names none gets. */
function defaultModel(task: AnyTaskDefinition): string {
  return DEMO_DEFAULT_MODEL[task.task] ?? task.defaultModel;
}

/**
 * The server's pipelines, each created on first use and then kept: loading a model takes longer than running
 * it. Only embedded models (and the one trained here) and the task's own defaults can be named from HTTP: a path
 * or any hub id from a request would let a caller read the server's files or make it download what it likes.
 */
export class Pipelines {
  private readonly loaded = new Map<string, Promise<DemoPipeline>>();
  private trainedDigits: string | undefined;
  /** Replaced models, disposed at close: a request may still be running on one when it is replaced. */
  private readonly retired: Array<Promise<DemoPipeline>> = [];

  /** The models a request may name for `task`, its default first. */
  models(task: AnyTaskDefinition): string[] {
    const embedded = listEmbeddedModels()
      .filter((m) => m.task === task.task)
      .map((m) => m.name);
    const trained = task.task === 'image-classification' && this.trainedDigits !== undefined ? [TRAINED_DIGITS] : [];
    return [...new Set([defaultModel(task), task.defaultModel, ...embedded, ...trained])];
  }

  /** The request's model, or MODEL_NOT_FOUND (404) naming the ones it may ask for. */
  checkModel(task: AnyTaskDefinition, model: string | undefined): string {
    const name = model ?? defaultModel(task);
    const models = this.models(task);
    if (!models.includes(name)) throw new DlError('MODEL_NOT_FOUND', `This server has no ${task.task} model '${name}'; it has: ${models.join(', ')}.`);
    return name;
  }

  /** The loaded pipeline of `task` on `model` (checked by `checkModel` first). */
  get(task: AnyTaskDefinition, model: string): Promise<DemoPipeline> {
    const key = `${task.task}:${model}`;
    let loading = this.loaded.get(key);
    if (loading === undefined) {
      const reference = model === TRAINED_DIGITS ? this.trainedDigits! : model;
      const options = { ...pinned(task.loadOptions, CLOSED_SOURCES), ...pinned(task.loadOptions, limitValues) };
      loading = FACTORIES[task.domain]!(task.task, reference, options);
      this.loaded.set(key, loading);
      // A model that failed to load is tried again on the next request, not remembered as broken.
      loading.catch(() => this.loaded.delete(key));
    }
    return loading;
  }

  /**
   * A job's call options for `task`: the request's over the demo's defaults, then what the server fixes (its
   * limits), and where the task takes them the job's signal and a progress callback that stops at the deadline.
   */
  callOptions(task: AnyTaskDefinition, requested: Record<string, unknown>, signal: AbortSignal): Record<string, unknown> {
    const job = { signal, onProgress: () => signal.throwIfAborted() };
    return { ...DEMO_CALL_DEFAULTS[task.task], ...requested, ...pinned(task.callOptions, limitValues), ...pinned(task.callOptions, job) };
  }

  /** A freshly trained digits model replaces the one loaded before. */
  setTrainedDigits(dir: string): void {
    const key = `image-classification:${TRAINED_DIGITS}`;
    const old = this.loaded.get(key);
    if (old !== undefined) this.retired.push(old);
    this.loaded.delete(key);
    this.trainedDigits = dir;
  }

  async dispose(): Promise<void> {
    const all = [...this.loaded.values(), ...this.retired.splice(0)];
    this.loaded.clear();
    await Promise.all(all.map((p) => p.then((pipeline) => pipeline.dispose(), () => undefined)));
  }
}
