import { postFile, type Detection, type Face, type Label, type OcrText, type Pose, type Result } from '../api.js';
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

/**
 * Limbs as pairs of keypoint indexes in the answer's (COCO) order: the library's SKELETON, which the browser
 * bundle does not import (it would bring the package's Node code). Points under 0.3 are not drawn, as in dl --out.
 */
const LIMBS = [[3, 1], [1, 0], [0, 2], [2, 4], [5, 6], [5, 7], [7, 9], [6, 8], [8, 10], [5, 11], [6, 12], [11, 12], [11, 13], [13, 15], [12, 14], [14, 16]] as const;
const KEYPOINT_FLOOR = 0.3;

function drawPose(ctx: CanvasRenderingContext2D, scale: number, { keypoints }: Pose): void {
  const seen = (i: number) => (keypoints[i]?.score ?? 0) >= KEYPOINT_FLOOR;
  ctx.strokeStyle = '#39d353';
  ctx.lineWidth = 3;
  for (const [a, b] of LIMBS) {
    if (!seen(a) || !seen(b)) continue;
    ctx.beginPath();
    ctx.moveTo(keypoints[a]!.x * scale, keypoints[a]!.y * scale);
    ctx.lineTo(keypoints[b]!.x * scale, keypoints[b]!.y * scale);
    ctx.stroke();
  }
  ctx.fillStyle = '#f58231';
  for (const [i, k] of keypoints.entries()) {
    if (!seen(i)) continue;
    ctx.beginPath();
    ctx.arc(k.x * scale, k.y * scale, 4, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** OCR's word boxes: green where it is sure (0.85 and over, as dl --out draws them), orange where it doubts. */
function drawWords(ctx: CanvasRenderingContext2D, scale: number, read: OcrText): void {
  ctx.lineWidth = 2;
  for (const word of read.lines.flatMap((l) => l.words)) {
    ctx.strokeStyle = word.confidence >= 0.85 ? '#3cb44b' : '#f58231';
    const b = word.box;
    ctx.strokeRect(b.xmin * scale, b.ymin * scale, (b.xmax - b.xmin) * scale, (b.ymax - b.ymin) * scale);
  }
}

/** The text read, a line per line, or why there is none. */
function textLines(read: OcrText): HTMLElement[] {
  if (read.lines.length === 0) return [h('li', { className: 'muted' }, read.warning === undefined ? 'no text' : `no text (${read.warning})`)];
  const turned = read.orientation.degrees === 0 ? [] : [h('li', { className: 'muted' }, `page turned ${read.orientation.degrees} degrees: read turned back`)];
  return [...turned, ...read.lines.map((l) => h('li', {}, `${l.text} (${(l.confidence * 100).toFixed(0)}%)`))];
}

export const visionPage: Page = (root) => {
  const error = errorBox();
  const canvas = h('canvas', { id: 'vision-canvas', width: 0, height: 0 });
  const status = h('p', { className: 'muted', id: 'vision-status' });
  const labels = h('ol', { id: 'classify-results', className: 'bars' });
  const objects = h('ul', { id: 'detections', className: 'plain' });
  const faces = h('ul', { id: 'faces', className: 'plain' });
  const poses = h('ul', { id: 'poses', className: 'plain' });
  const text = h('ul', { id: 'ocr-text', className: 'plain' });
  let run = 0;

  async function analyse(file: File): Promise<void> {
    const mine = ++run;
    showError(error, undefined);
    for (const list of [labels, objects, faces, poses, text]) list.replaceChildren();
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
      status.textContent = 'Looking for body poses…';
      const bodies = await postFile<Result<Pose[]>>('/api/vision/pose', file, file.name);
      if (mine !== run) return;
      for (const p of bodies.output) drawPose(ctx, scale, p);
      const confident = (p: Pose) => p.keypoints.filter((k) => k.score >= KEYPOINT_FLOOR).length;
      poses.replaceChildren(...bodies.output.map((p) => h('li', {}, `person ${(p.score * 100).toFixed(0)}%: ${confident(p)} of 17 keypoints drawn`)));
      if (bodies.output.length === 0) poses.append(h('li', { className: 'muted' }, 'no people'));
      status.textContent = 'Reading text…';
      const read = await postFile<Result<OcrText>>('/api/vision/ocr', file, file.name);
      if (mine !== run) return;
      drawWords(ctx, scale, read.output);
      text.replaceChildren(...textLines(read.output));
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
    h('p', { className: 'muted' }, 'Image classification (MobileNetV2, ImageNet), object detection (CenterNet, COCO) faces (face-api), body poses (MoveNet) and printed text (Tesseract OCR), on the server, offline.'),
    createDropzone({ accept: 'image/*', label: 'Drop an image here, or click to pick one', onFile: (file) => void analyse(file) }),
    h('p', {}, 'Or try ', ...SAMPLES.flatMap((name) => [h('button', { type: 'button', className: 'link', onclick: () => void sample(name) }, name), ' '])),
    error,
    status,
    h(
      'div',
      { className: 'columns' },
      h('div', { className: 'stage' }, canvas),
      h('div', {}, h('h2', {}, 'Top 5'), labels, h('h2', {}, 'Objects'), objects, h('h2', {}, 'Faces'), faces, h('h2', {}, 'Poses'), poses, h('h2', {}, 'Text'), text),
    ),
  );
  return () => {
    run++;
  };
};
