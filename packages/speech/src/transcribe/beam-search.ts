import { loadTransformers } from '@dlkit/core';
import type { Tensor, WhisperParts } from './whisper-decoding.js';

/** A hypothesis: the tokens decoded after the prefix (without `<|endoftext|>`) and their summed log-probability. */
export interface Beam {
  readonly tokens: readonly number[];
  readonly logprob: number;
}

/** The `count` largest entries of `row` as [index, value], best first; ties go to the lower index (as greedy's argmax). */
export function topTokens(row: ArrayLike<number>, count: number): Array<[number, number]> {
  const top: Array<[number, number]> = [];
  for (let i = 0; i < row.length; i++) {
    const value = row[i]!;
    if (top.length === count && value <= top[count - 1]![1]) continue;
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && top[at - 1]![1] < value) at--;
    top.splice(at, 0, [i, value]);
    if (top.length > count) top.pop();
  }
  return top;
}

/**
 * openai-whisper's beam search bookkeeping (BeamSearchDecoder, patience 1): each step every live beam offers its
 * `size + 1` likeliest next tokens; the best candidates ending in `<|endoftext|>` are finished, the best `size`
 * others live on. It starts from one beam, the bare prefix (openai-whisper starts from `size` copies of it and
 * merges identical sequences, which comes to the same). It is done when
 * `size` beams have finished or none is left to extend. The best is the highest summed log-probability over the
 * number of tokens (`length_penalty` None), `<|endoftext|>` not counted.
 */
export class BeamSearch {
  live: Beam[] = [{ tokens: [], logprob: 0 }];
  readonly finished: Beam[] = [];

  constructor(
    readonly size: number,
    readonly eot: number,
  ) {}

  get done(): boolean {
    return this.finished.length >= this.size || this.live.length === 0;
  }

  /**
   * Extends the live beams by one token: `logprobs[i]` is the log-probability of each next token after `live[i]`
   * (-Infinity where a rule forbids it: never a candidate). Returns, for each new live beam, the index of the
   * beam it extends, so that the caller reorders the decoder's cache to match.
   */
  step(logprobs: ReadonlyArray<ArrayLike<number>>): number[] {
    const candidates: Array<{ beam: Beam; parent: number; ended: boolean }> = [];
    this.live.forEach((beam, parent) => {
      for (const [token, logprob] of topTokens(logprobs[parent]!, this.size + 1)) {
        if (logprob === -Infinity) continue;
        const ended = token === this.eot;
        candidates.push({ beam: { tokens: ended ? beam.tokens : [...beam.tokens, token], logprob: beam.logprob + logprob }, parent, ended });
      }
    });
    const live: Beam[] = [];
    const parents: number[] = [];
    for (const { beam, parent, ended } of candidates.sort((a, b) => b.beam.logprob - a.beam.logprob)) {
      if (ended) {
        if (this.finished.length < this.size) this.finished.push(beam);
        continue;
      }
      live.push(beam);
      parents.push(parent);
      if (live.length === this.size) break;
    }
    this.live = live;
    return parents;
  }

  /** The winner: among the finished beams, topped up with the best live ones when fewer than `size` finished (the length limit). */
  best(): Beam {
    const topUp = [...this.live].sort((a, b) => b.logprob - a.logprob).slice(0, Math.max(0, this.size - this.finished.length));
    const score = (beam: Beam) => (beam.tokens.length === 0 ? beam.logprob : beam.logprob / beam.tokens.length);
    const [first, ...rest] = [...this.finished, ...topUp];
    if (!first) throw new RangeError('beam search has no hypothesis');
    return rest.reduce((best, beam) => (score(beam) > score(best) ? beam : best), first);
  }
}

/** What of transformers.js 4.3.1 the decoder loop below uses (dependency pinned): tensors and Whisper's logits rules. */
interface TensorModule {
  Tensor: new (type: string, data: unknown, dims: number[]) => Tensor;
  cat(tensors: Tensor[], dim: number): Tensor;
  ones(dims: number[]): Tensor;
  WhisperTimeStampLogitsProcessor: new (config: object, init: number[]) => LogitsRule;
  SuppressTokensAtBeginLogitsProcessor: new (tokens: number[], begin: number) => LogitsRule;
}
type LogitsRule = (ids: bigint[][], logits: Tensor) => Tensor;
interface StepOutputs {
  logits: Tensor;
  [name: string]: Tensor;
}

