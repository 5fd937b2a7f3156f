"""PyTorch CPU reference for bench/train-cnn: the same CNN, data, batch size and optimizer as the dlkit run.

Usage: python3 pytorch_cnn.py <mnist-json-dir> <samples> <threads>
Prints one JSON line: {"runtime": "pytorch", "samples", "threads", "seconds", "loss", "accuracy"}.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

data_dir, samples, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)

# Interleave the classes exactly as the TypeScript side does: sample k of digit 0, of digit 1, ... then k+1.
per_digit = [np.asarray(json.load(open(f"{data_dir}/{d}.json"))["data"], dtype=np.float32).reshape(-1, 784) for d in range(10)]
xs, ys = [], []
k = 0
while len(xs) < samples:
    for d in range(10):
        if k < len(per_digit[d]) and len(xs) < samples:
            xs.append(per_digit[d][k])
            ys.append(d)
    k += 1
x = torch.from_numpy(np.stack(xs).reshape(-1, 1, 28, 28))
y = torch.tensor(ys)

model = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

def epoch(x, y):
    total, correct, seen = 0.0, 0, 0
    for i in range(0, len(x), 64):
        xb, yb = x[i : i + 64], y[i : i + 64]
        optimizer.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
        correct += (out.argmax(1) == yb).sum().item()
        seen += len(xb)
    return total / seen, correct / seen

# Warm-up on two batches, as the tfjs side does.
epoch(x[:128], y[:128])
start = time.perf_counter()
loss, acc = epoch(x, y)
seconds = time.perf_counter() - start
print(json.dumps({"runtime": "pytorch", "samples": len(x), "threads": threads, "seconds": seconds, "loss": loss, "accuracy": acc}))
