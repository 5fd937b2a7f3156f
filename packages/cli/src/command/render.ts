import type { InputKind } from '@dlkit/core/pipeline';

/**
 * What dl prints for one answer, worked out from the answer's shape (the shapes Hugging Face's pipelines use), not
 * from the task: a new task whose answer has a known shape prints well with no CLI change, any other as JSON.
 * `head` goes after the input's name on its line, `lines` below it.
 */
export interface Shown {
  head?: string;
  lines: string[];
}

type Box = { xmin: number; ymin: number; xmax: number; ymax: number };
type Scored = { label: string; score: number; unknown?: boolean; box?: Box };
type Face = { score: number; box: Box; gender: string; age: number; expression: string };
type FaceMatch = { samePerson: boolean; distance: number; threshold: number; face: number; box: Box; referenceFace: number; referenceBox: Box };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const every = (v: unknown, test: (x: Record<string, unknown>) => boolean): v is Array<Record<string, unknown>> => Array.isArray(v) && v.every((x) => isObject(x) && test(x));
const pct = (score: number, digits = 1) => `${(score * 100).toFixed(digits)}%`;
const showBox = (b: Box) => `[${b.xmin}, ${b.ymin}, ${b.xmax}, ${b.ymax}]`;

/** The text of a transcript for people: an empty one says why (no speech, or speech the model could not read). */
function spoken({ text, chunks }: { text: string; chunks: unknown[] }): string {
  if (text !== '') return text;
  if (chunks.length === 0) return '(no speech found)';
  return `(nothing read: ${chunks.length} speech segment${chunks.length === 1 ? '' : 's'} the model could not read)`;
}

function labels(value: Scored[], input: InputKind): Shown {
  if (value.some((v) => v.box !== undefined)) {
    const lines = value.map((d) => `  ${pct(d.score).padStart(6)}  ${d.label.padEnd(14)} ${showBox(d.box!)}`);
    return { lines: lines.length > 0 ? lines : ['  (nothing found)'] };
  }
  if (input === 'text') {
    // A text with no word the model knows gets even scores flagged `unknown`: said in words.
    const scores = value.map((l) => `${l.label} ${pct(l.score)}`).join(', ');
    return { head: value[0]?.unknown ? `unknown: no word the model knows (${scores})` : scores, lines: [] };
  }
  return { lines: value.map((p) => `  ${pct(p.score).padStart(6)}  ${p.label}`) };
}

// Faces are numbered from 1, largest first, as --out draws them; JSON keeps 0-based indexes.
function faces(value: { faces: Face[]; match?: FaceMatch | null }, reference: string | undefined): Shown {
  const lines = value.faces.map((f, i) => `  #${i + 1} face ${pct(f.score, 0)}  ${showBox(f.box)}  ${f.gender} ~${Math.round(f.age)}  ${f.expression}`);
  const m = value.match;
  if (m === null) lines.push(`  match ${reference}: no face to compare`);
  else if (m !== undefined) {
    const verdict = m.samePerson ? 'same person' : 'different people';
    lines.push(`  match ${reference}: ${verdict}: face #${m.face + 1} ${showBox(m.box)} and its face #${m.referenceFace + 1} ${showBox(m.referenceBox)} (distance ${m.distance.toFixed(3)}, threshold ${m.threshold})`);
  }
  const n = value.faces.length;
  return { head: `${n} face${n === 1 ? '' : 's'}`, lines };
}

type Pose = { score: number; box: Box; keypoints: Array<{ name: string; x: number; y: number; score: number }> };

/** People numbered from 1, best first; each keypoint as `name x,y score` on the line below (weak ones too, by score). */
function poses(value: Pose[]): Shown {
  const lines = value.flatMap((p, i) => [
    `  #${i + 1} person ${pct(p.score, 0)}  ${showBox(p.box)}`,
    `     ${p.keypoints.map((k) => `${k.name} ${Math.round(k.x)},${Math.round(k.y)} ${pct(k.score, 0)}`).join('  ')}`,
  ]);
  return { head: `${value.length} ${value.length === 1 ? 'person' : 'people'}`, lines };
}

type Read = { text: string; lines: Array<{ text: string; words: unknown[] }>; orientation: { degrees: number }; warning?: string };
const isRead = (v: unknown): v is Read => isObject(v) && typeof v.text === 'string' && Array.isArray(v.lines) && isObject(v.orientation);

/** OCR's answer: its lines of text below a count (and the turn it was read at); an empty one says why. */
function read(value: Read): Shown {
  const words = value.lines.reduce((n, l) => n + l.words.length, 0);
  const turned = value.orientation.degrees === 0 ? '' : `, page turned ${value.orientation.degrees} degrees`;
  const head = value.lines.length === 0 ? '(no text found)' : `${value.lines.length} line${value.lines.length === 1 ? '' : 's'}, ${words} word${words === 1 ? '' : 's'}${turned}`;
  const lines = value.lines.map((l) => `  ${l.text}`);
  return { head, lines: value.warning === undefined ? lines : [...lines, `  (${value.warning})`] };
}

/** How one answer is shown; `reference` is what faces were matched against (`--match`), if anything. */
export function shown(value: unknown, input: InputKind, reference?: string): Shown {
  if (isObject(value) && typeof value.text === 'string' && Array.isArray(value.chunks)) return { head: spoken(value as { text: string; chunks: unknown[] }), lines: [] };
  if (isRead(value)) return read(value);
  if (isObject(value) && Array.isArray(value.faces)) return faces(value as { faces: Face[]; match?: FaceMatch | null }, reference);
  if (Array.isArray(value) && value.length > 0 && every(value, (x) => Array.isArray(x.keypoints) && typeof x.score === 'number')) return poses(value as unknown as Pose[]);
  if (every(value, (x) => typeof x.summary_text === 'string')) return { lines: value.map((s) => `  ${String(s.summary_text)}`) };
  if (every(value, (x) => typeof x.start === 'number' && typeof x.end === 'number')) {
    return { head: value.map((s) => `${(s.start as number).toFixed(2)}-${(s.end as number).toFixed(2)}`).join(' ') || 'no speech', lines: [] };
  }
  if (every(value, (x) => typeof x.label === 'string' && typeof x.score === 'number')) return labels(value as unknown as Scored[], input);
  return { head: JSON.stringify(value), lines: [] };
}

/** The line(s) printed for one input: `input [-> file][: head]` and the lines below. */
export function humanLines(input: string, value: unknown, kind: InputKind, target?: string, reference?: string): string {
  const { head, lines } = shown(value, kind, reference);
  return [`${input}${target === undefined ? '' : ` -> ${target}`}${head === undefined ? '' : `: ${head}`}`, ...lines].join('\n');
}

/** The `text` format of a file: what would be printed, without the input's name (a transcript: its text). */
export function fileText(value: unknown, kind: InputKind, reference?: string): string {
  if (isObject(value) && typeof value.text === 'string' && Array.isArray(value.chunks)) return `${value.text}\n`;
  if (isRead(value)) return `${value.text}\n`;
  const { head, lines } = shown(value, kind, reference);
  return `${[...(head === undefined ? [] : [head]), ...lines.map((l) => l.replace(/^ {2}/, ''))].join('\n')}\n`;
}
