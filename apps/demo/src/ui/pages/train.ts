import type { BatchPoint, EpochFigures, TrainSnapshot } from '../../shared/training.js';
import { postJson } from '../api.js';
import { h, type Page } from '../components/dom.js';
import { errorBox, showError } from '../components/error-box.js';
import { LineChart } from '../components/line-chart.js';

const STATUS_TEXT: Record<TrainSnapshot['status'], string> = {
  idle: 'Not started.',
  running: 'Training…',
  stopping: 'Stopping after this step, and saving a checkpoint…',
  stopped: 'Stopped. A checkpoint is saved: resume goes on from where it stopped.',
  completed: 'Done. The model is saved: try it on the Digits page.',
  failed: 'Training failed.',
};

/** Trains the digits CNN on the server; loss and accuracy arrive as server-sent events, step by step. */
export const trainPage: Page = (root) => {
  const error = errorBox();
  const epochs = h('input', { id: 'train-epochs', type: 'number', min: '1', max: '50', value: '3' });
  const start = h('button', { type: 'button', id: 'train-start' }, 'Start');
  const stop = h('button', { type: 'button', id: 'train-stop' }, 'Stop');
  const resume = h('button', { type: 'button', id: 'train-resume' }, 'Resume');
  const status = h('p', { id: 'train-status' });
  const progress = h('p', { id: 'train-progress', className: 'muted' });
  const lossCanvas = h('canvas', { id: 'train-loss', width: 720, height: 200 });
  const accuracyCanvas = h('canvas', { id: 'train-accuracy', width: 720, height: 200 });
  const epochRows = h('tbody', { id: 'train-epochs-table' });
  const loss = new LineChart(lossCanvas, [{ label: 'loss', colour: '#2f6fde' }, { label: 'batch loss', colour: '#b8c9ea' }, { label: 'val loss', colour: '#d9480f', dots: true }], { label: 'loss' });
  const accuracy = new LineChart(accuracyCanvas, [{ label: 'accuracy', colour: '#2b8a3e' }, { label: 'val accuracy', colour: '#d9480f', dots: true }], { label: 'accuracy', max: 1 });
  let state: TrainSnapshot | undefined;

  const x = (epoch: number) => (epoch + 1) * (state?.stepsPerEpoch ?? 1);

  function addBatch(p: BatchPoint): void {
    loss.add('batch loss', p.step, p.batchLoss);
    loss.add('loss', p.step, p.loss);
    accuracy.add('accuracy', p.step, p.accuracy);
    progress.textContent = `epoch ${p.epoch + 1} of ${state?.epochs ?? '?'}, step ${p.step}: loss ${p.loss.toFixed(3)}, accuracy ${(p.accuracy * 100).toFixed(1)}%`;
    progress.dataset.step = String(p.step);
  }

  function addEpoch(logs: EpochFigures): void {
    if (logs.val_loss !== undefined) loss.add('val loss', x(logs.epoch), logs.val_loss);
    if (logs.val_accuracy !== undefined) accuracy.add('val accuracy', x(logs.epoch), logs.val_accuracy);
    const pct = (v: number | undefined) => (v === undefined ? '' : `${(v * 100).toFixed(2)}%`);
    epochRows.append(
      h('tr', {}, h('td', {}, String(logs.epoch + 1)), h('td', {}, logs.loss.toFixed(4)), h('td', {}, pct(logs.accuracy)), h('td', {}, logs.val_loss?.toFixed(4) ?? ''), h('td', {}, pct(logs.val_accuracy))),
    );
  }

  function show(next: TrainSnapshot): void {
    state = next;
    status.textContent = next.error ? `${STATUS_TEXT.failed} ${next.error.message}` : STATUS_TEXT[next.status];
    status.dataset.status = next.status;
    const busy = next.status === 'running' || next.status === 'stopping';
    start.disabled = busy;
    epochs.disabled = busy;
    stop.disabled = next.status !== 'running';
    resume.disabled = !next.resumable;
    loss.setXMax(next.epochs * Math.max(1, next.stepsPerEpoch));
    accuracy.setXMax(next.epochs * Math.max(1, next.stepsPerEpoch));
    // A snapshot (sent on connecting and when the status changes) is the whole run: draw it again from scratch.
    loss.clear();
    accuracy.clear();
    epochRows.replaceChildren();
    next.batches.forEach(addBatch);
    next.history.forEach(addEpoch);
  }

  const events = new EventSource('/api/train/events');
  events.addEventListener('state', (e) => show(JSON.parse((e as MessageEvent<string>).data) as TrainSnapshot));
  events.addEventListener('batch', (e) => addBatch(JSON.parse((e as MessageEvent<string>).data) as BatchPoint));
  events.addEventListener('epoch', (e) => addEpoch(JSON.parse((e as MessageEvent<string>).data) as EpochFigures));
  events.addEventListener('error', () => showError(error, new Error('Lost the event stream from the server; it reconnects on its own.')));
  events.addEventListener('open', () => showError(error, undefined));

  const act = (path: string, body: () => unknown = () => ({})) => async () => {
    try {
      showError(error, undefined);
      show(await postJson<TrainSnapshot>(path, body()));
    } catch (failure) {
      showError(error, failure);
    }
  };
  const startRun = act('/api/train/start', () => ({ epochs: Number(epochs.value), fresh: state?.resumable === true }));
  // Starting over deletes the stopped run's checkpoint: the server does that only when asked, so ask the user.
  start.addEventListener('click', () => {
    if (state?.resumable && !window.confirm('Start a new run? The stopped run and its checkpoint will be deleted; Resume goes on from it instead.')) return;
    void startRun();
  });
  stop.addEventListener('click', act('/api/train/stop'));
  resume.addEventListener('click', act('/api/train/resume'));

  root.append(
    h('h1', {}, 'Train'),
    h(
      'p',
      { className: 'muted' },
      'Trains the digits CNN on the server with the recipe of `pnpm train:digits` (10,000 MNIST digits, 10% held out, Adam, cosine schedule, random affine augmentation). Stop saves a checkpoint; resume goes on from it.',
    ),
    h('p', { className: 'controls' }, h('label', {}, 'Epochs ', epochs), ' ', start, ' ', stop, ' ', resume),
    error,
    status,
    progress,
    lossCanvas,
    accuracyCanvas,
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'epoch'), h('th', {}, 'loss'), h('th', {}, 'accuracy'), h('th', {}, 'val loss'), h('th', {}, 'val accuracy'))), epochRows),
  );
  return () => events.close();
};
