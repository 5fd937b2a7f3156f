// Fine-tunes an image classifier on your own folders (<data>/<class>/*.jpg), then classifies one image with it.
// Usage: node examples/fine-tune-images.mjs <data folder> <model folder> [image to try]
import { fineTune, pipeline } from '@dlkit/vision';

const [data, out, tryImage] = process.argv.slice(2);
if (!data || !out) throw new Error('usage: fine-tune-images.mjs <data> <model folder> [image]');
const { result } = await fineTune({ train: data, out, epochs: 10, seed: 1 });
console.log(`validation accuracy ${(result.validation.accuracy * 100).toFixed(1)}% -> ${out}`);
if (tryImage) {
  const classify = await pipeline('image-classification', out);
  console.log(tryImage, (await classify(tryImage, { topK: 1 }))[0]);
  await classify.dispose();
}
