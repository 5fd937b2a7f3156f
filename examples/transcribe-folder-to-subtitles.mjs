// Transcribes every recording in a folder and writes an .srt beside each one (skips those already done).
// Usage: node examples/transcribe-folder-to-subtitles.mjs <folder> [--model speech-digits]
// (default: Whisper, onnx-community/whisper-tiny.en, fetched from the hub once; speech-digits is embedded, offline)
import { existsSync } from 'node:fs';
import { expandInputs, writeFileAtomic } from '@dlkit/core';
import { AUDIO_EXTENSIONS, pipeline, toSrt } from '@dlkit/speech';

const [folder, flag, model] = process.argv.slice(2);
if (!folder) throw new Error('usage: transcribe-folder-to-subtitles.mjs <folder> [--model id]');
const transcribe = await pipeline('automatic-speech-recognition', flag === '--model' ? model : undefined);
for (const file of await expandInputs([folder], { extensions: AUDIO_EXTENSIONS })) {
  const srt = file.replace(/\.[^.]+$/, '.srt');
  if (existsSync(srt)) continue;
  try {
    const { text, chunks } = await transcribe(file);
    await writeFileAtomic(srt, toSrt(chunks)); // whole or not at all: a rerun after Ctrl-C goes on
    console.log(`${file}: ${text}`);
  } catch (error) {
    console.error(`${file}: ${error.code ?? 'ERROR'}: ${error.message}`);
  }
}
await transcribe.dispose();
