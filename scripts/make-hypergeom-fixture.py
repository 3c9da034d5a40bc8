#!/usr/bin/env python3
"""Writes catalogue/testdata/hypergeom.json: scipy's hypergeometric upper
tails P(X >= k), for catalogue.TestHypergeomScipy (the dissection's p-values). Needs scipy (Debian: apt-get install python3-scipy; run with /usr/bin/python3).

Each case: K (the count seen, k), N (collection size), Marked (pictures with
the value), Drawn (the filter's top), SF = hypergeom.sf(k-1, N, Marked, Drawn)
and LogSF = hypergeom.logsf(k-1, ...). Run: python3 scripts/make-hypergeom-fixture.py
"""
import json
import os

import scipy
from scipy.stats import hypergeom

cases = [
    # k, N, marked, drawn
    (2, 10, 4, 3),
    (18, 10000, 300, 50),   # "18 of its top 50 against 3 % of the collection"
    (5, 10000, 300, 50),
    (2, 10000, 300, 50),
    (1, 10000, 300, 50),
    (50, 10000, 300, 50),   # every one of the top: a tail near 1e-100
    (40, 1000, 100, 50),
    (10, 1000, 100, 50),
    (6, 1000, 100, 50),
    (3, 100000, 50, 100),
    (100, 100000, 5000, 100),
    (30, 5000, 2500, 50),
    (45, 5000, 2500, 50),
    (7, 761, 112, 50),
    (25, 761, 112, 50),
    (1, 761, 1, 50),
    (12, 200, 20, 20),
]
out = []
for k, n_all, marked, drawn in cases:
    out.append({
        "K": k, "N": n_all, "Marked": marked, "Drawn": drawn,
        "SF": float(hypergeom.sf(k - 1, n_all, marked, drawn)),
        "LogSF": float(hypergeom.logsf(k - 1, n_all, marked, drawn)),
    })
path = os.path.join(os.path.dirname(__file__), "..", "catalogue", "testdata", "hypergeom.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump({"scipy": scipy.__version__, "cases": out}, f, indent=1)
    f.write("\n")
print("wrote", path, "scipy", scipy.__version__)
