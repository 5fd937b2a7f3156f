import { parentPort, workerData } from 'node:worker_threads';
import type * as tfc from '@tensorflow/tfjs-core';
import { selectTfjsBackend } from '../../backend/tfjs.js';
import { createRng, withSeededMathRandom } from '../random.js';
import { computeGradients } from '../step.js';
import type { StepRequest, WorkerInit, WorkerReply } from './protocol.js';

// One gradient worker of a data-parallel `fit`: holds a copy of the model, and for each step takes the current
// weights and a shard of the batch and returns that shard's gradients.
const init = workerData as WorkerInit;
const port = parentPort!;
const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

try {
  const { tf } = await selectTfjsBackend(init.backend);
  const tfl = await import('@tensorflow/tfjs-layers');
  const model = await tfl.models.modelFromJSON({ modelTopology: init.topology as tfc.io.ModelJSON['modelTopology'] });
  const variables = model.trainableWeights.map((w) => w.read() as tfc.Variable);
  port.on('message', (request: StepRequest) => {
    try {
      const values = request.weights.map((w, i) => tf.tensor(w, model.weights[i]!.shape as number[]));
      model.setWeights(values);
      tf.dispose(values);
      const [seed, ...stream] = request.rng as [number, ...number[]];
      const { loss, correct, grads } = withSeededMathRandom(createRng(seed, ...stream), () =>
        computeGradients(tf, model, variables, request.x, request.y, init.featureShape, init.classes, init.probabilities),
      );
      const data = grads.map((g) => g.dataSync() as Float32Array);
      tf.dispose(grads);
      send({ type: 'step', id: request.id, loss, correct, grads: data }, data.map((d) => d.buffer as ArrayBuffer));
    } catch (error) {
      send({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
    }
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
