import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the built CLI as a user would (the test script builds first).
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../vision/samples/cat.jpg', import.meta.url));

function dl(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dl (spawned)', () => {
  it('prints help and version', () => {
    const help = dl(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^dl: deep learning/);
    expect(help.stdout).toContain('vision classify');
    const version = dl(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers an unknown command or flag with usage on stderr and exit 2', () => {
    for (const args of [['bogus'], ['vision', 'classify', '--frobnicate', SAMPLE], ['vision', 'classify'], ['vision', 'classify', '--topk', 'x', SAMPLE]]) {
      const r = dl(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Usage: dl');
    }
  });

  it('classifies the sample photo: top-5 ImageNet labels, human and --json', () => {
    const human = dl(['vision', 'classify', SAMPLE]);
    expect(human.code).toBe(0);
    expect(human.stdout.trim().split('\n')).toHaveLength(6);
    expect(human.stdout).toMatch(/%\s+(Egyptian Mau|tabby cat|tiger cat)/);

    const json = dl(['vision', 'classify', '--json', '--topk', '3', SAMPLE, SAMPLE]);
    expect(json.code).toBe(0);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].input).toBe(SAMPLE);
    expect(lines[0].output).toHaveLength(3);
    expect(lines[0].output[0]).toEqual({ label: expect.any(String), score: expect.any(Number) });
  });

  it('reports a missing image in one line with its code, exit 1, and still processes the others', () => {
    const r = dl(['vision', 'classify', '--json', '/no/such/photo.jpg', SAMPLE]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ input: '/no/such/photo.jpg', error: { code: 'INPUT_NOT_FOUND', message: expect.stringContaining('/no/such/photo.jpg') } });
    expect(lines[1].output).toHaveLength(5);
    expect(r.stderr.trim().split('\n')).toEqual(['dl: INPUT_NOT_FOUND: /no/such/photo.jpg: no such file']);
    expect(r.stderr).not.toContain('    at ');
  });

  it('doctor --json reports wasm chosen and tfjs-node unavailable with the reason', () => {
    const r = dl(['doctor', '--json'], { DL_BACKEND: '' });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.tfjs.backend).toBe('wasm');
    const node = report.tfjs.candidates.find((c: { name: string }) => c.name === 'node');
    expect(node).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('@tensorflow/tfjs-node') });
    expect(report.onnxruntime.provider).toBe('cpu');
    expect(report.offline).toBe(false);
  });

  it('doctor with a forced backend that cannot load exits 1 with BACKEND_UNAVAILABLE', () => {
    const r = dl(['doctor', '--json', '--backend', 'node']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).tfjs.error).toContain('@tensorflow/tfjs-node is not installed');
  });

  it('models list shows the embedded MobileNetV2', () => {
    const r = dl(['models', 'list', '--json']);
    expect(r.code).toBe(0);
    const models = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(models).toContainEqual(expect.objectContaining({ name: 'mobilenetv2', task: 'image-classification' }));
  });

  it('a --model that is neither an embedded name nor a model folder is MODEL_NOT_FOUND, exit 1', () => {
    const r = dl(['vision', 'classify', '--model', '../../etc', SAMPLE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dl: MODEL_NOT_FOUND: /);
  });
});
