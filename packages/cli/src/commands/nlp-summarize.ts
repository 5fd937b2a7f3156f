import { createSummarizer, readTexts, summarizeExtractive, type Summarizer } from '@dlkit/nlp';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { assertStdinOnce, decimalNumber, positiveInt } from './arguments.js';

export interface SummarizeArgs {
  inputs: string[];
  method?: string;
  sentences?: string;
  ratio?: string;
  model?: string;
  maxLength?: string;
  minLength?: string;
  beams?: string;
  column?: string;
}

/** `dl nlp summarize <files...|->`: each file (or CSV/JSONL row with --column) is one document. */
export async function nlpSummarize(args: SummarizeArgs, out: Output): Promise<number> {
  if (args.inputs.length === 0) throw new UsageError('nlp summarize needs at least one file (or - for standard input)');
  assertStdinOnce(args.inputs);
  const method = args.method ?? 'abstractive';
  if (method !== 'abstractive' && method !== 'extractive') throw new UsageError(`--method is abstractive or extractive, not '${method}'`);
  const sentences = positiveInt('--sentences', args.sentences);
  const ratio = decimalNumber('--ratio', args.ratio, { min: 0, max: 1 });
  if (ratio === 0) throw new UsageError(`--ratio must be in (0, 1], got '${args.ratio}'`);
  const maxLength = positiveInt('--max-length', args.maxLength);
  const minLength = positiveInt('--min-length', args.minLength);
  const beams = positiveInt('--beams', args.beams);
  const sources = await readTexts(args.inputs, { mode: 'document', ...(args.column ? { column: args.column } : {}) });
  let summarizer: Summarizer | undefined;
  let failed = 0;
  try {
    for (const source of sources) {
      if (!source.ok) {
        failed++;
        out.inputError(source.source, source.error);
        continue;
      }
      for (const item of source.value) {
        try {
          let result: [{ summary_text: string }];
          if (method === 'extractive') {
            result = summarizeExtractive(item.text, { ...(sentences ? { sentences } : {}), ...(ratio ? { ratio } : {}) });
          } else {
            summarizer ??= await createSummarizer({
              ...(args.model ? { model: args.model } : {}),
              ...(maxLength ? { maxLength } : {}),
              ...(minLength ? { minLength } : {}),
              ...(beams ? { beams } : {}),
            });
            result = await summarizer.summarize(item.text);
          }
          out.result(item.input, result, `${item.input}\n  ${result[0].summary_text}`);
        } catch (error) {
          // A summarizer that cannot load fails every document the same way: say it once.
          if (summarizer === undefined && method === 'abstractive') throw error;
          failed++;
          out.inputError(item.input, error);
        }
      }
    }
  } finally {
    await summarizer?.dispose();
  }
  return failed > 0 ? 1 : 0;
}
