import { listEmbeddedModels } from '@dlkit/core';
import type { Output } from '../output.js';

export async function modelsList(out: Output): Promise<number> {
  // Importing a task package registers the models it ships.
  await Promise.all([import('@dlkit/vision'), import('@dlkit/nlp'), import('@dlkit/speech')]);
  const models = listEmbeddedModels();
  if (out.json) {
    for (const m of models) process.stdout.write(`${JSON.stringify({ name: m.name, task: m.task, package: m.package, description: m.description, dir: m.dir })}\n`);
    return 0;
  }
  const width = Math.max(...models.map((m) => m.name.length), 4);
  const taskWidth = Math.max(...models.map((m) => m.task.length), 4);
  process.stdout.write(`${'NAME'.padEnd(width)}  ${'TASK'.padEnd(taskWidth)}  DESCRIPTION\n`);
  for (const m of models) process.stdout.write(`${m.name.padEnd(width)}  ${m.task.padEnd(taskWidth)}  ${m.description}\n`);
  return 0;
}
