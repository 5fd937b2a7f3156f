import { createRequire } from 'node:module';
import { DlError, errorMessage } from '../errors.js';
import type { Tf, TfjsLayers } from '../runtime-types.js';
import { describeAdapter, registerWebGpuBackend, WEBGPU_PACKAGES, webGpuAdapter } from './webgpu.js';

export type { Tf };

/** The tfjs packages dlkit loads itself, by name (the tfjs-node peers are untyped: they may be absent). */
interface TfjsModules {
  '@tensorflow/tfjs-core': Tf;
  '@tensorflow/tfjs-layers': TfjsLayers;
  '@tensorflow/tfjs-backend-wasm': unknown;
  '@tensorflow/tfjs-backend-cpu': unknown;
  '@tensorflow/tfjs-node': unknown;
  '@tensorflow/tfjs-node-gpu': unknown;
}

// tfjs ships each package to Node as one CommonJS bundle (tf-core.node.js is 1.2 MB, tf-layers.node.js 1.5 MB).
// `import()` of such a file costs several times a `require`: Node's ESM loader first sniffs its format, then scans
// all of it for export names (cjs-module-lexer). Measured here (bench/cold-start): tfjs-core + -backend-wasm +
// -layers 840-1280 ms by import(), 150-220 ms by require. Both give the same module instance.
const requireHere = createRequire(import.meta.url);

/** A tfjs package, loaded the fast way (see above); throws as `require` does when it is not installed. */
export function tfjsPackage<N extends keyof TfjsModules>(name: N): TfjsModules[N] {
  return requireHere(name) as TfjsModules[N];
}

/**
 * The tfjs backends dlkit can run on, in the order it tries them: fastest first as measured here. webgpu ranks
 * after wasm because on the only adapter measured (software, Mesa llvmpipe) it was ~20x slower; on a GPU it may
 * be faster, and `DL_BACKEND=webgpu` asks for it.
 */
export const TFJS_BACKENDS = ['node-gpu', 'node', 'wasm', 'webgpu', 'cpu'] as const;
export type TfjsBackend = (typeof TFJS_BACKENDS)[number];

export interface BackendCandidate {
  name: TfjsBackend;
  /** The npm package that provides it. */
  package: string;
  available: boolean;
  /** Why it cannot be used, when it cannot. */
  reason?: string;
  version?: string;
  /** The command that installs what is missing, when a package is. */
  install?: string;
  /** What it runs on, when it loaded and that is worth telling (webgpu's adapter). */
  device?: string;
}

interface Loader {
  package: string;
  /** Every package it needs, in the install command: the backend's and what it runs on (webgpu: Dawn). */
  packages?: readonly string[];
  /** The name tfjs registers the backend under. */
  registeredAs: string;
  load: (tf: Tf) => Promise<unknown>;
}

// tfjs-node and tfjs-node-gpu are optional peers: their install downloads libtensorflow, which many machines
// cannot do, so they are used when they load and never required.
const LOADERS: Record<TfjsBackend, Loader> = {
  'node-gpu': {
    package: '@tensorflow/tfjs-node-gpu',
    registeredAs: 'tensorflow',
    load: async () => tfjsPackage('@tensorflow/tfjs-node-gpu'),
  },
  node: {
    package: '@tensorflow/tfjs-node',
    registeredAs: 'tensorflow',
    load: async () => tfjsPackage('@tensorflow/tfjs-node'),
  },
  wasm: { package: '@tensorflow/tfjs-backend-wasm', registeredAs: 'wasm', load: async () => tfjsPackage('@tensorflow/tfjs-backend-wasm') },
  webgpu: { package: '@tensorflow/tfjs-backend-webgpu', packages: WEBGPU_PACKAGES, registeredAs: 'webgpu', load: registerWebGpuBackend },
  cpu: { package: '@tensorflow/tfjs-backend-cpu', registeredAs: 'cpu', load: async () => tfjsPackage('@tensorflow/tfjs-backend-cpu') },
};

export function isTfjsBackend(value: string): value is TfjsBackend {
  return (TFJS_BACKENDS as readonly string[]).includes(value);
}

