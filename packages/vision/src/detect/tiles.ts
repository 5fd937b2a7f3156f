import type { Detection } from './postprocess.js';

/**
 * Sliced inference (SAHI's way, Akyon et al. 2022): a big photo is cut into overlapping tiles, each run at the
 * model's input size, plus one pass on the whole image for objects bigger than a tile; the boxes are mapped back
 * to image pixels and merged. CenterNet sees the whole image stretched to 512 x 512, so on a 1536-px group photo a
 * person is a third of their size and is missed (pose.hostile.test.ts: a 3x3 grid of astronauts gave 0 people,
 * 2x2 gave 4).
 */

/** A tile in pixels of the original (upright) image. */
export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The share of a tile its neighbour also covers (SAHI's default overlap ratio). */
export const TILE_OVERLAP = 0.2;
/** Tiles per image at most: each is one model call. A larger image gets larger tiles instead of more of them. */
export const MAX_TILES = 64;
/**
 * The tile side when none is given, in model inputs: each tile is shrunk by 2, which still finds the astronauts of
 * a 2 x 2 grid (1024 px stretched to 512), where tiles of one input would take 16 calls instead of 4 on 1536 px.
 */
export const TILE_INPUTS = 2;
/** 'auto' tiles an image whose shorter side is over this many model inputs: at 2 x 2 astronauts one pass finds all. */
export const AUTO_TILE_INPUTS = 2.5;

/** What the `tiles` option says: off, on (tile side TILE_INPUTS inputs), 'auto', or a tile side in pixels. */
export type TilesOption = boolean | 'auto' | number;

/** Tile starts along one axis: the fewest tiles of `side` that overlap by at least TILE_OVERLAP, spread evenly. */
function starts(length: number, side: number, overlap: number): number[] {
  if (length <= side) return [0];
  const n = Math.ceil((length - side * overlap) / (side * (1 - overlap)));
  const step = (length - side) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * step));
}

/**
 * The tiles covering a width x height image, `side` px square (cut to the image where it is smaller), each
 * overlapping its neighbours by at least `overlap`. Over `maxTiles` the side grows until they fit: the count is
 * bounded whatever the image.
 */
export function planTiles(width: number, height: number, side: number, options: { overlap?: number; maxTiles?: number } = {}): Tile[] {
  const overlap = options.overlap ?? TILE_OVERLAP;
  const maxTiles = options.maxTiles ?? MAX_TILES;
  let s = Math.max(1, Math.round(side));
  let xs = starts(width, s, overlap);
  let ys = starts(height, s, overlap);
  while (xs.length * ys.length > maxTiles) {
    s = Math.ceil(s * 1.1);
    xs = starts(width, s, overlap);
    ys = starts(height, s, overlap);
  }
  return ys.flatMap((y) => xs.map((x) => ({ x, y, width: Math.min(s, width), height: Math.min(s, height) })));
}

/**
 * The tile side for a call on a width x height image and a model of `input` px, or undefined for one pass on the
 * whole image (tiling off, 'auto' on an image that does not need it, or an image no bigger than one tile).
 */
export function tileSide(option: TilesOption | undefined, width: number, height: number, input: number): number | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === 'auto' && Math.min(width, height) <= AUTO_TILE_INPUTS * input) return undefined;
  const side = typeof option === 'number' ? option : TILE_INPUTS * input;
  return width <= side && height <= side ? undefined : side;
}

/** A detection from one tile (or the whole-image pass), with whether it touches an edge between tiles. */
export interface TileDetection extends Detection {
  /** The box reaches an edge of its tile that is inside the image: the object may go on in the next tile. */
  partial: boolean;
}

/** How close to a tile's edge (share of its side) a box counts as touching it: CenterNet's edges are not exact. */
const EDGE_SHARE = 0.01;

/** A tile's detections, boxes in the tile's pixels, moved to image pixels and marked where they touch an inner edge. */
export function fromTile(found: readonly Detection[], tile: Tile, width: number, height: number): TileDetection[] {
  const tx = EDGE_SHARE * tile.width;
  const ty = EDGE_SHARE * tile.height;
  return found.map(({ label, score, box }) => {
    const b = { xmin: box.xmin + tile.x, ymin: box.ymin + tile.y, xmax: box.xmax + tile.x, ymax: box.ymax + tile.y };
    const partial =
      (tile.x > 0 && b.xmin <= tile.x + tx) ||
      (tile.y > 0 && b.ymin <= tile.y + ty) ||
      (tile.x + tile.width < width && b.xmax >= tile.x + tile.width - tx) ||
      (tile.y + tile.height < height && b.ymax >= tile.y + tile.height - ty);
    return { label, score, box: b, partial };
  });
}

const area = (b: Detection['box']) => Math.max(0, b.xmax - b.xmin) * Math.max(0, b.ymax - b.ymin);

/** Intersection over the smaller box (SAHI's IOS): 1 when a piece of an object lies inside the whole of it. */
export function intersectionOverSmaller(a: Detection['box'], b: Detection['box']): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.max(Math.min(area(a), area(b)), 1e-9);
}

/** Over this IOS a piece and a box of the same label are one object (SAHI's default match threshold). */
export const SEAM_MATCH_IOS = 0.5;

/**
 * Boxes cut by a tile edge, counted once. A partial box (touching an inner tile edge) is dropped when a whole box
 * of its label (from the overlapping tile or the whole-image pass) holds most of it; pieces of an object no tile
 * saw whole are merged into one box, their union, at the best score (SAHI's NMM). NMS runs after this, as for any
 * image.
 */
export function mergeSeams(found: readonly TileDetection[], match = SEAM_MATCH_IOS): Detection[] {
  const whole = found.filter((d) => !d.partial).map(({ label, score, box }) => ({ label, score, box }));
  const pieces: Detection[] = [];
  for (const p of [...found].filter((d) => d.partial).sort((a, b) => area(b.box) - area(a.box))) {
    const same = (d: Detection) => d.label === p.label && intersectionOverSmaller(d.box, p.box) > match;
    if (whole.some(same)) continue;
    const merged = pieces.find(same);
    if (merged === undefined) {
      pieces.push({ label: p.label, score: p.score, box: { ...p.box } });
      continue;
    }
    merged.score = Math.max(merged.score, p.score);
    merged.box = {
      xmin: Math.min(merged.box.xmin, p.box.xmin),
      ymin: Math.min(merged.box.ymin, p.box.ymin),
      xmax: Math.max(merged.box.xmax, p.box.xmax),
      ymax: Math.max(merged.box.ymax, p.box.ymax),
    };
  }
  return [...whole, ...pieces];
}
