/** A request the server answered with an error, or could not answer at all. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiFailure(0, 'OFFLINE', 'The demo server is not answering. Is `pnpm demo` still running?');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body as T;
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const retry = Number(response.headers.get('retry-after'));
  throw new ApiFailure(
    response.status,
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}

export const getJson = <T>(path: string) => send<T>(path, {});

export const postJson = <T>(path: string, body: unknown) =>
  send<T>(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Uploads as multipart field `file`, as a form would. */
export function postFile<T>(path: string, file: Blob, name: string): Promise<T> {
  const form = new FormData();
  form.append('file', file, name);
  return send<T>(path, { method: 'POST', body: form });
}

export interface Label {
  label: string;
  score: number;
}

export interface Box {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface Detection extends Label {
  box: Box;
}

export interface Face {
  score: number;
  box: Box;
  age: number;
  gender: string;
  expression: string;
}

/** One person of pose-estimation: 17 COCO keypoints in pixels of the upright image, each with its score. */
export interface Pose {
  score: number;
  box: Box;
  keypoints: Array<{ name: string; x: number; y: number; score: number }>;
}

/** image-to-text (OCR): the lines read, each with its words, boxes in pixels of the upright image. */
export interface OcrText {
  text: string;
  lines: Array<{ text: string; confidence: number; box: Box; words: Array<{ text: string; confidence: number; box: Box }> }>;
  orientation: { degrees: number; confidence: number };
  warning?: string;
}

export interface Transcript {
  text: string;
  chunks: Array<{ timestamp: [number, number]; text: string }>;
}

export interface Result<T> {
  input: string;
  output: T;
}

/** One input of a batch: its result, or the error it alone failed with. */
export type Row<T> = Result<T> | { input: string; error: { code: string; message: string } };

export interface ModelInfo {
  name: string;
  task: string;
  description: string;
}
