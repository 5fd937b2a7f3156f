export { DlError, DL_ERROR_CODES, errorMessage, isDlError, type DlErrorCode } from './errors.js';
export {
  probeTfjsBackends,
  selectTfjsBackend,
  isTfjsBackend,
  TFJS_BACKENDS,
  type BackendCandidate,
  type Tf,
  type TfjsBackend,
  type TfjsSelection,
} from './backend/tfjs.js';
export {
  createOnnxSession,
  loadOnnxRuntime,
  onnxProviderStatus,
  type OnnxProvider,
  type OnnxProviderStatus,
  type OnnxSession,
  type OnnxSessionOptions,
  type Ort,
} from './backend/onnx.js';
export { registerWasmTrainingKernels } from './backend/wasm-kernels/register.js';
export { loadManifest, manifestSchema, MANIFEST_FILE, type LoadedManifest, type ModelManifest } from './models/manifest.js';
export {
  listEmbeddedModels,
  loadLocalModel,
  parseModelReference,
  registerEmbeddedModel,
  type EmbeddedModel,
  type ModelReference,
} from './models/store.js';
export { dlSettings, type DlSettings } from './models/settings.js';
export { DEFAULT_MAX_INPUT_BYTES, readInputFile } from './io/read-input.js';
