import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Shared by the CLI's test files (not itself a test file, and not built into dist).
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface DlRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunDlOptions {
  /** Merged over the test's own environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Standard input; closed at once when absent. */
  input?: string | Buffer;
  /** Killed (SIGKILL) after this long; default 180 s. */
  timeoutMs?: number;
  /** A command in front of node, e.g. `['/usr/bin/time', '-f', '%M']`. */
  prefix?: string[];
}

/**
 * Runs the built `dl` as a user would and collects its output. Never spawnSync: a test worker blocked for more
 * than vitest's 60 s RPC timeout fails the whole run ("Timeout calling onTaskUpdate").
 */
export function runDl(args: string[], options: RunDlOptions = {}): Promise<DlRun> {
  const [command, ...before] = [...(options.prefix ?? []), process.execPath];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, [...before, BIN, ...args], { env: { ...process.env, ...options.env }, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // a command that exits before reading its input
    child.stdin.end(options.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * `run` over every item, at most `limit` at a time, results in the items' order. CLI runs are mostly their ~1 s cold
 * start: two or three at once overlap it on a 2-core machine, where all at once would only add contention.
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
