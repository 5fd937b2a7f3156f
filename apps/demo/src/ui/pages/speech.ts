import { postFile, type Result, type Transcript } from '../api.js';
import { streamMicrophone, type LiveSession, type LiveWord } from '../audio/live.js';
import { recordMicrophone, type Recording } from '../audio/recorder.js';
import { h, type Page } from '../components/dom.js';
import { createDropzone } from '../components/dropzone.js';
import { errorBox, showError } from '../components/error-box.js';

const seconds = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(2).padStart(5, '0')}`;

/** Upload a recording or record one; the transcript comes back with a time span per word, click one to hear it. */
export const speechPage: Page = (root) => {
  const error = errorBox();
  const status = h('p', { className: 'muted', id: 'speech-status' });
  const player = h('audio', { controls: true, hidden: true });
  const text = h('p', { id: 'transcript-text', className: 'transcript' });
  const rows = h('tbody');
  const table = h('table', { id: 'transcript', hidden: true }, h('thead', {}, h('tr', {}, h('th', {}, 'from'), h('th', {}, 'to'), h('th', {}, 'words'))), rows);
  const record = h('button', { type: 'button', id: 'record' }, '● Record');
  let recording: Recording | undefined;
  let audioUrl: string | undefined;
  const live = liveTranscript(error);

  async function transcribe(file: Blob, name: string): Promise<void> {
    showError(error, undefined);
    text.textContent = '';
    rows.replaceChildren();
    table.hidden = true;
    if (audioUrl) URL.revokeObjectURL(audioUrl);
    audioUrl = URL.createObjectURL(file);
    player.src = audioUrl;
    player.hidden = false;
    status.textContent = `Transcribing ${name}…`;
    try {
      const result = await postFile<Result<Transcript>>('/api/speech/transcribe?model=speech-digits', file, name);
      const words = result.output.chunks.length;
      status.textContent = `${name}: ${words} word${words === 1 ? '' : 's'}`;
      text.textContent = result.output.text || '(no speech found)';
      rows.replaceChildren(
        ...result.output.chunks.map(({ timestamp: [start, end], text: words }) => {
          const row = h('tr', {}, h('td', {}, seconds(start)), h('td', {}, seconds(end)), h('td', {}, words));
          row.addEventListener('click', () => {
            player.currentTime = start;
            void player.play();
          });
          return row;
        }),
      );
      table.hidden = result.output.chunks.length === 0;
    } catch (failure) {
      status.textContent = '';
      showError(error, failure);
    }
  }

  record.addEventListener('click', async () => {
    try {
      if (recording === undefined) {
        recording = await recordMicrophone();
        record.textContent = '■ Stop';
        record.classList.add('recording');
        status.textContent = 'Recording… say a few digits, with a short pause between them.';
        return;
      }
      const wav = await recording.stop();
      recording = undefined;
      record.textContent = '● Record';
      record.classList.remove('recording');
      await transcribe(wav, 'recording.wav');
    } catch (failure) {
      recording = undefined;
      record.textContent = '● Record';
      showError(error, new Error(`The microphone could not be used: ${failure instanceof Error ? failure.message : String(failure)}`));
    }
  });

  root.append(
    h('h1', {}, 'Speech'),
    h(
      'p',
      { className: 'muted' },
      'Spoken digits (zero to nine) with the embedded model trained by dlkit on the Free Spoken Digit Dataset, cut into words by Silero VAD. WAV always works; MP3, OGG, FLAC and WebM need ffmpeg on the server.',
    ),
    createDropzone({ accept: 'audio/*,.wav,.mp3,.ogg,.flac,.m4a,.webm', label: 'Drop a recording here, or click to pick one', onFile: (file) => void transcribe(file, file.name) }),
    h('p', {}, 'Or ', record, ' or ', live.button),
    live.text,
    error,
    status,
    player,
    text,
    table,
  );
  return () => {
    void recording?.stop();
    void live.stop();
    if (audioUrl) URL.revokeObjectURL(audioUrl);
  };
};

/**
 * The Live button: the microphone streamed to the server over a WebSocket, each word shown as it is recognised
 * (a partial reading in grey while it is said, then the final word), until Stop.
 */
function liveTranscript(error: HTMLElement) {
  const button = h('button', { type: 'button', id: 'live' }, '◉ Live');
  const finals = h('span', { id: 'live-finals' });
  const partial = h('span', { id: 'live-partial', className: 'muted' });
  const text = h('p', { id: 'live-text', className: 'transcript', hidden: true }, finals, ' ', partial);
  let session: LiveSession | undefined;
  const show = (word: LiveWord) => {
    if (!word.final) return void (partial.textContent = word.text ? `${word.text}…` : '…');
    partial.textContent = '';
    if (word.text) finals.append(h('span', { title: `${word.timestamp[0].toFixed(2)}-${word.timestamp[1].toFixed(2)} s` }, word.text), ' ');
  };
  const reset = () => {
    session = undefined;
    button.textContent = '◉ Live';
    button.classList.remove('recording');
  };
  const stop = async () => {
    const open = session;
    reset();
    await open?.stop();
    partial.textContent = '';
  };
  button.addEventListener('click', async () => {
    if (session) return void (await stop());
    showError(error, undefined);
    finals.replaceChildren();
    text.hidden = false;
    button.textContent = '■ Stop';
    button.classList.add('recording');
    try {
      session = await streamMicrophone(show, (failure) => {
        showError(error, failure);
        void stop();
      });
    } catch (failure) {
      reset();
      showError(error, failure instanceof Error && 'code' in failure ? failure : new Error(`The microphone could not be used: ${failure instanceof Error ? failure.message : String(failure)}`));
    }
  });
  return { button, text, stop };
}
