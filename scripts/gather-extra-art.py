#!/usr/bin/env python3
"""Rebuild the supplementary training set (issue 30) from its SOURCES file.

Each row of docs/extra-art-SOURCES.tsv names a public GitHub repository, a
commit and a path; this script takes the file at that commit, checks that it
decodes and is at least --min-side pixels on its shorter side, and writes it
to OUT/<class>/<file>. Pictures stay outside the repository: the training
command reads them from the folder (`artlens train --extra OUT`).

Repositories are read from bare mirrors when --mirrors is given (a folder of
owner+name/repo git directories, as this project's fetch tool leaves them);
otherwise each is cloned blobless from github.com into --cache.

With --candidates (a JSON list of rows, the gathering step), the script also
de-duplicates: a 64-bit difference hash (dHash: 9x8 grayscale, one bit per
horizontal neighbour pair) of every candidate is compared with those of the
data set's test split (validation_set), of outside-art and of the candidates
kept so far, and so is a 64-bit DCT hash (pHash: the 8x8 lowest frequencies
of a 32x32 grayscale copy against their median); both within --max-distance
bits drops it. Any
candidate whose title matches an outside-art title is dropped too. It then
writes the kept rows as the SOURCES file and prints the counts.

Needs Pillow, NumPy, SciPy and git. Usage:
  scripts/gather-extra-art.py --sources docs/extra-art-SOURCES.tsv --out /work/extra-art
  scripts/gather-extra-art.py --candidates rows.json --sources-out docs/extra-art-SOURCES.tsv \
      --data ../shared/data/art-images --outside ../shared/data/outside-art --out /work/extra-art
"""
import argparse
import collections
import csv
import io
import json
import os
import re
import subprocess
import sys

from PIL import Image

COLUMNS = ["file", "class", "title", "artist_or_origin", "date_if_known",
           "repo", "path_in_repo", "commit", "licence_note"]
CLASSES = ["drawings", "iconography", "painting", "sculpture"]


def dhash(img):
    """dhash is the 64-bit difference hash of a PIL image."""
    g = img.convert("L").resize((9, 8), Image.BILINEAR)
    px = list(g.getdata())
    h = 0
    for y in range(8):
        for x in range(8):
            h = (h << 1) | (px[y * 9 + x] > px[y * 9 + x + 1])
    return h


def phash(img):
    """phash is the 64-bit DCT hash: the 8x8 lowest frequencies of a 32x32
    grayscale copy, one bit per coefficient above their median."""
    import numpy as np
    from scipy.fft import dctn
    g = np.asarray(img.convert("L").resize((32, 32), Image.BILINEAR), dtype=np.float64)
    low = dctn(g, norm="ortho")[:8, :8].flatten()
    med = np.median(low[1:])
    h = 0
    for v in low:
        h = (h << 1) | int(v > med)
    return h


def hashes(img):
    return dhash(img), phash(img)


def near(a, b, d):
    """near says whether two pictures' (dHash, pHash) pairs are both within
    d bits: either 64-bit hash alone matches unrelated pictures now and then
    (a landscape and an icon of similar layout), both together rarely."""
    return bin(a[0] ^ b[0]).count("1") <= d and bin(a[1] ^ b[1]).count("1") <= d


def hash_file(path):
    try:
        with Image.open(path) as im:
            im.load()
            return hashes(im)
    except Exception:
        return None


def hash_tree(root):
    out = []
    for dirpath, _, files in os.walk(root, followlinks=True):
        for f in files:
            h = hash_file(os.path.join(dirpath, f))
            if h is not None:
                out.append((h, os.path.relpath(os.path.join(dirpath, f), root)))
    return out


def norm_title(t):
    t = re.sub(r"\(.*?\)", " ", t.lower())
    t = t.replace("'", "").replace("\u2019", "")
    t = re.sub(r"[^a-z0-9]+", " ", t)
    t = re.sub(r"\b(the|a|an|of|in|and|la|le|de)\b", " ", t)
    return " ".join(t.split())


class Repos:
    """Repos gives the bytes of a file at a commit, from mirrors or clones."""

    def __init__(self, mirrors, cache):
        self.mirrors, self.cache = mirrors, cache

    def gitdir(self, repo):
        if self.mirrors:
            d = os.path.join(self.mirrors, repo.replace("/", "+"), "repo")
            if os.path.isdir(os.path.join(d, ".git")):
                d = os.path.join(d, ".git")
            return d
        d = os.path.join(self.cache, repo.replace("/", "+") + ".git")
        if not os.path.isdir(d):
            subprocess.run(["git", "clone", "--bare", "--filter=blob:none",
                            "https://github.com/%s.git" % repo, d], check=True)
        return d

    def read(self, repo, commit, path):
        r = subprocess.run(["git", "--git-dir=" + self.gitdir(repo), "show",
                            "%s:%s" % (commit, path)], capture_output=True)
        if r.returncode != 0:
            raise IOError(r.stderr.decode(errors="replace").strip())
        return r.stdout


