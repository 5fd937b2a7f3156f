import { DlError, hubPipelineDevice, type HubPipeline } from '@dlkit/core';
import type { AsrCallOptions } from '../tasks.js';
import { beamDecode } from './beam-search.js';
import { withFallback, type Attempt } from './temperature-fallback.js';
import { toRecordingTime, type PlannedWindow, type WindowChunk } from './window-plan.js';
import type { TranscriptChunk } from './transcribe.js';

// What of transformers.js 4.3.1's Whisper pipeline this file uses (dependency pinned): the model's generate() and
// its prefix builder, the tokenizer's ASR decoding, the feature extractor. The pipeline's own call builds its
// prefix itself and decodes every token it is given, so a prompt would come back as text: each window goes
// through these parts here instead, as the pipeline's call does for one window of at most 30 s.
export interface Tensor {
  readonly type: string;
  readonly location?: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
  tolist(): unknown[];
  slice(...slices: Array<number | null | [number, number]>): Tensor;
  to(type: string): Tensor;
}
type LogitsProcessor = (ids: bigint[][], logits: Tensor) => Tensor;
interface GenerationConfig {
  decoder_start_token_id: number;
  is_multilingual?: boolean | null;
  lang_to_id?: Record<string, number> | null;
}
interface WhisperModel {
  generation_config: GenerationConfig;
  config: { max_source_positions: number; max_target_positions?: number };
  _retrieve_init_tokens(config: object): number[];
  generate(options: Record<string, unknown>): Promise<unknown>;
  // What beam search (beam-search.ts) drives the decoder with, step by step, as generate() does inside.
  forward(inputs: Record<string, unknown>): Promise<Record<string, Tensor>>;
  _prepare_generation_config(config: null, options: Record<string, unknown>): Record<string, unknown>;
  _get_logits_processor(config: object, prefixLength: number, extra: LogitsProcessor[]): LogitsProcessor;
  _prepare_encoder_decoder_kwargs_for_generation(options: Record<string, unknown>): Promise<{ encoder_outputs: Tensor }>;
  _extract_token_timestamps(outputs: { cross_attentions: Tensor[][]; sequences: Tensor }, heads: unknown, frames: number, precision: number, prefixLength: number): Tensor;
}
interface WhisperTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  convert_tokens_to_ids(tokens: string[]): Array<number | undefined>;
  _decode_asr(sequences: object[], options: object): [string, { chunks?: WindowChunk[] }];
}
export interface WhisperParts {
  model: WhisperModel;
  tokenizer: WhisperTokenizer;
  processor: ((audio: Float32Array) => Promise<{ input_features: Tensor }>) & { feature_extractor: { config: { chunk_length: number; hop_length: number; sampling_rate: number } } };
}

/** A decoder call's settings for one window. */
interface WindowSettings {
  prefix: number[];
  word: boolean;
  temperature: number;
  /** Beam width at temperature 0 (1: generate()'s greedy search). */
  beams: number;
  /** Score the tokens (mean log-probability): only where a higher temperature is left to fall back to. */
  measure: boolean;
}

/** Per file: the language detected from its first window ('auto') and the decoder prefix built from it. */
interface FileState {
  language?: string;
  prefix?: number[];
}

/**
 * A decode's mean log-probability per token, which generate() does not give (4.3.1 leaves `scores` a TODO): a
 * logits processor holds each step's logits (the timestamp rules after it edit them in place) and a streamer,
 * told the token chosen from them, scores it: one log-softmax per token. Sampling divides the logits by the
 * temperature first; whisper's figure is of the model's own, so they are scaled back.
 */
function logprobMeter(temperature: number) {
  let held: Float32Array | undefined;
  let sum = 0;
  let count = 0;
  const scale = temperature > 0 ? temperature : 1;
  const hold: LogitsProcessor = (_ids, logits) => ((held = logits.data), logits);
  const streamer = {
    put(tokens: bigint[][]) {
      const token = tokens[0]?.[0];
      if (held === undefined || token === undefined) return;
      let max = -Infinity;
      for (const v of held) max = Math.max(max, v * scale);
      let total = 0;
      for (const v of held) total += Math.exp(v * scale - max);
      sum += held[Number(token)]! * scale - max - Math.log(total);
      count += 1;
      held = undefined;
    },
    end() {},
  };
  return { hold, streamer, mean: () => (count > 0 ? sum / count : undefined) };
}

