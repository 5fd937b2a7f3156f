import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';

// The packages as a user gets them: packed tarballs installed with npm into a folder outside the repository, with
// their dependencies from the registry, and used by plain scripts. Slow (minutes), as a real install is.
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FSDD = testDataset('fsdd');
const PACKAGES = ['core', 'vision', 'nlp', 'speech', 'tabular', 'cli'] as const;
const INSTALL_MS = 600_000;
/**
 * node_modules MB (du) of each install, at most. nlp: issue 21's target (measured 118.6). speech, vision and all
 * six miss theirs (350, 400, 450) because of onnxruntime-node alone: 287 MB as npm lays it out (binaries for five
 * platforms, its macOS library twice), the classifier's and Silero VAD's runtime; their bounds are what they
 * measure (399.8; 493.0 and 528.1 with the embedded MoveNet, 4.7 MB) plus a little, so that a dependency coming
 * back (transformers.js: +330 MB; OCR's optional tesseract.js: +63 MB) fails here. bench/install-size/run.mjs measures the same installs (bench/RESULTS.md, "Install size").
 */
const MAX_MB = { nlp: 120, speech: 405, vision: 498, cli: 533 } as const;
/** A hub id for the text tasks: only its reference matters here (the install has no transformers.js). */
const HUB_TEXT_MODEL = 'Xenova/distilbert-base-uncased-finetuned-sst-2-english';

let work: string;
const tarballs: Record<string, string> = {};
/** The project holding all six packages: installed once, for the CLI checks and the strict TypeScript consumer. */
let everything: ReturnType<typeof project> | undefined;
const allPackages = () => (everything ??= project('all', [...PACKAGES]));

