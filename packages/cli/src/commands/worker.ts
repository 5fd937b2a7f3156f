import { availableParallelism } from 'node:os';
import { UsageError } from '../cli-error.js';
import { listFlag, stringFlag, type CommandSpec, type ParsedCommand } from '../command/spec.js';

/**
 * `dl worker --queue redis://host:port --allow-dir DIR [--allow-host HOST] [--model NAME] [--concurrency N]`:
 * processes `dl batch --queue` jobs until stopped, each checked against the allow-lists first.
 */
export async function worker(parsed: ParsedCommand): Promise<number> {
  if (parsed.positionals.length > 0) throw new UsageError('worker takes no arguments: the jobs say what to do');
  const queue = stringFlag(parsed, 'queue');
  if (queue === undefined) throw new UsageError('worker needs --queue redis://host:port');
  const allowDirs = listFlag(parsed, 'allow-dir');
  const allowHosts = listFlag(parsed, 'allow-host');
  // Without either, every job would be refused: a worker that can do nothing is a mistake in its flags.
  if (allowDirs.length === 0 && allowHosts.length === 0) {
    throw new UsageError('worker needs --allow-dir DIR (the folder the inputs are in, as the jobs name it) or --allow-host HOST for URL inputs');
  }
  const { positiveInt } = await import('./arguments.js');
  const concurrency = positiveInt('--concurrency', stringFlag(parsed, 'concurrency')) ?? availableParallelism();
  const lockMs = positiveInt('--lock-ms', stringFlag(parsed, 'lock-ms')) ?? 30_000;
  const [{ runWorker }, { createJobPolicy }] = await Promise.all([import('../batch/queue.js'), import('../batch/job-policy.js')]);
  const policy = await createJobPolicy({ allowDirs, allowHosts, models: listFlag(parsed, 'model') });
  // Admitting a job checks its URL; core's reader checks every redirect it takes against the same list. The
  // pool's threads inherit this environment.
  process.env.DL_ALLOW_HOSTS = [...policy.hosts].join(',');
  return runWorker({ queue: { url: queue, name: stringFlag(parsed, 'queue-name') }, concurrency, lockMs, policy });
}

export const WORKER_COMMAND: CommandSpec = {
  words: ['worker'],
  summary: 'Run dl batch --queue jobs from Redis, only on inputs and models its flags allow',
  positional: '',
  flags: [
    { name: 'queue', kind: 'string', value: 'URL', description: 'the Redis the jobs are on (redis://host:port)' },
    { name: 'queue-name', kind: 'string', value: 'NAME', description: 'the queue on that Redis (default dlkit)' },
    { name: 'concurrency', kind: 'string', value: 'N', description: 'worker threads, each with its own copy of the models (default: one per core)' },
    { name: 'lock-ms', kind: 'string', value: 'MS', description: "how long a job's lock lasts unrenewed: a dead worker's jobs go to another after this (default 30000)" },
    { name: 'allow-dir', kind: 'string', multiple: true, value: 'DIR', description: 'a folder jobs may read inputs from (by real path; repeatable)' },
    { name: 'allow-host', kind: 'string', multiple: true, value: 'HOST[:PORT]', description: 'a host jobs may fetch URL inputs from, private addresses included (repeatable)' },
    { name: 'model', kind: 'string', multiple: true, value: 'NAME|TASK=NAME', description: "a model jobs may ask for besides each task's own (repeatable)" },
  ],
  details: ['A job is refused (never retried) when its input is outside --allow-dir/--allow-host, its model is not allowed, or its options are not its task\'s own.'],
  run: (parsed) => worker(parsed),
};
