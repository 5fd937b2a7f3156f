// Fine-tunes the embedded sentiment model on your own labelled CSV (any labels, any number of them), then uses it.
// Usage: node examples/fine-tune-sentiment.mjs <data.csv> <text column> <label column> <model folder> ["a text"]
import { fineTuneTextClassifier, pipeline } from '@dlkit/nlp';

const [data, textColumn, labelColumn, out, text] = process.argv.slice(2);
if (!data || !textColumn || !labelColumn || !out) throw new Error('usage: fine-tune-sentiment.mjs <data.csv> <text column> <label column> <model folder> [text]');
const { result, skipped } = await fineTuneTextClassifier({ data, textColumn, labelColumn, out });
console.log(`labels ${result.classes.join(', ')}; validation accuracy ${(result.validation.accuracy * 100).toFixed(1)}% -> ${out}`);
if (skipped.length > 0) console.log(`${skipped.length} rows skipped, e.g. ${skipped[0].input}: ${skipped[0].error.message}`);
if (text) {
  const classifier = await pipeline('text-classification', out);
  console.log(text, await classifier(text, { topK: result.classes.length }));
  await classifier.dispose();
}