/**
 * The logits rules generate() applies to a Whisper decode with timestamps, built the same way (WhisperForConditionalGeneration
 * .generate adds the timestamp rules and the suppression at the start to the model's own list), each applied to
 * every beam's row with that beam's tokens, so the timestamp rules hold per beam.
 */
function logitsRules(t: TensorModule, parts: WhisperParts, config: Record<string, unknown>, prefix: number[]): LogitsRule {
  const extra = [new t.WhisperTimeStampLogitsProcessor(config, prefix)];
  const begin = config.begin_suppress_tokens as number[] | null | undefined;
  if (begin) extra.push(new t.SuppressTokensAtBeginLogitsProcessor(begin, prefix.length));
  return parts.model._get_logits_processor(config, prefix.length, extra);
}

/** Rows `rows` of a [batch, ...] tensor, in that order, as a new tensor (a beam's cache follows its parent). */
function pickRows(t: TensorModule, tensor: Tensor, rows: readonly number[]): Tensor {
  // A device that resolved to webgpu ('auto', 'gpu') keeps the cache there: say so rather than fail reading it.
  if (tensor.location === 'gpu-buffer') throw new Error("beam search needs the decoder's cache on the CPU, and this device keeps it in GPU buffers (webgpu): use device 'cpu' or 'cuda', or beams 1");
  const [batch = 1, ...rest] = tensor.dims;
  const data = tensor.data as unknown as { length: number; subarray(a: number, b: number): ArrayLike<number>; constructor: new (n: number) => { set(a: ArrayLike<number>, at: number): void } };
  const width = data.length / batch;
  const out = new data.constructor(rows.length * width);
  rows.forEach((row, i) => out.set(data.subarray(row * width, (row + 1) * width), i * width));
  return new t.Tensor(tensor.type, out, [rows.length, ...rest]);
}

/** log-softmax of one row: what openai-whisper ranks beams by. */
function logSoftmax(row: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let total = 0;
  for (const v of row) total += Math.exp(v - max);
  const log = Math.log(total);
  return Float64Array.from(row, (v) => v - max - log);
}

/**
 * The decoder's cache for the next step: its decoder keys and values rows reordered to follow the new beams, the
 * encoder ones (the audio's, the same in every row) kept from the first step, as transformers.js's generate()
 * keeps them (a merged decoder's later steps output no new ones).
 */
function nextCache(t: TensorModule, outputs: StepOutputs, previous: Record<string, Tensor> | undefined, rows: readonly number[]): Record<string, Tensor> {
  const cache: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (!name.startsWith('present')) continue;
    const key = name.replace('present', 'past_key_values');
    cache[key] = name.includes('encoder') ? (previous?.[key] ?? tensor) : pickRows(t, tensor, rows);
  }
  return cache;
}

export interface BeamDecode {
  /** The winner's tokens after the prefix, `<|endoftext|>` last (as generate() gives them). */
  tokens: bigint[];
  /** Its summed log-probability, `<|endoftext|>` included where it reached it. */
  logprob: number;
  /** Mean log-probability per token, `<|endoftext|>` counted (openai-whisper's avg_logprob, for the fallback). */
  avgLogprob: number;
  /** Word timing: each token's time (seconds in the window), when asked for. */
  times?: number[];
}

/**
 * Beam search over one window's features: `size` beams, one decoder forward per step for all of them (a batch of
 * `size` rows; while fewer are live, the spare rows repeat the first and are not read), up to the model's
 * max_length. Rules and scores as greedy's: the processed logits' log-softmax.
 */
