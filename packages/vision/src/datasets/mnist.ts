import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_MAX_INPUT_BYTES, DlError, errorMessage, readInputFile, type Dataset } from '@dlkit/core';

const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Bytes of one IDX file, unpacked, at most: MNIST's largest is 47 MB; 256 MiB is 340,000 images of 28x28. A
 * gzip bomb stops here, not at the end of memory.
 */
const MAX_IDX_BYTES = DEFAULT_MAX_INPUT_BYTES;
/** One JSON digits file at most (cazala's are ~2 MB each): parsed into an array of numbers, ~10x its size. */
const MAX_DIGITS_JSON_BYTES = 64 * 1024 * 1024;

/**
 * A data file read with core's bounded reader: a FIFO or a link to /dev/zero among a folder's files is refused
 * (DATASET_INVALID) instead of blocking or filling memory for ever.
 */
async function readDataFile(path: string, maxBytes: number): Promise<Buffer> {
  try {
    return await readInputFile(path, { maxBytes });
  } catch (error) {
    // The reader's message names the file and what it is (a FIFO, a device, too large).
    throw new DlError('DATASET_INVALID', errorMessage(error), { cause: error });
  }
}

async function readMaybeGzip(path: string): Promise<Buffer> {
  const raw = await readDataFile(path, MAX_IDX_BYTES);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: MAX_IDX_BYTES });
  } catch (error) {
    throw new DlError('DATASET_INVALID', `${path} is not valid gzip, or unpacks to more than ${MAX_IDX_BYTES} bytes: ${errorMessage(error)}`, { cause: error });
  }
}

/** Parses an IDX file (LeCun's MNIST format): big-endian dims after a magic of 0x0000 <type> <rank>. */
function parseIdx(buffer: Buffer, path: string, expectedRank: number): { dims: number[]; data: Uint8Array } {
  if (buffer.length < 4 || buffer[0] !== 0 || buffer[1] !== 0) throw new DlError('DATASET_INVALID', `${path} is not an IDX file`);
  if (buffer[2] !== 0x08) throw new DlError('DATASET_INVALID', `${path}: only unsigned-byte IDX data is supported`);
  const rank = buffer[3]!;
  if (rank !== expectedRank) throw new DlError('DATASET_INVALID', `${path}: expected ${expectedRank} dimensions, found ${rank}`);
  const header = 4 + 4 * rank;
  if (buffer.length < header) throw new DlError('DATASET_INVALID', `${path}: truncated header`);
  const dims = Array.from({ length: rank }, (_, i) => buffer.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  if (buffer.length - header !== count) {
    throw new DlError('DATASET_INVALID', `${path}: header declares ${count} bytes of data, file holds ${buffer.length - header}`);
  }
  return { dims, data: new Uint8Array(buffer.buffer, buffer.byteOffset + header, count) };
}

/** Images held as bytes (a quarter of the memory of floats), scaled to [0,1] as they are read. */
function byteDigits(pixels: Uint8Array, labels: Int32Array, height: number, width: number, source: string, classes = DIGIT_CLASSES): Dataset {
  const size = height * width;
  return {
    size: labels.length,
    featureShape: [height, width, 1],
    classes,
    labels,
    source,
    read: async (items) => {
      const out = new Float32Array(items.length * size);
      items.forEach((item, i) => {
        for (let p = 0; p < size; p++) out[i * size + p] = pixels[item * size + p]! / 255;
      });
      return out;
    },
  };
}

/**
 * MNIST in IDX files (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`), features in [0,1]. Label
 * `i` is class `classes[i]`: the digits by default; Fashion-MNIST, in the same format, names its ten garments.
 */
export async function fromMnistIdx(imagesPath: string, labelsPath: string, options: { classes?: readonly string[] } = {}): Promise<Dataset> {
  const classes = [...(options.classes ?? DIGIT_CLASSES)];
  const images = parseIdx(await readMaybeGzip(imagesPath), imagesPath, 3);
  const labels = parseIdx(await readMaybeGzip(labelsPath), labelsPath, 1);
  const [count, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new DlError('DATASET_INVALID', `${imagesPath} holds ${count} images but ${labelsPath} ${labels.dims[0]} labels`);
  }
  const bad = labels.data.findIndex((l) => l >= classes.length);
  if (bad >= 0) throw new DlError('DATASET_INVALID', `${labelsPath}: label ${labels.data[bad]} at item ${bad} is not one of the ${classes.length} classes`);
  return byteDigits(images.data, Int32Array.from(labels.data), height, width, imagesPath, classes);
}

/**
 * The JSON digits of github.com/cazala/mnist: a folder with `0.json` .. `9.json`, each `{"data": [...]}` with
 * N x 784 pixel values in [0,1].
 */
export async function fromDigitsJson(dir: string): Promise<Dataset> {
  const perDigit: Uint8Array[] = [];
  for (const digit of DIGIT_CLASSES) {
    const path = join(dir, `${digit}.json`);
    const text = (await readDataFile(path, MAX_DIGITS_JSON_BYTES)).toString('utf8');
    let data: unknown;
    try {
      data = (JSON.parse(text) as { data?: unknown }).data;
    } catch (error) {
      throw new DlError('DATASET_INVALID', `Cannot read digits file ${path}: ${errorMessage(error)}`, { cause: error });
    }
    if (!Array.isArray(data) || data.length === 0 || data.length % 784 !== 0) {
      throw new DlError('DATASET_INVALID', `${path}: expected {"data": [...]} with a multiple of 784 pixel values`);
    }
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new DlError('DATASET_INVALID', `${path}: value ${String(v)} at index ${i} is not a pixel in [0,1]`);
      }
      bytes[i] = Math.round(v * 255);
    }
    perDigit.push(bytes);
  }
  const total = perDigit.reduce((n, d) => n + d.length, 0);
  const pixels = new Uint8Array(total);
  const labels = new Int32Array(total / 784);
  let offset = 0;
  perDigit.forEach((bytes, digit) => {
    pixels.set(bytes, offset);
    labels.fill(digit, offset / 784, (offset + bytes.length) / 784);
    offset += bytes.length;
  });
  return byteDigits(pixels, labels, 28, 28, dir);
}
