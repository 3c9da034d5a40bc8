#!/usr/bin/env bash
# Times every explanation method on the study's network (explain's
# BenchmarkMethods) beside the same work in PyTorch
# (scripts/torch_explain_bench.py) and prints ArtLens' time over PyTorch's.
#   apt-get install -y python3-torch python3-torchvision python3-onnx python3-skimage   (once)
#   [REPEATS=5] scripts/bench-explain-vs-pytorch.sh [THREADS]
# On a shared machine timings move with the load: PyTorch runs before and
# after ArtLens and its best figure is kept (which favours it); the load is
# printed. The budgets of issue 25: Score-CAM under 0.5 s, RISE with 2,000
# masks under 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-$(nproc)}
REPEATS=${REPEATS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores, $THREADS threads"
echo "== PyTorch (best of $REPEATS)"
/usr/bin/python3 scripts/torch_explain_bench.py "$THREADS" "$REPEATS" | tee "$out/torch1.txt"
echo "== ArtLens (go test -bench BenchmarkMethods, 3 runs each)"
GOMAXPROCS=$THREADS go test -run '^$' -bench 'BenchmarkMethods' -benchtime 3x -count 1 ./explain | tee "$out/go.txt"
echo "== PyTorch again"
/usr/bin/python3 scripts/torch_explain_bench.py "$THREADS" "$REPEATS" | tee "$out/torch2.txt"
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-22s %10s %10s %8s %12s %12s\n' method ArtLens PyTorch ratio "ArtLens CPU" "PyTorch CPU"
awk '
	FILENAME ~ /torch/ { if (!($1 in t) || $2 < t[$1]) { t[$1] = $2; tc[$1] = $3 }; next }
	/^BenchmarkMethods\// {
		split($1, a, "/"); sub(/-[0-9]+$/, "", a[2]); m = a[2]; g[m] = $3 / 1e9; order[++n] = m
		for (i = 4; i <= NF; i++) if ($i == "cpu-ms/op") gc[m] = $(i - 1) / 1e3
	}
	END {
		for (i = 1; i <= n; i++) {
			m = order[i]
			if (m in t) printf "%-22s %9.3fs %9.3fs %7.2fx %11.3fs %11.3fs\n", m, g[m], t[m], g[m] / t[m], gc[m], tc[m]
			else printf "%-22s %9.3fs %10s %8s %11.3fs\n", m, g[m], "-", "-", gc[m]
		}
	}
' "$out/torch1.txt" "$out/torch2.txt" "$out/go.txt"
