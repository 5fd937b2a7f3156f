import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DlError, hostAllowed, isInside, isUrl, parseAllowedHost } from '@dlkit/core';
import { parseJob } from './job-schema.js';
import type { JobData } from './queue.js';
import { ownModels, resolveBatchTask } from './tasks.js';

/**
 * What this worker lets a job touch. The allow-lists are the worker's own flags, never anything a job says:
 * whoever reaches Redis writes job data, and a "declared roots" field in the job would be written by the same
 * hand as its input. `dl batch --queue` cannot know which workers take its jobs, so it declares nothing; it
 * prints the --allow-dir and --allow-host flags its inputs need, and the operator starts workers with them.
 */
export interface JobPolicy {
  /** Each root by the name it was given and by its real path: a job names inputs the first way. */
  readonly dirs: ReadonlyArray<{ readonly given: string; readonly real: string }>;
  /** `host` (any port) or `host:port`, as the URL parser writes them. */
  readonly hosts: ReadonlySet<string>;
  /** Models any task may load, and `task=NAME` ones for that task only (by the row's task name). */
  readonly models: { readonly any: ReadonlySet<string>; readonly byTask: ReadonlyMap<string, ReadonlySet<string>> };
}

export interface PolicyFlags {
  allowDirs: readonly string[];
  allowHosts: readonly string[];
  models: readonly string[];
}

/** The worker's allow-lists from its flags; a root that is not a directory fails the start, not every job. */
export async function createJobPolicy(flags: PolicyFlags): Promise<JobPolicy> {
  const dirs = await Promise.all(flags.allowDirs.map(allowedDir));
  const hosts = new Set(flags.allowHosts.map((host) => parseAllowedHost(host, '--allow-host')));
  const any = new Set<string>();
  const byTask = new Map<string, Set<string>>();
  for (const flag of flags.models) {
    const [, name, model] = /^([a-z-]+)=(.+)$/.exec(flag) ?? [];
    const task = name === undefined ? undefined : taskNamed(name);
    if (task !== undefined) byTask.set(task, (byTask.get(task) ?? new Set()).add(model!));
    else if (flag !== '') any.add(flag);
    else throw new DlError('INVALID_ARGUMENT', '--model needs a model name or TASK=NAME');
  }
  return { dirs, hosts, models: { any, byTask } };
}

/** The row's task name for a task name, alias or old name; undefined when `name` is none (then the flag is a model name). */
function taskNamed(name: string): string | undefined {
  try {
    return resolveBatchTask(name).definition.task;
  } catch {
    return undefined;
  }
}

async function allowedDir(dir: string): Promise<{ given: string; real: string }> {
  const given = resolve(dir);
  let real: string;
  try {
    real = await realpath(given);
  } catch {
    throw new DlError('INPUT_NOT_FOUND', `--allow-dir ${dir}: no such directory`);
  }
  if (!(await stat(real)).isDirectory()) throw new DlError('INVALID_ARGUMENT', `--allow-dir ${dir}: not a directory`);
  return { given, real };
}

/** A refusal: the same on every worker with these flags, so the job fails at once and is never retried. */
const refuse = (why: string) => new DlError('INVALID_ARGUMENT', `job refused by this worker: ${why}`);

/**
 * The job to run, or a DlError saying why not: its shape and options (job-schema), its model, and its input.
 * A path input comes back as its real path, so that the task reads the file that was checked, not whatever a
 * symbolic link swapped in afterwards points at.
 */
export async function admitJob(data: unknown, policy: JobPolicy): Promise<JobData> {
  const parsed = parseJob(data);
  if (!parsed.ok) throw refuse(parsed.why);
  const { task, options, input } = parsed.job;
  if (options.model !== undefined && !modelAllowed(task, options.model, policy)) {
    throw refuse(`model ${JSON.stringify(options.model)} is not one it was started with (dl worker --model NAME or ${task}=NAME)`);
  }
  const admitted = isUrl(input) ? admitUrl(input, policy.hosts) : await admitPath(input, policy.dirs);
  return { task, options, input: admitted };
}

/** A model the task loads itself (its default, or the one an old name implies), or one the worker's --model flags name. */
function modelAllowed(task: string, model: string, policy: JobPolicy): boolean {
  if (policy.models.any.has(model) || policy.models.byTask.get(task)?.has(model)) return true;
  return ownModels(resolveBatchTask(task).definition).includes(model);
}

function admitUrl(input: string, hosts: ReadonlySet<string>): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw refuse('not a valid URL');
  }
  if (!hostAllowed(url, hosts)) throw refuse(`host ${JSON.stringify(url.host)} is not in its --allow-host list`);
  return input;
}

async function admitPath(input: string, dirs: JobPolicy['dirs']): Promise<string> {
  if (!isAbsolute(input)) throw refuse('the input must be an absolute path or an http(s) URL');
  // By name first (`..` folded), so a path outside every root is refused without the file system being asked:
  // whether it exists is none of the job's business.
  const named = resolve(input);
  if (!dirs.some((dir) => isInside(named, dir.given) || isInside(named, dir.real))) throw refuse('the input is outside its --allow-dir roots');
  let real: string;
  try {
    real = await realpath(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Missing may be a slow mount: retried, as when the task itself finds no file.
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DlError('INPUT_NOT_FOUND', `${input}: no such file`);
    throw new DlError('INPUT_UNREADABLE', `${input}: ${code ?? 'cannot be resolved'}`);
  }
  if (!dirs.some((dir) => isInside(real, dir.real))) throw refuse('the input resolves (through a symbolic link) outside its --allow-dir roots');
  return real;
}
