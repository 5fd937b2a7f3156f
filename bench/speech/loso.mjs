// Leave-one-speaker-out: the speech-digits recipe (FSDD, synthetic voices, the unknown class) trained without one
// FSDD speaker and tested on all 500 of their recordings, for each of the five: how the model does on a voice it
// never heard. Each fold's model is read as transcription reads (VAD segments, rejection included), and its
// rejection of held-out non-digit audio measured. Usage: pnpm --filter @dlkit/bench bench:speech-loso [epochs]
// (default: the recipe's) [speaker ...] (default: all five), after packages/speech/scripts/synth-speech.sh.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainSpeechDigits } from '@dlkit/speech';
import { listFsdd, loadDigitRecognizer, SPEECH_DIGITS_RECIPE } from '@dlkit/speech/training';
import { dataset } from '../data.mjs';
import { readFsdd, readNonDigits, rejectionRate } from './digit-eval.mjs';

const FSDD = join(await dataset('fsdd'), 'recordings');
const epochs = Number(process.argv[2] ?? SPEECH_DIGITS_RECIPE.epochs);
const all = await listFsdd(FSDD);
const speakers = process.argv.length > 3 ? process.argv.slice(3) : [...new Set(all.map((r) => r.speaker))];
console.log('| held-out speaker | read (all 500 recordings, VAD + rejection) | model argmax | falsely rejected | held-out non-digit segments rejected | epochs | seconds |');
console.log('|---|---|---|---|---|---|---|');
const accuracies = [];
for (const speaker of speakers) {
  const dir = mkdtempSync(join(tmpdir(), `loso-${speaker}-`));
  try {
    const { result } = await trainSpeechDigits({ data: FSDD, holdOutSpeaker: speaker, epochs, out: dir });
    const recognizer = await loadDigitRecognizer({ kind: 'local', path: dir });
    try {
      const fsdd = await readFsdd(recognizer, all.filter((r) => r.speaker === speaker));
      const rejected = rejectionRate(await readNonDigits(recognizer));
      accuracies.push(fsdd.accuracy);
      const pct = (v) => `${(v * 100).toFixed(1)}%`;
      console.log(`| ${speaker} | ${pct(fsdd.accuracy)} | ${pct(result.validation.accuracy)} | ${pct(fsdd.falseRejection)} | ${pct(rejected)} | ${result.epochs} | ${result.seconds.toFixed(0)} |`);
    } finally {
      recognizer.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`| mean | ${((accuracies.reduce((a, b) => a + b, 0) / accuracies.length) * 100).toFixed(1)}% | | | | | |`);
