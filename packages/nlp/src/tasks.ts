// The NLP tasks as one table: the pipeline factory, the CLI, `dl batch` and the demo all read it. Kept light
// (zod and the contract only): each row's load() imports its implementation, so reading the table (for commands
// and --help) loads no model runtime.
import { z } from 'zod';
import { defineTask, HUB_LOAD_OPTIONS, type TaskRunner } from '@dlkit/core/pipeline';
import type { TextLabel } from './text-model/classifier.js';

/** The model that summarizes offline: TextRank's top sentences, no network and no weights. */
export const TEXTRANK_MODEL = 'textrank';

/** One summary, in the shape of Hugging Face's summarization pipeline. */
export type Summary = [{ summary_text: string }];

// The text models read no files of the caller's and take no thread count: only a hub model's dtype and device.
export const classificationLoadOptions = z.strictObject({ ...HUB_LOAD_OPTIONS });

export const classificationCallOptions = z.strictObject({
  topK: z.number().int().min(1).max(1000).optional().describe('how many labels to return per text, best first (default 1)'),
});

export const summarizationLoadOptions = z.strictObject({ ...HUB_LOAD_OPTIONS });

export const summarizationCallOptions = z.strictObject({
  maxLength: z.number().int().min(1).max(1024).optional().describe('longest summary in tokens (abstractive models; default 142)'),
  minLength: z.number().int().min(0).max(1024).optional().describe('shortest summary in tokens (abstractive models; default 30)'),
  beams: z.number().int().min(1).max(16).optional().describe('beam width, 1 is greedy (abstractive models; default 1)'),
  sentences: z.number().int().min(1).max(100_000).optional().describe('sentences to keep (textrank; default 3)'),
  ratio: z.number().gt(0).max(1).optional().describe('fraction of the sentences to keep, in (0, 1], instead of sentences (textrank)'),
});

type ClassificationRunner = Promise<TaskRunner<string, TextLabel[], z.infer<typeof classificationCallOptions>>>;

async function loadClassifier(model: string, options: z.infer<typeof classificationLoadOptions>): ClassificationRunner {
  const { loadTextClassifierRunner } = await import('./classify/text-classifier.js');
  return loadTextClassifierRunner(model, options);
}

export const TASKS = [
  defineTask({
    task: 'sentiment-analysis',
    aliases: ['sentiment'],
    domain: 'nlp',
    summary: 'POSITIVE or NEGATIVE, with a score: the embedded English model (offline), your fine-tuned model or a hub model',
    defaultModel: 'sentiment',
    offline: true,
    input: 'text',
    output: '[{label, score, unknown?}]',
    loadOptions: classificationLoadOptions,
    callOptions: classificationCallOptions,
    load: (model, options): ClassificationRunner => loadClassifier(model, options),
  }),
  defineTask({
    task: 'text-classification',
    aliases: ['classify'],
    domain: 'nlp',
    summary: 'Label a text: a model fine-tuned on your labels, a hub text-classification model, or the embedded sentiment model',
    defaultModel: 'sentiment',
    offline: true,
    input: 'text',
    output: '[{label, score}]',
    loadOptions: classificationLoadOptions,
    callOptions: classificationCallOptions,
    load: (model, options): ClassificationRunner => loadClassifier(model, options),
  }),
  defineTask({
    task: 'summarization',
    aliases: ['summarize'],
    domain: 'nlp',
    summary: `Summarize a text: DistilBART (hub, fetched on first use) or '${TEXTRANK_MODEL}' (extractive, offline)`,
    defaultModel: 'Xenova/distilbart-cnn-6-6',
    offline: false,
    input: 'text',
    output: '[{summary_text}]',
    loadOptions: summarizationLoadOptions,
    callOptions: summarizationCallOptions,
    async load(model, options): Promise<TaskRunner<string, Summary, z.infer<typeof summarizationCallOptions>>> {
      const { loadSummarizerRunner } = await import('./summarize/runner.js');
      return loadSummarizerRunner(model, options);
    },
  }),
];
