#!/usr/bin/env bash
# Times ResNet-18 and MobileNetV2 (224x224, 1,000 classes, one picture with
# every place's maps kept) in the engine (BenchmarkPredictResNet18,
# BenchmarkPredictMobileNetV2) and in PyTorch (scripts/torch_graph_models.py,
# THREADS threads; the engine on GOMAXPROCS=THREADS), interleaved ROUNDS
# times so that both see the same load, and prints each round's ratios and
# their medians. Each side's figure in a round is its best of 10 single
# predictions, in wall time and in CPU time (which moves less with the
# load; with THREADS=1 it is each side's arithmetic alone). Neither side
# is niced.
# With VIT=1, ViT-B/16 too (torchvision's vit_b_16 exported to ONNX in a
# temporary folder, 330 MB, removed at the end; imported and timed by
# importer's BenchmarkPredictViTB16).
#   [VIT=1] scripts/bench-graph-vs-pytorch.sh [ROUNDS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
THREADS=${2:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export LANG=C.UTF-8 LANGUAGE=en
go test -c -o "$out/engine.test" ./engine
nets="resnet18:ResNet18 mobilenet_v2:MobileNetV2"
models=resnet18,mobilenet_v2
if [ "${VIT:-0}" = 1 ]; then
	go test -c -o "$out/importer.test" ./importer
	/usr/bin/python3 scripts/export-vit-b16.py "$out/vit_b_16.onnx" 2>/dev/null
	nets="$nets vit_b_16:ViTB16"
	models=$models,vit_b_16
fi
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; engine on GOMAXPROCS=$THREADS, PyTorch on $THREADS threads"
for r in $(seq "$ROUNDS"); do
	/usr/bin/python3 scripts/torch_graph_models.py "$THREADS" 10 "$models" >"$out/torch.txt"
	(cd engine && GOMAXPROCS=$THREADS "$out/engine.test" -test.run '^$' -test.bench 'PredictResNet18$|PredictMobileNetV2$' \
		-test.benchtime 10x) >"$out/go.txt"
	if [ "${VIT:-0}" = 1 ]; then
		(cd importer && ARTLENS_VIT_ONNX="$out/vit_b_16.onnx" GOMAXPROCS=$THREADS "$out/importer.test" -test.run '^$' \
			-test.bench 'PredictViTB16$' -test.benchtime 10x) >>"$out/go.txt"
	fi
	for net in $nets; do
		t=$(sed -n "s/^${net%%:*} 224 bs=1: \([0-9.]*\) ms.*CPU \([0-9.]*\) ms.*/\1 \2/p" "$out/torch.txt")
		g=$(awk -v b="^BenchmarkPredict${net##*:}(-[0-9]+)?\$" '$1 ~ b {for (i = 3; i < NF; i++) {
			if ($(i+1) == "best-ms") w = $i; if ($(i+1) == "best-cpu-ms") c = $i }; print w, c}' "$out/go.txt")
		echo "$r ${net##*:} $g $t" | tee -a "$out/rounds.txt" |
			awk '{printf "round %d %-12s engine %7.1f ms (CPU %7.1f)  PyTorch %7.1f ms (CPU %7.1f)  %.2fx its time, %.2fx its CPU time\n",
				$1, $2, $3, $4, $5, $6, $3/$5, $4/$6}'
	done
done
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
for net in $(for n in $nets; do echo "${n##*:}"; done); do
	for col in 3:5:time 4:6:CPU; do
		IFS=: read -r g t what <<<"$col"
		awk -v n="$net" -v g="$g" -v t="$t" '$2 == n {print $g/$t}' "$out/rounds.txt" | sort -g |
			awk -v n="$net" -v w="$what" '{r[NR]=$1} END {printf "%-12s median %.2fx PyTorch'"'"'s %s (rounds %.2f to %.2f)\n", n, r[int((NR+1)/2)], w, r[1], r[NR]}'
	done
done
