import { fileURLToPath } from 'node:url';
import { registerEmbeddedModel } from '@dlkit/core';

/** The models this package ships, so that `dl models list` and embedded names find them. */
registerEmbeddedModel({
  name: 'speech-digits',
  task: 'speech-digits',
  dir: fileURLToPath(new URL('../models/speech-digits', import.meta.url)),
  package: '@dlkit/speech',
  description: 'Spoken digits zero..nine (CNN on log-mel, trained by dlkit on FSDD), with Silero VAD; tfjs',
});

registerEmbeddedModel({
  name: 'silero',
  task: 'voice-activity-detection',
  dir: fileURLToPath(new URL('../models/silero-vad', import.meta.url)),
  package: '@dlkit/speech',
  description: 'Silero VAD v4 (MIT, Silero Team): speech probability of each 32 ms frame at 16 kHz; ONNX',
});
