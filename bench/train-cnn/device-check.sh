#!/usr/bin/env bash
# Issue 24 item 3 on a machine with more cores: bench/train-cnn's scaling table at 1, 2, 4, 8 and 16 threads in one
# run (dlkit's `fit` with `workers: N` against PyTorch CPU with torch.set_num_threads(N)), in under 8 minutes on 16
# cores. Made for the device machines, which have python3 with PyTorch but no node and no network:
#   here:  pnpm install, build core, then  node bench/train-cnn/carry.mjs  (writes bench/train-cnn/out/device-carry.tar.xz)
#   there: the device tool's run with carry ["bench/train-cnn/out"] and the command  bash bench/train-cnn/device-check.sh
# On a machine that has node and this repository installed it runs as it is. The table goes to stdout and, where OUT
# is set, to $OUT/train-cnn-scaling.md. THREADS (default 1,2,4,8,16, cut to the cores there) and SAMPLES (default
# 10000; fewer if the epochs run long) override.
set -euo pipefail
cd "$(dirname "$0")/../.."

carry=bench/train-cnn/out/device-carry.tar.xz
node_bin=node
if [ -f "$carry" ] && { ! command -v node >/dev/null || [ ! -e node_modules ]; }; then
  unpacked=/tmp/dlkit-device-carry
  mkdir -p "$unpacked"
  tar -xJf "$carry" -C "$unpacked"
  # ES modules resolve by folders, not NODE_PATH: the repository's node_modules is the carried one.
  [ -e node_modules ] || ln -s "$unpacked/node_modules" node_modules
  command -v node >/dev/null || node_bin="$unpacked/node"
  export DL_DATA_MIRROR="$unpacked/data"
fi
export DL_CACHE="${DL_CACHE:-/tmp/dlkit-cache}" DL_OFFLINE=1

# fit refuses more workers than cores: keep the counts this machine has.
cores=$(nproc)
threads=$(echo "${THREADS:-1,2,4,8,16}" | tr ',' '\n' | awk -v c="$cores" '$1 <= c' | paste -sd, -)
python=$(command -v python3)
echo "cores: $cores; threads: $threads; samples: ${SAMPLES:-10000}; python: $python; $(uptime)"
report=/dev/null
[ -n "${OUT:-}" ] && report="$OUT/train-cnn-scaling.md"
"$node_bin" bench/train-cnn/run.mjs --threads "$threads" --samples "${SAMPLES:-10000}" --skip-cpu --python "$python" | tee "$report"
echo "after: $(uptime)"
