import type * as tfc from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Tf } from '../../backend/tfjs.js';
import { DlError } from '../../errors.js';
import type { TfTensor, TfVariable } from '../../runtime-types.js';

// Strict: a misspelt option (`learningrate`) is an error naming it, not a default silently used instead.
export const optimizerConfigSchema = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.literal('sgd'),
    learningRate: z.number().positive().default(0.01),
    momentum: z.number().min(0).max(1).default(0),
    nesterov: z.boolean().default(false),
    /** L2 penalty added to the gradient (PyTorch SGD's weight_decay). */
    weightDecay: z.number().min(0).default(0),
  }),
  z.strictObject({
    name: z.literal('adam'),
    learningRate: z.number().positive().default(1e-3),
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  }),
  z.strictObject({
    name: z.literal('adamw'),
    learningRate: z.number().positive().default(1e-3),
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
    /** Decoupled weight decay (Loshchilov & Hutter), applied to kernels, not to biases or norm parameters. */
    weightDecay: z.number().min(0).default(0.01),
  }),
]);

export type OptimizerConfig = z.input<typeof optimizerConfigSchema>;

/** Optimizer slots and step count as plain arrays: what a checkpoint stores. */
export interface OptimizerState {
  step: number;
  /** Per variable (in the order given to `apply`), its slots (momentum, Adam's m and v). */
  slots: Float32Array[][];
}

export interface Optimizer {
  readonly config: z.output<typeof optimizerConfigSchema>;
  /** Changed by schedules between steps. */
  learningRate: number;
  /** One update of `variables` by `grads` (same order). */
  apply(variables: TfVariable[], grads: TfTensor[]): void;
  getState(): Promise<OptimizerState>;
  setState(state: OptimizerState, variables: TfVariable[]): void;
  dispose(): void;
}

/**
 * SGD (momentum, Nesterov), Adam and AdamW, written on tf ops rather than taken from tfjs: tfjs has no AdamW,
 * and owning the slots makes their checkpointing exact and the learning rate a plain number.
 */
export function createOptimizer(tf: Tf, input: OptimizerConfig): Optimizer {
  const parsed = optimizerConfigSchema.safeParse(input);
  if (!parsed.success) throw new DlError('INVALID_ARGUMENT', `Invalid optimizer: ${parsed.error.issues[0]?.message}`);
  const config = parsed.data;
  const slotCount = config.name === 'sgd' ? (config.momentum > 0 ? 1 : 0) : 2;
  let slots: tfc.Variable[][] = [];
  let step = 0;

  const ensureSlots = (variables: tfc.Variable[]) => {
    if (slots.length === variables.length) return;
    slots = variables.map((v) => Array.from({ length: slotCount }, () => tf.tidy(() => tf.variable(tf.zerosLike(v), false))));
  };

  const optimizer: Optimizer = {
    config,
    learningRate: config.learningRate,
    apply(variables, grads) {
      ensureSlots(variables);
      step++;
      const lr = optimizer.learningRate;
      tf.tidy(() => {
        variables.forEach((variable, i) => {
          const s = slots[i]!;
          let g = grads[i]!;
          if (config.name === 'sgd') {
            if (config.weightDecay > 0) g = tf.add(g, tf.mul(variable, config.weightDecay));
            if (config.momentum > 0) {
              const velocity = tf.add(tf.mul(s[0]!, config.momentum), g);
              s[0]!.assign(velocity);
              g = config.nesterov ? tf.add(g, tf.mul(velocity, config.momentum)) : velocity;
            }
            variable.assign(tf.sub(variable, tf.mul(g, lr)));
            return;
          }
          const { beta1, beta2, epsilon } = config;
          const m = tf.add(tf.mul(s[0]!, beta1), tf.mul(g, 1 - beta1));
          const v = tf.add(tf.mul(s[1]!, beta2), tf.mul(tf.square(g), 1 - beta2));
          s[0]!.assign(m);
          s[1]!.assign(v);
          const stepSize = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
          let next = tf.sub(variable, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), stepSize));
          if (config.name === 'adamw' && config.weightDecay > 0 && variable.rank >= 2) {
            next = tf.sub(next, tf.mul(variable, lr * config.weightDecay));
          }
          variable.assign(next);
        });
      });
    },
    async getState() {
      const data = await Promise.all(slots.map((s) => Promise.all(s.map(async (t) => (await t.data()) as Float32Array))));
      return { step, slots: data };
    },
    setState(state, variables) {
      ensureSlots(variables);
      if (state.slots.length !== variables.length || state.slots.some((s) => s.length !== slotCount)) {
        throw new DlError('INVALID_ARGUMENT', `Optimizer state holds ${state.slots.length} variables x ${state.slots[0]?.length ?? 0} slots; this ${config.name} needs ${variables.length} x ${slotCount}`);
      }
      state.slots.forEach((values, i) =>
        values.forEach((value, k) => {
          const slot = slots[i]![k]!;
          if (value.length !== slot.size) throw new DlError('INVALID_ARGUMENT', `Optimizer slot ${i}/${k} has ${value.length} values, expected ${slot.size}`);
          tf.tidy(() => slot.assign(tf.tensor(value, slot.shape)));
        }),
      );
      step = state.step;
    },
    dispose() {
      for (const s of slots) tf.dispose(s);
      slots = [];
    },
  };
  return optimizer;
}

/** Scales gradients so their global L2 norm is at most `maxNorm` (PyTorch `clip_grad_norm_`); and/or clips each value. */
export function clipGradients(tf: Tf, grads: TfTensor[], clip: { norm?: number; value?: number }): TfTensor[] {
  return tf.tidy(() => {
    let out = grads;
    if (clip.value !== undefined) {
      const limit = clip.value;
      out = out.map((g) => tf.clipByValue(g, -limit, limit));
    }
    if (clip.norm !== undefined) {
      const norm = tf.sqrt(tf.addN(out.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(tf.div(clip.norm, tf.add(norm, 1e-6)), 1);
      out = out.map((g) => tf.mul(g, scale));
    }
    return out;
  });
}
