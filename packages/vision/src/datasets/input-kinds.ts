/**
 * The `input.kind` values of vision's image-classification manifests: how the classifier turns an image into the
 * model's input. The trainers write them and the classifier reads them back, both through these constants.
 */
export const VISION_INPUT_KINDS = {
  /** Any image normalised the way MNIST was made: 28x28x1 in [0,1]. */
  digits: 'digits',
  /** The whole image resized to width x height, [0,1], NHWC (models trained on image folders). */
  image: 'image',
  /** ImageNet-style: shorter side resized, centre-cropped, normalised by mean/std. */
  rgbCrop: 'rgb-crop',
} as const;

export type VisionInputKind = (typeof VISION_INPUT_KINDS)[keyof typeof VISION_INPUT_KINDS];

/** The input spec of a model trained on digits. */
export type DigitsInputSpec = { kind: typeof VISION_INPUT_KINDS.digits };

/** The input spec of a model trained on an image folder. */
export type ImageInputSpec = { kind: typeof VISION_INPUT_KINDS.image; width: number; height: number; channels: 1 | 3 };
