"""TF-IDF (word 1-2-grams) + logistic regression, scikit-learn defaults: the classic baseline, on the CSVs run.mjs writes."""
import csv, json, sys
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

csv.field_size_limit(10**8)

def read(path):
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    return [r['text'] for r in rows], [r['label'] for r in rows]

jobs = json.load(open(sys.argv[1]))
out = {}
for job in jobs:
    x, y = read(job['train'])
    tx, ty = read(job['test'])
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000))
    model.fit(x, y)
    out[job["key"]] = sum(p == t for p, t in zip(model.predict(tx), ty)) / len(ty)
print(json.dumps(out))
