#!/bin/sh
# Makes the screenshots of the desktop app in this folder with the shipped
# model, in a virtual X display, using the app's own --screenshot flag
# (which waits until the picture's maps and the charts are drawn).
#
# Needs Xvfb. The Explore shots show a typical case, a photo of a sculpture
# read as sculpture (docs/pictures/mount-rushmore.webp; see its README).
# The Explain and Compare shots and the README's worked example show Van
# Gogh's The Starry Night (public domain; Debian's opencv-doc package), which
# the network gets wrong; Compare also takes a painting and a drawing of the
# Art Images validation set (VALSET), and ImageMagick joins the worked
# example's figures. Run from anywhere:
#
#   apt-get install -y xvfb opencv-doc imagemagick
#   docs/screenshots/make.sh
#
# MODEL=file.safetensors uses that weights file instead of the shipped model.
# ONNX_SHOT=1 also makes imported-model.png and imported-model-view.png: the
# untrained grayscale CNN of gray48-model.py, exported by PyTorch and
# imported (needs python3-torch).
set -eu
cd "$(dirname "$0")/../.."
out=docs/screenshots
bin=$(mktemp -d)/artlens
img=${IMAGE:-docs/pictures/mount-rushmore.webp}
starry=${STARRY:-/usr/share/doc/opencv-doc/examples/data/starry_night.jpg}
valset=${VALSET:-../shared/data/art-images/validation_set}
display=${SCREENSHOT_DISPLAY:-:97}

go build -o "$bin" .
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 1

shot() {
	name=$1
	shift
	DISPLAY=$display LANG=en_US.UTF-8 "$bin" --screenshot "$out/$name.png" ${MODEL:+--model "$MODEL"} "$@"
	echo "$out/$name.png"
}
shot first-window --view explore --theme light
shot explore --view explore --theme light "$img"
shot history --view history --theme light
shot confusion --view confusion --theme light
shot model --view model --theme light
shot explore-dark --view explore --theme dark "$img"
shot history-dark --view history --theme dark
shot explain --view explain --theme light "$starry"
shot compare --view compare --theme light "$starry" "$valset/painting/0006.jpg" "$valset/drawings/3429_mainfoto_05.jpg"
# The explanation methods and the trust checks (docs/explanations.md,
# docs/trust.md). collection-trust.png: --view collection --check --method
# gradcam,hirescam,gradcam++,eigencam,occlusion,integrated-gradients on a
# folder of two pictures per class of VALSET (minutes).
shot explain-methods --view explain --theme light --method integrated-gradients "$starry"
shot explain-trust --view explain --theme light --check --screenshot-wait 120s "$starry"
shot compare-methods --view compare --theme light --method gradcam --screenshot-wait 300s "$starry" "$img"
# What a filter looks for, and how one value is computed (drawn in the
# window; the pages take minutes).
shot lookfor-filter --view explore --theme dark --screenshot-wait 120s --open lookfor:3:49 "$valset/painting/0009.jpg"
shot lookfor-classes --view explore --theme dark --screenshot-wait 300s --open lookfor:classes "$valset/painting/0009.jpg"
shot lookfor-layer --view explore --theme dark --screenshot-wait 600s --open lookfor:1 "$valset/painting/0009.jpg"
shot value-conv2 --view explore --theme dark --open value:2:5:10:12 "$valset/painting/0009.jpg"
MODEL=resnet shot value-resnet --view explore --theme dark --open value:6:5:8:8 "$valset/painting/0009.jpg"
# Calibrated confidence and a sigmoid model's labels (docs/calibration.md,
# docs/outputs.md); the tagger is the random-weight test fixture.
shot model-reliability --view model --theme light --zoom 0.75
shot explore-calibrated --view explore --theme light --calibrated "$valset/painting/0006.jpg"
"$bin" import --classes madonna,child,angel,saint --out "$(dirname "$bin")/tagger.safetensors" importer/testdata/sigmoid-resnet.onnx >/dev/null
MODEL=$(dirname "$bin")/tagger.safetensors shot explore-sigmoid --view explore --theme light --threshold 0.45 "$valset/iconography/111.png" "$valset/painting/0012.jpg"

# The README's worked example: why drawings, why painting, and occlusion.
tmp=$(mktemp -d)
"$bin" explain ${MODEL:+--model "$MODEL"} --out "$tmp/drawings" "$starry"
"$bin" explain ${MODEL:+--model "$MODEL"} --class painting --out "$tmp/painting" "$starry"
"$bin" explain ${MODEL:+--model "$MODEL"} --method occlusion --out "$tmp/drawings" "$starry"
convert "$tmp/drawings/starry_night_gradcam.png" "$tmp/painting/starry_night_gradcam.png" \
	"$tmp/drawings/starry_night_occlusion.png" -resize 560x +append "$out/why-starry-night.png"