def file_name(row):
    repo = row["repo"].split("/")[1][:24]
    stem = re.sub(r"[^A-Za-z0-9]+", "_", row["path_in_repo"].rsplit(".", 1)[0]).strip("_")
    if not re.search(r"[A-Za-z0-9]", stem) or len(stem) > 80:
        stem = stem[-80:]
    ext = row["path_in_repo"].rsplit(".", 1)[-1].lower()
    return "%s/%s__%s.%s" % (row["class"], repo, stem, ext)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", help="SOURCES file to rebuild from")
    ap.add_argument("--candidates", help="JSON rows to de-duplicate (gathering)")
    ap.add_argument("--sources-out", help="where to write the kept rows (with --candidates)")
    ap.add_argument("--data", help="the Art Images download (its validation_set is the test split)")
    ap.add_argument("--outside", help="the outside-art folder (its SOURCES.tsv and pictures)")
    ap.add_argument("--out", required=True, help="folder to write <class>/<file> into")
    ap.add_argument("--mirrors", help="folder of bare mirrors owner+name/repo")
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/artlens-extra-art"))
    ap.add_argument("--min-side", type=int, default=128)
    ap.add_argument("--max-distance", type=int, default=10)
    a = ap.parse_args()
    repos = Repos(a.mirrors, a.cache)

    if a.sources:
        with open(a.sources, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        n = 0
        for row in rows:
            data = repos.read(row["repo"], row["commit"], row["path_in_repo"])
            dst = os.path.join(a.out, row["file"])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "wb") as f:
                f.write(data)
            n += 1
        print("wrote %d pictures under %s" % (n, a.out))
        return

    cands = json.load(open(a.candidates, encoding="utf-8"))
    drop = collections.Counter()
    refs = []
    if a.data:
        refs += [(h, "test split " + p) for h, p in hash_tree(os.path.join(a.data, "validation_set"))]
    oa_titles = {}
    if a.outside:
        refs += [(h, "outside-art " + p) for h, p in hash_tree(a.outside)]
        with open(os.path.join(a.outside, "SOURCES.tsv"), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                oa_titles[norm_title(r["title"])] = r["title"]
    print("reference hashes: %d" % len(refs), file=sys.stderr)
    kept, kept_hashes, seen_names = [], [], set()
    for c in cands:
        row = {"class": c["cls"], "title": c["title"], "artist_or_origin": c["artist"],
               "date_if_known": c["date"], "repo": c["repo"], "path_in_repo": c["path"],
               "commit": c["commit"], "licence_note": c["note"]}
        nt = norm_title(row["title"])
        if nt and any(nt == t or (len(nt) >= 12 and (nt in t or t in nt)) for t in oa_titles):
            drop["title matches an outside-art title"] += 1
            print("  title drop: %s" % row["title"], file=sys.stderr)
            continue
        try:
            data = repos.read(row["repo"], row["commit"], row["path_in_repo"])
            im = Image.open(io.BytesIO(data))
            im.load()
        except Exception as e:
            drop["unreadable"] += 1
            print("  unreadable: %s %s: %s" % (row["repo"], row["path_in_repo"], e), file=sys.stderr)
            continue
        if min(im.size) < a.min_side:
            drop["smaller than %d px" % a.min_side] += 1
            continue
        h = hashes(im)
        hit = next((p for rh, p in refs if near(rh, h, a.max_distance)), None)
        if hit:
            drop["near-duplicate of the test split" if hit.startswith("test") else "near-duplicate of outside-art"] += 1
            print("  dup of %s: %s" % (hit, row["path_in_repo"]), file=sys.stderr)
            continue
        if any(near(kh, h, a.max_distance) for kh in kept_hashes):
            drop["near-duplicate within the set"] += 1
            continue
        row["file"] = file_name(row)
        while row["file"] in seen_names:
            row["file"] = row["file"].replace(".", "_2.", 1)
        seen_names.add(row["file"])
        dst = os.path.join(a.out, row["file"])
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(data)
        kept.append(row)
        kept_hashes.append(h)
    with open(a.sources_out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, COLUMNS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        for r in sorted(kept, key=lambda r: r["file"]):
            w.writerow(r)
    print("candidates %d, kept %d: %s" % (len(cands), len(kept),
          dict(collections.Counter(r["class"] for r in kept))))
    for k, v in sorted(drop.items()):
        print("dropped %d: %s" % (v, k))


if __name__ == "__main__":
    main()
