import { createTextClassifier, DEFAULT_SENTIMENT_MODEL, readTexts, type TextItem, type TextLabel } from '@dlkit/nlp';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { assertStdinOnce } from './arguments.js';

export interface ClassifyTextArgs {
  inputs: string[];
  texts: string[];
  model?: string;
  allScores: boolean;
  wholeFile: boolean;
  column?: string;
}

/** Lines classified per model call: batching is 1.5x faster than one by one on wasm (bench/RESULTS.md, sentiment). */
const BATCH = 64;

/**
 * `dl nlp classify --model ID <files...|-> [--text "..."]` and `dl nlp sentiment` (the same, with the embedded
 * sentiment model by default): each line (or file, or CSV/JSONL row) is one text.
 */
export async function nlpClassify(args: ClassifyTextArgs, out: Output, command: 'classify' | 'sentiment' = 'classify'): Promise<number> {
  const model = args.model ?? (command === 'sentiment' ? DEFAULT_SENTIMENT_MODEL : undefined);
  if (model === undefined) throw new UsageError('nlp classify needs --model (sentiment, a folder from nlp fine-tune, or a hub id such as Xenova/distilbert-base-uncased-finetuned-sst-2-english)');
  if (args.inputs.length === 0 && args.texts.length === 0) throw new UsageError(`nlp ${command} needs files, - for standard input, or --text "..."`);
  assertStdinOnce(args.inputs);
  const classifier = await createTextClassifier({ model });
  let failed = 0;
  try {
    const items: TextItem[] = args.texts.map((text, i) => ({ input: `--text ${i + 1}`, text }));
    for (const source of await readTexts(args.inputs, { mode: args.wholeFile ? 'document' : 'lines', ...(args.column ? { column: args.column } : {}) })) {
      if (source.ok) items.push(...source.value);
      else {
        failed++;
        out.inputError(source.source, source.error);
      }
    }
    // A text with no word the model knows gets even scores flagged `unknown` (--json keeps the flag): said in words.
    const show = (item: TextItem, labels: TextLabel[]) => {
      const scores = labels.map((l) => `${l.label} ${(l.score * 100).toFixed(1)}%`).join(', ');
      out.result(item.input, labels, `${item.input}: ${labels[0]?.unknown ? `unknown: no word the model knows (${scores})` : scores}`);
    };
    for (let start = 0; start < items.length; start += BATCH) {
      const batch = items.slice(start, start + BATCH);
      const labels = await classifier.classifyBatch(batch.map((item) => item.text), { allScores: args.allScores }).catch(() => undefined);
      if (labels !== undefined) {
        batch.forEach((item, i) => show(item, labels[i]!));
        continue;
      }
      // Some text in the batch cannot be classified: one by one, so that only it fails.
      for (const item of batch) {
        try {
          show(item, await classifier.classify(item.text, { allScores: args.allScores }));
        } catch (error) {
          failed++;
          out.inputError(item.input, error);
        }
      }
    }
  } finally {
    await classifier.dispose();
  }
  return failed > 0 ? 1 : 0;
}
