import { postFile, type Detection, type Face, type Label, type Result } from '../api.js';
import { renderBars } from '../components/bars.js';
import { h, type Page } from '../components/dom.js';
import { createDropzone } from '../components/dropzone.js';
import { errorBox, showError } from '../components/error-box.js';

const SAMPLES = ['cat.jpg', 'faces.jpg'];
const MAX_SIDE = 720;

/** A stable colour per label, so that every "dog" box is the same colour. */
function colourFor(label: string): string {
  let hash = 0;
  for (const ch of label) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 75% 45%)`;
}

function drawBox(ctx: CanvasRenderingContext2D, scale: number, box: Detection['box'], colour: string, caption: string): void {
  const [x, y, w, hgt] = [box.xmin * scale, box.ymin * scale, (box.xmax - box.xmin) * scale, (box.ymax - box.ymin) * scale];
  ctx.strokeStyle = colour;
  ctx.lineWidth = 3;
  ctx.strokeRect(x, y, w, hgt);
  ctx.font = 'bold 13px system-ui, sans-serif';
  const width = ctx.measureText(caption).width + 8;
  const top = y > 18 ? y - 18 : y;
  ctx.fillStyle = colour;
  ctx.fillRect(x, top, width, 18);
  ctx.fillStyle = '#fff';
  ctx.fillText(caption, x + 4, top + 13);
}

export const visionPage: Page = (root) => {
  const error = errorBox();
  const canvas = h('canvas', { id: 'vision-canvas', width: 0, height: 0 });
  const status = h('p', { className: 'muted', id: 'vision-status' });
  const labels = h('ol', { id: 'classify-results', className: 'bars' });
  const objects = h('ul', { id: 'detections', className: 'plain' });
  const faces = h('ul', { id: 'faces', className: 'plain' });
  let run = 0;

  async function analyse(file: File): Promise<void> {
    const mine = ++run;
    showError(error, undefined);
    for (const list of [labels, objects, faces]) list.replaceChildren();
    // The boxes come in pixels of the upright image, which is what the browser decodes (EXIF orientation applied).
    let scale = 0;
    const ctx = canvas.getContext('2d')!;
    try {
      const bitmap = await createImageBitmap(file);
      scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
    } catch {
      // The browser cannot show it; the server still says what is wrong with it.
      canvas.width = canvas.height = 0;
    }
    try {
      status.textContent = `Classifying ${file.name}…`;
      const top = await postFile<Result<Label[]>>('/api/vision/classify?topK=5', file, file.name);
      if (mine !== run) return;
      renderBars(labels, top.output);
      status.textContent = 'Looking for objects…';
      const found = await postFile<Result<Detection[]>>('/api/vision/detect', file, file.name);
      if (mine !== run) return;
      // Weakest first, so that where boxes overlap the strongest label is the one on top.
      const byScore = [...found.output].sort((a, b) => a.score - b.score);
      for (const d of byScore) drawBox(ctx, scale, d.box, colourFor(d.label), `${d.label} ${(d.score * 100).toFixed(0)}%`);
      objects.replaceChildren(...found.output.map((d) => h('li', {}, `${d.label} ${(d.score * 100).toFixed(0)}%`)));
      if (found.output.length === 0) objects.append(h('li', { className: 'muted' }, 'nothing found'));
      status.textContent = 'Looking for faces…';
      const people = await postFile<Result<Face[]>>('/api/vision/faces', file, file.name);
      if (mine !== run) return;
      for (const f of people.output) drawBox(ctx, scale, f.box, '#e0218a', `face: ${f.gender}, ~${Math.round(f.age)}, ${f.expression}`);
      faces.replaceChildren(...people.output.map((f) => h('li', {}, `${f.gender}, about ${Math.round(f.age)}, ${f.expression} (${(f.score * 100).toFixed(0)}%)`)));
      if (people.output.length === 0) faces.append(h('li', { className: 'muted' }, 'no faces'));
      status.textContent = `${file.name}: done`;
    } catch (failure) {
      if (mine !== run) return;
      status.textContent = '';
      showError(error, failure);
    }
  }

  async function sample(name: string): Promise<void> {
    const response = await fetch(`/api/samples/${name}`);
    await analyse(new File([await response.blob()], name, { type: 'image/jpeg' }));
  }

  root.append(
    h('h1', {}, 'Vision'),
    h('p', { className: 'muted' }, 'Image classification (MobileNetV2, ImageNet), object detection (CenterNet, COCO) and faces (face-api), on the server, offline.'),
    createDropzone({ accept: 'image/*', label: 'Drop an image here, or click to pick one', onFile: (file) => void analyse(file) }),
    h('p', {}, 'Or try ', ...SAMPLES.flatMap((name) => [h('button', { type: 'button', className: 'link', onclick: () => void sample(name) }, name), ' '])),
    error,
    status,
    h(
      'div',
      { className: 'columns' },
      h('div', { className: 'stage' }, canvas),
      h('div', {}, h('h2', {}, 'Top 5'), labels, h('h2', {}, 'Objects'), objects, h('h2', {}, 'Faces'), faces),
    ),
  );
  return () => {
    run++;
  };
};
