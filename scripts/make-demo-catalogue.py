#!/usr/bin/env python3
"""Writes docs/examples/demo-catalogue.csv: a DEMONSTRATION catalogue for the
Art Images data set's validation_set, so that the catalogue commands
(dissect, eval --by, map --colour) can be shown. It states no fact about the
pictures beyond their class folder:

  file        the picture's path relative to validation_set/
  class       its class folder (what the data set itself says)
  demo_date   a PSEUDO date drawn from a hash of the path, written in the
              ways catalogues write dates ("1503", "c. 1650", "1650-1660",
              "16th century", "early 16th century"); it is NOT the picture's date
  demo_group  a PSEUDO value (group A to E) from another hash: pure noise,
              which dissection should tie to no filter
  demo_terms  one or two PSEUDO terms ("term 1" to "term 8"), ';'-separated

Run: python3 scripts/make-demo-catalogue.py [DATA_DIR] (default ../shared/data/art-images)
"""
import csv
import hashlib
import os
import sys

data = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "data", "art-images")
root = os.path.join(data, "validation_set")
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "examples", "demo-catalogue.csv")


def h(rel, salt):
    return int.from_bytes(hashlib.sha256((salt + rel).encode()).digest()[:8], "big")


def ordinal(c):
    return {1: "st", 2: "nd", 3: "rd"}.get(c % 10 if c % 100 not in (11, 12, 13) else 0, "th")


def pseudo_date(rel):
    x = h(rel, "date")
    year = 1300 + x % 600
    form = (x >> 20) % 5
    c = (year - 1) // 100 + 1
    if form == 0:
        return str(year)
    if form == 1:
        return "c. %d" % year
    if form == 2:
        return "%d-%d" % (year, year + 5 + (x >> 30) % 20)
    if form == 3:
        return "%d%s century" % (c, ordinal(c))
    return "%s %d%s century" % (["early", "mid", "late"][(x >> 40) % 3], c, ordinal(c))


rows = []
for cls in sorted(os.listdir(root)):
    d = os.path.join(root, cls)
    if not os.path.isdir(d) or cls.startswith("."):
        continue
    for dirpath, _, names in os.walk(d):
        for n in sorted(names):
            if n.startswith("."):
                continue
            rel = os.path.relpath(os.path.join(dirpath, n), root).replace(os.sep, "/")
            g = "group " + "ABCDE"[h(rel, "group") % 5]
            t = h(rel, "terms")
            terms = ["term %d" % (1 + t % 8)]
            if (t >> 10) % 2:
                terms.append("term %d" % (1 + (t >> 20) % 8))
            rows.append([rel, cls, pseudo_date(rel), g, "; ".join(dict.fromkeys(terms))])
rows.sort()
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["file", "class", "demo_date", "demo_group", "demo_terms"])
    w.writerows(rows)
print("wrote %s: %d rows" % (os.path.relpath(out), len(rows)))