/** The longest prompt Whisper takes, in tokens: half its context less one, as openai-whisper keeps (223 of 448). */
const promptTokens = (model: WhisperModel) => Math.floor((model.config.max_target_positions ?? 448) / 2) - 1;

const initTokens = (parts: WhisperParts, language: string | undefined, task: string | undefined) =>
  parts.model._retrieve_init_tokens({ ...parts.model.generation_config, language, task, return_timestamps: true });

/** INVALID_ARGUMENT for a decoding option this Whisper model cannot honour, before any audio is decoded. */
function refuseDecoding(parts: WhisperParts, call: AsrCallOptions, model: string, device: string): void {
  // Beam search reorders the decoder's cache rows in JavaScript each step; on webgpu transformers.js keeps it in GPU buffers.
  if (call.beams !== undefined && call.beams > 1 && device.includes('webgpu')) {
    throw new DlError('INVALID_ARGUMENT', `beams ${call.beams} on device webgpu: beam search keeps the decoder's cache on the CPU (device cpu or cuda); beams 1 works on webgpu`, { parameter: 'beams' });
  }
  for (const parameter of ['language', 'task'] as const) {
    if (call[parameter] !== undefined && !parts.model.generation_config.is_multilingual) {
      throw new DlError('INVALID_ARGUMENT', `${parameter} needs a multilingual Whisper model; ${model} is English-only (a '.en' model)`, { parameter });
    }
  }
  const languages = new Set(Object.values(parts.model.generation_config.lang_to_id ?? {}));
  if (call.language === 'auto' && languages.size === 0) {
    throw new DlError('INVALID_ARGUMENT', `language 'auto' needs the language tokens of the model's generation_config.json (lang_to_id), which ${model} lacks`, { parameter: 'language' });
  }
  if (call.language === 'auto' || call.language === undefined) return;
  // transformers.js throws for a name it does not know, and drops a known language the model has no token for.
  let init: number[] = [];
  try {
    init = initTokens(parts, call.language, call.task);
  } catch {
    // refused below
  }
  if (!init.some((id) => languages.has(id))) {
    throw new DlError('INVALID_ARGUMENT', `language '${call.language}' is not one ${model} knows: a name ("french"), a code ("fr"), or "auto"`, { parameter: 'language' });
  }
}

/** The most likely language after `<|startoftranscript|>` alone, as a code ('fr'): one decoder step, language tokens only. */
async function detectLanguage(parts: WhisperParts, features: Tensor): Promise<string> {
  const generation = parts.model.generation_config;
  const languages = Object.entries(generation.lang_to_id ?? {});
  const ids = new Set(languages.map(([, id]) => id));
  const onlyLanguages: LogitsProcessor = (_ids, logits) => (logits.data.forEach((_, i) => ids.has(i) || (logits.data[i] = -Infinity)), logits);
  const sequences = (await parts.model.generate({
    inputs: features,
    decoder_input_ids: [generation.decoder_start_token_id],
    max_new_tokens: 1,
    return_timestamps: false,
    logits_processor: [onlyLanguages],
  })) as Tensor;
  const id = Number((sequences.tolist()[0] as bigint[]).at(-1));
  const token = languages.find(([, i]) => i === id)?.[0];
  return token === undefined ? 'en' : token.slice(2, -2);
}

/**
 * The decoder's prefix: `<|startoftranscript|>`, language and task as the model's own builder makes them, after
 * `<|startofprev|>` and the prompt's last tokens when there is a prompt (as openai-whisper puts it).
 */
export function decoderPrefix(parts: WhisperParts, language: string | undefined, call: Pick<AsrCallOptions, 'task' | 'prompt'>): number[] {
  const init = initTokens(parts, language, call.task);
  if (call.prompt === undefined) return init;
  const [previous] = parts.tokenizer.convert_tokens_to_ids(['<|startofprev|>']);
  const prompt = parts.tokenizer.encode(` ${call.prompt.trim()}`, { add_special_tokens: false }).slice(-promptTokens(parts.model));
  return previous === undefined ? init : [previous, ...prompt, ...init];
}

/** A window's tokens after the prefix, their times with word timing, and their mean log-probability where measured. */
interface Decoded {
  tokens: bigint[];
  times?: number[];
  avgLogprob?: number;
}

