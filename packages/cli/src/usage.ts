// Kept free of imports so that `dl --help` starts without loading any runtime.
export const USAGE = `dl: deep learning from the command line, offline by default

Usage: dl <command> [options]

Commands:
  vision classify <images...>   Top-k ImageNet labels for each image (embedded MobileNetV2)
      --topk N                  labels per image (default 5)
      --model NAME|DIR          embedded model name or model folder (default mobilenetv2)
      --threads N               onnxruntime threads
  models list                   Models shipped with dlkit
  doctor                        Backends, versions, cache and offline settings, and why each was chosen

Options for every command:
  --json                        one JSON object per line on stdout: {"input": ..., "output": ...}
  --backend NAME                force a tfjs backend: node-gpu, node, wasm or cpu (or DL_BACKEND)
  -h, --help                    this help
  -v, --version                 the version

Environment: DL_BACKEND, DL_CACHE (default ~/.cache/dlkit), DL_OFFLINE=1, DL_DEBUG=1 (stack traces)
`;
