// Sentiment: accuracy of the embedded model and of the lexicon scorers JS developers use offline (sentiment /
// AFINN-165, vader-sentiment) on the held-out rt-polarity sentences and on out-of-domain reviews; throughput of
// our pipeline (tokenize + encode + tfjs + combine) against the bare tfjs model on pre-encoded input, batch 1 and 64.
// Usage: pnpm --filter @dlkit/bench bench:sentiment   (after pnpm build)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadLayersModel, loadLocalModel, parseModelReference, selectTfjsBackend, splitIndices } from '@dlkit/core';
import { loadPolarityData, pipeline, SENTIMENT_RECIPE } from '@dlkit/nlp';
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';
import { dataset } from '../data.mjs';

const POLARITY = await dataset('rt-polarity');
const REVIEWS = fileURLToPath(new URL('../../packages/nlp/test-data/reviews-out-of-domain.jsonl', import.meta.url));

const { texts, labels } = await loadPolarityData(POLARITY);
const { validation } = splitIndices(labels.map((l) => (l === 'POSITIVE' ? 1 : 0)), 2, { validation: SENTIMENT_RECIPE.validation, seed: SENTIMENT_RECIPE.seed });
const heldOut = validation.map((i) => ({ text: texts[i], label: labels[i] }));
const reviews = readFileSync(REVIEWS, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

const analyzer = await pipeline('sentiment-analysis');
const afinn = new Sentiment();
const polarity = (score) => (score > 0 ? 'POSITIVE' : score < 0 ? 'NEGATIVE' : 'tie');
const scorers = {
  'dlkit sentiment (embedded)': async (items) => (await analyzer(items.map((x) => x.text))).map((r) => r[0].label),
  'sentiment 5.0.2 (AFINN-165 lexicon)': async (items) => items.map((x) => polarity(afinn.analyze(x.text).score)),
  'vader-sentiment 1.1.3 (lexicon + rules)': async (items) => items.map((x) => polarity(vader.SentimentIntensityAnalyzer.polarity_scores(x.text).compound)),
};
const pct = (x) => `${(x * 100).toFixed(1)}%`;
console.log('| scorer | rt-polarity held-out (1,066) | ties (score 0) | held-out, a tie counted half right | product + restaurant reviews (40) |\n|---|---|---|---|---|');
for (const [name, score] of Object.entries(scorers)) {
  const a = await score(heldOut);
  const b = await score(reviews);
  const acc = (pred, items) => pred.filter((p, i) => p === items[i].label).length / items.length;
  const ties = a.filter((p) => p === 'tie').length / a.length;
  console.log(`| ${name} | ${pct(acc(a, heldOut))} | ${pct(ties)} | ${pct(acc(a, heldOut) + ties / 2)} | ${pct(acc(b, reviews))} |`);
}

// Throughput: the pipeline against the bare model on the same sentences, alternated so that neither gets a
// quieter machine.
const { tf } = await selectTfjsBackend();
const model = await loadLayersModel(await loadLocalModel(parseModelReference('sentiment')));
const width = model.inputs[0].shape[1];
const { preprocessText } = await import('../../packages/nlp/dist/text-model/classifier.js');
const { indexVocabulary, parseVocabulary } = await import('../../packages/nlp/dist/text-model/vocabulary.js');
const vocabularyPath = fileURLToPath(new URL('../../packages/nlp/models/sentiment/vocabulary.json', import.meta.url));
const index = indexVocabulary(parseVocabulary(JSON.parse(readFileSync(vocabularyPath, 'utf8')), vocabularyPath));
const sentences = heldOut.map((x) => x.text);
const encoded = new Float32Array(sentences.length * width);
sentences.forEach((t, i) => encoded.set(preprocessText(index, t).features.subarray(0, width), i * width));

const batches = (n, size) => Array.from({ length: Math.ceil(n / size) }, (_, b) => [b * size, Math.min(n, (b + 1) * size)]);
const runs = {
  pipeline: async (size) => {
    for (const [a, b] of batches(sentences.length, size)) {
      if (size === 1) await analyzer(sentences[a]);
      else await analyzer(sentences.slice(a, b));
    }
  },
  bare: async (size) => {
    for (const [a, b] of batches(sentences.length, size)) {
      tf.tidy(() => model.predict(tf.tensor2d(encoded.subarray(a * width, b * width), [b - a, width])).dataSync());
    }
  },
};
const best = {};
for (let round = 0; round < 3; round++) {
  for (const size of [1, 64]) {
    for (const [name, run] of Object.entries(runs)) {
      const start = performance.now();
      await run(size);
      const rate = sentences.length / ((performance.now() - start) / 1000);
      best[`${name} ${size}`] = Math.max(best[`${name} ${size}`] ?? 0, rate);
    }
  }
}
console.log(`\n| batch | dlkit pipeline (sentences/s) | bare tfjs model, pre-encoded (sentences/s) | pipeline / bare |\n|---|---|---|---|`);
for (const size of [1, 64]) {
  const p = best[`pipeline ${size}`];
  const b = best[`bare ${size}`];
  console.log(`| ${size} | ${p.toFixed(0)} | ${b.toFixed(0)} | ${(p / b).toFixed(2)} |`);
}
console.log(`\nbackend ${tf.getBackend()}, best of 3 alternated rounds over the ${sentences.length} held-out sentences`);
await analyzer.dispose();
model.dispose();
