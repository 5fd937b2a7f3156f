#!/usr/bin/env node
// Writes the hostile-input corpus: broken, truncated, lying and oversized files of every kind dlkit reads, and
// model folders that must be refused. `node packages/cli/scripts/write-hostile-corpus.mjs <dir>` writes it and
// prints its cases as JSON lines; packages/cli/src/hostile.test.ts runs every case through the library and `dl`.
//
// Each case: { path, domain, why, expect } where expect is
//   { error: [codes...] }  it must fail with one of these DlError codes (exit 1 in the CLI, one stderr line),
//   'ok'                   it must give a result,
//   'any'                  a result or a typed error, but never a crash or a hang (damage a decoder may survive).
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { crc32, gzipSync } from 'node:zlib';
import { localDataset } from '@dlkit/core';
import sharp from 'sharp';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CAT = join(REPO, 'packages/vision/samples/cat.jpg');
// A real recording when the registered FSDD set is here (DL_DATA_MIRROR), else a tone in the same 8 kHz 16-bit form:
// the audio cases damage a valid WAV's structure, which either gives.
const FSDD_DIR = localDataset('fsdd');
const FSDD = FSDD_DIR && join(FSDD_DIR, 'recordings/5_george_0.wav');
const DIGITS_MODEL = join(REPO, 'packages/vision/models/digits');

/** Deterministic bytes (xorshift32), so the corpus is the same on every machine. */
function noise(length, seed) {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** `bytes` with `count` bytes past the header overwritten by noise. */
function corrupt(bytes, seed, count = 64) {
  const out = Buffer.from(bytes);
  const damage = noise(count * 2, seed);
  for (let i = 0; i < count; i++) {
    const at = 64 + ((damage[2 * i] << 8) | damage[2 * i + 1]) % Math.max(1, out.length - 64);
    out[at] = damage[(2 * i + 7) % damage.length];
  }
  return out;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose header declares width x height: a few dozen bytes that would decode to gigabytes. */
function pngDeclaring(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A JPEG with its SOF frame size rewritten. */
function jpegDeclaring(jpeg, width, height) {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1];
    const length = out.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + length;
  }
  throw new Error('no SOF marker');
}

/** A canonical 44-byte WAV header, with any field overridden. */
function wavHeader({ format = 1, channels = 1, rate = 16000, bits = 16, dataBytes = 0, riff = 'RIFF', wave = 'WAVE', fmtSize = 16, blockAlign, byteRate } = {}) {
  const h = Buffer.alloc(44);
  h.write(riff, 0, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4);
  h.write(wave, 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(fmtSize, 16);
  h.writeUInt16LE(format, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(byteRate ?? (rate * channels * bits) / 8, 28);
  h.writeUInt16LE(blockAlign ?? (channels * bits) / 8, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Float32 samples as a WAV of the given rate (format 3 when float, else 16-bit PCM). */
function wav(samples, rate, float = false) {
  const bits = float ? 32 : 16;
  const data = Buffer.alloc(samples.length * (bits / 8));
  samples.forEach((s, i) => (float ? data.writeFloatLE(s, i * 4) : data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 32767))), i * 2)));
  return Buffer.concat([wavHeader({ format: float ? 3 : 1, rate, bits, dataBytes: data.length }), data]);
}

function tone(seconds, rate, hz = 440) {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / rate));
}

