#!/usr/bin/env bash
# Builds ArtLens packages into dist/, with the version stamped into the
# binary (github.com/artlens/artlens/app.Version, what `artlens --version`
# prints). Run from anywhere; needs Go, a C compiler and, for the fyne
# targets, fyne tools: go install fyne.io/tools/cmd/fyne@v1.7.4
#
#   scripts/package.sh linux        dist/ArtLens.tar.xz  (binary, .desktop entry, icon, Makefile)
#   scripts/package.sh darwin       dist/ArtLens.app     (on a Mac)
#   scripts/package.sh windows      dist/ArtLens.exe     (icon and version info embedded; on
#                                                         Linux cross-compiled with mingw-w64)
#   scripts/package.sh windows-exe  dist/artlens.exe     (plain go build, mingw-w64 cross-compile)
#
# Environment: VERSION (default: FyneApp.toml's [Details] Version), BUILD
# (build number, default FyneApp.toml's), FYNE (the fyne tool), GOFLAGS and CC
# as for go build. Keep to bash 3.2 (macOS).
set -euo pipefail

cd "$(dirname "$0")/.."

VERSION_VAR=github.com/artlens/artlens/app.Version
VERSION=${VERSION:-$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml | head -n 1)}
BUILD=${BUILD:-}
if [ -z "$VERSION" ]; then
	echo "package.sh: no VERSION and no Version in FyneApp.toml" >&2
	exit 1
fi

# say prints a command, then runs it.
say() {
	printf '+ %s\n' "$*"
	"$@"
}

native_windows() {
	case $(uname -s) in MINGW* | MSYS* | CYGWIN*) return 0 ;; esac
	return 1
}

find_fyne() {
	if [ -n "${FYNE:-}" ]; then
		return
	fi
	FYNE=$(command -v fyne || true)
	if [ -z "$FYNE" ]; then
		FYNE="$(go env GOPATH)/bin/fyne"
	fi
	if ! "$FYNE" version >/dev/null 2>&1; then
		echo "package.sh: no fyne tool; go install fyne.io/tools/cmd/fyne@v1.7.4" >&2
		exit 1
	fi
}

# fyne_package OS [FLAG...] runs `fyne package --release` for OS in the repo
# root. fyne hands -ldflags=... words found in GOFLAGS to go build (so
# -X=NAME=VALUE, with no spaces). It also bumps [Details] Build in
# FyneApp.toml after each package: the file is put back afterwards.
fyne_package() {
	local os=$1
	shift
	find_fyne
	cp FyneApp.toml dist/.FyneApp.toml.orig
	trap 'cp dist/.FyneApp.toml.orig FyneApp.toml && rm -f dist/.FyneApp.toml.orig' EXIT
	local build_flag=""
	if [ -n "$BUILD" ]; then build_flag="--app-build=$BUILD"; fi
	local goflags="${GOFLAGS:+$GOFLAGS }-ldflags=-X=$VERSION_VAR=$VERSION"
	set -- package -v -os "$os" --release --app-version "$VERSION" ${build_flag:+"$build_flag"} "$@"
	printf "+ GOFLAGS='%s' %s %s\n" "$goflags" "$FYNE" "$*"
	GOFLAGS=$goflags "$FYNE" "$@"
}

# fix_makefile TARBALL repairs the Makefile that fyne tools v1.7.4 writes
# into a Linux package: with [CanOpen] MIME types it sets
# Exec := "artlens %F", the desktop entry's command line, and then installs
# usr/local/bin/artlens %F as a file name, so `make install` and
# `make user-install` stop at "cannot stat". The binary is plain artlens;
# the desktop entry keeps its %F.
fix_makefile() {
	local tarball=$1 dir
	dir=$(mktemp -d)
	chmod 755 "$dir" # the archive's ./ entry: extracting it sets the target folder's mode
	tar -xJf "$tarball" -C "$dir"
	local makefile
	makefile=$(find "$dir" -name Makefile | head -n 1)
	if [ -z "$makefile" ]; then
		echo "package.sh: no Makefile in $tarball" >&2
		exit 1
	fi
	sed -i.orig 's/^Exec := "\([^ "]*\) %[FfUu]"$/Exec := "\1"/' "$makefile"
	rm -f "$makefile.orig"
	if grep -q '^Exec := ".* %' "$makefile"; then
		echo "package.sh: could not repair the Exec line of the package's Makefile" >&2
		exit 1
	fi
	echo "+ repaired the package's Makefile: $(grep '^Exec :=' "$makefile")"
	(cd "$dir" && tar -cJf - .) >"$tarball"
	rm -rf "$dir"
}

mkdir -p dist
target=${1:-}
case $target in
linux)
	rm -f ArtLens.tar.xz dist/ArtLens.tar.xz
	fyne_package linux
	fix_makefile ArtLens.tar.xz
	say mv ArtLens.tar.xz dist/ArtLens.tar.xz
	;;
darwin)
	rm -rf ArtLens.app dist/ArtLens.app
	fyne_package darwin
	say mv ArtLens.app dist/ArtLens.app
	;;
windows)
	if ! native_windows; then
		export CC=${CC:-x86_64-w64-mingw32-gcc} GOARCH=${GOARCH:-amd64}
	fi
	rm -f ArtLens.exe dist/ArtLens.exe
	# fyne tools v1.7.4 builds a Windows exe twice (the second time with the
	# icon and version resource), and the second build loses the -ldflags it
	# took out of GOFLAGS. Given an existing --executable it skips the first
	# build, so an empty placeholder gives one build, with the version.
	: >artlens.exe
	fyne_package windows --executable artlens.exe
	say mv ArtLens.exe dist/ArtLens.exe
	;;
windows-exe)
	cc=${CC:-x86_64-w64-mingw32-gcc}
	if native_windows; then cc=${CC:-gcc}; fi
	say env CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$cc" \
		go build -ldflags "-H=windowsgui -X $VERSION_VAR=$VERSION" -o dist/artlens.exe .
	;;
*)
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
	exit 2
	;;
esac
