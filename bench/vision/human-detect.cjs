// The same CenterNet through @vladmandic/human's own API, in its own process (Human brings its own tfjs setup):
// prints the median milliseconds per image from JPEG bytes to detections (sharp decode, as a Node user of Human
// must do, then human.detect() on the tensor), object detection only.
// Usage: node bench/vision/human-detect.cjs <image> <runs>
const { readFileSync } = require('node:fs');
const { createHuman, timeDetect } = require('../human-api.cjs');

async function main() {
  const [image, runs = '10'] = process.argv.slice(2);
  const human = await createHuman({ object: { enabled: true, skipFrames: 0, skipTime: 0, modelPath: 'centernet.json', minConfidence: 0.3, iouThreshold: 0.5, maxDetected: 100 } });
  const { ms, found } = await timeDetect(human, readFileSync(image), Number(runs), (result) => result.object.map((o) => `${o.label} ${o.score}`));
  console.log(JSON.stringify({ backend: human.tf.getBackend(), ms, found }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
