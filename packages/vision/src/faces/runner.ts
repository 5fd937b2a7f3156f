import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';
import { DlError, loadLocalModel, oneAtATime, parseModelReference, selectTfjsBackend, type TaskRunner } from '@dlkit/core';
import type { z } from 'zod';
// The embedded models are registered before a name is looked up, however this module was reached.
import '../embedded.js';
import { clipBox } from '../detect/postprocess.js';
import { decodeError, decodeOptions, openUpright, type DecodeOptions, type ImageInput, type RgbImage } from '../image/decode.js';
import { inputError } from '../input-error.js';
import type { faceCallOptions, faceLoadOptions } from '../tasks.js';
import { createAnimalCheck, type AnimalCheck } from './animal-check.js';
import { registerFaceApiTensorMethods, type Tf } from './chained-ops.js';
import { DEFAULT_MIN_CONFIDENCE, type Face } from './faces.js';

export type FaceLoadOptions = z.infer<typeof faceLoadOptions>;
export type FaceCallOptions = z.infer<typeof faceCallOptions>;
export type FaceRunner = TaskRunner<ImageInput, Face[], FaceCallOptions>;

/** A box whose crop the classifier gives more than this much animal probability is not a face (people: <= 0.13). */
const MAX_ANIMAL_SCORE = 0.5;

const NETS = ['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet', 'ageGenderNet', 'faceExpressionNet'] as const;

type FaceApi = typeof import('@vladmandic/face-api');
type Found = Awaited<ReturnType<typeof detectAll>>[number];

/** Runners alive: face-api keeps its networks as process-wide singletons, freed when the last one is disposed. */
let runners = 0;

let faceApiModule: FaceApi | undefined;

/**
 * face-api's wasm build, evaluated once per process as CommonJS with a `require` of our own. Its exports map points
 * Node at its tfjs-node build; the wasm build is the file beside it. That build asks for the whole
 * "@tensorflow/tfjs" (layers, converter, data, webgl: 124 MB installed) but uses only tfjs-core's ops, io and
 * browser.fromPixels (and tensor methods, added here as the union would), so it is handed @dlkit/core's own
 * tfjs-core and wasm backend: one engine and one wasm backend serve both, and vision needs no tfjs union.
 */
function faceApi(): FaceApi {
  if (faceApiModule) return faceApiModule;
  const visionRequire = createRequire(import.meta.url);
  const file = join(dirname(visionRequire.resolve('@vladmandic/face-api')), 'face-api.node-wasm.js');
  const coreRequire = createRequire(visionRequire.resolve('@dlkit/core'));
  const fileRequire = createRequire(file);
  const tfjs: Record<string, string> = { '@tensorflow/tfjs': '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm': '@tensorflow/tfjs-backend-wasm' };
  const require = (id: string): unknown => (tfjs[id] !== undefined ? coreRequire(tfjs[id]) : fileRequire(id));
  registerFaceApiTensorMethods(coreRequire('@tensorflow/tfjs-core') as Tf);
  const module = { exports: {} };
  const params = ['exports', 'require', 'module', '__filename', '__dirname'];
  compileFunction(readFileSync(file, 'utf8'), params, { filename: file })(module.exports, require, module, file, dirname(file));
  return (faceApiModule = module.exports as FaceApi);
}

/** face-api, with the networks of the model folder `dir` loaded (once per process). */
async function loadFaceApi(dir: string): Promise<{ faceapi: FaceApi; backend: string }> {
  const { backend } = await selectTfjsBackend();
  const faceapi = faceApi();
  for (const net of NETS) {
    if (!faceapi.nets[net].isLoaded) await faceapi.nets[net].loadFromDisk(dir);
  }
  return { faceapi, backend };
}

/**
 * The face-analysis runner: the embedded face-api models (SSD MobileNetV1 detector, landmarks, recognition,
 * age/gender, expression), run by @vladmandic/face-api's own code on the same tfjs (its wasm build shares our
 * backend), with the animal check behind the detector unless `rejectAnimals` is false.
 */
export async function loadFaceRunner(model: string, options: FaceLoadOptions): Promise<FaceRunner> {
  const loaded = await loadLocalModel(parseModelReference(model), 'face-analysis');
  if ((loaded.manifest.input as { kind?: unknown } | undefined)?.kind !== 'face-api') {
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name}: face analysis runs face-api model folders (input.kind 'face-api')`);
  }
  const { faceapi, backend } = await loadFaceApi(loaded.dir);
  const animalCheck = options.rejectAnimals === false ? undefined : await createAnimalCheck();
  runners++;
  const decode = decodeOptions(options);
  const analyze = async (input: ImageInput, { threshold = DEFAULT_MIN_CONFIDENCE }: FaceCallOptions): Promise<Face[]> => {
    const image = await preprocess(input, decode);
    const found = await detectAll(faceapi, image, threshold);
    return withoutAnimals(found.map((f) => toFace(f, image)), image, animalCheck);
  };
  return {
    model: loaded.manifest.name,
    device: backend,
    run: oneAtATime(analyze, loaded.manifest.name),
    async dispose() {
      await animalCheck?.dispose();
      if (--runners === 0) for (const net of NETS) faceapi.nets[net].dispose(false);
    },
  };
}

/** Pre-processing: the upright image as RGB bytes. */
async function preprocess(input: ImageInput, decode: DecodeOptions): Promise<RgbImage> {
  const { image, width, height } = await openUpright(input, decode).catch((error: unknown) => Promise.reject(inputError(error)));
  try {
    return { data: await image.removeAlpha().raw().toBuffer(), width, height };
  } catch (error) {
    throw decodeError(input, error, decode.maxPixels);
  }
}

/** The model call: every face with at least `minConfidence`, with landmarks, expressions, age, gender, descriptor. */
async function detectAll(faceapi: FaceApi, { data, width, height }: RgbImage, minConfidence: number) {
  const tensor = faceapi.tf.tensor3d(new Int32Array(data), [height, width, 3], 'int32');
  try {
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence });
    return await faceapi.detectAllFaces(tensor, options).withFaceLandmarks().withFaceExpressions().withAgeAndGender().withFaceDescriptors();
  } finally {
    tensor.dispose();
  }
}

/** Post-processing: face-api's result as a `Face`, in pixels of the upright image. */
function toFace(f: Found, { width, height }: RgbImage): Face {
  const { x, y, width: w, height: h } = f.detection.box;
  const expressions = Object.fromEntries(Object.entries(f.expressions).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
  const expression = Object.entries(expressions).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'neutral';
  return {
    score: f.detection.score,
    box: clipBox({ xmin: x, ymin: y, xmax: x + w, ymax: y + h }, width, height),
    landmarks: f.landmarks.positions.map((p) => [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10] as [number, number]),
    age: Math.round(f.age * 10) / 10,
    gender: f.gender as 'male' | 'female',
    genderScore: f.genderProbability,
    expression,
    expressions,
    descriptor: Array.from(f.descriptor),
  };
}

/** The faces whose box the classifier does not call an animal. */
async function withoutAnimals(faces: Face[], image: RgbImage, animalCheck: AnimalCheck | undefined): Promise<Face[]> {
  if (animalCheck === undefined) return faces;
  const kept: Face[] = [];
  for (const face of faces) if ((await animalCheck.animalScore(image, face.box)) <= MAX_ANIMAL_SCORE) kept.push(face);
  return kept;
}
