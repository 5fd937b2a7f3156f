import { createRequire } from 'node:module';
import { dlSettings, errorMessage, onnxProviderStatus, probeTfjsBackends, selectTfjsBackend } from '@dlkit/core';
import { findFfmpeg } from '@dlkit/speech';
import { embeddedModelRequirements } from '@dlkit/vision';
import type { Output } from '../output.js';

function versionOf(pkg: string): string | undefined {
  try {
    // Resolved from @dlkit/core, which depends on the runtimes.
    const coreRequire = createRequire(createRequire(import.meta.url).resolve('@dlkit/core'));
    return (coreRequire(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Why a backend is unavailable and how to install it, or what an available one runs on (webgpu's adapter). */
function candidateDetail(c: { reason?: string; install?: string; device?: string }): string {
  if (c.reason !== undefined) return `: ${c.reason}${c.install ? ` (${c.install})` : ''}`;
  return c.device !== undefined ? `: ${c.device}` : '';
}

/** webgpu ranks after wasm (slower on the one adapter measured), so installed it still waits to be asked for. */
const OPT_IN = '; optional, used only with --backend webgpu or DL_BACKEND=webgpu';

/** OCR's optional peers (`dl vision ocr`): installed with their versions, or the npm install of those missing. */
function ocrStatus() {
  const { peers, install } = embeddedModelRequirements('tesseract-eng');
  return {
    installed: install === undefined,
    packages: peers.map((p) => ({ name: p.package, version: p.installed ?? null, tested: p.version })),
    ...(install !== undefined ? { install } : {}),
  };
}

function ocrLine(ocr: ReturnType<typeof ocrStatus>): string {
  if (ocr.install !== undefined) return `ocr      not installed (optional, for dl vision ocr): ${ocr.install}`;
  const versions = ocr.packages.map((p) => `${p.name} ${p.version}${p.version === p.tested ? '' : ` (tested: ${p.tested})`}`);
  return `ocr      ${versions.join(', ')} (dl vision ocr)`;
}

export async function doctor(out: Output, version: string): Promise<number> {
  let chosen: string | undefined;
  let selectionError: string | undefined;
  try {
    chosen = (await selectTfjsBackend()).backend;
  } catch (error) {
    selectionError = errorMessage(error);
  }
  const candidates = (await probeTfjsBackends()).map((c) => ({
    name: c.name,
    package: c.package,
    status: c.name === chosen ? 'chosen' : c.available ? 'available' : 'unavailable',
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(c.install !== undefined ? { install: c.install } : {}),
    ...(c.device !== undefined ? { device: c.device } : {}),
    ...(c.version !== undefined ? { version: c.version } : {}),
  }));
  const providers = onnxProviderStatus();
  const chosenProvider = providers.find((p) => p.available)?.name;
  const settings = dlSettings();
  const report = {
    dlkit: version,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    tfjs: {
      version: versionOf('@tensorflow/tfjs-core'),
      backend: chosen ?? null,
      forced: process.env.DL_BACKEND || null,
      ...(selectionError !== undefined ? { error: selectionError } : {}),
      candidates,
    },
    onnxruntime: {
      version: versionOf('onnxruntime-node'),
      provider: chosenProvider ?? null,
      providers: providers.map((p) => ({
        name: p.name,
        status: p.name === chosenProvider ? 'chosen' : p.available ? 'available' : 'unavailable',
        ...(p.reason !== undefined ? { reason: p.reason } : {}),
      })),
    },
    cacheDir: settings.cacheDir,
    offline: settings.offline,
    hub: settings.hubEndpoint,
    // Audio other than WAV needs it.
    ffmpeg: findFfmpeg(),
    // Optional peers of @dlkit/vision, which `dl vision ocr` runs on.
    ocr: ocrStatus(),
  };
  if (out.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const lines = [
      `dlkit ${version}, Node ${report.node}, ${report.platform}`,
      `tfjs ${report.tfjs.version ?? '?'}: backend ${chosen ?? `none (${selectionError})`}`,
      ...candidates.map((c) => `  ${c.name.padEnd(8)} ${c.status}${candidateDetail(c)}${c.name === 'webgpu' && c.status !== 'chosen' ? OPT_IN : ''}`),
      `onnxruntime ${report.onnxruntime.version ?? '?'}: provider ${chosenProvider ?? 'none'}`,
      ...report.onnxruntime.providers.map((p) => `  ${p.name.padEnd(8)} ${p.status}${p.reason ? `: ${p.reason}` : ''}`),
      `cache    ${settings.cacheDir}`,
      `offline  ${settings.offline ? 'yes (DL_OFFLINE)' : 'no'}`,
      `hub      ${settings.hubEndpoint}`,
      `ffmpeg   ${report.ffmpeg ?? 'none: only WAV audio is read (install ffmpeg or @ffmpeg-installer/ffmpeg, or set DL_FFMPEG)'}`,
      ocrLine(report.ocr),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return selectionError === undefined ? 0 : 1;
}
