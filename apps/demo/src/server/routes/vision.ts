import { drawDetections } from '@dlkit/vision';
import { Hono } from 'hono';
import { errorResponse } from '../api-error.js';
import { fractionParam, intParam } from '../params.js';
import type { ServerContext } from '../server-context.js';
import { IMAGE, readUpload } from '../upload.js';

/** POST /classify, /detect, /faces: an image in, the CLI's `--json` object out. */
export function visionRoutes({ pipelines, queue }: ServerContext): Hono {
  const routes = new Hono();

  routes.post('/classify', async (c) => {
    let input: string | undefined;
    try {
      const topk = intParam(c.req.query('topk'), 'topk', { min: 1, max: 1000, fallback: 5 });
      const model = c.req.query('model') ?? 'mobilenetv2';
      queue.admit();
      const upload = await readUpload(c, IMAGE);
      input = upload.name;
      const output = await queue.run(async () => (await pipelines.classifier(model)).classify(upload.bytes, { topk }));
      return c.json({ input, output });
    } catch (error) {
      return errorResponse(c, error, input);
    }
  });

  routes.post('/detect', async (c) => {
    let input: string | undefined;
    try {
      const threshold = fractionParam(c.req.query('threshold'), 'threshold');
      const annotate = c.req.query('image') === '1';
      queue.admit();
      const upload = await readUpload(c, IMAGE);
      input = upload.name;
      const body = await queue.run(async () => {
        const detector = await pipelines.detector();
        const [result] = await detector.detectEach([upload.bytes], { keepImage: annotate, ...(threshold !== undefined ? { threshold } : {}) });
        if (!result!.ok) throw result!.error;
        const { detections, image, width, height } = result!.value;
        // The annotated image rides along as a data URL, so one request gives the page both.
        const annotated = annotate && image ? `data:image/jpeg;base64,${(await drawDetections(image, detections, 'jpeg')).toString('base64')}` : undefined;
        // The boxes are in pixels of the upright image: its size lets a page scale them to what it shows.
        return { input, output: detections, size: { width, height }, ...(annotated ? { image: annotated } : {}) };
      });
      return c.json(body);
    } catch (error) {
      return errorResponse(c, error, input);
    }
  });

  routes.post('/faces', async (c) => {
    let input: string | undefined;
    try {
      queue.admit();
      const upload = await readUpload(c, IMAGE);
      input = upload.name;
      const output = await queue.run(async () => (await pipelines.faces()).analyze(upload.bytes));
      return c.json({ input, output });
    } catch (error) {
      return errorResponse(c, error, input);
    }
  });

  return routes;
}
