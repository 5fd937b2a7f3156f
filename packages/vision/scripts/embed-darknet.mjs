// Copies the Darknet Tiny ImageNet tfjs layers model (ml5.js, MIT; ../shared/data/models/darknet-tiny-imagenet-tfjs)
// into models/darknet-tiny as one weights file, with its licence and a dlkit.json. It is the frozen backbone of
// `dl vision fine-tune`. Usage: node packages/vision/scripts/embed-darknet.mjs [source-dir]
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const here = new URL('..', import.meta.url).pathname;
const source = process.argv[2] ?? join(here, '../../../shared/data/models/darknet-tiny-imagenet-tfjs');
const out = join(here, 'models/darknet-tiny');
await mkdir(out, { recursive: true });
const model = JSON.parse(await readFile(join(source, 'model.json'), 'utf8'));
const shards = [];
for (const group of model.weightsManifest) for (const path of group.paths) shards.push(await readFile(join(source, path)));
const weights = Buffer.concat(shards);
model.weightsManifest = [{ paths: ['./weights.bin'], weights: model.weightsManifest.flatMap((g) => g.weights) }];
const files = {
  'model.json': JSON.stringify(model),
  'weights.bin': weights,
  'LICENSE.md': `MIT License\n\nCopyright (c) 2018 ml5\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n\nWeights: from pjreddie's Darknet "tiny" ImageNet model (Darknet is public domain).\n`,
};
const sha256 = {};
for (const [name, content] of Object.entries(files)) {
  await writeFile(join(out, name), content);
  sha256[name] = createHash('sha256').update(content).digest('hex');
}
const manifest = {
  name: 'darknet-tiny',
  // Its 1000 outputs do not follow the usual ImageNet label order (the cat photo comes out as 'cock' with the
  // standard labels), so it ships as a backbone only: `fine-tune` takes its 512 features before that layer.
  task: 'image-features',
  runtime: 'tfjs-layers',
  files: { model: 'model.json', weights: 'weights.bin', license: 'LICENSE.md' },
  sha256,
  input: { kind: 'image', width: 224, height: 224, channels: 3, features: 'leaky_re_lu_14' },
  source: 'ml5.js ml5-data-and-models@0612a3e7 models/darknetclassifier/darknettiny (Darknet Tiny, ImageNet-1k), shards joined into weights.bin by packages/vision/scripts/embed-darknet.mjs',
  license: 'MIT (ml5.js); weights from public-domain Darknet; see LICENSE.md',
};
await writeFile(join(out, 'dlkit.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${out}: ${weights.length} bytes of weights`);
