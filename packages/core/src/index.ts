export { DlError, DL_ERROR_CODES, errorMessage, isDlError, isDlErrorCode, modelRuntimeError, type DlErrorCode, type DlErrorOptions, type DlHint } from './errors.js';
export {
  createPipeline,
  defineTask,
  DOMAINS,
  findTask,
  INPUT_KINDS,
  oneAtATime,
  parseOptions,
  pipelineFactory,
  type AnyTaskDefinition,
  type Domain,
  type InputKind,
  type Pipeline,
  type PipelineFactory,
  type PipelineOf,
  type Settled,
  type TaskDefinition,
  type TaskRunner,
} from './pipeline/index.js';
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
  openOnnxSessions,
  type OnnxProvider,
  type OnnxProviderStatus,
  type OnnxSession,
  type OnnxSessionOptions,
  type Ort,
} from './backend/onnx.js';
export { checkLabelCount, loadLabels } from './models/labels.js';
export { isPackageMissing, packageMissing } from './optional-dependency.js';
export { assertNoModel, loadManifest, manifestSchema, MANIFEST_FILE, MAX_MODEL_FILE_BYTES, readModelFile, type AssertNoModelOptions, type LoadedManifest, type ModelManifest } from './models/manifest.js';
export {
  isHubId,
  listEmbeddedModels,
  loadLocalModel,
  parseModelReference,
  registerEmbeddedModel,
  type EmbeddedModel,
  type ModelReference,
} from './models/store.js';
export { cacheFolder, dlSettings, type DlSettings } from './models/settings.js';
export { pullHubModel, wantedHubFile, type PulledFile, type PullOptions } from './models/hub-download.js';
export {
  DATASETS,
  datasetEntry,
  ensureDataset,
  FASHION_CLASSES,
  listDatasets,
  loadDatasetSplit,
  localDataset,
  locateDataset,
  parseDatasetRef,
  pullDataset,
  type DatasetEntry,
  type DatasetLocation,
  type DatasetSource,
  type DatasetSplit,
  type LoadedDatasetSplit,
  type PulledDataset,
} from './datasets/index.js';
export {
  HUB_DTYPES,
  hubDevices,
  hubPipelineDevice,
  isTransformersFolder,
  loadHubPipeline,
  loadTransformers,
  refuseHubOnlyOptions,
  type HubDtype,
  type HubLoadOptions,
  type HubPipeline,
  type HubPipelineOptions,
  type HubReference,
  type Transformers,
} from './models/hub.js';
export { DEFAULT_MAX_INPUT_BYTES, openInputFile, readInputFile, readInputFileStream, type ReadFileOptions } from './io/read-input.js';
export { DEFAULT_MAX_FIELD_BYTES, parseCsv, readCsv, type CsvOptions, type CsvRecord } from './io/csv.js';
export { readLines, type Line, type LineOptions } from './io/lines.js';
export { hostAllowed, MAX_REDIRECTS, parseAllowedHost } from './io/url-hosts.js';
export { isInside } from './io/path-inside.js';
export { nearestName } from './names/nearest-name.js';
export { expandInputs, isUrl, readInput, readInputStream, STDIN, type ExpandOptions, type ReadInputOptions } from './io/inputs.js';
export { saveLayersModel, loadLayersModel, type SaveModelOptions } from './models/layers-model.js';
export type { InferenceSession, LayersModel, TfTensor, TfVariable } from './runtime-types.js';
export { loadGraphModel, type GraphModel } from './models/graph-model.js';
export { writeFileAtomic } from './io/atomic-write.js';
export { lockFile } from './io/file-lock.js';
export { claimModelFolder } from './models/claim.js';

// Training
export { createRng, RNG_STREAM, withSeededMathRandom, type Rng } from './train/random.js';
export { classesOf, fromArrays, fromTensors, mapDataset, subset, featureSize, type ArrayDatasetInput, type Dataset } from './train/data/dataset.js';
export { splitDataset, splitIndices, type SplitOptions } from './train/data/split.js';
export { classFolderFiles, type ClassFolderFiles } from './train/data/class-folders.js';
export { iterateBatches, type Batch, type BatchOptions } from './train/data/batches.js';
export { fromTabular, readSklearnTable, sklearnTableSchema, type SklearnTableConfig, type TabularOptions, type TextTable } from './train/data/tabular.js';
export {
  MANIFEST_INPUT_KINDS,
  registerDatasetLoader,
  type AugmentConfig,
  type DatasetLoader,
  type LoadedTrainingData,
  type ManifestInput,
} from './train/data/loaders.js';
export { createOptimizer, type Optimizer, type OptimizerConfig, type OptimizerState } from './train/optim/optimizers.js';
export { ClassificationMetrics, type ClassificationReport, type ClassMetrics } from './train/metrics/classification.js';
export { calibration, CalibrationBins, DEFAULT_CALIBRATION_BINS, type CalibrationReport, type ReliabilityBin } from './train/metrics/calibration.js';
export { EvaluationMetrics, type EvaluationMetricsOptions, type EvaluationReport, type Misclassified } from './train/metrics/evaluation.js';
export { endsInSoftmax } from './train/step.js';
export { fit, evaluate, evaluateRegression, type FitOptions, type FitResult, type RegressionReport } from './train/fit.js';
export type { BatchLogs, Callback, EpochLogs, StopReason, TrainingContext } from './train/callbacks/callback.js';
export { progressBar, formatClock, formatEpochLogs, type ProgressBarOptions } from './train/callbacks/progress-bar.js';
export { earlyStopping, type EarlyStoppingOptions } from './train/callbacks/early-stopping.js';
export { cosineDecay, reduceOnPlateau, stepDecay, type CosineOptions, type ReduceOnPlateauOptions } from './train/callbacks/lr-schedules.js';
export { metricLog } from './train/callbacks/metric-log.js';
export { terminateOnNaN } from './train/callbacks/terminate-on-nan.js';
export { checkpoints, type CheckpointOptions } from './train/callbacks/checkpoints.js';
export { readCheckpoint, readTrainingJob, recordedJob, type CheckpointData, type TrainingJob } from './train/checkpoint.js';
export { jobConflicts, resumedOptions, trainerJob, trainingJob, type JobField, type JobFields } from './train/resume.js';
export { ARCHITECTURES, buildArchitecture, modelFromLayersJson, type ArchitectureName } from './train/architectures.js';
export { featureExtractor, stackModels } from './train/transfer.js';
export {
  parseTrainConfig,
  readTrainConfig,
  summaryMetrics,
  trainFromConfig,
  trainConfigSchema,
  type DataConfig,
  type TrainConfig,
  type TrainFromConfigOptions,
  type TrainFromConfigResult,
} from './train/config.js';
