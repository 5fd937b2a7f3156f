// Sentiment outside movie reviews: the embedded model against the lexicon scorers JS developers use offline
// (sentiment = AFINN-165, vader-sentiment) on the 220 check sentences of 10 domains (packages/nlp/test-data,
// never used for tuning), per domain and overall, and the embedded model on the held-out rt-polarity sentences.
// A lexicon score of exactly 0 (no opinion word found) counts as wrong: it gives no label.
// Usage: pnpm --filter @dlkit/bench bench:sentiment-travel   (after pnpm build)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { splitIndices } from '@dlkit/core';
import { loadPolarityData, pipeline, SENTIMENT_RECIPE } from '@dlkit/nlp';
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';
import { dataset } from '../data.mjs';

const CHECK = fileURLToPath(new URL('../../packages/nlp/test-data/sentiment-check.jsonl', import.meta.url));
const POLARITY = await dataset('rt-polarity');

const check = readFileSync(CHECK, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const domains = [...new Set(check.map((r) => r.domain))];
const analyzer = await pipeline('sentiment-analysis');
const afinn = new Sentiment();
const polarity = (score) => (score > 0 ? 'POSITIVE' : score < 0 ? 'NEGATIVE' : 'none');
const scorers = {
  'dlkit sentiment (embedded)': async (texts) => (await analyzer(texts)).map((r) => r[0].label),
  'sentiment 5.0.2 (AFINN-165)': async (texts) => texts.map((t) => polarity(afinn.analyze(t).score)),
  'vader-sentiment 1.1.3': async (texts) => texts.map((t) => polarity(vader.SentimentIntensityAnalyzer.polarity_scores(t).compound)),
};

const pct = (right, all) => `${((100 * right) / all).toFixed(1)}%`;
console.log(`| scorer | ${domains.join(' | ')} | all ${check.length} | no label (score 0) |`);
console.log(`|---|${domains.map(() => '---|').join('')}---|---|`);
for (const [name, score] of Object.entries(scorers)) {
  const predicted = await score(check.map((r) => r.text));
  const right = (rows) => rows.filter((r) => predicted[check.indexOf(r)] === r.label).length;
  const cells = domains.map((d) => {
    const rows = check.filter((r) => r.domain === d);
    return pct(right(rows), rows.length);
  });
  const none = predicted.filter((p) => p === 'none').length;
  console.log(`| ${name} | ${cells.join(' | ')} | ${pct(right(check), check.length)} | ${none} |`);
}

const { texts, labels } = await loadPolarityData(POLARITY);
const { validation } = splitIndices(labels.map((l) => (l === 'POSITIVE' ? 1 : 0)), 2, { validation: SENTIMENT_RECIPE.validation, seed: SENTIMENT_RECIPE.seed });
const heldOut = await analyzer(validation.map((i) => texts[i]));
const correct = heldOut.filter((r, k) => r[0].label === labels[validation[k]]).length;
console.log(`\ndlkit sentiment on rt-polarity held-out (${validation.length} sentences, split seed ${SENTIMENT_RECIPE.seed}): ${pct(correct, validation.length)}`);
await analyzer.dispose();
