import type { AnyTaskDefinition, Settled } from '@dlkit/core';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { describeError, errorResponse } from '../api-error.js';
import { DEMO_TASKS } from '../pipelines.js';
import { nextSlice } from '../queue.js';
import type { ServerContext } from '../server-context.js';
import { requestOptions, requestOptionsSchema } from '../task-options.js';
import { AUDIO, IMAGE, readTexts, readUpload, TEXT_LIMITS, textBodyTooLarge, type MediaKind } from '../upload.js';
import { PRESENTATIONS } from './presentations.js';

/** What an upload route takes, by the task's input kind. */
const MEDIA: Partial<Record<AnyTaskDefinition['input'], MediaKind>> = { image: IMAGE, audio: AUDIO };

/** Characters of text run in one go: ~300 ms of the sentiment model, the most a deadline waits for. */
const TEXT_SLICE_CHARS = 20_000;

/** Consecutive texts of at most TEXT_SLICE_CHARS in all (a longer text is a slice of its own). */
function slices(texts: string[]): string[][] {
  const out: string[][] = [];
  let chars = Infinity;
  for (const text of texts) {
    if (chars + text.length > TEXT_SLICE_CHARS) {
      out.push([]);
      chars = 0;
    }
    out.at(-1)!.push(text);
    chars += text.length;
  }
  return out;
}

/** A task's routes: `/<domain>/<name>` for its task name and each alias (`/vision/image-classification`, `/vision/classify`). */
export function taskPaths(task: AnyTaskDefinition): string[] {
  return [...new Set([task.task, ...task.aliases])].map((name) => `/${task.domain}/${name}`);
}

/** `query` split into the presentation's own parameters and the rest. */
function splitQuery(task: AnyTaskDefinition, query: Record<string, string>) {
  const own = PRESENTATIONS[task.task]?.params ?? [];
  const { model, ...rest } = query;
  const options = Object.fromEntries(Object.entries(rest).filter(([key]) => !own.includes(key)));
  return { model: model === '' ? undefined : model, options };
}

/** POST an image or a recording (multipart field `file`, or the raw body): `{input, output}`. */
function uploadRoute({ pipelines, queue }: ServerContext, task: AnyTaskDefinition, media: MediaKind) {
  const presentation = PRESENTATIONS[task.task];
  return async (c: Context) => {
    let input: string | undefined;
    try {
      const query = c.req.query();
      const split = splitQuery(task, query);
      const model = pipelines.checkModel(task, split.model);
      const requested = requestOptions(task, split.options);
      presentation?.check(query);
      queue.admit();
      const upload = await readUpload(c, media);
      input = upload.name;
      const answer = await queue.run(async (signal) => {
        const options = pipelines.callOptions(task, requested, signal);
        const output = await (await pipelines.get(task, model))(upload.bytes, options);
        return { output, extra: await presentation?.extend?.(upload.bytes, output, query) };
      });
      return presentation?.render?.(c, answer.output, query) ?? c.json({ input, output: answer.output, ...answer.extra });
    } catch (error) {
      return errorResponse(c, error, input);
    }
  };
}

/** A batch's answer row: a text that fails has its error, and the others their results (as `dl --json` does). */
function row(result: Settled<unknown>, input: string) {
  return result.ok ? { input, output: result.value } : { input, error: describeError(result.error).error };
}

/** POST JSON `{text}` or `{texts: [...]}` (with `model` and the task's options as fields), or text/plain. */
function textRoute({ pipelines, queue }: ServerContext, task: AnyTaskDefinition) {
  return async (c: Context) => {
    try {
      const split = splitQuery(task, c.req.query());
      // Checked before the body is read, and again with the body's fields.
      requestOptions(task, split.options);
      queue.admit();
      const request = await readTexts(c);
      const model = pipelines.checkModel(task, request.model ?? split.model);
      const requested = requestOptions(task, { ...split.options, ...request.options });
      const results = await queue.run(async (signal) => {
        const options = pipelines.callOptions(task, requested, signal);
        const pipeline = await pipelines.get(task, model);
        const settled: Array<Settled<unknown>> = [];
        for (const slice of slices(request.texts)) {
          await nextSlice(signal);
          settled.push(...(await pipeline.each(slice, options)));
        }
        return settled;
      });
      if (request.batch) return c.json(results.map((result, i) => row(result, `texts[${i}]`)));
      const [only] = results;
      if (!only!.ok) throw only!.error;
      return c.json({ input: 'text', output: only!.value });
    } catch (error) {
      return errorResponse(c, error);
    }
  };
}

/**
 * Every task of the domains' tables as a route, by its input kind: adding a task to a table adds its route here.
 * `GET /tasks` lists them with the models and options each takes.
 */
export function taskRoutes(context: ServerContext): Hono {
  const routes = new Hono();
  const textLimit = bodyLimit({ maxSize: TEXT_LIMITS.bodyBytes, onError: (c) => errorResponse(c, textBodyTooLarge()) });
  const served = new Map<AnyTaskDefinition, string[]>();
  const taken = new Set<string>();
  for (const task of DEMO_TASKS) {
    const media = MEDIA[task.input];
    const handler = media === undefined ? textRoute(context, task) : uploadRoute(context, task, media);
    // As the tables' own lookup does: where two tasks of a domain share a name, the first one has it.
    const paths = taskPaths(task).filter((path) => !taken.has(path));
    for (const path of paths) {
      taken.add(path);
      if (media === undefined) routes.post(path, textLimit, handler);
      else routes.post(path, handler);
    }
    served.set(task, paths);
  }
  routes.get('/tasks', (c) =>
    c.json(
      [...served].map(([task, paths]) => ({
        task: task.task,
        domain: task.domain,
        summary: task.summary,
        input: task.input,
        output: task.output,
        routes: paths.map((path) => `/api${path}`),
        models: context.pipelines.models(task),
        options: z.toJSONSchema(requestOptionsSchema(task), { unrepresentable: 'any' }),
      })),
    ),
  );
  return routes;
}
