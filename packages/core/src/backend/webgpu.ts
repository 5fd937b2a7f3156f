import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Tf } from '../runtime-types.js';

/**
 * tfjs on WebGPU in Node: Dawn (the `webgpu` npm package, its prebuilt `dawn.node`) gives `navigator.gpu`, and
 * `@tensorflow/tfjs-backend-webgpu` runs on it. Both are optional peers; the backend loads only when both are
 * installed and Dawn finds an adapter. Measured (bench/RESULTS.md, "Backends beyond wasm"): on a software adapter
 * (Mesa llvmpipe) it is ~20x slower than wasm, so it ranks after wasm and is used when asked for (`DL_BACKEND=webgpu`).
 */
export const WEBGPU_PACKAGES = ['webgpu', '@tensorflow/tfjs-backend-webgpu'] as const;

/** The adapter a backend runs on, as `dl doctor` shows it. */
export interface WebGpuAdapterInfo {
  /** Dawn's name for the device, e.g. `llvmpipe-llvm-15-0-6-256-bits-` or a GPU's. */
  device: string;
  description: string;
  /** 'core', or 'compatibility' (OpenGL ES: what Mesa's software driver offers). */
  featureLevel: 'core' | 'compatibility';
  /** A CPU rasteriser pretending to be a GPU: numerically real, not a speed a GPU would give. */
  software: boolean;
}

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface AdapterLike {
  info: { device: string; description: string; vendor: string };
  limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<unknown>;
}
interface GpuLike {
  requestAdapter(options?: { featureLevel?: string }): Promise<AdapterLike | null>;
}
type BackendClass = new (device: unknown, info: unknown) => unknown;

// Adapter discovery can block on a broken driver; doctor and selection must answer.
const ADAPTER_TIMEOUT_MS = 15_000;
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe/i;

const requireHere = createRequire(import.meta.url);

/** `webgpu` is an ES module: imported by its resolved path, which `require.resolve` finds as for the other peers. */
async function importDawn(): Promise<DawnModule> {
  return (await import(pathToFileURL(requireHere.resolve('webgpu')).href)) as DawnModule;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ADAPTER_TIMEOUT_MS / 1000} s`)), ADAPTER_TIMEOUT_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Dawn's default adapter (Vulkan on Linux, Metal, D3D12), else its OpenGL ES one in compatibility mode. The second
 * is what a machine without a GPU has through Mesa: Dawn refuses Mesa 22's lavapipe Vulkan device
 * ("Vulkan shaderUniform*ArrayDynamicIndexing required") but takes llvmpipe's OpenGL ES 3.2, on EGL's
 * surfaceless platform when no display is set (Mesa reads EGL_PLATFORM when Dawn opens the display).
 */
async function findAdapter(dawn: DawnModule): Promise<{ gpu: GpuLike; adapter: AdapterLike; featureLevel: 'core' | 'compatibility' } | undefined> {
  const gpu = dawn.create([]);
  const adapter = await withTimeout(gpu.requestAdapter(), 'WebGPU adapter discovery');
  if (adapter !== null) return { gpu, adapter, featureLevel: 'core' };
  const headless = process.env.EGL_PLATFORM === undefined && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (headless) process.env.EGL_PLATFORM = 'surfaceless';
  try {
    const gles = dawn.create(['backend=opengles']);
    const fallback = await withTimeout(gles.requestAdapter({ featureLevel: 'compatibility' }), 'WebGPU adapter discovery (OpenGL ES)');
    return fallback === null ? undefined : { gpu: gles, adapter: fallback, featureLevel: 'compatibility' };
  } finally {
    if (headless) delete process.env.EGL_PLATFORM;
  }
}

let adapterInfo: WebGpuAdapterInfo | undefined;

/** The adapter the registered webgpu backend runs on, once `registerWebGpuBackend` has succeeded. */
export function webGpuAdapter(): WebGpuAdapterInfo | undefined {
  return adapterInfo;
}

/**
 * Registers tfjs's `webgpu` backend on Dawn's adapter: throws `Cannot find module` when a package is missing (the
 * caller words it) and "no WebGPU adapter" when Dawn finds none. The backend package registers itself on import only
 * where `navigator.gpu` already exists, and then with its own adapter request; here dlkit makes the request, so
 * the factory is ours either way.
 */
export function registerWebGpuBackend(tf: Tf): Promise<void> {
  registration ??= register(tf).catch((error: unknown) => {
    registration = undefined;
    throw error;
  });
  return registration;
}

// Once per process: each Dawn instance opens the driver again.
let registration: Promise<void> | undefined;

async function register(tf: Tf): Promise<void> {
  const { WebGPUBackend } = requireHere('@tensorflow/tfjs-backend-webgpu') as { WebGPUBackend: BackendClass };
  const dawn = await importDawn();
  const found = await findAdapter(dawn);
  if (found === undefined) throw new Error('no WebGPU adapter: Dawn found no GPU (Vulkan, Metal, D3D12) and no OpenGL ES device');
  const { gpu, adapter, featureLevel } = found;
  // tfjs-backend-webgpu reads `navigator.gpu` (its support check) and the GPU* constants as globals, as in a browser.
  Object.assign(globalThis, dawn.globals);
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (nav.gpu === undefined) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  const limits = adapter.limits;
  // The limits tfjs asks for in its own factory (it sizes work groups from them), without its malformed
  // `requiredFeatures` entry for bgra8unorm-storage.
  const requiredLimits = Object.fromEntries(
    ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'].map(
      (name) => [name, limits[name]],
    ),
  );
  const engine = tf as unknown as {
    findBackendFactory(name: string): unknown;
    removeBackend(name: string): void;
    registerBackend(name: string, factory: () => Promise<unknown>, priority?: number): boolean;
  };
  if (engine.findBackendFactory('webgpu') !== null) engine.removeBackend('webgpu');
  // Priority 1, below wasm's: tfjs's own choice (without setBackend) stays wasm.
  engine.registerBackend('webgpu', async () => new WebGPUBackend(await adapter.requestDevice({ requiredLimits }), adapter.info), 1);
  const { device, description } = adapter.info;
  adapterInfo = { device, description, featureLevel, software: SOFTWARE.test(`${device} ${description}`) };
}

/** One line for a person: which adapter, and whether its speed means anything. */
export function describeAdapter(info: WebGpuAdapterInfo): string {
  const kind = info.software ? 'software rendering, not a GPU' : 'GPU';
  const mode = info.featureLevel === 'compatibility' ? ', compatibility mode' : '';
  return `${info.device}${info.description ? ` (${info.description}; ${kind}${mode})` : ` (${kind}${mode})`}`;
}
