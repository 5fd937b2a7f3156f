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
    examples: [
      { command: 'dl nlp sentiment --text "what a joy"', comment: 'POSITIVE or NEGATIVE with a score (embedded, offline)' },
      { command: 'dl nlp sentiment reviews.csv --column review --json', comment: 'each row of a CSV column, one JSON line each' },
    ],
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
    examples: [
      { command: 'dl nlp classify new-tickets.txt --model my-texts --top-k 3', comment: 'each line by a model from dl nlp fine-tune, three labels' },
      { command: 'dl nlp classify tickets.csv --column body --model my-texts --json', comment: 'a CSV column, one JSON line per row' },
    ],
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
    examples: [
      { command: 'dl nlp summarize article.txt', comment: 'abstractive, DistilBART (hub on first use, then cached)' },
      { command: 'dl nlp summarize article.txt --model textrank --sentences 3', comment: 'its three most central sentences, offline' },
    ],
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
