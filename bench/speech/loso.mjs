// Leave-one-speaker-out: the speech-digits recipe trained on four FSDD speakers and tested on every take of the
// fifth, for each speaker: how the model does on a voice it never heard. Usage: pnpm --filter @dlkit/bench
// bench:speech-loso [epochs] (default 6, fewer than the shipped 14 to keep five trainings in ~25 min).
import { fileURLToPath } from 'node:url';
import { listFsdd, trainSpeechDigits } from '@dlkit/speech';

const FSDD = fileURLToPath(new URL('../../../shared/data/fsdd/recordings', import.meta.url));
const epochs = Number(process.argv[2] ?? 6);
const speakers = [...new Set((await listFsdd(FSDD)).map((r) => r.speaker))];
console.log(`| held-out speaker | accuracy on all 500 of their recordings | epochs | seconds |\n|---|---|---|---|`);
const accuracies = [];
for (const speaker of speakers) {
  const { result } = await trainSpeechDigits({ data: FSDD, holdOutSpeaker: speaker, epochs });
  accuracies.push(result.validation.accuracy);
  console.log(`| ${speaker} | ${(result.validation.accuracy * 100).toFixed(1)}% | ${result.epochs} | ${result.seconds.toFixed(0)} |`);
}
console.log(`| mean | ${((accuracies.reduce((a, b) => a + b, 0) / accuracies.length) * 100).toFixed(1)}% | | |`);
