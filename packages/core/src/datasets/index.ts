// The light entry `@dlkit/core/datasets`: the data-set registry, local copies and downloads, without the runtimes.
export {
  DATASETS,
  datasetEntry,
  listDatasets,
  parseDatasetRef,
  type DatasetContent,
  type DatasetEntry,
  type DatasetHoldout,
  type DatasetSource,
  type DatasetSplit,
  type DatasetUnpack,
  type PackagedCopy,
} from './registry.js';
export { FASHION_CLASSES } from './entries.js';
export { dataMirrors, datasetCandidates, datasetsCacheDir, localDataset, locateDataset, treeHash, verifyLocalCopy, type DatasetLocation, type DatasetWhere } from './local.js';
export { ensureDataset, pullDataset, type DatasetProgress, type EnsureOptions, type PulledDataset } from './ensure.js';
export { loadDatasetSplit, type LoadedDatasetSplit } from './load.js';
