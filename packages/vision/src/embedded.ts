import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DlError, registerEmbeddedModel } from '@dlkit/core';

/** The models this package ships, so that `dl models list` and embedded names find them. */
registerEmbeddedModel({
  name: 'mobilenetv2',
  task: 'image-classification',
  dir: fileURLToPath(new URL('../models/mobilenetv2', import.meta.url)),
  package: '@dlkit/vision',
  description: 'MobileNetV2 int8, ImageNet-1k (1000 classes), ONNX',
});

registerEmbeddedModel({
  name: 'digits',
  task: 'image-classification',
  dir: fileURLToPath(new URL('../models/digits', import.meta.url)),
  package: '@dlkit/vision',
  description: 'Handwritten digits 0-9 (MNIST-style CNN trained by dlkit), any image of one digit; tfjs',
});

registerEmbeddedModel({
  name: 'centernet',
  task: 'object-detection',
  dir: fileURLToPath(new URL('../models/centernet', import.meta.url)),
  package: '@dlkit/vision',
  description: 'CenterNet (MobileNetV3), COCO 80 classes, from @vladmandic/human; tfjs graph',
});

registerEmbeddedModel({
  name: 'darknet-tiny',
  task: 'image-features',
  dir: fileURLToPath(new URL('../models/darknet-tiny', import.meta.url)),
  package: '@dlkit/vision',
  description: 'Darknet Tiny ImageNet backbone (ml5.js): 512 features per image, for vision fine-tune; tfjs',
});

registerEmbeddedModel({
  name: 'face-api',
  task: 'face-analysis',
  dir: fileURLToPath(new URL('../models/face-api', import.meta.url)),
  package: '@dlkit/vision',
  description: 'face-api (@vladmandic/face-api): face boxes, 68 landmarks, age, gender, expression, 128-d descriptor',
});

registerEmbeddedModel({
  name: 'movenet-lightning',
  task: 'pose-estimation',
  dir: fileURLToPath(new URL('../models/movenet-lightning', import.meta.url)),
  package: '@dlkit/vision',
  description: 'MoveNet SinglePose Lightning (Google, via @vladmandic/human): 17 COCO body keypoints per person; tfjs graph',
});

const OCR_MODEL_DIR = fileURLToPath(new URL('../models/tesseract-eng', import.meta.url));

// Listed like the others, though its traineddata is read from an installed optional peer (see its dlkit.json).
registerEmbeddedModel({
  name: 'tesseract-eng',
  task: 'image-to-text',
  dir: OCR_MODEL_DIR,
  package: '@dlkit/vision',
  description: 'Tesseract 5 LSTM, English (tessdata_best, integer): lines and words with boxes; tesseract.js (wasm), optional peers',
});

/** An optional peer of @dlkit/vision that a model runs on. */
export interface ModelPeer {
  package: string;
  /** The version we test, from our peerDependencies: the one to install. */
  version: string;
  /** The version installed where @dlkit/vision resolves it, or undefined when it is not installed. */
  installed: string | undefined;
}

/** What an embedded model needs beyond @dlkit/vision's own dependencies, looked up where vision resolves packages. */
export interface ModelRequirements {
  peers: ModelPeer[];
  /** The files the model reads from those peers (absolute paths, of the installed ones only). */
  files: string[];
  /** `npm install` of the peers that are missing (the versions we test), or undefined when none is. */
  install: string | undefined;
}

/** The optional peers OCR runs on: the engine, and the package holding the English traineddata. */
const OCR_PEERS = ['tesseract.js', '@tesseract.js-data/eng'] as const;

const requireHere = createRequire(import.meta.url);

/** The installed version and folder of `pkg`, or undefined when it is not installed (its package.json is read). */
function installedPackage(pkg: string): { version: string; dir: string } | undefined {
  try {
    const path = requireHere.resolve(`${pkg}/package.json`);
    return { version: (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version, dir: dirname(path) };
  } catch {
    return undefined;
  }
}

/** The version of `pkg` we test, from @dlkit/vision's peerDependencies, or undefined when it is not one of them. */
export function testedPeerVersion(pkg: string): string | undefined {
  return (requireHere('../package.json') as { peerDependencies?: Record<string, string> }).peerDependencies?.[pkg];
}

/**
 * The optional peers `name` runs on (none for a model whose runtime is a dependency) and whether each is installed,
 * so that `dl models list` and `dl doctor` can say what to install before a run fails with DEPENDENCY_MISSING.
 */
export function embeddedModelRequirements(name: string): ModelRequirements {
  if (name !== 'tesseract-eng') return { peers: [], files: [], install: undefined };
  const peers = OCR_PEERS.map((pkg) => ({ package: pkg, version: testedPeerVersion(pkg) ?? 'latest', installed: installedPackage(pkg)?.version }));
  // The traineddata's package and path inside it, as the OCR engine reads them.
  const manifest = JSON.parse(readFileSync(join(OCR_MODEL_DIR, 'dlkit.json'), 'utf8')) as { package: string; file: string };
  const data = installedPackage(manifest.package);
  const missing = peers.filter((p) => p.installed === undefined);
  const install = missing.length > 0 ? `npm install ${missing.map((p) => `${p.package}@${p.version}`).join(' ')}` : undefined;
  return { peers, files: data === undefined ? [] : [join(data.dir, manifest.file)], install };
}

/**
 * DEPENDENCY_MISSING naming every OCR peer that is missing, so that one npm install line is all a user needs
 * (rather than one package per failed run), or undefined when both are installed.
 */
export function ocrPeersMissing(): DlError | undefined {
  const { peers, install } = embeddedModelRequirements('tesseract-eng');
  if (install === undefined) return undefined;
  const missing = peers.filter((p) => p.installed === undefined);
  const names = `${missing.map((p) => p.package).join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'}`;
  return new DlError('DEPENDENCY_MISSING', `OCR (image-to-text) needs ${names} not installed: ${install}`, { hint: { kind: 'install', what: install.slice('npm install '.length) } });
}

/** A photo shipped with the package, for trying things out. */
export const SAMPLE_IMAGE = fileURLToPath(new URL('../samples/cat.jpg', import.meta.url));
