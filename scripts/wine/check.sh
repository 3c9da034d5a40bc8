#!/usr/bin/env bash
# Runs the Windows build under Wine and checks it against the Linux build
# (issue 29): the exe's version, a prediction equal to Linux's, eval on a
# small labelled folder equal to Linux's, and a screenshot of its window.
#
#   scripts/wine/check.sh EXE LINUX_BINARY WORKDIR
#
# Needs wine, wine64, gcc-mingw-w64-x86-64, Xvfb and ImageMagick, and
# DISPLAY set to a running X server (Xvfb): every wine command, wineboot
# included, needs it, or later windows fail with "Failed to create helper
# window". Wine 8.0 lacks bcryptprimitives.dll, which Go >= 1.24 programs
# load at start; bcryptprimitives.c beside this script is built and put in
# the prefix's system32 (Go loads it with LOAD_LIBRARY_SEARCH_SYSTEM32, so
# a copy beside the exe is not found).
set -euo pipefail

EXE=$(realpath "$1")
LINUX=$(realpath "$2")
WORK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
[ -n "${DISPLAY:-}" ] || { echo "wine check: DISPLAY is not set" >&2; exit 1; }
mkdir -p "$WORK"
WORK=$(realpath "$WORK")

export WINEPREFIX=$WORK/prefix WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko install dialogs: ArtLens needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="

say() {
	printf '+ %s\n' "$*"
	"$@"
}
die() {
	echo "wine check: FAILED: $*" >&2
	exit 1
}

say x86_64-w64-mingw32-gcc -O2 -shared -o "$WORK/bcryptprimitives.dll" "$HERE/bcryptprimitives.c" -ladvapi32
say wineboot --init
wineserver -w
cp "$WORK/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"

w() { wine "$EXE" "$@"; }

want=$("$LINUX" --version)
got=$(w --version | tr -d '\r')
echo "artlens.exe --version: $got"
[ "$got" = "$want" ] || die "artlens.exe --version printed '$got', Linux's '$want'"

# A small labelled folder: two pictures in each of two classes.
DATA=$WORK/data
mkdir -p "$DATA/painting" "$DATA/sculpture"
convert -size 96x80 gradient:'#d8b070-#203060' -fill '#f0e8d0' -draw 'circle 48,40 48,20' "$DATA/painting/a.png"
convert -size 80x96 plasma:fractal -seed 7 "$DATA/painting/b.jpg" 2>/dev/null || convert -size 80x96 gradient:'#a04020-#103020' "$DATA/painting/b.jpg"
convert -size 90x90 gradient:'#c0c0c0-#606060' -fill '#e0e0e0' -draw 'rectangle 30,10 60,85' "$DATA/sculpture/c.png"
convert -size 64x64 xc:'#808078' -fill '#d0d0c8' -draw 'circle 32,32 32,8' "$DATA/sculpture/d.jpg"

# The exe gets Windows paths: Wine maps Z: to /.
winpath() { echo "Z:${1//\//\\}"; }

"$LINUX" predict --json "$DATA/painting/a.png" >"$WORK/predict-linux.json"
w predict --json "$(winpath "$DATA/painting/a.png")" | tr -d '\r' >"$WORK/predict-wine.json"
# The file field names the path each way; the numbers must be the same bits.
strip() { sed -E 's/"file":"[^"]*",?//' "$1"; }
if ! diff <(strip "$WORK/predict-linux.json") <(strip "$WORK/predict-wine.json"); then
	die "artlens.exe predict differs from Linux's"
fi
echo "predict: the same as Linux's: $(strip "$WORK/predict-wine.json")"

"$LINUX" eval --json --data "$DATA" >"$WORK/eval-linux.json"
w eval --json --data "$(winpath "$DATA")" | tr -d '\r' >"$WORK/eval-wine.json"
if ! diff <(sed -E 's/"data":"[^"]*",?//' "$WORK/eval-linux.json") <(sed -E 's/"data":"[^"]*",?//' "$WORK/eval-wine.json"); then
	die "artlens.exe eval differs from Linux's"
fi
echo "eval: the same as Linux's"

rm -f "$WORK/shot.png"
say timeout 180 wine "$EXE" --screenshot "$(winpath "$WORK/shot.png")" "$(winpath "$DATA/painting/a.png")"
[ -f "$WORK/shot.png" ] || die "artlens.exe --screenshot wrote no file"
read -r sw sh sd < <(identify -format '%w %h %[fx:standard_deviation]\n' "$WORK/shot.png")
echo "artlens.exe window: ${sw}x${sh}, grey standard deviation $sd"
if [ "$sw" -lt 400 ] || [ "$sh" -lt 300 ]; then die "the exe's screenshot is only ${sw}x${sh}"; fi
awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }' || die "the exe's screenshot is nearly one flat colour"
wineserver -k || true