export async function writeHostileCorpus(dir) {
  const cases = [];
  const add = async (domain, name, bytes, expect, why) => {
    await mkdir(join(dir, domain), { recursive: true });
    const path = join(dir, domain, name);
    await writeFile(path, bytes);
    cases.push({ path, domain, why, expect });
  };
  const unreadable = { error: ['INPUT_UNREADABLE', 'INPUT_UNSUPPORTED'] };
  const tooLarge = { error: ['INPUT_TOO_LARGE'] };

  // ---- images ----
  const base = sharp(CAT).resize(320, 240);
  const formats = {
    jpg: await base.clone().jpeg().toBuffer(),
    png: await base.clone().png().toBuffer(),
    webp: await base.clone().webp().toBuffer(),
    gif: await base.clone().gif().toBuffer(),
  };
  for (const [ext, bytes] of Object.entries(formats)) {
    await add('image', `valid.${ext}`, bytes, 'ok', `a valid ${ext}`);
    await add('image', `empty.${ext}`, Buffer.alloc(0), unreadable, 'zero bytes');
    await add('image', `text.${ext}`, Buffer.from('This is a shopping list, not a picture.\nmilk\neggs\n'), unreadable, 'text with an image extension');
    await add('image', `noise.${ext}`, noise(5000, ext.length * 7919), unreadable, 'random bytes with an image extension');
    await add('image', `magic-only.${ext}`, bytes.subarray(0, 8), unreadable, 'only the signature');
    for (const fraction of [0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98]) {
      await add('image', `truncated-${Math.round(fraction * 100)}.${ext}`, bytes.subarray(0, Math.floor(bytes.length * fraction)), 'any', `cut at ${fraction * 100}%`);
    }
    for (let seed = 1; seed <= 4; seed++) await add('image', `corrupt-${seed}.${ext}`, corrupt(bytes, seed * 104729 + ext.length), 'any', 'bytes overwritten past the header');
  }
  await add('image', 'declares-100000x100000.png', pngDeclaring(100_000, 100_000), tooLarge, 'a PNG header declaring 10 gigapixels');
  await add('image', 'declares-20000x20000.png', pngDeclaring(20_000, 20_000), tooLarge, 'a PNG header declaring 400 megapixels');
  await add('image', 'declares-0x0.png', pngDeclaring(0, 0), unreadable, 'a PNG of zero pixels');
  await add('image', 'declares-65500x65500.jpg', jpegDeclaring(formats.jpg, 65_500, 65_500), tooLarge, 'a JPEG frame header declaring 4 gigapixels');
  const gif = Buffer.from(formats.gif);
  gif.writeUInt16LE(65_535, 6);
  gif.writeUInt16LE(65_535, 8);
  await add('image', 'declares-65535x65535.gif', gif, 'any', 'a GIF screen descriptor declaring 4 gigapixels (the frame itself is small)');
  await add('image', 'html.jpg', Buffer.from('<!doctype html><html><body><img src=x onerror=alert(1)></body></html>'), unreadable, 'HTML saved as .jpg');
  await add('image', 'svg-bomb.png', Buffer.from(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "${'&lol;'.repeat(10)}"><!ENTITY lol3 "${'&lol2;'.repeat(10)}"><!ENTITY lol4 "${'&lol3;'.repeat(10)}"><!ENTITY lol5 "${'&lol4;'.repeat(10)}"><!ENTITY lol6 "${'&lol5;'.repeat(10)}">]><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&lol6;</text></svg>`), 'any', 'an SVG entity bomb named .png');
  await add('image', 'svg-external.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"><image xlink:href="file:///etc/passwd" width="64" height="64"/></svg>'), 'any', 'an SVG that points at a local file');
  await add('image', 'wav.jpg', wav(tone(0.2, 16000), 16000), unreadable, 'a WAV named .jpg');
  await add('image', 'pdf.jpg', Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), unreadable, 'a PDF named .jpg');
  await add('image', 'zip.png', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), noise(400, 77)]), unreadable, 'a ZIP header named .png');
  await add('image', 'gzip.png', gzipSync(formats.png), unreadable, 'a gzipped PNG');
  await add('image', 'elf.jpg', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), noise(2000, 99)]), unreadable, 'an ELF header named .jpg');
  await add('image', 'bmp-header.jpg', Buffer.concat([Buffer.from('BM'), noise(60, 3)]), unreadable, 'a broken BMP header');
  await add('image', 'cmyk.jpg', await base.clone().toColourspace('cmyk').jpeg().toBuffer(), 'ok', 'CMYK JPEG');
  await add('image', '16-bit.png', await base.clone().toColourspace('rgb16').png().toBuffer(), 'ok', '16-bit RGB PNG');
  await add('image', 'grey-16-bit.png', await base.clone().toColourspace('grey16').png().toBuffer(), 'ok', '16-bit grey PNG');
  await add('image', 'grey.jpg', await base.clone().greyscale().jpeg().toBuffer(), 'ok', 'greyscale JPEG');
  await add('image', 'alpha.png', await base.clone().ensureAlpha(0.3).png().toBuffer(), 'ok', 'PNG with a translucent alpha channel');
  await add('image', 'palette.png', await base.clone().png({ palette: true, colours: 16 }).toBuffer(), 'ok', 'palette PNG');
  await add('image', 'progressive.jpg', await base.clone().jpeg({ progressive: true }).toBuffer(), 'ok', 'progressive JPEG');
  await add('image', 'lossless.webp', await base.clone().webp({ lossless: true }).toBuffer(), 'ok', 'lossless WebP');
  await add('image', 'tiff.tif', await base.clone().tiff().toBuffer(), 'ok', 'TIFF');
  for (const ext of ['png', 'jpg']) {
    const one = sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } });
    await add('image', `1x1.${ext}`, await (ext === 'png' ? one.png() : one.jpeg()).toBuffer(), 'any', 'one pixel (the digits model finds no digit in it)');
  }
  await add('image', '1x3000.png', await sharp({ create: { width: 1, height: 3000, channels: 3, background: '#334455' } }).png().toBuffer(), 'any', 'a one-pixel-wide strip');
  await add('image', '3000x1.png', await sharp({ create: { width: 3000, height: 1, channels: 3, background: '#334455' } }).png().toBuffer(), 'any', 'a one-pixel-high strip');
  await add('image', 'huge-exif.jpg', await base.clone().jpeg().withExif({ IFD0: { ImageDescription: 'x'.repeat(60_000), Copyright: 'y'.repeat(3000) } }).toBuffer(), 'ok', '63 KB of EXIF');
  for (let orientation = 1; orientation <= 8; orientation++) {
    await add('image', `orientation-${orientation}.jpg`, await base.clone().jpeg().withMetadata({ orientation }).toBuffer(), 'ok', `EXIF orientation ${orientation}`);
  }
  const badOrientation = await base.clone().jpeg().withExif({ IFD0: { Orientation: '99' } }).toBuffer();
  await add('image', 'orientation-99.jpg', badOrientation, 'ok', 'an EXIF orientation that does not exist');
  const frames = await sharp(CAT).resize(64, 64).png().toBuffer();
  await add('image', 'animated.gif', await sharp([frames, frames, frames], { join: { animated: true } }).gif().toBuffer(), 'ok', 'animated GIF (first frame)');

  // ---- audio ----
  const speech = FSDD ? await readFile(FSDD) : wav(tone(0.5, 8000), 8000);
  await add('audio', 'valid.wav', speech, 'ok', FSDD ? 'an FSDD recording' : 'a tone (FSDD is not here)');
  await add('audio', 'rate-1000.wav', wav(tone(1, 1000, 200), 1000), 'ok', '1 kHz sample rate');
  await add('audio', 'rate-192000.wav', wav(tone(1, 192_000), 192_000), 'ok', '192 kHz sample rate');
  await add('audio', 'rate-1.wav', wav(tone(1, 1, 0), 1), 'any', '1 Hz sample rate');
  await add('audio', 'float.wav', wav(tone(1, 16000), 16000, true), 'ok', '32-bit float');
  const nan = tone(1, 16000);
  for (let i = 0; i < nan.length; i += 7) nan[i] = Number.NaN;
  // Refused rather than cleaned: NaN in a float WAV means the writer was broken, and the rest is suspect too.
  await add('audio', 'nan-samples.wav', wav(nan, 16000, true), unreadable, 'float samples with NaN');
  const inf = tone(1, 16000);
  inf[100] = Number.POSITIVE_INFINITY;
  inf[200] = Number.NEGATIVE_INFINITY;
  await add('audio', 'infinite-samples.wav', wav(inf, 16000, true), unreadable, 'float samples with +-Infinity');
  await add('audio', 'loud-float.wav', wav(Float32Array.from(tone(1, 16000), (s) => s * 1e6), 16000, true), 'ok', 'float samples far past full scale');
  await add('audio', 'zero-samples.wav', wavHeader({ dataBytes: 0 }), 'any', 'a header and no samples');
  await add('audio', 'silence.wav', wav(new Float32Array(16000 * 3), 16000), 'ok', 'three seconds of digital silence');
  const long = wavHeader({ dataBytes: 100_000_000 });
  await add('audio', 'declared-past-end.wav', Buffer.concat([long, speech.subarray(44)]), 'any', 'a data chunk declared far past the end of the file');
  await add('audio', 'declared-4gb.wav', Buffer.concat([wavHeader({ dataBytes: 0xffffffff }), speech.subarray(44)]), 'any', 'a data size of 0xFFFFFFFF (streaming writers)');
  for (const fraction of [0.1, 0.5, 0.9]) await add('audio', `truncated-${fraction * 100}.wav`, speech.subarray(0, Math.floor(speech.length * fraction)), 'any', `cut at ${fraction * 100}%`);
  for (const bytes of [4, 12, 20, 36, 43]) await add('audio', `header-cut-${bytes}.wav`, speech.subarray(0, bytes), unreadable, `cut inside the header (${bytes} bytes)`);
  await add('audio', 'odd-bytes.wav', Buffer.concat([wavHeader({ dataBytes: 3 }), Buffer.from([1, 2, 3])]), 'any', 'a 16-bit data chunk of an odd length');
  const badHeaders = {
    'riff-not-wave.wav': wavHeader({ wave: 'AVI ' }),
    'rifx.wav': wavHeader({ riff: 'RIFX' }),
    'channels-0.wav': wavHeader({ channels: 0, blockAlign: 2, byteRate: 32000 }),
    'channels-65535.wav': wavHeader({ channels: 65_535, blockAlign: 2, byteRate: 32000 }),
    'rate-0.wav': wavHeader({ rate: 0 }),
    'bits-0.wav': wavHeader({ bits: 0, blockAlign: 2 }),
    'bits-7.wav': wavHeader({ bits: 7, blockAlign: 1 }),
    'bits-12.wav': wavHeader({ bits: 12, blockAlign: 2 }),
    'bits-64-pcm.wav': wavHeader({ bits: 64 }),
    'block-align-0.wav': wavHeader({ blockAlign: 0 }),
    'format-adpcm.wav': wavHeader({ format: 2 }),
    'format-mp3.wav': wavHeader({ format: 0x55 }),
    'format-65534-short.wav': wavHeader({ format: 0xfffe }),
    'fmt-size-0.wav': wavHeader({ fmtSize: 0 }),
    'fmt-size-huge.wav': wavHeader({ fmtSize: 0x7fffffff }),
  };
  for (const [name, header] of Object.entries(badHeaders)) await add('audio', name, Buffer.concat([header, speech.subarray(44, 4044)]), unreadable, `a broken header (${name.replace('.wav', '')})`);
  const noData = Buffer.from(wavHeader().subarray(0, 36));
  noData.writeUInt32LE(28, 4);
  await add('audio', 'no-data-chunk.wav', noData, unreadable, 'no data chunk');
  const noFmt = Buffer.concat([Buffer.from('RIFF'), Buffer.from([12, 0, 0, 0]), Buffer.from('WAVEdata'), Buffer.from([0, 0, 0, 0])]);
  await add('audio', 'no-fmt-chunk.wav', noFmt, unreadable, 'data before any fmt chunk');
  const loopChunk = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from('WAVE'), Buffer.from('junk'), Buffer.from([0xf0, 0xff, 0xff, 0x7f]), noise(64, 5)]);
  await add('audio', 'junk-chunk-past-end.wav', loopChunk, unreadable, 'a chunk whose size runs past the end');
  await add('audio', 'empty.wav', Buffer.alloc(0), unreadable, 'zero bytes');
  await add('audio', 'text.wav', Buffer.from('not audio at all\n'), unreadable, 'text with a .wav extension');
  await add('audio', 'noise.wav', noise(8000, 31337), unreadable, 'random bytes with a .wav extension');
  await add('audio', 'jpeg.wav', formats.jpg, unreadable, 'a JPEG named .wav');
  for (const ext of ['mp3', 'ogg', 'flac', 'm4a']) {
    await add('audio', `text.${ext}`, Buffer.from('not audio at all\n'), unreadable, `text with a .${ext} extension (read by ffmpeg)`);
    await add('audio', `empty.${ext}`, Buffer.alloc(0), unreadable, `zero bytes .${ext}`);
  }

  // ---- text ----
  const review = 'A gripping, beautifully acted film that stays with you.\n';
  await add('text', 'valid.txt', Buffer.from(review), 'ok', 'one review');
  const badUtf8 = {
    'lone-continuation.txt': [0x80, 0x81],
    'overlong-slash.txt': [0xc0, 0xaf],
    'surrogate.txt': [0xed, 0xa0, 0x80],
    'truncated-sequence.txt': [0xe2, 0x82],
    'invalid-ff.txt': [0xff, 0xfe, 0xfd],
    'beyond-unicode.txt': [0xf4, 0x90, 0x80, 0x80],
  };
  for (const [name, bytes] of Object.entries(badUtf8)) await add('text', name, Buffer.concat([Buffer.from('A wonderful film '), Buffer.from(bytes), Buffer.from(' truly moving.\n')]), 'any', `invalid UTF-8 (${name.replace('.txt', '')})`);
  await add('text', 'latin1.txt', Buffer.from('Un film très émouvant, à voir absolument.\n', 'latin1'), 'any', 'Latin-1, not UTF-8');
  await add('text', 'nul-bytes.txt', Buffer.from('A great\u0000 film\u0000 with NULs.\n'), 'any', 'NUL bytes inside a line');
  await add('text', 'binary.txt', formats.png, 'any', 'a PNG named .txt');
  await add('text', 'empty.txt', Buffer.alloc(0), { error: ['INPUT_UNSUPPORTED', 'INPUT_UNREADABLE'] }, 'zero bytes');
  await add('text', 'whitespace.txt', Buffer.from('   \n\t\n  \r\n'), { error: ['INPUT_UNSUPPORTED', 'INPUT_UNREADABLE'] }, 'only whitespace');
  await add('text', 'bom-only.txt', Buffer.from([0xef, 0xbb, 0xbf]), { error: ['INPUT_UNSUPPORTED', 'INPUT_UNREADABLE'] }, 'a BOM and nothing else');
  await add('text', 'utf16-no-bom.txt', Buffer.from('A wonderful film.\n', 'utf16le'), 'any', 'UTF-16 without a BOM');
  const words = 'the film was good and then it was not and the plot went on '.repeat(170_000);
  await add('text', 'line-10mb.txt', Buffer.from(`${words.slice(0, 10_000_000)}\n`), 'ok', 'one 10 MB line with no sentence end');
  const sentences = 'The film was good. Then it was not. '.repeat(280_000);
  await add('text', 'sentences-10mb.txt', Buffer.from(`${sentences.slice(0, 10_000_000)}\n`), 'any', 'one 10 MB line of 560,000 short sentences');
  await add('text', 'one-word-10mb.txt', Buffer.from(`${'a'.repeat(10_000_000)}\n`), 'any', 'a 10 MB word');
  await add('text', 'utf16-bom.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('A wonderful film.\n', 'utf16le')]), 'ok', 'UTF-16LE with a BOM');
  await add('text', 'crlf.txt', Buffer.from('A wonderful film.\r\nA dull film.\r\n'), 'ok', 'CRLF line ends');
  await add('text', 'cr-only.txt', Buffer.from('A wonderful film.\rA dull film.\r'), 'ok', 'old Mac CR line ends');
  await add('text', 'many-blank-lines.txt', Buffer.from(`${'\n'.repeat(200_000)}A wonderful film.\n`), 'ok', '200,000 blank lines and one review');
  // Enough lines for 62 model batches of 64 and a partial one, and 600 KB of answers, far past a pipe's buffer: more
  // lines only repeat those paths (20,000 did, for 20 s of the hostile test's CPU).
  await add('text', 'many-lines.txt', Buffer.from('Great film.\n'.repeat(4_000)), 'ok', '4,000 short lines');
  await add('text', 'utf32.txt', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('A\0\0\0 \0\0\0f\0\0\0i\0\0\0l\0\0\0m\0\0\0', 'latin1')]), 'any', 'UTF-32LE with a BOM');
  await add('text', 'control-chars.txt', Buffer.from('Great \u0007\u0008\u001b[31mfilm\u001b[0m \u202eevil\u202c.\n'), 'ok', 'terminal escapes and bidi overrides');
  await add('text', 'emoji.txt', Buffer.from('Loved it 😍🎬🍿👍🏽 best film ever 💯\n'), 'ok', 'emoji and skin-tone modifiers');
  await add('text', 'combining.txt', Buffer.from(`Gre${'\u0301'.repeat(5000)}at film.\n`), 'ok', '5,000 combining accents on one letter');
  // tables (read with --column review)
  await add('table', 'valid.csv', Buffer.from('id,review\n1,"A wonderful, moving film."\n2,Dull and lifeless.\n'), 'ok', 'a valid CSV');
  await add('table', 'missing-column.csv', Buffer.from('id,text\n1,A wonderful film.\n'), { error: ['INVALID_ARGUMENT', 'DATASET_INVALID', 'INPUT_UNREADABLE'] }, 'no column named review');
  await add('table', 'header-only.csv', Buffer.from('id,review\n'), 'any', 'a header and no rows');
  await add('table', 'short-rows.csv', Buffer.from('id,review,stars\n1\n2,Great film.,5\n3,\n'), 'any', 'rows with fewer fields than the header');
  await add('table', 'nul-bytes.csv', Buffer.from('id,review\n1,Great\u0000 film.\n2,Bad\u0000\u0000 film.\n'), 'any', 'NUL bytes inside cells');
  await add('table', 'unclosed-quote.csv', Buffer.from('id,review\n1,"A wonderful film.\n2,Dull.\n'), 'any', 'a quote that never closes');
  await add('table', 'empty.csv', Buffer.alloc(0), { error: ['INVALID_ARGUMENT', 'DATASET_INVALID', 'INPUT_UNREADABLE', 'INPUT_UNSUPPORTED'] }, 'zero bytes');
  await add('table', 'huge-cell.csv', Buffer.from(`id,review\n1,"${'great film '.repeat(500_000)}"\n`), 'ok', 'a 5.5 MB cell');
  await add('table', 'duplicate-header.csv', Buffer.from('review,review\nGreat.,Bad.\n'), 'any', 'two columns named review');
  await add('table', 'bad-rows.jsonl', Buffer.from('{"review": "Great film."}\n{not json\n[1,2,3]\n{"review": 42}\n{"other": "x"}\n{"review": "Awful film."}\n'), 'any', 'JSONL with broken rows among good ones');

  // ---- what is not a file: FIFOs, devices, sparse giants (each refused at once, without reading it) ----
  const special = async (domain, name, make, expect, why) => {
    await mkdir(join(dir, domain), { recursive: true });
    const path = join(dir, domain, name);
    await make(path);
    cases.push({ path, domain, why, expect });
  };
  const notRegular = { error: ['INPUT_UNSUPPORTED', 'INPUT_UNREADABLE'] };
  const mkfifo = (path) => {
    const made = spawnSync('mkfifo', [path]);
    if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.stderr}`);
  };
  /** A file of `bytes` then a hole up to `size`: gigabytes that take no disk and would take minutes to read. */
  const sparse = (head, size) => async (path) => {
    await writeFile(path, head);
    await truncate(path, size);
  };
  const heads = { image: formats.jpg.subarray(0, 2000), audio: wavHeader({ dataBytes: 3 * 2 ** 30 }), text: Buffer.from(review), table: Buffer.from('id,review\n1,Great.\n') };
  for (const [domain, ext] of [['image', 'jpg'], ['audio', 'wav'], ['text', 'txt'], ['table', 'csv']]) {
    await special(domain, `fifo.${ext}`, mkfifo, notRegular, 'a FIFO nobody writes to (opening it blocks)');
    await special(domain, `zero.${ext}`, (path) => symlink('/dev/zero', path), notRegular, 'a symlink to /dev/zero (endless zeros; its stat size is 0)');
    await special(domain, `urandom.${ext}`, (path) => symlink('/dev/urandom', path), notRegular, 'a symlink to /dev/urandom');
    await special(domain, `sparse-3gb.${ext}`, sparse(heads[domain], 3 * 2 ** 30), domain === 'audio' ? { error: ['INPUT_TOO_LARGE', 'INPUT_UNSUPPORTED'] } : tooLarge, 'a valid start and a 3 GB hole');
  }
  for (const domain of ['image', 'text']) cases.push({ path: '/dev/zero', domain, why: '/dev/zero itself', expect: notRegular });

  // ---- audio headers that would allocate or run for ever ----
  const headerBody = speech.subarray(44, 4044);
  await add('audio', 'rate-4294967295.wav', Buffer.concat([wavHeader({ rate: 0xffffffff, byteRate: 0xffffffff, dataBytes: headerBody.length }), headerBody]), unreadable, 'a 4 KB file declaring 4,294,967,295 Hz');
  await add('audio', 'rate-1-1mb.wav', Buffer.concat([wavHeader({ rate: 1, dataBytes: 2 ** 20 }), noise(2 ** 20, 4242)]), { error: ['INPUT_TOO_LARGE', 'INPUT_UNSUPPORTED'] }, '1 MB at 1 Hz: 145 hours once resampled');
  await add('audio', 'channels-65535-real.wav', Buffer.concat([wavHeader({ channels: 65_535, bits: 8, dataBytes: 65_535 * 80 }), noise(65_535 * 80, 65_535)]), unreadable, '65,535 8-bit channels, consistent header, 5 MB of frames');
  const emptyChunks = Buffer.alloc(3_000_000 * 8);
  for (let at = 0; at < emptyChunks.length; at += 8) emptyChunks.write('junk', at, 'latin1');
  const fmtOnly = wavHeader().subarray(0, 36);
  await add('audio', 'empty-chunks-3m.wav', Buffer.concat([fmtOnly, emptyChunks, Buffer.from('data'), Buffer.from([0x40, 0x1f, 0, 0]), speech.subarray(44, 44 + 8000)]), 'any', '3,000,000 empty chunks before the data');

  // ffmpeg reads other formats: a live playlist (no #EXT-X-ENDLIST) would be polled for ever, and its segments fetched.
  await add('audio', 'live-playlist.mp3', Buffer.from('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:2.0,\nhttp://127.0.0.1:9/segment-1.ts\n#EXTINF:2.0,\nhttp://127.0.0.1:9/segment-2.ts\n'), unreadable, 'a live HLS playlist named .mp3 that points at http segments');

  // ---- text past every per-line and per-field bound ----
  await add('text', 'line-200mb.txt', Buffer.alloc(200 * 2 ** 20, 'good film '), tooLarge, 'one 200 MB line');
  await add('table', 'unclosed-quote-50mb.csv', Buffer.concat([Buffer.from('id,review\n1,"'), Buffer.alloc(50 * 2 ** 20, 'A line of a quote that never ends.\n'), Buffer.from('2,Dull.\n')]), { error: ['INPUT_TOO_LARGE', 'DATASET_INVALID', 'INPUT_UNREADABLE'] }, 'a quote opened and never closed, 50 MB before the end');

  // ---- names a terminal would obey ----
  await add('image', 'esc-\u001b[2J-cr-\r-bell-\u0007.jpg', formats.jpg, 'ok', 'a file name with ESC, CR and BEL');

  // ---- model folders ----
  const model = async (name, edit, expectCodes, why) => {
    const folder = join(dir, 'model', name);
    await cp(DIGITS_MODEL, folder, { recursive: true });
    await edit(folder);
    cases.push({ path: folder, domain: 'model', why, expect: { error: expectCodes } });
  };
  const editManifest = (change) => async (folder) => {
    const path = join(folder, 'dlkit.json');
    await writeFile(path, change(await readFile(path, 'utf8')));
  };
  const json = (change) => editManifest((text) => JSON.stringify(change(JSON.parse(text))));
  const invalid = ['MODEL_INVALID'];
  await model('tampered-weights', async (folder) => {
    const weights = (await readdir(folder)).find((f) => f.endsWith('.bin'));
    const bytes = await readFile(join(folder, weights));
    bytes[100] ^= 0xff;
    await writeFile(join(folder, weights), bytes);
  }, invalid, 'a weight file whose sha256 does not match the manifest');
  await model('outside-folder', json((m) => ({ ...m, files: { ...m.files, model: '../../../../etc/passwd' } })), invalid, 'a manifest naming a file outside its folder');
  await model('absolute-file', json((m) => ({ ...m, files: { ...m.files, model: '/etc/passwd' } })), invalid, 'a manifest naming an absolute path');
  await model('manifest-not-json', editManifest(() => '{"name": "digits", '), invalid, 'a manifest that is not JSON');
  await model('manifest-empty', editManifest(() => ''), invalid, 'an empty manifest');
  await model('manifest-array', editManifest(() => '[]'), invalid, 'a manifest that is a JSON array');
  await model('no-sha', json((m) => ({ ...m, sha256: {} })), invalid, 'a manifest without sha256 entries');
  await model('wrong-task', json((m) => ({ ...m, task: 'object-detection' })), ['MODEL_INVALID', 'INPUT_UNSUPPORTED'], 'a detector manifest given to the classifier');
  await model('missing-file', (folder) => rm(join(folder, 'model.json')), ['MODEL_INVALID', 'MODEL_NOT_FOUND'], 'a manifest naming a file that is gone');
  // A copy outside the folder, so the sha256 still matches: only where the file really lives gives it away.
  const outside = join(dir, 'outside-model');
  await cp(DIGITS_MODEL, outside, { recursive: true });
  await model('symlinked-file-out', async (folder) => {
    await rm(join(folder, 'weights.bin'));
    await symlink(join(outside, 'weights.bin'), join(folder, 'weights.bin'));
  }, invalid, 'weights.bin a symlink to an identical file outside the folder');
  await model('symlinked-folder-out', async (folder) => {
    await symlink(outside, join(folder, 'sub'));
    await json((m) => ({ ...m, files: { ...m.files, weights: 'sub/weights.bin' }, sha256: { ...m.sha256, 'sub/weights.bin': m.sha256['weights.bin'] } }))(folder);
  }, invalid, 'a sub-folder that is a symlink to a folder outside');
  await model('fifo-weights', async (folder) => {
    await rm(join(folder, 'weights.bin'));
    mkfifo(join(folder, 'weights.bin'));
  }, invalid, 'weights.bin a FIFO (hashing it would block for ever)');
  await model('zero-weights', async (folder) => {
    await rm(join(folder, 'weights.bin'));
    await symlink('/dev/zero', join(folder, 'weights.bin'));
  }, invalid, 'weights.bin a symlink to /dev/zero (hashing it would never end)');
  await model('labels-wrong-length', async (folder) => {
    const labels = JSON.stringify(Array.from({ length: 300 }, (_, i) => String(i)));
    await writeFile(join(folder, 'labels.json'), labels);
    await json((m) => ({ ...m, sha256: { ...m.sha256, 'labels.json': createHash('sha256').update(labels).digest('hex') } }))(folder);
  }, invalid, '300 labels for a model with 10 outputs');
  await model('no-manifest', (folder) => rm(join(folder, 'dlkit.json')), ['MODEL_INVALID', 'MODEL_NOT_FOUND'], 'a folder without dlkit.json');

  // ---- references where a model *name* is expected (hub ids for `dl models pull`) ----
  for (const reference of ['../../etc/passwd', '/etc/passwd', '..', '~/models/x', 'org/name/../../../etc', 'org/../name', '%2e%2e/%2e%2e/etc', 'C:\\Windows\\win.ini', 'org/name?revision=../../x', 'org/..', 'org/.', 'a/.', './x', '.hidden/x']) {
    cases.push({ path: reference, domain: 'reference', why: `'${reference}' where a hub id is expected`, expect: { error: ['INVALID_ARGUMENT', 'MODEL_NOT_FOUND'] } });
  }
  return cases;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: write-hostile-corpus.mjs <dir>\n');
    process.exit(2);
  }
  for (const c of await writeHostileCorpus(dir)) process.stdout.write(`${JSON.stringify(c)}\n`);
}