/** One generate() over a window's features: greedy at temperature 0, else sampled at that temperature. */
async function generateAttempt(parts: WhisperParts, features: Tensor, samples: number, { prefix, word, temperature, measure }: WindowSettings): Promise<Decoded> {
  const meter = logprobMeter(temperature);
  const hop = parts.processor.feature_extractor.config.hop_length;
  const out = (await parts.model.generate({
    inputs: features,
    decoder_input_ids: prefix,
    return_timestamps: true,
    ...(word ? { return_token_timestamps: true } : {}),
    num_frames: Math.floor(samples / hop),
    ...(temperature > 0 ? { do_sample: true, temperature } : {}),
    ...(measure ? { logits_processor: [meter.hold], streamer: meter.streamer } : {}),
  })) as Tensor & { sequences: Tensor; token_timestamps: Tensor };
  const tokens = ((word ? out.sequences.tolist()[0] : out.tolist()[0]) as bigint[]).slice(prefix.length);
  const times = word ? (out.token_timestamps.tolist()[0] as number[]).slice(prefix.length) : undefined;
  return { tokens, ...(times ? { times } : {}), avgLogprob: meter.mean() };
}

/**
 * A window decoded once (beam search at temperature 0 with beams over 1, as openai-whisper: higher temperatures
 * sample), its tokens decoded to text and chunks (window time).
 */
async function decodeAttempt(parts: WhisperParts, features: Tensor, samples: number, settings: WindowSettings): Promise<Attempt & { chunks: WindowChunk[] }> {
  const { chunk_length: chunkLength, sampling_rate: rate } = parts.processor.feature_extractor.config;
  const { word, temperature, beams, prefix } = settings;
  const { tokens, times, avgLogprob } = beams > 1 && temperature === 0 ? await beamDecode(parts, features, { prefix, size: beams, word }) : await generateAttempt(parts, features, samples, settings);
  const rounded = times?.map((t) => Math.round(t * 100) / 100);
  const sequence = { tokens, ...(rounded ? { token_timestamps: rounded } : {}), stride: [samples / rate, 0, 0] };
  const precision = chunkLength / parts.model.config.max_source_positions;
  const [text, { chunks }] = parts.tokenizer._decode_asr([sequence], { time_precision: precision, return_timestamps: word ? 'word' : true, force_full_sequences: false });
  return { text, chunks: chunks ?? [{ timestamp: [0, null], text }], avgLogprob };
}

/**
 * Whisper decoding with the options users expect: an initial prompt, `language: 'auto'` (detected once per file,
 * from its first window), temperatures with whisper's fallback (temperature-fallback.ts); greedy by default, beam
 * search with `beams` over 1 (beam-search.ts).
 * `decode` keeps a file's state by its call options object: the engine passes one object per file.
 */
export function whisperDecoder(pipeline: HubPipeline, model: string) {
  const parts = pipeline as unknown as WhisperParts;
  const files = new WeakMap<AsrCallOptions, FileState>();

  /** A window's chunks in recording time; those of a window decoded again at a higher temperature say which. */
  async function decode(window: PlannedWindow, call: AsrCallOptions): Promise<TranscriptChunk[]> {
    let file = files.get(call);
    if (!file) files.set(call, (file = {}));
    const { input_features: features } = await parts.processor(window.samples);
    if (call.language === 'auto') file.language ??= await detectLanguage(parts, features);
    file.prefix ??= decoderPrefix(parts, call.language === 'auto' ? file.language : call.language, call);
    const settings = { prefix: file.prefix, word: call.timestamps === 'word', beams: call.beams ?? 1 };
    const ladder = call.temperature ?? [0];
    const kept = await withFallback(ladder, (temperature) => decodeAttempt(parts, features, window.samples.length, { ...settings, temperature, measure: temperature !== ladder.at(-1) }));
    const chunks = toRecordingTime(window, kept.chunks);
    return kept.temperature === ladder[0] ? chunks : chunks.map((chunk) => ({ ...chunk, temperature: kept.temperature }));
  }

  return {
    refuse: (call: AsrCallOptions) => refuseDecoding(parts, call, model, hubPipelineDevice(pipeline)),
    decode,
    /** The language detected for this call's file, when it asked for 'auto' and had speech. */
    language: (call: AsrCallOptions): string | undefined => (call.language === 'auto' ? files.get(call)?.language : undefined),
  };
}