/** npm without the settings pnpm passes to the scripts it runs, and without onnxruntime-node's CUDA download. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_)/i.test(k)));
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

/** Runs a command to its end without blocking the test worker (a blocked worker misses vitest's heartbeats). */
async function run(command: string, args: string[], cwd: string, timeout = 120_000): Promise<{ stdout: string }> {
  try {
    return await promisify(execFile)(command, args, { cwd, encoding: 'utf8', env: npmEnv(), timeout, maxBuffer: 32 * 1024 * 1024 });
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${e.code}:\n${e.stdout}\n${e.stderr}`);
  }
}

/** A new npm project holding the given packed packages, and a script runner in it. */
async function project(name: string, packages: Array<(typeof PACKAGES)[number]>) {
  const dir = join(work, name);
  mkdirSync(dir);
  await run('npm', ['init', '-y'], dir);
  await run('npm', ['install', ...packages.map((p) => tarballs[p]!)], dir, INSTALL_MS);
  return {
    dir,
    async script(file: string, code: string, ...args: string[]) {
      writeFileSync(join(dir, file), code);
      return (await run(process.execPath, [file, ...args], dir)).stdout.trim();
    },
  };
}

/** A project's node_modules in MB (MiB of disk, as du counts them). */
async function nodeModulesMB(dir: string): Promise<number> {
  return Number((await run('du', ['-sk', 'node_modules'], dir)).stdout.split('\t')[0]) / 1024;
}

describe('packed packages installed with npm outside the repository', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dlkit-pack-'));
    const packs = join(work, 'packs');
    mkdirSync(packs);
    for (const p of PACKAGES) {
      await run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', packs], join(REPO, 'packages', p));
    }
    for (const file of readdirSync(packs)) tarballs[/^dlkit-(\w+)-/.exec(file)![1]!] = join(packs, file);
  }, INSTALL_MS);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('each tarball holds built code, types, README, LICENSE and its models, and nothing else', async () => {
    for (const p of PACKAGES) {
      const files = (await run('tar', ['tzf', tarballs[p]!], work)).stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
      expect(files, p).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', p === 'cli' ? 'dist/bin.js' : 'dist/index.d.ts']));
      const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts)|models\/.+|samples\/.+)$/.test(f) || /\.test\.|\.map$|fixtures\//.test(f));
      expect(stray, p).toEqual([]);
      const manifest = JSON.parse((await run('tar', ['xzf', tarballs[p]!, '-O', 'package/package.json'], work)).stdout) as { dependencies?: Record<string, string> };
      expect(Object.values(manifest.dependencies ?? {}).filter((v) => v.startsWith('workspace:')), p).toEqual([]);
    }
  });

  it('publint finds nothing to fix in any package', async () => {
    for (const p of PACKAGES) {
      const { stdout } = await run(join(REPO, 'node_modules/.bin/publint'), ['--strict'], join(REPO, 'packages', p));
      expect(stdout, p).toMatch(/All good!/);
    }
  }, INSTALL_MS);

  it('@dlkit/vision: classifies a photo from ESM and reads a digit from CommonJS', async () => {
    const vision = await project('vision', ['core', 'vision']);
    expect(await nodeModulesMB(vision.dir)).toBeLessThanOrEqual(MAX_MB.vision);
    const label = await vision.script(
      'classify.mjs',
      `import { pipeline } from '@dlkit/vision';
const classify = await pipeline('image-classification');
const [top] = await classify(process.argv[2]);
console.log(top.label);
await classify.dispose();
`,
      join(REPO, 'packages/vision/samples/cat.jpg'),
    );
    expect(label).toMatch(/Mau|tabby|tiger cat|Egyptian/);
    const digit = await vision.script(
      'digit.cjs',
      `const { pipeline } = require('@dlkit/vision');
(async () => {
  const digits = await pipeline('image-classification', 'digits');
  console.log((await digits(process.argv[2]))[0].label);
  await digits.dispose();
})();
`,
      join(REPO, 'packages/vision/samples/digit-7-paper.jpg'),
    );
    expect(digit).toBe('7');
  }, INSTALL_MS);

  it('@dlkit/nlp: scores a sentence from ESM and summarizes from CommonJS', async () => {
    const nlp = await project('nlp', ['core', 'nlp']);
    expect(await nodeModulesMB(nlp.dir)).toBeLessThanOrEqual(MAX_MB.nlp);
    expect(
      await nlp.script(
        'sentiment.mjs',
        `import { pipeline } from '@dlkit/nlp';
const sentiment = await pipeline('sentiment-analysis');
console.log((await sentiment('A warm, funny and beautifully acted film.'))[0].label);
await sentiment.dispose();
`,
      ),
    ).toBe('POSITIVE');
    expect(
      await nlp.script(
        'summary.cjs',
        `const { summarizeExtractive } = require('@dlkit/nlp');
const text = 'The river floods the valley every spring. My neighbour collects stamps. The floods leave rich soil in the valley.';
console.log(summarizeExtractive(text, { sentences: 1 })[0].summary_text);
`,
      ),
    ).toMatch(/flood/);
    // transformers.js is an optional peer: a hub model without it is DEPENDENCY_MISSING naming the install command,
    // before any network (the hub endpoint is a closed port: reaching it would be MODEL_OFFLINE).
    const missing = await nlp.script(
      'hub.mjs',
      `import { pipeline } from '@dlkit/nlp';
process.env.DL_HUB_ENDPOINT = 'http://127.0.0.1:9';
await pipeline('text-classification', process.argv[2]).then(() => console.log('loaded'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));
`,
      HUB_TEXT_MODEL,
    );
    expect(JSON.parse(missing)).toEqual({ code: 'DEPENDENCY_MISSING', message: expect.stringContaining('npm install @huggingface/transformers@4.3.1') });
  }, INSTALL_MS);

  it.skipIf(!FSDD)('@dlkit/speech: transcribes an FSDD recording from ESM and reads its samples from CommonJS', async () => {
    const speech = await project('speech', ['core', 'speech']);
    expect(await nodeModulesMB(speech.dir)).toBeLessThanOrEqual(MAX_MB.speech);
    const wav = join(FSDD!, 'recordings', '4_nicolas_2.wav');
    expect(
      await speech.script(
        'transcribe.mjs',
        `import { pipeline } from '@dlkit/speech';
const transcribe = await pipeline('automatic-speech-recognition', 'speech-digits');
console.log((await transcribe(process.argv[2])).text);
await transcribe.dispose();
`,
        wav,
      ),
    ).toBe('four');
    expect(
      Number(
        await speech.script(
          'samples.cjs',
          `const { readAudio, SAMPLE_RATE } = require('@dlkit/speech');
readAudio(process.argv[2]).then((samples) => console.log(samples.length / SAMPLE_RATE));
`,
          wav,
        ),
      ),
    ).toBeGreaterThan(0.2);
  }, INSTALL_MS);

  it('@dlkit/cli: npx dl --help, npx @dlkit/cli --help and npx dl vision classify --json', async () => {
    const cli = await allPackages();
    expect(await nodeModulesMB(cli.dir)).toBeLessThanOrEqual(MAX_MB.cli);
    expect((await run('npx', ['--no-install', 'dl', '--help'], cli.dir)).stdout).toMatch(/vision classify/);
    // The documented one-off way outside a project (`npx @dlkit/cli <args>`): here it resolves the installed package.
    expect((await run('npx', ['--no-install', '@dlkit/cli', '--help'], cli.dir)).stdout).toMatch(/vision classify/);
    const line = JSON.parse((await run('npx', ['--no-install', 'dl', 'vision', 'classify', join(REPO, 'packages/vision/samples/cat.jpg'), '--json'], cli.dir)).stdout) as {
      output: Array<{ label: string }>;
    };
    expect(line.output).toHaveLength(5);
    // A hub model in a project without transformers.js: exit 1 and one line naming the install command.
    await expect(run('npx', ['--no-install', 'dl', 'nlp', 'sentiment', '--model', HUB_TEXT_MODEL, '--text', 'a fine film'], cli.dir)).rejects.toThrow(
      /exited 1:[\s\S]*DEPENDENCY_MISSING[\s\S]*npm install @huggingface\/transformers@4\.3\.1/,
    );
  }, INSTALL_MS);

  it('a strict TypeScript project (skipLibCheck false, nodenext) compiles against every package: fixtures/strict-consumer', async () => {
    const all = await allPackages();
    await run('npm', ['install', '--no-save', '@types/node@20'], all.dir, INSTALL_MS);
    // A folder inside the project (its own package.json: "type": "module"), resolving the packages from its parent.
    const consumer = join(all.dir, 'strict-consumer');
    await run('cp', ['-r', join(REPO, 'packages/cli/src/fixtures/strict-consumer'), consumer], work);
    // Exit 0 or the compiler's errors in the message: a dependency's declarations our public types reach fail here.
    await run(join(REPO, 'node_modules/.bin/tsc'), ['-p', consumer], consumer, INSTALL_MS);
  }, INSTALL_MS);
});