rm -r "$tmp"
echo "$out/why-starry-night.png"
if [ "${ONNX_SHOT:-}" = 1 ]; then
	tmp=$(dirname "$bin")
	(cd "$tmp" && /usr/bin/python3 "$OLDPWD/$out/gray48-model.py")
	"$bin" import --classes drawings,iconography,painting,sculpture --out "$tmp/gray48.safetensors" "$tmp/gray48.onnx" >/dev/null
	MODEL=$tmp/gray48.safetensors shot imported-model --view explore --theme light "$img"
	MODEL=$tmp/gray48.safetensors shot imported-model-view --view model --theme light
fi
# The Collection view, when the data set is beside the repository: the whole
# data set, a confusion cell's pictures, a filter's top pictures and a
# portrait's look-alikes (the first run analyses about 8,500 pictures, a few
# minutes; later ones read the cache).
data=../shared/data/art-images
if [ -d "$data" ]; then
	shot collection --view collection --theme light "$data"
	shot collection-cell --view collection --theme light --show cell:sculpture:drawings "$data/validation_set"
	shot collection-filter --view collection --theme light --show filter:4:12 "$data"
	shot collection-similar --view collection --theme light --show similar:0332.jpg "$data/validation_set"
	# The README's two-model example: a painting the study's network takes
	# for sculpture, with the companion's second opinion.
	shot second-opinion --view explore --theme light --second resnet "$data/validation_set/painting/2337.jpg"
	shot second-opinion-explain --view explain --theme light --second resnet "$data/validation_set/painting/2337.jpg"
	# Two models, the companion as the second: the test set filtered to
	# where the two disagree.
	shot collection-two-models --view collection --theme light --screenshot-wait 400s --second resnet --show disagree "$data/validation_set"
	# The Accuracy tab with both models' confusion matrices.
	shot collection-two-models-accuracy --view collection --theme light --screenshot-wait 400s --second resnet "$data/validation_set"
fi
# The Train view: the small network learning the data set's four classes
# from 100 pictures each (the first 100 distinct JPEG files of each class
# folder of training_set, copied to a temporary folder), 10 epochs.
if [ -d "$data" ]; then
	lab=$(mktemp -d)
	for c in drawings iconography painting sculpture; do
		mkdir "$lab/$c"
		n=0
		# One name a line: some of the data set's file names hold spaces.
		ls "$data/training_set/$c" | sort | while IFS= read -r f; do
			[ "$(head -c 2 "$data/training_set/$c/$f" | od -An -tx1 | tr -d ' ')" = ffd8 ] || continue
			sum=$(sha256sum <"$data/training_set/$c/$f" | cut -c1-64)
			[ -e "$lab/.seen-$sum" ] && continue
			touch "$lab/.seen-$sum"
			cp "$data/training_set/$c/$f" "$lab/$c/"
			n=$((n + 1))
			[ $n -lt 100 ] || break
		done
	done
	shot train --view train --theme light --arch small --epochs 10 "$lab"
	# The same pictures made into classes in the window (--class runs the
	# editor's New classes…, Add class and a drop), the small network at 64x64.
	set=$(mktemp -d)
	shot train-classes --view train --theme light --arch small --size 64 --epochs 10 \
		--class drawings="$lab/drawings" --class iconography="$lab/iconography" \
		--class painting="$lab/painting" --class sculpture="$lab/sculpture" "$set/Art periods"
	rm -r "$set"
	rm -r "$lab"
fi
# The collection's catalogue (docs/catalogue.md): the demo catalogue of
# validation_set, whose dates and groups are noise.
cat=docs/examples/demo-catalogue.csv
shot catalogue-table --view collection --theme light --screenshot-wait 300s --catalogue "$cat" --show catalogue:values:demo_date "$valset"
shot catalogue-accuracy --view collection --theme light --screenshot-wait 300s --catalogue "$cat" --show catalogue:accuracy:demo_date "$valset"
shot catalogue-map --view collection --theme light --screenshot-wait 400s --catalogue "$cat" --show colour:demo_date "$valset"
shot catalogue-filter --view collection --theme light --screenshot-wait 300s --catalogue "$cat" --show filter:5:1 "$valset"
