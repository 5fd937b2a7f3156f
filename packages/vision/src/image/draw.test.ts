import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { decodeImage } from './decode.js';
import { colourFor, drawDetections } from './draw.js';

const DOG = testDataFile('images/dog.jpg');
const rgb = (colour: string) => [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));

describe.skipIf(!DOG)('drawDetections', () => {
  it('draws the strongest label on top, whatever order the detections come in', async () => {
    const image = await decodeImage(DOG);
    const box = { xmin: 100, ymin: 100, xmax: 300, ymax: 300 };
    // Same box, same tag place: only the drawing order decides which tag shows.
    const strong = { label: 'car', score: 0.56, box };
    const weak = { label: 'dog', score: 0.32, box };
    expect(colourFor('car')).not.toBe(colourFor('dog'));
    for (const order of [[strong, weak], [weak, strong]]) {
      const back = await sharp(await drawDetections(image, order, 'png')).raw().toBuffer({ resolveWithObject: true });
      const font = Math.max(12, Math.round(Math.min(image.width, image.height) / 30));
      // Inside the tag, left of where its text starts; and on the box's left edge.
      for (const [x, y] of [[box.xmin + 2, box.ymin - font], [box.xmin, 200]] as const) {
        const at = (y * back.info.width + x) * back.info.channels;
        expect(Array.from(back.data.subarray(at, at + 3))).toEqual(rgb(colourFor('car')));
      }
    }
  });
});
