package picture

import (
	"errors"
	"image"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fuzzPixelLimit is the pixel limit while fuzzing: the same checks as
// MaxPixels, but every accepted input decodes in milliseconds, so the
// fuzzer tries many.
const fuzzPixelLimit = 1 << 20

// FuzzDecode feeds Decode arbitrary bytes and ToInput what it accepts. The
// seed corpus in testdata/fuzz/FuzzDecode (made by testdata/mkcorpus) holds
// PNG, JPEG, GIF, BMP, TIFF and WebP files in 8 and 16 bits, grey, CMYK,
// paletted, with alpha and EXIF orientation, and truncated files and
// headers that declare enormous sizes. Run it with
//
//	go test -run='^$' -fuzz='^FuzzDecode$' -fuzztime=20s ./picture
//
// Decode must never panic, must either return an upright image within the
// limit in one of the six formats or an *Error of one of the four kinds
// with a message, and ToInput and ToInputShape must turn every accepted
// image into finite values in [0, 1].
func FuzzDecode(f *testing.F) {
	saved := pixelLimit
	pixelLimit = fuzzPixelLimit
	f.Cleanup(func() { pixelLimit = saved })
	f.Add([]byte{})
	f.Add([]byte("<!DOCTYPE html><html></html>"))
	f.Add(pngHeader(1024, 1025))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, format, err := Decode(data)
		if err != nil {
			checkDecodeError(t, img, format, err)
			return
		}
		switch format {
		case "png", "jpeg", "gif", "bmp", "tiff", "webp":
		default:
			t.Fatalf("unknown format %q", format)
		}
		b := img.Bounds()
		if b.Empty() {
			t.Fatalf("%s image with empty bounds %v", format, b)
		}
		if px := int64(b.Dx()) * int64(b.Dy()); px > pixelLimit {
			t.Fatalf("%s image of %v accepted over the limit of %d pixels", format, b, pixelLimit)
		}
		for _, size := range []int{1, 7, 64} {
			in := ToInput(img, size)
			if len(in) != 3*size*size {
				t.Fatalf("ToInput(%d) gave %d values", size, len(in))
			}
			for i, v := range in {
				if math.IsNaN(float64(v)) || v < 0 || v > 1 {
					t.Fatalf("ToInput(%d)[%d] = %v, outside [0, 1]", size, i, v)
				}
			}
			if got := FromInput(in, size).Bounds().Dx(); got != size {
				t.Fatalf("FromInput(%d) is %d wide", size, got)
			}
		}
		// The inputs of other models: grayscale, rectangular.
		for _, sh := range [][3]int{{1, 5, 3}, {3, 2, 9}} {
			in := ToInputShape(img, sh[0], sh[1], sh[2])
			if len(in) != sh[0]*sh[1]*sh[2] {
				t.Fatalf("ToInputShape%v gave %d values", sh, len(in))
			}
			for i, v := range in {
				if math.IsNaN(float64(v)) || v < 0 || v > 1 {
					t.Fatalf("ToInputShape%v[%d] = %v, outside [0, 1]", sh, i, v)
				}
			}
			if b := FromInputShape(in, sh[0], sh[1], sh[2]).Bounds(); b.Dx() != sh[1] || b.Dy() != sh[2] {
				t.Fatalf("FromInputShape%v is %v", sh, b)
			}
		}
	})
}

// checkDecodeError fails t unless Decode's result is a nil image and an
// *Error of one of the four kinds with a one-line message.
func checkDecodeError(t *testing.T, img any, format string, err error) {
	t.Helper()
	if img != nil || format != "" {
		t.Fatalf("error %q with an image or format (%q)", err, format)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %q is a %T, not a *picture.Error", err, err)
	}
	n := 0
	for _, k := range []error{ErrNotImage, ErrTooLarge, ErrTruncated, ErrUnsupported} {
		if errors.Is(err, k) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("error %q matches %d of the four kinds", err, n)
	}
	if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
		t.Fatalf("error message %q is empty or has several lines", msg)
	}
}

// TestFuzzSeeds checks that the seed corpus holds what its names say:
// every picture decodes to its 16×12 pixels in its format, and every
// damaged one is refused with the right kind of error.
func TestFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 40 {
		t.Fatalf("only %d seeds in %s", len(names), dir)
	}
	for _, n := range names {
		data := readSeed(t, filepath.Join(dir, n.Name()))
		img, format, err := Decode(data)
		name := n.Name()
		var want error
		switch {
		case strings.HasSuffix(name, "-truncated"), strings.Contains(name, "-declares-"):
			want = ErrTruncated
		case strings.Contains(name, "-huge-"):
			want = ErrTooLarge
		case strings.HasSuffix(name, "-unsupported"):
			want = ErrUnsupported
		}
		if want != nil {
			if !errors.Is(err, want) {
				t.Errorf("%s: error %v, want %v", name, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if wantFormat := strings.Split(name, "-")[0]; format != wantFormat {
			t.Errorf("%s: format %q", name, format)
		}
		size := image.Pt(16, 12)
		if name == "jpeg-exif-rotate90" {
			size = image.Pt(12, 16)
		}
		if got := img.Bounds().Size(); got != size {
			t.Errorf("%s: size %v, want %v", name, got, size)
		}
	}
}

// readSeed reads a file of Go's fuzzing corpus format holding one []byte.
func readSeed(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") || !strings.HasSuffix(lines[1], ")") {
		t.Fatalf("%s is not a corpus file of one []byte", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}
