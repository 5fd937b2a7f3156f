import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DlError, loadLocalModel, parseModelReference, selectTfjsBackend } from '@dlkit/core';
import { clipBox } from '../detect/postprocess.js';
import { decodeError, openUpright, type DecodeOptions, type ImageInput, type RgbImage } from '../image/decode.js';
import { asDlError, firstOrThrow, type Settled } from '../settled.js';
import { createAnimalCheck, type AnimalCheck } from './animal-check.js';

/** One face: where it is, its 68 landmarks, age, gender, expression and 128-d descriptor for matching. */
export interface Face {
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
  /** 68 points (x, y) in pixels of the original image, iBUG order (jaw, brows, nose, eyes, mouth). */
  landmarks: Array<[number, number]>;
  age: number;
  gender: 'male' | 'female';
  genderScore: number;
  /** The most likely expression, and all seven with their probabilities. */
  expression: string;
  expressions: Record<string, number>;
  descriptor: number[];
}

export interface FacesInImage {
  faces: Face[];
  image: RgbImage;
}

export interface FaceMatch {
  /** Euclidean distance between the two descriptors: under `threshold` is the same person. */
  distance: number;
  threshold: number;
  samePerson: boolean;
}

export interface FaceAnalyzerOptions extends DecodeOptions {
  /** Lowest detection score kept (default 0.5, measured in bench/vision/FACES.md). */
  minConfidence?: number;
  /**
   * Drop boxes that the embedded ImageNet classifier calls an animal (default true): the face detector scores a
   * cat's face as high as a person's. `false` skips it (and the classifier's load) when only people are in view.
   */
  rejectAnimals?: boolean;
}

/**
 * The default detection score: on the tuning photos (bench/vision/FACES.md) people's faces score 0.99-1.00 and
 * the best non-face 0.41 (a dog); the held-out people's faces go down to 0.74. A cat scores 0.94: the animal
 * check, not the threshold, removes it.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

/** A box whose crop the classifier gives more than this much animal probability is not a face (people: <= 0.13). */
const MAX_ANIMAL_SCORE = 0.5;

const optionsSchema = z.object({ minConfidence: z.number().min(0).max(1).optional(), rejectAnimals: z.boolean().optional() }).loose();

function checkOptions(options: FaceAnalyzerOptions): void {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DlError('INVALID_ARGUMENT', `face analyzer option ${issue.path.join('.')}: ${issue.message}`);
  }
}

export interface FaceAnalyzer {
  analyze(image: ImageInput): Promise<Face[]>;
  analyzeEach(images: ImageInput[]): Promise<Array<Settled<Face[]>>>;
  /** `analyzeEach` that also returns each decoded, upright image, for drawing the faces on it. */
  analyzeImages(images: ImageInput[]): Promise<Array<Settled<FacesInImage>>>;
  /** Distance between two faces' descriptors (face-api's 0.6 threshold for "same person"). */
  compare(a: Face, b: Face): FaceMatch;
  dispose(): Promise<void>;
}

const NETS = ['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet', 'ageGenderNet', 'faceExpressionNet'] as const;

type FaceApi = typeof import('@vladmandic/face-api');

/** Analyzers alive: face-api keeps its networks as process-wide singletons, freed when the last one is disposed. */
let analyzers = 0;

/**
 * Faces with the embedded face-api models (SSD MobileNetV1 detector, landmarks, recognition, age/gender,
 * expression), run by @vladmandic/face-api's own code on the same tfjs (its wasm build shares our backend).
 */
export async function createFaceAnalyzer(options: FaceAnalyzerOptions = {}): Promise<FaceAnalyzer> {
  checkOptions(options);
  const loaded = await loadLocalModel(parseModelReference('face-api'), 'face-analysis');
  const spec = loaded.manifest.input as { matchThreshold: number };
  await selectTfjsBackend();
  // face-api's exports map points Node at its tfjs-node build; its wasm build is the file beside it, and loads
  // the same CommonJS tfjs-core as @dlkit/core, so one engine and one wasm backend serve both.
  const require = createRequire(import.meta.url);
  const faceapi = require(join(dirname(require.resolve('@vladmandic/face-api')), 'face-api.node-wasm.js')) as FaceApi;
  for (const net of NETS) {
    if (!faceapi.nets[net].isLoaded) await faceapi.nets[net].loadFromDisk(loaded.dir);
  }
  const animalCheck: AnimalCheck | undefined = options.rejectAnimals === false ? undefined : await createAnimalCheck();
  analyzers++;
  const detectorOptions = new faceapi.SsdMobilenetv1Options({ minConfidence: options.minConfidence ?? DEFAULT_MIN_CONFIDENCE });
  let disposed = false;

  /** The faces whose box the classifier does not call an animal. */
  const withoutAnimals = async (faces: Face[], image: RgbImage): Promise<Face[]> => {
    if (animalCheck === undefined) return faces;
    const kept: Face[] = [];
    for (const face of faces) if ((await animalCheck.animalScore(image, face.box)) <= MAX_ANIMAL_SCORE) kept.push(face);
    return kept;
  };

  const analyzeOne = async (input: ImageInput): Promise<FacesInImage> => {
    const { image: opened, width, height } = await openUpright(input, options);
    let pixels: Buffer;
    try {
      pixels = await opened.removeAlpha().raw().toBuffer();
    } catch (error) {
      throw decodeError(input, error, options.maxPixels);
    }
    const tensor = faceapi.tf.tensor3d(new Int32Array(pixels), [height, width, 3], 'int32');
    let found;
    try {
      found = await faceapi.detectAllFaces(tensor, detectorOptions).withFaceLandmarks().withFaceExpressions().withAgeAndGender().withFaceDescriptors();
    } finally {
      tensor.dispose();
    }
    const faces = found.map((f): Face => {
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
    });
    const image = { data: pixels, width, height };
    return { faces: await withoutAnimals(faces, image), image };
  };

  const analyzeImages = async (images: ImageInput[]): Promise<Array<Settled<FacesInImage>>> => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This face analyzer has been disposed');
    const results: Array<Settled<FacesInImage>> = [];
    for (const input of images) {
      try {
        results.push({ ok: true, value: await analyzeOne(input) });
      } catch (error) {
        results.push({ ok: false, error: asDlError(error) });
      }
    }
    return results;
  };

  // Without the images: a caller with many inputs keeps only the faces.
  const analyzeEach = async (images: ImageInput[]): Promise<Array<Settled<Face[]>>> =>
    (await analyzeImages(images)).map((r) => (r.ok ? { ok: true, value: r.value.faces } : r));

  return {
    analyzeEach,
    analyzeImages,
    analyze: async (image) => firstOrThrow(await analyzeEach([image])),
    compare(a, b) {
      const distance = faceapi.euclideanDistance(a.descriptor, b.descriptor);
      return { distance, threshold: spec.matchThreshold, samePerson: distance < spec.matchThreshold };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await animalCheck?.dispose();
      if (--analyzers === 0) for (const net of NETS) faceapi.nets[net].dispose(false);
    },
  };
}
