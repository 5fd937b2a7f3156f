import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
const { registerWasmTrainingKernels } = await import('./dist-tmp/backend/wasm-kernels/register.js');
await tf.setBackend('wasm'); console.log(registerWasmTrainingKernels('wasm'));
for (const shape of [[2,1,7,1]]) for (const b of ['cpu','wasm']) {
  await tf.setBackend(b);
  const n = shape.reduce((a,b)=>a*b);
  const x = tf.tensor4d(Array.from({length:n},(_, i)=>((i*7)%11)),shape);
  const y = tf.maxPool(x,1,2,'same');
  const dy = tf.tensor4d(Array.from({length:y.size},(_, i)=>10*(i+1)),y.shape);
  const g = tf.engine().runKernel('MaxPoolGrad',{dy,input:x,output:y},{filterSize:1,strides:2,pad:'same'});
  console.log(shape.join('x'),b, Array.from(y.dataSync()).join(','), '|', Array.from(g.dataSync()).join(','));
}
