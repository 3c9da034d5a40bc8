#!/usr/bin/env bash
# Times the engine against the PyTorch reference (../shared/bench) on this
# machine and prints each figure beside PyTorch's, with the ratio that
# issue 12 sets a target for.
#   apt-get install -y python3-torch   (once)
#   scripts/bench-vs-pytorch.sh [path/to/torch_seed_model.py]
# Each figure is measured as the PyTorch script measures its own: the best
# of 30 single predictions and of 8 single training steps. On a shared
# machine timings move with the load: PyTorch runs before and after the
# engine and its best figures are used (which favours it), the load is
# printed, and the benchmarks report the CPU time per operation and the
# cores they were given, which move less. Allocation counts do not move.
set -euo pipefail
cd "$(dirname "$0")/.."
TORCH_SCRIPT=${1:-../shared/bench/torch_seed_model.py}
THREADS=$(nproc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export LANG=C.UTF-8 LANGUAGE=en

low() { sort -g | head -1; }
high() { sort -g | tail -1; }
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) on $THREADS cores"
echo "== PyTorch reference ($THREADS threads)"
/usr/bin/python3 "$TORCH_SCRIPT" "$THREADS" | tee "$out/torch.txt"
/usr/bin/python3 scripts/torch_padded_model.py "$THREADS" | tee -a "$out/torch.txt"

echo "== engine, pure Go (the shipped build, and the one to train with)"
go test -run '^$' -bench 'Predict$' -benchmem -benchtime 1x -count 30 ./engine | tee "$out/go.txt"
go test -run '^$' -bench 'PredictPadded$' -benchmem -benchtime 1x -count 30 ./engine | tee -a "$out/go.txt"
go test -run '^$' -bench 'TrainStep' -benchmem -benchtime 1x -count 8 ./training | tee -a "$out/go.txt"
echo "== batch inference (eval), one core then $THREADS"
go test -run '^$' -bench 'PredictBatch' -benchtime 4x -count 3 -cpu 1,"$THREADS" ./engine | tee "$out/batch.txt"

echo "== graph networks at 224x224, 1,000 classes: ResNet-18 and MobileNetV2, one picture, on one core and on $THREADS"
/usr/bin/python3 scripts/torch_graph_models.py 1 10
/usr/bin/python3 scripts/torch_graph_models.py "$THREADS" 10
go test -run '^$' -bench 'PredictResNet18$|PredictMobileNetV2$' -benchtime 3x -count 2 -cpu 1,"$THREADS" ./engine | grep '^Benchmark'

echo "== the companion network (half-width ResNet-18, 128x128, batch 64): a training step"
/usr/bin/python3 scripts/torch_resnet_train.py "$THREADS"
go test -run '^$' -bench 'TrainStepResNet' -benchmem -benchtime 1x -count 5 ./training | grep '^Benchmark'
/usr/bin/python3 scripts/torch_resnet_train.py "$THREADS"

echo "== a folder through ResNet-18 (224x224, 1,000 classes): artlens predict --recursive beside scripts/torch_predict_folder.py ($THREADS threads)"
# 200 pictures of the data set (every fourth of validation_set); artlens'
# time a picture is that of the whole command on the 200 less that on one
# picture (reading the 45 MB model, building the graphs), over 199;
# PyTorch's is its loop's, after a warm-up run.
data=../shared/data/art-images/validation_set
mkdir -p "$out/pics" "$out/one"
(cd "$data" && find . -type f | LC_ALL=C sort | awk 'NR % 4 == 1 && ++k <= 200') | while IFS= read -r f; do
	mkdir -p "$out/pics/$(dirname "$f")" && cp "$data/$f" "$out/pics/$f"
done
cp "$data/$(cd "$data" && find . -type f -name '*.jpg' | LC_ALL=C sort | awk 'NR == 1')" "$out/one/"
/usr/bin/python3 scripts/make-onnx-fixtures.py --resnet18 "$out/resnet18.onnx" 2>/dev/null
go build -o "$out/artlens" .
torch_folder() { /usr/bin/python3 scripts/torch_predict_folder.py "$out/pics" "$THREADS" 16 2>&1 >/dev/null | tail -1 | tee -a "$out/folder.txt"; }
artlens_folder() { # prints wall and CPU seconds of predict on folder $1
	/usr/bin/time -f '%e %U %S' -o "$out/time.txt" "$out/artlens" predict --model "$out/resnet18.onnx" --recursive "$1" >/dev/null 2>&1 || true
	awk '{print $1, $2 + $3}' "$out/time.txt"
}
torch_folder
read -r w1 c1 < <(artlens_folder "$out/one")
read -r wn cn < <(artlens_folder "$out/pics")
torch_folder
n=$(find "$out/pics" -type f | wc -l)
tw=$(sed -n 's/.*, \([0-9.]*\) ms a picture, CPU.*/\1/p' "$out/folder.txt" | low)
tc=$(sed -n 's/.*CPU \([0-9.]*\) ms a picture.*/\1/p' "$out/folder.txt" | low)
awk -v w1="$w1" -v c1="$c1" -v wn="$wn" -v cn="$cn" -v n="$n" -v tw="$tw" -v tc="$tc" 'BEGIN {
	w = 1000 * (wn - w1) / (n - 1); c = 1000 * (cn - c1) / (n - 1)
	printf "predict --recursive, ResNet-18: %.1f ms a picture (CPU %.1f ms), PyTorch %.1f ms (CPU %.1f ms): %.2fx its time [at most 1.0x]\n", w, c, tw, tc, w / tw }' | tee "$out/folder-summary.txt"

