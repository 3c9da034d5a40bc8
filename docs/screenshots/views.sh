#!/bin/sh
# Every view of the window at 1280x800, zoom 1, in both themes, with the
# shipped study network and with the companion ResNet-18 (issue 29's "every
# view fits 1280x800"): docs/screenshots/views/VIEW-THEME[-resnet].png, in
# 256 colours (ImageMagick) to keep the repository small. Needs Xvfb and
# ImageMagick; the Collection view takes the validation set's engraving
# folder of the Art Images data set (VALSET), or skips it when absent.
#
#   docs/screenshots/views.sh
set -eu
cd "$(dirname "$0")/../.."
out=docs/screenshots/views
mkdir -p "$out"
bin=$(mktemp -d)/artlens
img=${IMAGE:-docs/pictures/mount-rushmore.webp}
valset=${VALSET:-../shared/data/art-images/validation_set}
display=${SCREENSHOT_DISPLAY:-:96}

go build -o "$bin" .
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 1

shot() { # name args...
	name=$1
	shift
	DISPLAY=$display LANG=en_US.UTF-8 "$bin" --screenshot "$out/$name.png" "$@"
	convert "$out/$name.png" -colors 256 "PNG8:$out/$name.png"
	echo "$out/$name.png $(identify -format '%wx%h' "$out/$name.png")"
}
for theme in light dark; do
	for model in study resnet; do
		suffix=$theme
		[ "$model" = study ] || suffix=$theme-$model
		for view in explore explain compare history confusion model attention; do
			shot "$view-$suffix" --model "$model" --view "$view" --theme "$theme" "$img"
		done
		if [ -d "$valset/engraving" ]; then
			shot "collection-$suffix" --model "$model" --view collection --theme "$theme" "$valset/engraving"
		fi
		shot "train-$suffix" --model "$model" --view train --theme "$theme"
		shot "live-$suffix" --model "$model" --view live --theme "$theme" --frames 3 --source docs/pictures
	done
done
