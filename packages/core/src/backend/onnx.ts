import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { InferenceSession, Ort } from '../runtime-types.js';
import { DlError, errorMessage } from '../errors.js';
import { importOptional } from '../optional-dependency.js';

export type { Ort };
export type OnnxProvider = 'cuda' | 'cpu';

export interface OnnxSessionOptions {
  /** Providers to try in order; default: cuda when its libraries are present, then cpu. */
  providers?: OnnxProvider[];
  /** Threads for one operator (default: onnxruntime's choice, the number of physical cores). */
  threads?: number;
}

export interface OnnxProviderStatus {
  name: OnnxProvider;
  available: boolean;
  reason?: string;
}

let ortModule: Promise<Ort> | undefined;

/**
 * onnxruntime-node, loaded on first use. It is an optional peer of @dlkit/core (vision and speech depend on it):
 * when it is not installed, DEPENDENCY_MISSING names the install command.
 */
export function loadOnnxRuntime(): Promise<Ort> {
  ortModule ??= importOptional('onnxruntime-node', () => import('onnxruntime-node')).then((m) => ((m as unknown as { default?: Ort }).default ?? m) as Ort);
  return ortModule;
}

/**
 * Whether the CUDA execution provider can be tried. onnxruntime-node ships it as shared libraries that its
 * install script downloads; with the download skipped (as this repository does, offline) they are absent.
 */
export function onnxProviderStatus(): OnnxProviderStatus[] {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  } catch {
    // An optional peer: without it no provider runs (a session is DEPENDENCY_MISSING).
    const reason = 'onnxruntime-node is not installed';
    return [
      { name: 'cuda', available: false, reason },
      { name: 'cpu', available: false, reason },
    ];
  }
  const bin = join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  const cuda: OnnxProviderStatus = existsSync(join(bin, 'libonnxruntime_providers_cuda.so'))
    ? { name: 'cuda', available: true }
    : { name: 'cuda', available: false, reason: "CUDA provider libraries not installed (onnxruntime-node's install script was skipped)" };
  return [cuda, { name: 'cpu', available: true }];
}

export interface OnnxSession {
  session: InferenceSession;
  provider: OnnxProvider;
  ort: Ort;
  /** Frees the native session; later calls do nothing. */
  release(): Promise<void>;
}

let open = 0;

/**
 * Sessions opened by `createOnnxSession` and not yet released: what a long-running service watches (with
 * `tf.memory()` for tfjs) to see that disposed pipelines gave their native memory back.
 */
export function openOnnxSessions(): number {
  return open;
}

/** Opens an ONNX model on the first provider that works. */
export async function createOnnxSession(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const ort = await loadOnnxRuntime();
  const status = onnxProviderStatus();
  const providers = (options.providers ?? ['cuda', 'cpu']).filter((p) => status.find((s) => s.name === p)?.available);
  const errors: string[] = [];
  for (const provider of providers) {
    try {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [provider],
        ...(options.threads !== undefined ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
      };
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions)
          : await ort.InferenceSession.create(model, sessionOptions);
      open++;
      let released = false;
      return {
        session,
        provider,
        ort,
        async release() {
          if (released) return;
          released = true;
          open--;
          await session.release();
        },
      };
    } catch (error) {
      errors.push(`${provider}: ${errorMessage(error)}`);
    }
  }
  throw new DlError('MODEL_INVALID', `onnxruntime could not open the model (${errors.join('; ') || 'no provider'})`);
}