echo "== PyTorch reference again"
/usr/bin/python3 "$TORCH_SCRIPT" "$THREADS" | tee -a "$out/torch.txt"
/usr/bin/python3 scripts/torch_padded_model.py "$THREADS" | tee -a "$out/torch.txt"
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"

# metric NAME FILE UNIT: the values of a benchmark's metric, one a line.
metric() { awk -v b="$1" -v u="$3" '$1 ~ b {for (i=2;i<=NF;i++) if ($i==u) print $(i-1)}' "$2"; }
torch_ms=$(sed -n 's/^infer bs=1: \([0-9.]*\) ms/\1/p' "$out/torch.txt" | low)
torch_ips=$(sed -n 's/.*= \([0-9.]*\) img\/s/\1/p' "$out/torch.txt" | high)
torch_pad=$(sed -n 's/^padded infer bs=1: \([0-9.]*\) ms/\1/p' "$out/torch.txt" | low)
pad=$(metric '^BenchmarkPredictPadded(-[0-9]+)?$' "$out/go.txt" ns/op | low)
p=$(metric '^BenchmarkPredict(-[0-9]+)?$' "$out/go.txt" ns/op | low)
pc=$(metric '^BenchmarkPredict(-[0-9]+)?$' "$out/go.txt" cpu-ms/op | low)
a=$(metric '^BenchmarkPredict(-[0-9]+)?$' "$out/go.txt" allocs/op | low)
s=$(metric '^BenchmarkTrainStep(-[0-9]+)?$' "$out/go.txt" img/s | high)
sc=$(metric '^BenchmarkTrainStep(-[0-9]+)?$' "$out/go.txt" cpu-ms/op | low)
one=$(metric '^BenchmarkPredictBatch$' "$out/batch.txt" img/s | high)
two=$(metric "^BenchmarkPredictBatch-$THREADS\$" "$out/batch.txt" img/s | high)
c2=$(metric "^BenchmarkPredictBatch-$THREADS\$" "$out/batch.txt" cores | high)
cpu1=$(metric '^BenchmarkPredictBatch$' "$out/batch.txt" cpu-ms/img | low)
cpu2=$(metric "^BenchmarkPredictBatch-$THREADS\$" "$out/batch.txt" cpu-ms/img | low)

echo
echo "== summary (best of each; ratios against PyTorch's best in this run; issue 12's targets in brackets)"
awk -v pad="$pad" -v tpad="$torch_pad" -v p="$p" -v pc="$pc" -v a="$a" -v s="$s" -v sc="$sc" -v tm="$torch_ms" -v ti="$torch_ips" \
	-v one="$one" -v two="$two" -v c2="$c2" -v cpu1="$cpu1" -v cpu2="$cpu2" -v n="$THREADS" 'BEGIN {
	printf "predict one image, all activations: %.2f ms (CPU %.2f ms), PyTorch %.2f ms: %.2fx its time [at most 1.0x]\n", p/1e6, pc, tm, (p/1e6)/tm
	printf "  a network as imported (same padding, batch norm, global pooling): %.2f ms, PyTorch %.2f ms: %.2fx its time\n", pad/1e6, tpad, (pad/1e6)/tpad
	printf "allocations per prediction: %d [under 100]\n", a
	printf "train step, batch 64, Adam: %.1f img/s (CPU %.0f ms a step), PyTorch %.1f img/s: %.2fx its pace [at least 0.8x]\n", s, sc, ti, s/ti
	printf "batch inference: %.1f img/s on one core, %.1f on %d: %.2fx [at least 1.7x]\n", one, two, n, two/one
	printf "  CPU time per image %.2f ms on one core, %.2f ms on %d; the %d-core runs got at best %.2f cores\n", cpu1, cpu2, n, n, c2
	if (c2 < 0.85*n) printf "  (this machine was busy: img/s cannot scale by more than the cores given; run it again when idle)\n" }'
cat "$out/folder-summary.txt"
