"""The scikit-learn side of bench/tabular/run.mjs: the same tables and the same seeded train/validation/test rows.

Reads the split file run.mjs wrote (argv[1]); for every set and seed, fits each model family on the training rows,
chooses its hyperparameters on the validation rows only, and scores the chosen one on the test rows. Prints JSON.
"""
import json
import sys
import warnings

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore", category=ConvergenceWarning)


def grid(**axes):
    keys = list(axes)
    combos = [{}]
    for key in keys:
        combos = [dict(c, **{key: v}) for c in combos for v in axes[key]]
    return combos


def families(task, seed):
    """Model family -> (constructor from params, the params tried)."""
    if task == "classification":
        return {
            "LogisticRegression": (lambda p: make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000, **p)), grid(C=[0.01, 0.1, 1, 10, 100])),
            "MLPClassifier": (
                lambda p: make_pipeline(StandardScaler(), MLPClassifier(max_iter=2000, random_state=seed, **p)),
                grid(hidden_layer_sizes=[(100,), (64, 32)], alpha=[1e-4, 1e-2, 1.0]),
            ),
            "HistGradientBoosting": (
                lambda p: HistGradientBoostingClassifier(random_state=seed, **p),
                grid(learning_rate=[0.03, 0.1], max_leaf_nodes=[15, 31]),
            ),
        }
    return {
        "Ridge": (lambda p: make_pipeline(StandardScaler(), Ridge(**p)), grid(alpha=[0.01, 0.1, 1, 10, 100])),
        "MLPRegressor": (
            # The target scaled too (as dlkit's is): on raw disease-progression units Adam needs thousands of epochs.
            lambda p: TransformedTargetRegressor(make_pipeline(StandardScaler(), MLPRegressor(max_iter=2000, random_state=seed, **p)), transformer=StandardScaler()),
            grid(hidden_layer_sizes=[(100,), (64, 32)], alpha=[1e-4, 1e-2, 1.0]),
        ),
        "HistGradientBoosting": (
            lambda p: HistGradientBoostingRegressor(random_state=seed, **p),
            grid(learning_rate=[0.03, 0.1], max_leaf_nodes=[15, 31]),
        ),
    }


def score(task, y, predicted):
    return accuracy_score(y, predicted) if task == "classification" else r2_score(y, predicted)


def main(path):
    with open(path) as f:
        spec = json.load(f)
    out = []
    for s in spec["sets"]:
        x = np.array([[float(v) for v in row[: len(s["features"])]] for row in s["rows"]])
        raw = [row[len(s["features"])] for row in s["rows"]]
        y = np.array(raw if s["task"] == "classification" else [float(v) for v in raw])
        for split in s["splits"]:
            tr, va, te = (np.array(split[k]) for k in ("train", "validation", "test"))
            for name, (make, params) in families(s["task"], split["seed"]).items():
                best = None
                for p in params:
                    model = make(p).fit(x[tr], y[tr])
                    v = score(s["task"], y[va], model.predict(x[va]))
                    if best is None or v > best[0]:
                        best = (v, p, model)
                v, p, model = best
                test = score(s["task"], y[te], model.predict(x[te]))
                out.append({"set": s["name"], "seed": split["seed"], "model": name, "params": {k: list(w) if isinstance(w, tuple) else w for k, w in p.items()}, "validation": v, "test": test})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
