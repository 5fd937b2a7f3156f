// MoveNet Lightning through @vladmandic/human's own API, in its own process (Human brings its own tfjs setup):
// prints per image the median milliseconds from image bytes to keypoints, body only. Human runs MoveNet once on
// the whole image padded to a square: one person per image, no person detector.
// Usage: node bench/pose/human-pose.cjs <runs> <image>...
const { readFileSync } = require('node:fs');
const { createHuman, timeDetect } = require('../human-api.cjs');

async function main() {
  const [runs = '10', ...images] = process.argv.slice(2);
  const human = await createHuman({ body: { enabled: true, modelPath: 'movenet-lightning.json', skipFrames: 0, skipTime: 0, minConfidence: 0.3, maxDetected: 1 } });
  const out = {};
  const pick = (result) => result.body.map((b) => ({ score: b.score, keypoints: b.keypoints.length, nose: b.keypoints.find((k) => k.part === 'nose')?.position }));
  for (const image of images) out[image] = await timeDetect(human, readFileSync(image), Number(runs), pick);
  console.log(JSON.stringify({ backend: human.tf.getBackend(), images: out }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
