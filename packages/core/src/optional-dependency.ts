import { createRequire } from 'node:module';
import { DlError } from './errors.js';

/**
 * The optional peers of @dlkit/core and what needs each: installing one domain package gets only the runtimes it
 * uses (vision and speech depend on onnxruntime-node, vision on tfjs-converter; hub models need transformers.js,
 * which no package installs for you).
 */
const OPTIONAL_PEERS = {
  '@huggingface/transformers': 'Hub models (transformers.js)',
  'onnxruntime-node': 'ONNX models',
  '@tensorflow/tfjs-converter': 'tfjs graph models',
} as const;

export type OptionalPeer = keyof typeof OPTIONAL_PEERS;

/** The version we test `name` with: the one @dlkit/core's package.json pins among its peers. */
function testedVersion(name: OptionalPeer): string {
  const manifest = createRequire(import.meta.url)('../package.json') as { peerDependencies?: Record<string, string> };
  return manifest.peerDependencies?.[name] ?? 'latest';
}

/**
 * Whether `error` says that the package `name` itself is not installed (not one of its own files or dependencies,
 * which is a broken install and keeps its own error).
 */
export function isPackageMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${name}'`);
}

/**
 * DEPENDENCY_MISSING for a package that is not installed: `what` (in words: 'Hub models need', 'OCR needs') and
 * the install command of `version`, the one we test. Domain packages use it for their own optional peers.
 */
export function packageMissing(what: string, name: string, version: string, cause?: unknown): DlError {
  const pkg = `${name}@${version}`;
  return new DlError('DEPENDENCY_MISSING', `${what} ${name}, which is not installed: npm install ${pkg}`, { cause, hint: { kind: 'install', what: pkg } });
}

/** DEPENDENCY_MISSING for the optional peer `name`, with the install command of the version we test. */
export const dependencyMissing = (name: OptionalPeer, cause?: unknown): DlError => packageMissing(`${OPTIONAL_PEERS[name]} need`, name, testedVersion(name), cause);

/** `load()` (an import of the optional peer `name`), or DEPENDENCY_MISSING when that package is not installed. */
export async function importOptional<T>(name: OptionalPeer, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw isPackageMissing(error, name) ? dependencyMissing(name, error) : error;
  }
}
