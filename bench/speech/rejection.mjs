// The shipped speech-digits model: the official FSDD test takes (read, falsely rejected) and held-out non-digit
// audio (rejected), each as transcription would cut it. Usage: pnpm --filter @dlkit/bench bench:speech-rejection
// (after packages/speech/scripts/synth-speech.sh, which writes the held-out speech).
import { join } from 'node:path';
import { listFsdd, loadDigitRecognizer } from '@dlkit/speech/training';
import { dataset } from '../data.mjs';
import { readFsdd, readNonDigits, rejectionRate } from './digit-eval.mjs';

const FSDD = join(await dataset('fsdd'), 'recordings');
const recognizer = await loadDigitRecognizer({ kind: 'embedded', name: 'speech-digits' });
try {
  const tests = (await listFsdd(FSDD)).filter((r) => r.take <= 4);
  const fsdd = await readFsdd(recognizer, tests);
  console.log(`FSDD official test takes: ${(fsdd.accuracy * 100).toFixed(1)}% read (${fsdd.count}), ${(fsdd.falseRejection * 100).toFixed(1)}% falsely rejected\n`);
  const rows = await readNonDigits(recognizer);
  console.log('| held-out non-digit audio | clips | segments the VAD found | rejected |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.clips} | ${r.segments} | ${r.segments ? ((r.rejected / r.segments) * 100).toFixed(1) : '-'}% |`);
  console.log(`| all | ${rows.reduce((a, r) => a + r.clips, 0)} | ${rows.reduce((a, r) => a + r.segments, 0)} | ${(rejectionRate(rows) * 100).toFixed(1)}% |`);
} finally {
  recognizer.dispose();
}
