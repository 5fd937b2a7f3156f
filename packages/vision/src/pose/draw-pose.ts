import { DEFAULT_KEYPOINT_FLOOR, SKELETON, type Keypoint, type Pose } from './keypoints.js';

/** The body's left in one colour, its right in another, the middle (face, shoulder and hip lines) in a third. */
const side = (name: string) => (name.startsWith('left_') ? '#3cb44b' : name.startsWith('right_') ? '#f58231' : '#42d4f4');

/**
 * SVG shapes for each person: a thin box, the limbs between keypoints that both pass `floor`, and a dot on each
 * such keypoint. A keypoint under the floor stays in the answer but is not drawn, so no limb points at a guess.
 */
export function poseShapes(poses: readonly Pose[], width: number, height: number, floor = DEFAULT_KEYPOINT_FLOOR): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 150));
  const radius = stroke + 1;
  return poses
    .map(({ box, keypoints }) => {
      const byName = new Map<string, Keypoint>(keypoints.map((k) => [k.name, k]));
      const seen = (k: Keypoint | undefined): k is Keypoint => k !== undefined && k.score >= floor;
      const limbs = SKELETON.map(([a, b]) => [byName.get(a), byName.get(b)] as const)
        .filter((pair): pair is readonly [Keypoint, Keypoint] => seen(pair[0]) && seen(pair[1]))
        .map(([a, b]) => {
          const colour = a.name.split('_')[0] === b.name.split('_')[0] ? side(a.name) : side('');
          return `<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" stroke="${colour}" stroke-width="${stroke}" stroke-linecap="round"/>`;
        });
      const dots = keypoints.filter(seen).map((k) => `<circle cx="${k.x.toFixed(1)}" cy="${k.y.toFixed(1)}" r="${radius}" fill="${side(k.name)}" stroke="#ffffff" stroke-width="1"/>`);
      const frame = `<rect x="${box.xmin}" y="${box.ymin}" width="${box.xmax - box.xmin}" height="${box.ymax - box.ymin}" fill="none" stroke="#ffffff" stroke-opacity="0.6" stroke-width="1"/>`;
      return frame + limbs.join('') + dots.join('');
    })
    .join('');
}
