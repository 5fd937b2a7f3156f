import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));

export interface RunningDemo {
  url: string;
  process: ChildProcess;
  /** Everything it wrote on stderr so far, for failure messages. */
  stderr(): string;
  /** Peak resident memory of the server process so far, in MB (Linux: VmHWM). */
  peakRssMB(): Promise<number>;
  stop(): Promise<number | null>;
}

/** The heap cap of `pnpm demo` (package.json at the root): tests must meet the limits the server really has. */
const HEAP_MB = 256;

/** Starts the built server the way `pnpm demo` does (from the repository root, with its heap cap), on a free port. */
export async function startDemo(args: string[] = []): Promise<RunningDemo> {
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, MAIN, '--port', '0', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout);
      if (found) resolve(found[0]);
    });
    child.once('exit', (code) => reject(new Error(`the demo server exited (${code}) before it listened:\n${stderr}`)));
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    async peakRssMB() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) / 1024;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