async function packageVersion(name: string): Promise<string | undefined> {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** `npm install` of a backend's packages at the versions @dlkit/core declares for its optional peers. */
function installCommand(loader: Loader): string {
  const peers = (requireHere('../../package.json') as { peerDependencies?: Record<string, string> }).peerDependencies ?? {};
  const versioned = (loader.packages ?? [loader.package]).map((pkg) => `${pkg}@${(peers[pkg] ?? 'latest').replace(/^[\^~]/, '')}`);
  return `npm install ${versioned.join(' ')}`;
}

/** A backend's module failed to load or its backend failed to initialise: a reason a person can act on. */
function unavailableReason(name: TfjsBackend, error: unknown): { reason: string; install?: string } {
  const message = errorMessage(error).split('\n')[0] ?? '';
  if (!/Cannot find (package|module)/.test(message)) return { reason: message };
  const loader = LOADERS[name];
  const missing = (loader.packages ?? [loader.package]).find((pkg) => message.includes(`'${pkg}'`)) ?? loader.package;
  return { reason: `${missing} is not installed`, install: installCommand(loader) };
}

async function tryLoad(tf: Tf, name: TfjsBackend): Promise<BackendCandidate> {
  const loader = LOADERS[name];
  const version = await packageVersion(loader.package);
  try {
    await loader.load(tf);
    if (tf.findBackendFactory(loader.registeredAs) === null) {
      return { name, package: loader.package, available: false, reason: 'loaded but registered no backend', version };
    }
    const adapter = name === 'webgpu' ? webGpuAdapter() : undefined;
    return { name, package: loader.package, available: true, version, ...(adapter ? { device: describeAdapter(adapter) } : {}) };
  } catch (error) {
    return { name, package: loader.package, available: false, ...unavailableReason(name, error), version };
  }
}

export interface TfjsSelection {
  tf: Tf;
  backend: TfjsBackend;
  /** Every candidate looked at, in order, with why it was not chosen. */
  candidates: BackendCandidate[];
}

let selection: Promise<TfjsSelection> | undefined;
let selectionKey: string | undefined;

/**
 * Loads tfjs on the fastest backend present (node-gpu, node, wasm, webgpu, cpu), or on `force` (default: the
 * `DL_BACKEND` environment variable). A forced backend that cannot load is an error, never a silent fallback.
 * The choice is made once per process and force.
 */
export function selectTfjsBackend(force: string | undefined = process.env.DL_BACKEND || undefined): Promise<TfjsSelection> {
  const key = force ?? '';
  if (selection === undefined || selectionKey !== key) {
    selectionKey = key;
    selection = select(force);
    selection.catch(() => {
      selection = undefined;
    });
  }
  return selection;
}

async function select(force: string | undefined): Promise<TfjsSelection> {
  if (force !== undefined && !isTfjsBackend(force)) {
    throw new DlError('BACKEND_UNAVAILABLE', `Unknown backend '${force}': use one of ${TFJS_BACKENDS.join(', ')}`);
  }
  const tf = tfjsPackage('@tensorflow/tfjs-core');
  const candidates: BackendCandidate[] = [];
  for (const name of force === undefined ? TFJS_BACKENDS : [force]) {
    const candidate = await tryLoad(tf, name);
    candidates.push(candidate);
    if (!candidate.available) continue;
    try {
      // The training kernels import tfjs-core: registered here, when wasm is chosen, so that importing
      // @dlkit/core (or an ONNX-only command) never loads tfjs.
      if (name === 'wasm') (await import('./wasm-kernels/register.js')).registerWasmTrainingKernels('wasm');
      if (!(await tf.setBackend(LOADERS[name].registeredAs))) throw new Error('backend failed to initialise');
      await tf.ready();
      return { tf, backend: name, candidates };
    } catch (error) {
      candidate.available = false;
      Object.assign(candidate, unavailableReason(name, error));
    }
  }
  if (force !== undefined) {
    throw new DlError('BACKEND_UNAVAILABLE', `Backend '${force}' is unavailable: ${candidates[0]?.reason}`);
  }
  throw new DlError(
    'BACKEND_UNAVAILABLE',
    `No tfjs backend could load: ${candidates.map((c) => `${c.name}: ${c.reason}`).join('; ')}`,
  );
}

/** Every tfjs backend candidate with whether it loads here and why not; loads each, chooses none. */
export async function probeTfjsBackends(): Promise<BackendCandidate[]> {
  const tf = tfjsPackage('@tensorflow/tfjs-core');
  const out: BackendCandidate[] = [];
  for (const name of TFJS_BACKENDS) out.push(await tryLoad(tf, name));
  return out;
}
