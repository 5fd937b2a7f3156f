import { DlError } from '@dlkit/core';
import { errorInfo } from '../output.js';

/** The tasks `dl batch` runs; each input gives one JSON result, in the shape of the task's own `--json` output. */
export const BATCH_TASKS = ['classify', 'detect', 'faces', 'sentiment', 'summarize-extractive', 'transcribe'] as const;
export type BatchTask = (typeof BATCH_TASKS)[number];

export const isBatchTask = (name: string): name is BatchTask => (BATCH_TASKS as readonly string[]).includes(name);

/** What a task's models are opened with; validated by the command, the same for every input of a batch. */
export interface TaskOptions {
  model?: string;
  topk?: number;
  threshold?: number;
  sentences?: number;
  maxPixels?: number;
  /** onnxruntime threads per operator in each worker (workers share the cores). */
  threads?: number;
}

/** One input's outcome as it is written to the results file. */
export type TaskResult = { output: unknown } | { error: { code: string; message: string } };

/** A task's models, loaded once per worker and used for every input it is given. */
export interface TaskRunner {
  runEach(inputs: readonly string[]): Promise<TaskResult[]>;
  dispose(): Promise<void>;
}

/** Inputs per call: the classifier runs images in batches of 8, the others one input at a time. */
export const CHUNK_SIZE: Record<BatchTask, number> = {
  classify: 8,
  detect: 1,
  faces: 1,
  sentiment: 1,
  'summarize-extractive': 1,
  transcribe: 1,
};

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

const settle = (result: Settled<unknown>): TaskResult => (result.ok ? { output: result.value } : { error: errorInfo(result.error) });

/** Runs `fn` on each input in turn; a failure is that input's error. */
function oneByOne(fn: (input: string) => Promise<unknown>): TaskRunner['runEach'] {
  return async (inputs) => {
    const out: TaskResult[] = [];
    for (const input of inputs) {
      try {
        out.push({ output: await fn(input) });
      } catch (error) {
        out.push({ error: errorInfo(error) });
      }
    }
    return out;
  };
}

/** The text of a whole file (UTF-8 or UTF-16 with BOM), as `dl nlp` reads it. */
async function readDocument(input: string): Promise<string> {
  const { readTexts } = await import('@dlkit/nlp');
  const [source] = await readTexts([input], { mode: 'document' });
  if (!source?.ok) throw source?.error ?? new DlError('INPUT_UNREADABLE', `${input}: nothing read`);
  const text = source.value[0]?.text;
  if (text === undefined) throw new DlError('INPUT_UNSUPPORTED', `${input}: no text`);
  return text;
}

/** Loads the models of `task`. Packages are imported here, in the worker, so the main thread loads none. */
export async function openTask(task: BatchTask, options: TaskOptions): Promise<TaskRunner> {
  const decode = options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels };
  const model = options.model === undefined ? {} : { model: options.model };
  switch (task) {
    case 'classify': {
      const { createClassifier } = await import('@dlkit/vision');
      const classifier = await createClassifier({ ...decode, ...model, ...(options.threads ? { threads: options.threads } : {}) });
      const topk = options.topk ?? 5;
      return { runEach: async (inputs) => (await classifier.classifyEach([...inputs], { topk })).map(settle), dispose: () => classifier.dispose() };
    }
    case 'detect': {
      const { createDetector } = await import('@dlkit/vision');
      const detector = await createDetector({ ...decode, ...model });
      const opts = options.threshold === undefined ? {} : { threshold: options.threshold };
      return {
        runEach: async (inputs) => (await detector.detectEach([...inputs], opts)).map((r) => settle(r.ok ? { ok: true, value: r.value.detections } : r)),
        dispose: () => detector.dispose(),
      };
    }
    case 'faces': {
      const { createFaceAnalyzer } = await import('@dlkit/vision');
      const analyzer = await createFaceAnalyzer(decode);
      return { runEach: async (inputs) => (await analyzer.analyzeEach([...inputs])).map(settle), dispose: () => analyzer.dispose() };
    }
    case 'sentiment': {
      const { createTextClassifier, DEFAULT_SENTIMENT_MODEL } = await import('@dlkit/nlp');
      const classifier = await createTextClassifier({ model: options.model ?? DEFAULT_SENTIMENT_MODEL });
      return { runEach: oneByOne(async (input) => classifier.classify(await readDocument(input))), dispose: () => classifier.dispose() };
    }
    case 'summarize-extractive': {
      const { summarizeExtractive } = await import('@dlkit/nlp');
      const sentences = options.sentences === undefined ? {} : { sentences: options.sentences };
      return { runEach: oneByOne(async (input) => summarizeExtractive(await readDocument(input), sentences)), dispose: async () => {} };
    }
    case 'transcribe': {
      const { createTranscriber } = await import('@dlkit/speech');
      const transcriber = await createTranscriber(model);
      return { runEach: oneByOne((input) => transcriber.transcribe(input)), dispose: () => transcriber.dispose() };
    }
  }
}
