import { getJson, postFile, type Label, type ModelInfo, type Result } from '../api.js';
import { renderBars } from '../components/bars.js';
import { h, type Page } from '../components/dom.js';
import { errorBox, showError } from '../components/error-box.js';

const SIZE = 280;
/** While drawing, ask at most this often; the last stroke is always read when the pen lifts. */
const LIVE_MS = 250;

/** Draw a digit with the mouse, a finger or a pen; the digits model reads it as you draw. */
export const digitsPage: Page = (root) => {
  const error = errorBox();
  const canvas = h('canvas', { id: 'digit-canvas', width: SIZE, height: SIZE });
  const ctx = canvas.getContext('2d')!;
  const prediction = h('div', { id: 'digit-prediction', className: 'prediction' }, '?');
  const scores = h('ol', { id: 'digit-scores', className: 'bars' });
  const model = h('select', { id: 'digit-model' }, h('option', { value: 'digits' }, 'digits (embedded)'));
  let drawing = false;
  let inked = false;
  let last = 0;
  let sent = 0;
  let pending = false;

  function clear(): void {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIZE, SIZE);
    inked = false;
    prediction.textContent = '?';
    scores.replaceChildren();
    showError(error, undefined);
  }

  async function read(): Promise<void> {
    if (!inked) return;
    if (pending) return; // one request at a time; the next pen event sends the newer drawing
    pending = true;
    const mine = ++sent;
    try {
      const png = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas is empty'))), 'image/png'));
      const result = await postFile<Result<Label[]>>(`/api/vision/classify?model=${encodeURIComponent(model.value)}&topK=10`, png, 'digit.png');
      if (mine !== sent) return;
      showError(error, undefined);
      prediction.textContent = result.output[0]?.label ?? '?';
      renderBars(scores, result.output.slice(0, 5));
    } catch (failure) {
      showError(error, failure);
    } finally {
      pending = false;
    }
  }

  const point = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    return [((event.clientX - rect.left) * SIZE) / rect.width, ((event.clientY - rect.top) * SIZE) / rect.height] as const;
  };
  canvas.addEventListener('pointerdown', (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    const [x, y] = point(event);
    ctx.beginPath();
    ctx.moveTo(x, y);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const [x, y] = point(event);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 20;
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.lineTo(x, y);
    ctx.stroke();
    inked = true;
    if (performance.now() - last > LIVE_MS) {
      last = performance.now();
      void read();
    }
  });
  const lift = () => {
    if (!drawing) return;
    drawing = false;
    // Wait for a request in flight, then read the finished stroke.
    const settle = () => (pending ? setTimeout(settle, 30) : void read());
    settle();
  };
  canvas.addEventListener('pointerup', lift);
  canvas.addEventListener('pointercancel', lift);
  model.addEventListener('change', () => void read());

  void getJson<ModelInfo[]>('/api/models').then((models) => {
    for (const m of models) if (m.name === 'trained-digits') model.append(h('option', { value: m.name }, 'trained on the Train page'));
  }, () => undefined);

  clear();
  root.append(
    h('h1', {}, 'Digits'),
    h('p', { className: 'muted' }, 'Draw one digit, 0 to 9, large and centred. The digits CNN (trained by dlkit on MNIST) reads it as you draw.'),
    h(
      'div',
      { className: 'columns' },
      h('div', {}, canvas, h('p', {}, h('button', { type: 'button', id: 'digit-clear', onclick: clear }, 'Clear'), ' ', h('label', {}, 'Model ', model))),
      h('div', {}, h('h2', {}, 'It reads'), prediction, scores, error),
    ),
  );
  return () => {
    sent++;
  };
};
