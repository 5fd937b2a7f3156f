import { createOnnxSession, DlError, loadLayersModel, readModelFile, selectTfjsBackend, type LoadedManifest, type OnnxProvider, type Tf } from '@dlkit/core';

type Tensor = ReturnType<Tf['tensor']>;

/** Runs a batch of preprocessed images through a model: ONNX (onnxruntime) or tfjs layers (trained by dlkit). */
export interface ClassifierRuntime {
  /** onnxruntime's execution provider or the tfjs backend. */
  readonly device: string;
  /** The model's outputs are probabilities already (softmax inside), not logits. */
  readonly probabilities: boolean;
  /** Scores per image, as the model declares its output; undefined when that dimension is dynamic. */
  readonly classes: number | undefined;
  /** `count` images, `shape` floats each, one after another; one score vector per image. */
  run(batch: Float32Array, count: number, shape: number[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  threads?: number;
  providers?: OnnxProvider[];
}

/** The last dimension of a declared output shape, when it is a fixed number. */
function lastDimension(shape: ReadonlyArray<number | string | null> | undefined): number | undefined {
  const last = shape?.[shape.length - 1];
  return typeof last === 'number' && last > 0 ? last : undefined;
}

function splitRows(data: Float32Array, count: number): Float32Array[] {
  const classes = data.length / count;
  return Array.from({ length: count }, (_, i) => data.slice(i * classes, (i + 1) * classes));
}

function outputShape(metadata: { isTensor: boolean; shape?: ReadonlyArray<number | string> } | undefined) {
  return metadata?.isTensor ? metadata.shape : undefined;
}

export async function createRuntime(loaded: LoadedManifest, options: RuntimeOptions): Promise<ClassifierRuntime> {
  const { manifest, paths } = loaded;
  if (manifest.runtime === 'onnx' && paths.model !== undefined) {
    // The bytes onnxruntime parses are the bytes whose sha256 was checked (not a path read again later).
    const onnx = await createOnnxSession(await readModelFile(loaded, 'model'), {
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.providers !== undefined ? { providers: options.providers } : {}),
    });
    return {
      device: onnx.provider,
      probabilities: false,
      classes: lastDimension(outputShape(onnx.session.outputMetadata[0])),
      async run(batch, count, shape) {
        const input = new onnx.ort.Tensor('float32', batch, [count, ...shape]);
        const outputs = await onnx.session.run({ [onnx.session.inputNames[0]!]: input });
        try {
          return splitRows(outputs[onnx.session.outputNames[0]!]!.data as Float32Array, count);
        } finally {
          input.dispose();
          for (const t of Object.values(outputs)) t.dispose();
        }
      },
      dispose: () => onnx.release(),
    };
  }
  if (manifest.runtime === 'tfjs-layers') {
    const { tf, backend } = await selectTfjsBackend();
    const model = await loadLayersModel(loaded);
    const last = model.layers[model.layers.length - 1]?.getConfig() as { activation?: string } | undefined;
    return {
      device: backend,
      probabilities: last?.activation === 'softmax',
      classes: lastDimension(model.outputs[0]?.shape),
      async run(batch, count, shape) {
        const scores = tf.tidy(() => (model.predict(tf.tensor(batch, [count, ...shape])) as Tensor).dataSync() as Float32Array);
        return splitRows(scores, count);
      },
      async dispose() {
        model.dispose();
      },
    };
  }
  throw new DlError('MODEL_INVALID', `Model ${manifest.name}: the classifier runs ONNX models and tfjs layers models, not ${manifest.runtime}`);
}
