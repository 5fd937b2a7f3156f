import sharp, { type Sharp } from 'sharp';
import { decodeDetections, finishDetections, type Detection } from './postprocess.js';
import type { DetectionCallOptions, InputSpec } from './runner.js';
import { fromTile, mergeSeams, planTiles, type Tile, type TileDetection } from './tiles.js';

/** The upright image to tile, its size, the tile side (original pixels) and how a failed decode is reported. */
export interface TiledImage {
  image: Sharp;
  width: number;
  height: number;
  side: number;
  unreadable: (error: unknown) => Promise<never>;
}

/**
 * Sliced inference on one image: the tiles of planTiles and the whole image, each stretched to the model's input,
 * their boxes mapped to image pixels, pieces cut by a seam counted once (mergeSeams), then the usual threshold,
 * NMS and cap. The image is decoded once, shrunk so that a tile is the model's input (never enlarged): memory is
 * about the tiles' pixels at input size (64 tiles of 512: 50 MB), not the photo's.
 */
export async function detectTiled(
  { image, width, height, side, unreadable }: TiledImage,
  spec: InputSpec,
  model: (pixels: Buffer) => Promise<Float32Array>,
  labels: readonly string[],
  call: DetectionCallOptions,
): Promise<Detection[]> {
  const tiles = planTiles(width, height, side);
  const scale = Math.max(1, Math.min(tiles[0]!.width / spec.width, tiles[0]!.height / spec.height));
  const w = Math.max(1, Math.round(width / scale));
  const h = Math.max(1, Math.round(height / scale));
  const raw = await image.resize({ width: w, height: h, fit: 'fill' }).removeAlpha().raw().toBuffer().catch(unreadable);
  const region = (tile: Tile) => {
    const left = Math.min(w - 1, Math.round(tile.x / scale));
    const top = Math.min(h - 1, Math.round(tile.y / scale));
    const cut = { left, top, width: Math.max(1, Math.min(w - left, Math.round(tile.width / scale))), height: Math.max(1, Math.min(h - top, Math.round(tile.height / scale))) };
    return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).extract(cut).resize({ width: spec.width, height: spec.height, fit: 'fill' }).raw().toBuffer();
  };
  // Per tile: the call's threshold and classes, its NMS, no cap below the whole image's, so seams are merged on
  // what would be kept; the boxes are clipped to the tile before they are marked as touching its edges.
  const perTile = { ...call, tiles: undefined, maxDetections: call.maxDetections ?? 100 };
  const found: TileDetection[] = [];
  for (const tile of [{ x: 0, y: 0, width, height }, ...tiles]) {
    const rows = await model(await region(tile));
    const boxes = decodeDetections(rows, { inputWidth: spec.width, inputHeight: spec.height, width: tile.width, height: tile.height }, labels, perTile);
    found.push(...fromTile(boxes, tile, width, height));
  }
  return finishDetections(mergeSeams(found), width, height, call);
}
