import { DlError, loadGraphModel, loadLocalModel, oneAtATime, parseModelReference, selectTfjsBackend, type TaskRunner, type Tf } from '@dlkit/core';
import type { z } from 'zod';
// The embedded models are registered before a name is looked up, however this module was reached.
import '../embedded.js';
import type { Detection } from '../detect/postprocess.js';
import { loadDetectorRunner, type DetectionCallOptions, type DetectorRunner } from '../detect/runner.js';
import { decodeOptions, readImage, type DecodeOptions, type ImageInput } from '../image/decode.js';
import { inputError } from '../input-error.js';
import type { poseCallOptions, poseLoadOptions } from '../tasks.js';
import type { Pose } from './keypoints.js';
import { decodePose, finishPoses } from './postprocess.js';
import { cropAround, cropBatch, originalSize, workImage, type Crop, type WorkImage } from './preprocess.js';

type GraphModel = Awaited<ReturnType<typeof loadGraphModel>>;
type Tensor = ReturnType<Tf['tensor']>;

export type PoseLoadOptions = z.infer<typeof poseLoadOptions>;
export type PoseCallOptions = z.infer<typeof poseCallOptions>;
export type PoseRunner = TaskRunner<ImageInput, Pose[], PoseCallOptions>;

/** The embedded detector whose `person` boxes are the crops MoveNet (one person per call) is run on. */
const PERSON_DETECTOR = 'centernet';
/** Person boxes under this detector score are not tried (CenterNet's own default). */
const PERSON_SCORE = 0.3;
/** People tried per image at most when a call gives no `maxPeople`: each is one MoveNet call. */
export const DEFAULT_MAX_PEOPLE = 10;

interface PoseSpec {
  size: number;
  output: string;
}

function poseSpec(input: unknown, name: string): PoseSpec {
  const spec = input as { kind?: unknown; width?: unknown; height?: unknown; output?: unknown } | undefined;
  if (spec?.kind !== 'crop-square' || typeof spec.width !== 'number' || spec.width !== spec.height || typeof spec.output !== 'string') {
    throw new DlError('MODEL_INVALID', `Model ${name}: pose estimation needs input.kind 'crop-square', a square input.width/height and input.output (MoveNet SinglePose)`);
  }
  return { size: spec.width, output: spec.output };
}

/**
 * The pose-estimation runner: the embedded CenterNet finds people, MoveNet SinglePose Lightning (17 COCO
 * keypoints) runs on a square crop around each, on the fastest tfjs backend. MoveNet SinglePose answers one person
 * per call whatever it is shown, so the detector is what makes it count people. No person box, no answer: tried
 * on the whole image instead, MoveNet gave dog.jpg (no person) a 0.31 skeleton squeezed into 6 pixels, above
 * real people's 0.27 (postprocess.ts), so a fallback would need a second guess of its own.
 */
export async function loadPoseRunner(model: string, options: PoseLoadOptions): Promise<PoseRunner> {
  const loaded = await loadLocalModel(parseModelReference(model), 'pose-estimation');
  const name = loaded.manifest.name;
  const spec = poseSpec(loaded.manifest.input, name);
  const { tf, backend } = await selectTfjsBackend();
  const graph = await loadGraphModel(loaded);
  const detector = await loadDetectorRunner(PERSON_DETECTOR, { maxPixels: options.maxPixels }).catch((error: unknown) => {
    graph.dispose();
    throw error;
  });
  const decode = decodeOptions(options);
  const estimate = async (input: ImageInput, call: PoseCallOptions): Promise<Pose[]> => {
    const maxPeople = call.maxPeople ?? DEFAULT_MAX_PEOPLE;
    const { image, people } = await preprocess(input, decode, detector, { maxDetections: maxPeople, tiles: call.tiles });
    const poses: Pose[] = [];
    for (const { box } of people) {
      const crop = cropAround(box);
      poses.push(decodePose(await execute(tf, graph, image, crop, spec), crop, image.original, box));
    }
    return finishPoses(poses, call.threshold, maxPeople);
  };
  return {
    model: name,
    device: backend,
    run: oneAtATime(estimate, name),
    async dispose() {
      graph.dispose();
      await detector.dispose();
    },
  };
}

/**
 * Pre-processing: the bytes read once, the people the detector boxes in them (tiled as the call says), the image
 * shrunk for cropping. The shrunk image is decoded by sharp's threads while the detector runs (bench/RESULTS.md, "pose").
 */
async function preprocess(input: ImageInput, decode: DecodeOptions, detector: DetectorRunner, people: Pick<DetectionCallOptions, 'maxDetections' | 'tiles'>): Promise<{ image: WorkImage; people: Detection[] }> {
  const bytes = Buffer.from(await readImage(input, decode).catch((error: unknown) => Promise.reject(inputError(error))));
  const original = await originalSize(input, bytes, decode);
  const [image, [found]] = await Promise.all([workImage(input, bytes, original, decode), detector.run([bytes], { classes: ['person'], threshold: PERSON_SCORE, ...people })]);
  if (!found!.ok) throw found!.error;
  return { image, people: found!.value };
}

/** The model call on one crop: MoveNet's 17 rows `[y, x, score]`, its tensors freed. */
async function execute(tf: Tf, graph: GraphModel, image: WorkImage, crop: Crop, spec: PoseSpec): Promise<Float32Array> {
  const output = tf.tidy(() => graph.execute(cropBatch(tf, image, [crop], spec.size), spec.output) as Tensor);
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}
