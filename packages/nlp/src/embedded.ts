import { fileURLToPath } from 'node:url';
import { registerEmbeddedModel } from '@dlkit/core';

/** The models this package ships, so that `dl models list` and embedded names find them. */
registerEmbeddedModel({
  name: 'sentiment',
  task: 'text-classification',
  dir: fileURLToPath(new URL('../models/sentiment', import.meta.url)),
  package: '@dlkit/nlp',
  description: 'English sentiment (POSITIVE/NEGATIVE): CNN + NB-weighted n-grams trained by dlkit on rt-polarity; tfjs',
});
