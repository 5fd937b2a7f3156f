import { describe, expect, it } from 'vitest';
import { fromTile, intersectionOverSmaller, MAX_TILES, mergeSeams, planTiles, tileSide, TILE_OVERLAP, type Tile } from './tiles.js';

/** Every pixel of the image is in a tile, and neighbours along each axis overlap by at least TILE_OVERLAP. */
function expectCovering(tiles: Tile[], width: number, height: number): void {
  const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
  const ys = [...new Set(tiles.map((t) => t.y))].sort((a, b) => a - b);
  const { width: tw, height: th } = tiles[0]!;
  expect(xs[0]).toBe(0);
  expect(ys[0]).toBe(0);
  expect(xs.at(-1)! + tw).toBe(width);
  expect(ys.at(-1)! + th).toBe(height);
  for (const [i, x] of xs.slice(1).entries()) expect(xs[i]! + tw - x).toBeGreaterThanOrEqual(Math.floor(TILE_OVERLAP * tw));
  for (const [i, y] of ys.slice(1).entries()) expect(ys[i]! + th - y).toBeGreaterThanOrEqual(Math.floor(TILE_OVERLAP * th));
}

describe('tile plan (pure, hand-set sizes)', () => {
  it('cuts 1536 px into 2 x 2 tiles of 1024 and 4 x 4 of 512, covering it with at least 20% overlap', () => {
    const big = planTiles(1536, 1536, 1024);
    expect(big.map((t) => [t.x, t.y])).toEqual([[0, 0], [512, 0], [0, 512], [512, 512]]);
    expectCovering(big, 1536, 1536);
    const small = planTiles(1536, 1536, 512);
    expect(small).toHaveLength(16);
    expectCovering(small, 1536, 1536);
    expectCovering(planTiles(4096, 1000, 1024), 4096, 1000);
  });

  it('an image smaller than a tile is one tile its own size; a huge one gets larger tiles, never more than 64', () => {
    expect(planTiles(500, 300, 1024)).toEqual([{ x: 0, y: 0, width: 500, height: 300 }]);
    for (const [w, h] of [[10_000, 10_000], [40_000, 100], [4096, 4096]] as const) {
      const tiles = planTiles(w, h, 512);
      expect(tiles.length).toBeLessThanOrEqual(MAX_TILES);
      expectCovering(tiles, w, h);
    }
  });

  it("'auto' tiles only an image whose shorter side is over 2.5 model inputs; true and a side tile anything bigger than a tile", () => {
    expect(tileSide('auto', 640, 424, 512)).toBeUndefined(); // person.jpg
    expect(tileSide('auto', 1024, 1024, 512)).toBeUndefined(); // 2 x 2 astronauts: one pass finds them
    expect(tileSide('auto', 4000, 800, 512)).toBeUndefined();
    expect(tileSide('auto', 1536, 1536, 512)).toBe(1024);
    expect(tileSide(undefined, 4096, 4096, 512)).toBeUndefined();
    expect(tileSide(false, 4096, 4096, 512)).toBeUndefined();
    expect(tileSide(true, 1536, 800, 512)).toBe(1024);
    expect(tileSide(true, 1024, 1024, 512)).toBeUndefined();
    expect(tileSide(640, 1536, 600, 512)).toBe(640);
  });
});

describe('seam merge (pure, hand-set boxes)', () => {
  // A 1536 x 1024 image in two tiles of 1024 that overlap on x 512-1024.
  const [left, right] = planTiles(1536, 1024, 1024) as [Tile, Tile];
  const person = (xmin: number, xmax: number, score = 0.8) => ({ label: 'person', score, box: { xmin, ymin: 100, xmax, ymax: 600 } });

  it('marks a box touching an inner tile edge as partial, not one at the image border', () => {
    expect([left, right].map((t) => t.x)).toEqual([0, 512]);
    const [cut, inside] = fromTile([person(900, 1024), person(0, 300)], left, 1536, 1024);
    expect(cut).toMatchObject({ partial: true, box: { xmin: 900, xmax: 1024 } });
    expect(inside!.partial).toBe(false);
    expect(fromTile([person(0, 100)], right, 1536, 1024)[0]).toMatchObject({ partial: true, box: { xmin: 512, xmax: 612 } });
    expect(fromTile([person(900, 1024)], right, 1536, 1024)[0]!.partial).toBe(false); // the image's right border
  });

  it('a person across the seam is counted once: the piece goes when the other tile has the whole, pieces alone are merged', () => {
    // Seen whole by the right tile (image x 900-1200), cut at 1024 by the left one.
    const once = mergeSeams([...fromTile([person(900, 1024, 0.9)], left, 1536, 1024), ...fromTile([person(388, 688, 0.7)], right, 1536, 1024)]);
    expect(once).toEqual([person(900, 1200, 0.7)]);
    // Wider than the overlap (400-1200): both tiles cut it; the two pieces become their union at the better score.
    const pieces = mergeSeams([...fromTile([person(400, 1024, 0.6)], left, 1536, 1024), ...fromTile([person(0, 688, 0.8)], right, 1536, 1024)]);
    expect(pieces).toEqual([person(400, 1200, 0.8)]);
    // A dog piece is not merged into a person, and two people side by side stay two.
    const dog = { ...person(900, 1024), label: 'dog' };
    expect(mergeSeams([...fromTile([dog], left, 1536, 1024), ...fromTile([person(388, 688)], right, 1536, 1024)])).toHaveLength(2);
    expect(mergeSeams(fromTile([person(100, 300), person(320, 500)], left, 1536, 1024))).toHaveLength(2);
    expect(intersectionOverSmaller(person(0, 10).box, person(20, 30).box)).toBe(0);
  });
});
