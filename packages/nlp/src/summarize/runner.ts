import { DlError, oneAtATime, refuseHubOnlyOptions, type HubLoadOptions, type TaskRunner } from '@dlkit/core';
import { TEXTRANK_MODEL, type Summary } from '../tasks.js';
import { loadAbstractiveRunner, type AbstractiveCall } from './abstractive.js';
import { summarizeExtractive, type ExtractiveOptions } from './extractive.js';

type SummarizationCall = AbstractiveCall & { sentences?: number | undefined; ratio?: number | undefined };

const ABSTRACTIVE_ONLY = ['maxLength', 'minLength', 'beams'] as const;
const TEXTRANK_ONLY = ['sentences', 'ratio'] as const;

/** A call option the chosen model has no use for is refused by name, not silently ignored. */
function refuse(options: SummarizationCall, names: readonly (keyof SummarizationCall)[], model: string, takes: readonly string[]): void {
  const given = names.find((name) => options[name] !== undefined);
  if (given !== undefined) {
    throw new DlError('INVALID_ARGUMENT', `summarization with ${model} takes no option '${given}' (it takes: ${takes.join(', ')})`, { parameter: given });
  }
}

/**
 * The runner of `summarization`: TextRank for `textrank` (offline), otherwise a transformers.js seq2seq model,
 * loaded with `options` (its `dtype` and `device`; TextRank has no weights and runs on the CPU).
 */
export async function loadSummarizerRunner(model: string, options: HubLoadOptions = {}): Promise<TaskRunner<string, Summary, SummarizationCall>> {
  if (model === TEXTRANK_MODEL) {
    refuseHubOnlyOptions(options, model);
    const extract = async (text: string, options: ExtractiveOptions) => summarizeExtractive(text, options);
    const each = oneAtATime(extract, model);
    return {
      model,
      device: 'cpu',
      run(texts, options) {
        refuse(options, ABSTRACTIVE_ONLY, model, TEXTRANK_ONLY);
        return each(texts, { ...(options.sentences === undefined ? {} : { sentences: options.sentences }), ...(options.ratio === undefined ? {} : { ratio: options.ratio }) });
      },
      async dispose() {},
    };
  }
  const abstractive = await loadAbstractiveRunner(model, options);
  return {
    ...abstractive,
    run(texts, options) {
      refuse(options, TEXTRANK_ONLY, model, ABSTRACTIVE_ONLY);
      if (options.minLength !== undefined && options.maxLength !== undefined && options.minLength > options.maxLength) {
        throw new DlError('INVALID_ARGUMENT', `summarization: minLength (${options.minLength}) is above maxLength (${options.maxLength})`, { parameter: 'minLength' });
      }
      return abstractive.run(texts, options);
    },
  };
}
