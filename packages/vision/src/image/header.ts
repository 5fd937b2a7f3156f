/**
 * The width and height a PNG or JPEG header declares, as stored (before any EXIF orientation), read in JS without
 * libvips; undefined for any other format and for a header this does not find (the caller then asks libvips).
 * For answers that do not depend on which way up the image is, such as how elongated it is.
 */
export function storedSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const size = isPng(bytes) ? pngSize(bytes) : isJpeg(bytes) ? jpegSize(bytes) : undefined;
  return size !== undefined && size.width > 0 && size.height > 0 ? size : undefined;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 24 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8;
}

const uint16 = (bytes: Uint8Array, at: number) => (bytes[at]! << 8) | bytes[at + 1]!;
const uint32 = (bytes: Uint8Array, at: number) => uint16(bytes, at) * 0x10000 + uint16(bytes, at + 2);

/** IHDR is the first chunk, by the PNG specification: width and height at bytes 16 and 20. */
function pngSize(bytes: Uint8Array) {
  const ihdr = bytes[12] === 0x49 && bytes[13] === 0x48 && bytes[14] === 0x44 && bytes[15] === 0x52;
  return ihdr ? { width: uint32(bytes, 16), height: uint32(bytes, 20) } : undefined;
}

/** Start-of-frame markers (SOF0-SOF15 but DHT, JPG and DAC, which share the range). */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * The first start-of-frame segment's size, walking the segments by their lengths (an EXIF thumbnail inside APP1 is
 * skipped whole, as libjpeg skips it). A height of 0 (set later by a DNL marker) or a scan before any frame: undefined.
 */
function jpegSize(bytes: Uint8Array) {
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
    } else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // TEM, RSTn, SOI: no length
    } else if (isStartOfFrame(marker)) {
      return { width: uint16(bytes, at + 7), height: uint16(bytes, at + 5) };
    } else if (marker === 0xda || marker === 0xd9) {
      return undefined;
    } else {
      at += 2 + uint16(bytes, at + 2);
    }
  }
  return undefined;
}
