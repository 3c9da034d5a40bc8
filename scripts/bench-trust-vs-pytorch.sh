#!/usr/bin/env bash
# Times one picture's `explain --check` (Grad-CAM of the study's network:
# deletion and insertion curves, the sanity check, the whole) in package
# trust (BenchmarkCheck) beside the same work in PyTorch
# (scripts/torch_trust.py), and prints each ratio Go/PyTorch (below 1:
# ArtLens is faster). PyTorch runs before and after Go, with 1 and with
# all threads, and its best figure is used (which favours it: on a loaded
# machine its threads wait for each other).
#   apt-get install -y python3-torch python3-scipy   (once)
#   scripts/bench-trust-vs-pytorch.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
THREADS=$(nproc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) on $THREADS cores"
torch() {
	for t in 1 "$THREADS"; do /usr/bin/python3 scripts/torch_trust.py "$t" "$RUNS"; done >>"$out/torch.txt"
}
torch
go test -run '^$' -bench '^BenchmarkCheck$' -benchtime "${RUNS}x" -count 1 ./trust | tee "$out/go.txt" | grep '^Benchmark'
torch
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in curves sanity whole; do
	py=$(awk -v n="$name" '$2 == n {print $3}' "$out/torch.txt" | sort -g | head -1)
	go=$(awk -v n="BenchmarkCheck/$name" 'index($1, n) == 1 {print $3 / 1e9}' "$out/go.txt")
	awk -v n="$name" -v g="$go" -v p="$py" 'BEGIN {printf "%-7s ArtLens %.3f s  PyTorch %.3f s  ratio %.2f\n", n, g, p, g / p}'
done