export async function beamDecode(parts: WhisperParts, features: Tensor, { prefix, size, word }: { prefix: number[]; size: number; word: boolean }): Promise<BeamDecode> {
  const t = (await loadTransformers()) as unknown as TensorModule;
  const model = parts.model;
  const config = model._prepare_generation_config(null, { return_timestamps: true });
  const eot = [config.eos_token_id].flat()[0] as number;
  const rules = logitsRules(t, parts, config, prefix);
  const encoded = (await model._prepare_encoder_decoder_kwargs_for_generation({ inputs_tensor: features, model_inputs: { input_features: features }, model_input_name: 'input_features', generation_config: config })).encoder_outputs;
  const encoder_outputs = t.cat(Array.from({ length: size }, () => encoded), 0);
  const search = new BeamSearch(size, eot);
  const longest = ((config.max_length as number | undefined) ?? model.config.max_target_positions ?? 448) - prefix.length;
  const rowsOf = (beams: readonly Beam[]) => Array.from({ length: size }, (_, i) => beams[i] ?? beams[0]!);
  let input = new t.Tensor('int64', BigInt64Array.from(rowsOf(search.live).flatMap(() => prefix.map(BigInt))), [size, prefix.length]);
  let cache: Record<string, Tensor> | undefined;
  for (let step = 0; step < longest && !search.done; step++) {
    // The mask (all ones, as generate() passes it) also sizes the empty cache of the first step to the batch.
    const decoder_attention_mask = t.ones([size, prefix.length + step]);
    const outputs = (await model.forward({ encoder_outputs, decoder_input_ids: input, decoder_attention_mask, ...(cache ? { past_key_values: cache } : {}) })) as StepOutputs;
    const live = search.live;
    const ids = rowsOf(live).map((beam) => [...prefix, ...beam.tokens].map(BigInt));
    const logits = rules(ids, outputs.logits.slice(null, -1, null).to('float32'));
    const vocab = logits.dims.at(-1)!;
    const parents = search.step(live.map((_, i) => logSoftmax(logits.data.subarray(i * vocab, (i + 1) * vocab))));
    if (search.done) break;
    const rows = Array.from({ length: size }, (_, i) => parents[i] ?? parents[0]!);
    cache = nextCache(t, outputs, cache, rows);
    input = new t.Tensor('int64', BigInt64Array.from(rowsOf(search.live).map((beam) => BigInt(beam.tokens.at(-1)!))), [size, 1]);
  }
  const best = search.best();
  const tokens = [...best.tokens, eot];
  const times = word ? await wordTimes(t, parts, { encoded, prefix, tokens, frames: features.dims[2]! / 2, config }) : undefined;
  return { tokens: tokens.map(BigInt), logprob: best.logprob, avgLogprob: best.logprob / tokens.length, ...(times ? { times } : {}) };
}

/**
 * Word timing for the chosen beam: its sequence (less the last token, which generate() never feeds back) through
 * the decoder once, whose cross attentions are those generate() gathers step by step (a causal decoder attends
 * the same either way), then transformers.js's own time warping over them.
 */
async function wordTimes(t: TensorModule, parts: WhisperParts, { encoded, prefix, tokens, frames, config }: { encoded: Tensor; prefix: number[]; tokens: number[]; frames: number; config: Record<string, unknown> }): Promise<number[]> {
  const sequence = [...prefix, ...tokens];
  const fed = sequence.slice(0, -1);
  const decoder_input_ids = new t.Tensor('int64', BigInt64Array.from(fed.map(BigInt)), [1, fed.length]);
  const outputs = (await parts.model.forward({ encoder_outputs: encoded, decoder_input_ids, decoder_attention_mask: t.ones([1, fed.length]) })) as StepOutputs;
  const cross_attentions = [Object.entries(outputs).flatMap(([name, tensor]) => (name.startsWith('cross_attentions') ? [tensor] : []))];
  const sequences = new t.Tensor('int64', BigInt64Array.from(sequence.map(BigInt)), [1, sequence.length]);
  const times = parts.model._extract_token_timestamps({ cross_attentions, sequences }, config.alignment_heads, frames, 0.02, prefix.length);
  return (times.tolist()[0] as number[]).slice(prefix.length);
}
