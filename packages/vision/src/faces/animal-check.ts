import sharp from 'sharp';
import { loadLabels, loadLocalModel, parseModelReference } from '@dlkit/core';
import { loadClassifierRunner } from '../classify/runner.js';
import type { RgbImage } from '../image/decode.js';

/** ImageNet-1k orders its classes so that 0 (tench) to 397 (pufferfish) are all animals; 398 (abacus) on are not. */
const ANIMAL_CLASSES = 398;

/** Side of the square crop classified, as a multiple of the face box's longer side: ears and muzzle tell animals apart. */
const CROP_SCALE = 1.3;

type Box = { xmin: number; ymin: number; xmax: number; ymax: number };

export interface AnimalCheck {
  /** Probability, by the embedded ImageNet classifier, that the square around `box` shows an animal. */
  animalScore(image: RgbImage, box: Box): Promise<number>;
  dispose(): Promise<void>;
}

/** The square crop centred on the box, clipped to the image. */
function squareAround(box: Box, width: number, height: number) {
  const side = Math.max(box.xmax - box.xmin, box.ymax - box.ymin) * CROP_SCALE;
  const left = Math.max(0, Math.round((box.xmin + box.xmax - side) / 2));
  const top = Math.max(0, Math.round((box.ymin + box.ymax - side) / 2));
  return { left, top, width: Math.max(1, Math.min(Math.round(side), width - left)), height: Math.max(1, Math.min(Math.round(side), height - top)) };
}

/**
 * The second check behind the face detector: SSD MobileNetV1 gives a cat's face 0.94, as sure as a person's, and
 * the landmark net then draws a human face on it. The embedded MobileNetV2 knows 398 animal classes; a box it
 * calls an animal is not a person's face. Measured in bench/vision/FACES.md.
 */
export async function createAnimalCheck(): Promise<AnimalCheck> {
  const labels = await loadLabels(await loadLocalModel(parseModelReference('mobilenetv2'), 'image-classification'), 1000);
  const animals = new Set(labels.slice(0, ANIMAL_CLASSES));
  const classifier = await loadClassifierRunner('mobilenetv2', {});
  return {
    async animalScore(image, box) {
      const crop = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
        .extract(squareAround(box, image.width, image.height))
        .png({ compressionLevel: 1 })
        .toBuffer();
      const [result] = await classifier.run([crop], { topK: labels.length });
      if (!result!.ok) throw result!.error;
      return result!.value.reduce((sum, c) => (animals.has(c.label) ? sum + c.score : sum), 0);
    },
    dispose: () => classifier.dispose(),
  };
}
