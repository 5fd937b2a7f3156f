// Chooses the weight of the AFINN-165 lexicon against the network's log-odds (SENTIMENT_RECIPE.lexiconWeight) on
// the dev sentences only (packages/nlp/test-data/sentiment-dev.jsonl): the check set is for the report, never here.
// Prints dev accuracy per weight, and rt-polarity's held-out accuracy beside it as a guard (not a target).
// Usage: node packages/nlp/scripts/tune-sentiment-lexicon.mjs [model dir]   (after pnpm build)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDataset, loadLocalModel, parseModelReference, splitIndices } from '@dlkit/core';
import { loadPolarityData, SENTIMENT_RECIPE, sentimentLexicon } from '../dist/sentiment/train-sentiment.js';
import '../dist/embedded.js';
import { loadTextModel, postprocessText, preprocessText, runTextModel } from '../dist/text-model/classifier.js';
import { indexLexicon } from '../dist/text-model/lexicon.js';

const DEV = fileURLToPath(new URL('../test-data/sentiment-dev.jsonl', import.meta.url));
const POLARITY = await ensureDataset('rt-polarity');
const model = await loadTextModel(await loadLocalModel(parseModelReference(process.argv[2] ?? 'sentiment'), 'text-classification'));

const dev = readFileSync(DEV, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const { texts, labels } = await loadPolarityData(POLARITY);
const { validation } = splitIndices(labels.map((l) => (l === 'POSITIVE' ? 1 : 0)), 2, { validation: SENTIMENT_RECIPE.validation, seed: SENTIMENT_RECIPE.seed });
const heldOut = validation.map((i) => ({ text: texts[i], label: labels[i] }));

/** Network probabilities once per text; the lexicon weight only changes post-processing. */
async function forward(items, lexicon) {
  const width = model.model.inputs[0].shape[1];
  const out = [];
  for (const { text, label } of items) {
    const input = preprocessText(model.index, text, lexicon);
    out.push({ input, label, probabilities: await runTextModel(model, input.features, input.features.length / width) });
  }
  return out;
}
const accuracy = (scored, lexicon) =>
  scored.filter((s) => postprocessText({ classes: model.classes, lexicon }, s.probabilities, s.input)[0].label === s.label).length / scored.length;

const base = indexLexicon(await sentimentLexicon());
const devScored = await forward(dev, base);
const rtScored = await forward(heldOut, base);
console.log('| lexicon weight | dev (%d) | rt-polarity held-out (%d) |\n|---|---|---|', dev.length, heldOut.length);
for (const weight of [0, 1, 2, 3, 4, 5, 6, 8, 10, 14]) {
  const lexicon = { ...base, lexicon: { ...base.lexicon, weight } };
  console.log(`| ${weight} | ${(accuracy(devScored, lexicon) * 100).toFixed(1)}% | ${(accuracy(rtScored, lexicon) * 100).toFixed(1)}% |`);
}
model.model.dispose();
if (process.env.SHOW) {
  const lexicon = { ...base, lexicon: { ...base.lexicon, weight: Number(process.env.SHOW) } };
  devScored.forEach((s, i) => { const r = postprocessText({ classes: model.classes, lexicon }, s.probabilities, s.input)[0]; if (r.label !== s.label) console.log(s.label, r.score.toFixed(2), s.input.evidence.map((e) => e.lexicon.toFixed(2)).join(), dev[i].text); });
}
