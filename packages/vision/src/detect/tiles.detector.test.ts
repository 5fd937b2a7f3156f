import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import '../embedded.js';
import { pipeline, type ObjectDetectionPipeline } from '../pipeline.js';
import { astronautAt, astronautGrid } from './crowd.test-helpers.js';

const IMAGES = testDataFile('images');
const people = { classes: ['person'] };

describe('tiled detection with the embedded CenterNet (real model, the committed astronaut, real photos)', () => {
  let detect: ObjectDetectionPipeline;
  beforeAll(async () => {
    detect = await pipeline('object-detection');
  });
  afterAll(() => detect?.dispose());

  it('3 x 3 astronauts (1536 px): 9 people with tiles auto, fewer in one pass', async () => {
    const grid = await astronautGrid(3);
    const untiled = await detect(grid, people);
    const tiled = await detect(grid, { ...people, tiles: 'auto' });
    console.info(`3x3 astronauts: ${untiled.length} people in one pass, ${tiled.length} tiled`);
    expect(untiled.length).toBeLessThan(9);
    expect(tiled).toHaveLength(9);
    // One per astronaut: each box's centre in a different cell of the grid.
    expect(new Set(tiled.map(({ box }) => `${Math.floor((box.xmin + box.xmax) / 1024)},${Math.floor((box.ymin + box.ymax) / 1024)}`)).size).toBe(9);
  });

  it('8 x 8 astronauts (4096 px): many people tiled, never more than maxDetections', async () => {
    const grid = await astronautGrid(8);
    const tiled = await detect(grid, { ...people, tiles: 'auto' });
    console.info(`8x8 astronauts: ${tiled.length} people tiled`);
    expect(tiled.length).toBeGreaterThanOrEqual(48);
    expect(tiled.length).toBeLessThanOrEqual(64);
    expect(await detect(grid, { ...people, tiles: true, maxDetections: 10 })).toHaveLength(10);
  });

  it('a person across a tile seam is counted once', async () => {
    // Tiles of 768 on 1536 x 768 start at 0, 384 and 768: the astronaut pasted at x 500 (her box 500-864) is cut by
    // the first tile's edge at 768 and whole in the middle tile.
    const image = await astronautAt(1536, 768, 500, 128);
    const found = await detect(image, { ...people, tiles: 768 });
    expect(found).toHaveLength(1);
    expect(found[0]!.box.xmin).toBeLessThan(600);
    expect(found[0]!.box.xmax).toBeGreaterThan(800); // past the first tile's edge at 768: the whole person
  });

  it.skipIf(!IMAGES)("person.jpg (640 x 424) with tiles 'auto' gives the same answer as without: small images are not tiled", async () => {
    const photo = join(IMAGES ?? '', 'person.jpg');
    expect(await detect(photo, { tiles: 'auto' })).toEqual(await detect(photo));
  });

  it('refuses a tile side under 128 px or a word other than auto, naming the option', async () => {
    await expect(detect(await astronautGrid(1), { tiles: 64 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'tiles' });
    await expect(detect(await astronautGrid(1), { tiles: 'yes' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'tiles' });
  });
});
