#!/usr/bin/env bash
# Times the engine against the PyTorch reference (../shared/bench) in one
# run on this machine, and prints both with their ratio.
#   apt-get install -y python3-torch libopenblas-dev   (once)
#   scripts/bench-vs-pytorch.sh [path/to/torch_seed_model.py]
set -euo pipefail
cd "$(dirname "$0")/.."
TORCH_SCRIPT=${1:-../shared/bench/torch_seed_model.py}
THREADS=$(nproc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== PyTorch reference ($THREADS threads)"
/usr/bin/python3 "$TORCH_SCRIPT" "$THREADS" | tee "$out/torch.txt"

echo "== engine, pure Go (the shipped build)"
go test -run '^$' -bench 'Predict|TrainStep' -benchtime 20x -count 3 ./engine ./training | tee "$out/go.txt"

echo "== engine, -tags openblas (the training build)"
CGO_LDFLAGS=-lopenblas OPENBLAS_NUM_THREADS=1 go test -tags openblas -run '^$' -bench 'Predict|TrainStep' -benchtime 20x -count 3 ./engine ./training | tee "$out/blas.txt"

torch_ms=$(sed -n 's/^infer bs=1: \([0-9.]*\) ms/\1/p' "$out/torch.txt")
torch_ips=$(sed -n 's/.*= \([0-9.]*\) img\/s/\1/p' "$out/torch.txt")
best() { # best ns/op or img/s of a benchmark in a file
	case $3 in
	ns) awk -v b="$1" '$1 ~ b {print $3}' "$2" | sort -n | head -1 ;;
	ips) awk -v b="$1" '$1 ~ b {for (i=1;i<NF;i++) if ($(i+1)=="img/s") print $i}' "$2" | sort -n | tail -1 ;;
	esac
}
echo
echo "== summary (best of 3)"
for f in go blas; do
	p=$(best BenchmarkPredict "$out/$f.txt" ns)
	s=$(best BenchmarkTrainStep "$out/$f.txt" ips)
	awk -v name="$f" -v p="$p" -v s="$s" -v tm="$torch_ms" -v ti="$torch_ips" 'BEGIN {
		printf "%-5s predict %.2f ms (PyTorch %.2f ms, %.1fx slower); train step %.1f img/s (PyTorch %.1f img/s, %.1fx slower)\n",
			name, p/1e6, tm, (p/1e6)/tm, s, ti, ti/s }'
done
