import { DlError, hubPipelineDevice, isDlError, loadHubPipeline, oneAtATime, parseModelReference, type HubLoadOptions, type HubPipeline, type TaskRunner } from '@dlkit/core';
import { TEXTRANK_MODEL, type Summary } from '../tasks.js';
import { groupSentences } from '../text/sentences.js';

/** The call options an abstractive (seq2seq) summarizer honours, as the task's schema has checked them. */
export interface AbstractiveCall {
  maxLength?: number | undefined;
  minLength?: number | undefined;
  /** Beam width; 1 is greedy (default 1). */
  beams?: number | undefined;
}

/** About 700 tokens of English: chunks stay inside BART's 1024-token input with room for special tokens. */
const CHUNK_CHARACTERS = 3000;

const offlineAlternative = { kind: 'other-model', models: [TEXTRANK_MODEL], why: 'summarizes offline by extracting sentences' } as const;

/** The hub pipeline, its load failures worded for any caller: what to do is the hint, not a command. */
async function loadPipeline(model: string, { dtype, device }: HubLoadOptions): Promise<HubPipeline> {
  const reference = parseModelReference(model);
  if (reference.kind === 'embedded') {
    throw new DlError('MODEL_NOT_FOUND', `No embedded summarizer '${model}': give a hub id (org/name), a folder in transformers.js's layout, or '${TEXTRANK_MODEL}'`, {
      parameter: 'model',
      hint: offlineAlternative,
    });
  }
  try {
    return await loadHubPipeline('summarization', reference, { dtype, device });
  } catch (error) {
    // Core's message may name a command; this one does not, and the hint says how to get the model.
    if (isDlError(error, 'MODEL_OFFLINE')) {
      throw new DlError('MODEL_OFFLINE', `Summarization model ${model} is not in the model cache and cannot be downloaded now (offline); the '${TEXTRANK_MODEL}' model summarizes without it`, {
        cause: error,
        hint: { kind: 'pull-model', model, task: 'summarization', alternatives: [TEXTRANK_MODEL] },
      });
    }
    throw error;
  }
}

/**
 * Abstractive summaries through a transformers.js summarization model. Long documents are cut on sentence
 * boundaries, each part summarised, and the joined partial summaries summarised again until one part remains.
 */
export async function loadAbstractiveRunner(model: string, options: HubLoadOptions = {}): Promise<TaskRunner<string, Summary, AbstractiveCall>> {
  const pipeline = await loadPipeline(model, options);
  const generate = async (text: string, options: AbstractiveCall) => {
    const [out] = (await pipeline(text, {
      max_length: options.maxLength ?? 142,
      min_length: options.minLength ?? 30,
      num_beams: options.beams ?? 1,
      do_sample: false,
    })) as Array<{ summary_text: string }>;
    return out?.summary_text.trim() ?? '';
  };
  const summarize = async (text: string, options: AbstractiveCall): Promise<Summary> => {
    if (typeof text !== 'string' || text.trim() === '') throw new DlError('INPUT_UNSUPPORTED', 'Nothing to summarize: the text is empty');
    let parts = groupSentences(text, CHUNK_CHARACTERS);
    for (let level = 0; parts.length > 1 && level < 4; level++) {
      const summaries: string[] = [];
      for (const part of parts) summaries.push(await generate(part, options));
      parts = groupSentences(summaries.join(' '), CHUNK_CHARACTERS);
    }
    return [{ summary_text: await generate(parts[0] ?? text, options) }];
  };
  return { model, device: hubPipelineDevice(pipeline, options.device), run: oneAtATime(summarize, model), dispose: () => pipeline.dispose() };
}
