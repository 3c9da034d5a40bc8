package picture

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// halves returns a w×h image whose left half is left and right half right.
func halves(w, h int, left, right color.Color) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x < w/2 {
				img.Set(x, y, left)
			} else {
				img.Set(x, y, right)
			}
		}
	}
	return img
}

func solid(img interface {
	image.Image
	Set(x, y int, c color.Color)
}, c color.Color) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			img.Set(x, y, c)
		}
	}
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withEXIFOrientation returns jpg with an APP1 EXIF segment holding the
// orientation tag o inserted after the SOI marker.
func withEXIFOrientation(jpg []byte, o uint16) []byte {
	var tiffData bytes.Buffer
	le := binary.LittleEndian
	tiffData.WriteString("II")
	binary.Write(&tiffData, le, uint16(42))
	binary.Write(&tiffData, le, uint32(8)) // offset of IFD0
	binary.Write(&tiffData, le, uint16(1)) // one entry
	binary.Write(&tiffData, le, uint16(0x0112))
	binary.Write(&tiffData, le, uint16(3)) // SHORT
	binary.Write(&tiffData, le, uint32(1)) // count
	binary.Write(&tiffData, le, o)
	binary.Write(&tiffData, le, uint16(0)) // padding of the value field
	binary.Write(&tiffData, le, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiffData.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// pngHeader returns the PNG signature and an IHDR chunk claiming a w×h
// 8-bit RGB image, and nothing more.
func pngHeader(w, h uint32) []byte {
	var ihdr bytes.Buffer
	ihdr.WriteString("IHDR")
	binary.Write(&ihdr, binary.BigEndian, w)
	binary.Write(&ihdr, binary.BigEndian, h)
	ihdr.Write([]byte{8, 2, 0, 0, 0}) // depth 8, truecolour, deflate, no filter, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, ihdr.Bytes()...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr.Bytes()))
}

// near reports whether got is within tol of want/255.
func near(got float32, want uint8, tol float64) bool {
	d := float64(got) - float64(want)/255
	tol += 1e-6 // float32 rounding
	return d >= -tol && d <= tol
}

// meanRGB returns the mean of each channel plane of a CHW input.
func meanRGB(in []float32) [3]float64 {
	var m [3]float64
	plane := len(in) / 3
	for c := 0; c < 3; c++ {
		for _, v := range in[c*plane : (c+1)*plane] {
			m[c] += float64(v)
		}
		m[c] /= float64(plane)
	}
	return m
}

func TestDecodeFormats(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 30, 20))
	solid(gray, color.Gray{Y: 100})
	gray16 := image.NewGray16(image.Rect(0, 0, 30, 20))
	solid(gray16, color.Gray16{Y: 0x8080})
	rgba64 := image.NewNRGBA64(image.Rect(0, 0, 30, 20))
	solid(rgba64, color.NRGBA64{R: 0xffff, G: 0x8080, B: 0, A: 0xffff})
	alpha := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	solid(alpha, color.NRGBA{R: 0, G: 0, B: 0, A: 0}) // fully transparent black
	half := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	solid(half, color.NRGBA{R: 0, G: 0, B: 0, A: 128}) // half-transparent black
	pal := image.NewPaletted(image.Rect(0, 0, 30, 20), palette.Plan9)
	solid(pal, color.RGBA{R: 0, G: 0, B: 255, A: 255})
	rgb := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	solid(rgb, color.NRGBA{R: 200, G: 40, B: 60, A: 255})
	cmyk := image.NewCMYK(image.Rect(0, 0, 30, 20))
	solid(cmyk, color.CMYK{C: 0, M: 255, Y: 255, K: 0}) // red

	encode := func(f func(*bytes.Buffer) error) []byte {
		var buf bytes.Buffer
		if err := f(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}

	tests := []struct {
		name   string
		data   []byte
		format string
		rgb    [3]uint8 // expected colour after ToInput
		tol    float64
	}{
		{"gray png", encodePNG(t, gray), "png", [3]uint8{100, 100, 100}, 0},
		{"16-bit gray png", encodePNG(t, gray16), "png", [3]uint8{128, 128, 128}, 0},
		{"16-bit rgb png", encodePNG(t, rgba64), "png", [3]uint8{255, 128, 0}, 0},
		{"transparent png", encodePNG(t, alpha), "png", [3]uint8{255, 255, 255}, 0},
		{"half-transparent png", encodePNG(t, half), "png", [3]uint8{127, 127, 127}, 1.0 / 255},
		{"paletted gif", encode(func(b *bytes.Buffer) error { return gif.Encode(b, pal, nil) }), "gif", [3]uint8{0, 0, 255}, 0},
		{"bmp", encode(func(b *bytes.Buffer) error { return bmp.Encode(b, rgb) }), "bmp", [3]uint8{200, 40, 60}, 0},
		{"tiff", encode(func(b *bytes.Buffer) error { return tiff.Encode(b, rgb, nil) }), "tiff", [3]uint8{200, 40, 60}, 0},
		{"jpeg", encodeJPEG(t, rgb), "jpeg", [3]uint8{200, 40, 60}, 4.0 / 255},
		{"gray jpeg", encodeJPEG(t, gray), "jpeg", [3]uint8{100, 100, 100}, 2.0 / 255},
		// Go's encoder writes a CMYK source as a YCbCr JPEG; decoding of
		// real CMYK (Adobe) JPEGs is the standard decoder's, and
		// image.CMYK itself goes through ToInput in TestToInputKnownValues.
		{"cmyk source jpeg", encodeJPEG(t, cmyk), "jpeg", [3]uint8{255, 0, 0}, 4.0 / 255},
	}
	for _, test := range tests {
		img, format, err := Decode(test.data)
		if err != nil {
			t.Errorf("%s: unexpected error: %v", test.name, err)
			continue
		}
		if format != test.format {
			t.Errorf("%s: format = %q, want %q", test.name, format, test.format)
		}
		if got := img.Bounds().Size(); got != (image.Point{30, 20}) {
			t.Errorf("%s: size = %v, want (30,20)", test.name, got)
		}
		in := ToInput(img, 8)
		plane := 64
		for c := 0; c < 3; c++ {
			for i := 0; i < plane; i++ {
				if v := in[c*plane+i]; !near(v, test.rgb[c], test.tol) {
					t.Errorf("%s: channel %d value %d = %v (%v/255), want %d/255", test.name, c, i, v, v*255, test.rgb[c])
					break
				}
			}
		}
	}
}

func TestDecodeSmallFiles(t *testing.T) {
	// Go has no WebP encoder: these are the tiny 1x1 WebP files that
	// browsers' feature tests use.
	tests := []struct {
		name   string
		base64 string
		rgb    [3]uint8 // after ToInput
	}{
		{"lossless webp, transparent", "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==", [3]uint8{255, 255, 255}},
		{"lossy webp", "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA", [3]uint8{128, 128, 128}},
		{"lossy webp with alpha", "UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==", [3]uint8{255, 255, 255}},
	}
	for _, test := range tests {
		data, err := base64.StdEncoding.DecodeString(test.base64)
		if err != nil {
			t.Fatal(err)
		}
		img, format, err := Decode(data)
		if err != nil {
			t.Errorf("%s: %v", test.name, err)
			continue
		}
		if format != "webp" || img.Bounds().Dx() != 1 || img.Bounds().Dy() != 1 {
			t.Errorf("%s: format %q bounds %v", test.name, format, img.Bounds())
		}
		in := ToInput(img, 2)
		for i, v := range in {
			if !near(v, test.rgb[i/4], 0) {
				t.Errorf("%s: value %d = %v, want %d/255", test.name, i, v, test.rgb[i/4])
				break
			}
		}
	}
}

func TestDecodeCMYKJPEG(t *testing.T) {
	// Go's encoder cannot write CMYK JPEGs; the standard library's test
	// data has one (an Adobe CMYK JPEG and the same picture as PNG).
	dir := filepath.Join(runtime.GOROOT(), "src", "image", "testdata")
	data, err := os.ReadFile(filepath.Join(dir, "video-001.cmyk.jpeg"))
	if err != nil {
		t.Skip("no CMYK JPEG in GOROOT:", err)
	}
	ref, err := os.ReadFile(filepath.Join(dir, "video-001.cmyk.png"))
	if err != nil {
		t.Skip("no reference PNG in GOROOT:", err)
	}
	img, format, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.(*image.CMYK); !ok || format != "jpeg" {
		t.Errorf("decoded %T, format %q; want *image.CMYK, jpeg", img, format)
	}
	want, _, err := Decode(ref)
	if err != nil {
		t.Fatal(err)
	}
	got, exp := ToInput(img, 32), ToInput(want, 32)
	for i := range got {
		if d := got[i] - exp[i]; d > 0.02 || d < -0.02 {
			t.Fatalf("value %d = %v, want %v (from the reference PNG)", i, got[i], exp[i])
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	jpg := encodeJPEG(t, halves(64, 48, color.White, color.Black))
	png := encodePNG(t, halves(64, 48, color.White, color.Black))
	tests := []struct {
		name string
		data []byte
		kind error
		msg  string // substring of the message
	}{
		{"empty", nil, ErrNotImage, "empty"},
		{"html", []byte("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>"), ErrNotImage, "it looks like HTML"},
		{"html with spaces", []byte("\n\n  <html lang=\"en\"><body>hi</body></html>"), ErrNotImage, "it looks like HTML"},
		{"text", []byte("just some words\n"), ErrNotImage, "it looks like text"},
		{"pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), ErrNotImage, "PDF"},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), ErrNotImage, "SVG"},
		{"binary", []byte{0, 1, 2, 3, 0xfe, 0xff, 0x10, 0x80}, ErrNotImage, "not recognised"},
		{"truncated jpeg", jpg[:len(jpg)/2], ErrTruncated, "truncated or damaged"},
		{"truncated png", png[:len(png)/2], ErrTruncated, "truncated or damaged"},
		{"jpeg header only", jpg[:20], ErrTruncated, "truncated or damaged"},
		{"huge png", pngHeader(20000, 20000), ErrTooLarge, "20000 x 20000"},
	}
	for _, test := range tests {
		img, _, err := Decode(test.data)
		if err == nil {
			t.Errorf("%s: no error, image %v", test.name, img.Bounds())
			continue
		}
		if !errors.Is(err, test.kind) {
			t.Errorf("%s: error %q is not %q", test.name, err, test.kind)
		}
		for _, other := range []error{ErrNotImage, ErrTooLarge, ErrTruncated, ErrUnsupported} {
			if other != test.kind && errors.Is(err, other) {
				t.Errorf("%s: error %q is also %q", test.name, err, other)
			}
		}
		if !strings.Contains(err.Error(), test.msg) {
			t.Errorf("%s: error %q does not contain %q", test.name, err, test.msg)
		}
		if img != nil {
			t.Errorf("%s: non-nil image with error", test.name)
		}
	}
}

func TestDecodeHugeHeaderDoesNotAllocate(t *testing.T) {
	data := pngHeader(20000, 20000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err := Decode(data)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error = %v, want ErrTooLarge", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("refusing a 20000x20000 header allocated %d bytes", n)
	}
}

func TestDecodeSizeLimit(t *testing.T) {
	tests := []struct {
		w, h    uint32
		tooLong bool
	}{
		{6000, 5000, false},   // a 30-megapixel photo
		{10000, 12000, false}, // exactly MaxPixels
		{10000, 12001, true},
		{20000, 20000, true},
	}
	for _, test := range tests {
		// Only the header is there, so an accepted size fails later as
		// truncated data.
		_, _, err := Decode(pngHeader(test.w, test.h))
		if got := errors.Is(err, ErrTooLarge); got != test.tooLong {
			t.Errorf("%dx%d: error %v; too large = %t, want %t", test.w, test.h, err, got, test.tooLong)
		}
		if !test.tooLong && !errors.Is(err, ErrTruncated) {
			t.Errorf("%dx%d: error %v, want ErrTruncated", test.w, test.h, err)
		}
	}
}

func TestDecodeEXIFOrientation(t *testing.T) {
	red := color.NRGBA{R: 255, A: 255}
	blue := color.NRGBA{B: 255, A: 255}
	// Left half red, right half blue, 40 wide and 20 high.
	jpg := encodeJPEG(t, halves(40, 20, red, blue))
	tests := []struct {
		o                   uint16
		w, h                int
		topLeft, bottomLeft color.NRGBA // expected colour near those corners
	}{
		{1, 40, 20, red, red},
		{2, 40, 20, blue, blue},
		{3, 40, 20, blue, blue},
		{6, 20, 40, red, blue}, // rotated clockwise: the left half goes to the top
		{8, 20, 40, blue, red}, // rotated counter-clockwise: the left half goes to the bottom
		{9, 40, 20, red, red},  // invalid: ignored
	}
	for _, test := range tests {
		img, format, err := Decode(withEXIFOrientation(jpg, test.o))
		if err != nil {
			t.Fatalf("orientation %d: %v", test.o, err)
		}
		if format != "jpeg" {
			t.Errorf("orientation %d: format %q", test.o, format)
		}
		b := img.Bounds()
		if b.Dx() != test.w || b.Dy() != test.h {
			t.Errorf("orientation %d: size %dx%d, want %dx%d", test.o, b.Dx(), b.Dy(), test.w, test.h)
			continue
		}
		for _, c := range []struct {
			x, y int
			want color.NRGBA
		}{{b.Min.X + 2, b.Min.Y + 2, test.topLeft}, {b.Min.X + 2, b.Max.Y - 3, test.bottomLeft}} {
			got := color.NRGBAModel.Convert(img.At(c.x, c.y)).(color.NRGBA)
			if d := int(got.R) - int(c.want.R); d < -40 || d > 40 || (got.R > 128) != (c.want.R > 128) || (got.B > 128) != (c.want.B > 128) {
				t.Errorf("orientation %d: pixel (%d,%d) = %v, want about %v", test.o, c.x, c.y, got, c.want)
			}
		}
	}
}

func TestOrient(t *testing.T) {
	// A 3×2 image whose pixels are numbered by their R value:
	//	1 2 3
	//	4 5 6
	src := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for i := 0; i < 6; i++ {
		src.Pix[4*i] = uint8(i + 1)
		src.Pix[4*i+3] = 255
	}
	tests := []struct {
		o    int
		want [][]uint8 // rows of R values
	}{
		{1, [][]uint8{{1, 2, 3}, {4, 5, 6}}},
		{2, [][]uint8{{3, 2, 1}, {6, 5, 4}}},
		{3, [][]uint8{{6, 5, 4}, {3, 2, 1}}},
		{4, [][]uint8{{4, 5, 6}, {1, 2, 3}}},
		{5, [][]uint8{{1, 4}, {2, 5}, {3, 6}}},
		{6, [][]uint8{{4, 1}, {5, 2}, {6, 3}}},
		{7, [][]uint8{{6, 3}, {5, 2}, {4, 1}}},
		{8, [][]uint8{{3, 6}, {2, 5}, {1, 4}}},
		{0, [][]uint8{{1, 2, 3}, {4, 5, 6}}},
	}
	for _, test := range tests {
		img := orient(src, test.o)
		b := img.Bounds()
		if b.Dy() != len(test.want) || b.Dx() != len(test.want[0]) {
			t.Errorf("orientation %d: size %v, want %dx%d", test.o, b.Size(), len(test.want[0]), len(test.want))
			continue
		}
		for y, row := range test.want {
			for x, want := range row {
				r, _, _, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				if got := uint8(r >> 8); got != want {
					t.Errorf("orientation %d: pixel (%d,%d) = %d, want %d", test.o, x, y, got, want)
				}
			}
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	jpg := encodeJPEG(t, halves(16, 16, color.White, color.Black))
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jpegAsPNG := write("photo.png", jpg)
	html := write("page.jpg", []byte("<html><body>Not here</body></html>"))
	huge := filepath.Join(dir, "huge.png")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file just over the limit; it must be refused without reading.
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	folder := filepath.Join(dir, "album.jpg")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path   string
		format string
		kind   error
		msg    string
	}{
		{jpegAsPNG, "jpeg", nil, ""},
		{html, "", ErrNotImage, "page.jpg: not an image file (it looks like HTML)"},
		{huge, "", ErrTooLarge, "huge.png: the file is too large"},
		{folder, "", ErrNotImage, "album.jpg: this is a folder"},
		{filepath.Join(dir, "missing.gif"), "", os.ErrNotExist, "missing.gif: the file does not exist"},
	}
	for _, test := range tests {
		img, format, err := Open(test.path)
		if test.kind == nil {
			if err != nil {
				t.Errorf("%s: %v", test.path, err)
				continue
			}
			if format != test.format || img.Bounds().Dx() != 16 {
				t.Errorf("%s: format %q size %v", test.path, format, img.Bounds())
			}
			continue
		}
		if !errors.Is(err, test.kind) {
			t.Errorf("%s: error %v, want %v", test.path, err, test.kind)
		}
		if err != nil && !strings.HasPrefix(err.Error(), test.msg) {
			t.Errorf("%s: error %q, want prefix %q", test.path, err, test.msg)
		}
		// The name once, and no Go error text after the sentence.
		if err != nil && (strings.Count(err.Error(), filepath.Base(test.path)) != 1 || strings.Contains(err.Error(), "stat ")) {
			t.Errorf("%s: error %q repeats the path or the system's text", test.path, err)
		}
	}
}

func TestToInputKnownValues(t *testing.T) {
	red, blue := color.NRGBA{R: 255, A: 255}, color.NRGBA{B: 255, A: 255}
	cmyk := image.NewCMYK(image.Rect(0, 0, 5, 7))
	solid(cmyk, color.CMYK{C: 255, M: 0, Y: 255, K: 0}) // green
	ycc := image.NewYCbCr(image.Rect(0, 0, 6, 6), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = 255 // JFIF full range
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 128, 128
	}
	gray16 := image.NewGray16(image.Rect(0, 0, 9, 3))
	solid(gray16, color.Gray16{Y: 0x3333})
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.NRGBA{R: 10, G: 20, B: 30, A: 255}})
	nrgba64 := image.NewNRGBA64(image.Rect(0, 0, 4, 4))
	solid(nrgba64, color.NRGBA64{R: 0x0000, G: 0xffff, B: 0xffff, A: 0}) // transparent cyan
	sub := halves(20, 10, red, blue).SubImage(image.Rect(10, 0, 20, 10)) // the blue half only

	tests := []struct {
		name string
		img  image.Image
		rgb  [3]uint8
	}{
		{"cmyk", cmyk, [3]uint8{0, 255, 0}},
		{"ycbcr", ycc, [3]uint8{255, 255, 255}},
		{"gray16", gray16, [3]uint8{0x33, 0x33, 0x33}},
		{"paletted", pal, [3]uint8{10, 20, 30}},
		{"transparent nrgba64", nrgba64, [3]uint8{255, 255, 255}},
		{"sub-image", sub, [3]uint8{0, 0, 255}},
	}
	for _, test := range tests {
		for _, size := range []int{1, 4, 64} {
			in := ToInput(test.img, size)
			if len(in) != 3*size*size {
				t.Fatalf("%s: len = %d, want %d", test.name, len(in), 3*size*size)
			}
			plane := size * size
			for i, v := range in {
				if want := float32(test.rgb[i/plane]) / 255; v != want {
					t.Errorf("%s size %d: value %d = %v, want %v", test.name, size, i, v, want)
					break
				}
			}
		}
	}
}

func TestToInputLayout(t *testing.T) {
	red, blue := color.NRGBA{R: 255, A: 255}, color.NRGBA{B: 255, A: 255}
	const size = 8
	tests := []struct {
		name string
		img  image.Image
		// at returns the expected R and B values at (x, y), or ok false
		// where the two halves blend.
		at func(x, y int) (r, b float32, ok bool)
	}{
		{
			name: "left red, right blue, 40x10 stretched",
			img:  halves(40, 10, red, blue),
			at: func(x, y int) (float32, float32, bool) {
				switch {
				case x <= 2:
					return 1, 0, true
				case x >= 5:
					return 0, 1, true
				}
				return 0, 0, false
			},
		},
		{
			name: "top red, bottom blue, 6x30 stretched",
			img:  orient(halves(30, 6, red, blue), 6), // left half goes to the top
			at: func(x, y int) (float32, float32, bool) {
				switch {
				case y <= 2:
					return 1, 0, true
				case y >= 5:
					return 0, 1, true
				}
				return 0, 0, false
			},
		},
	}
	for _, test := range tests {
		in := ToInput(test.img, size)
		plane := size * size
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				i := y*size + x
				if g := in[plane+i]; g != 0 {
					t.Errorf("%s: G at (%d,%d) = %v, want 0", test.name, x, y, g)
				}
				r, b, ok := test.at(x, y)
				if !ok {
					if s := in[i] + in[2*plane+i]; s < 0.98 || s > 1.02 {
						t.Errorf("%s: R+B at (%d,%d) = %v, want 1", test.name, x, y, s)
					}
					continue
				}
				if in[i] != r || in[2*plane+i] != b {
					t.Errorf("%s: (R,B) at (%d,%d) = (%v,%v), want (%v,%v)", test.name, x, y, in[i], in[2*plane+i], r, b)
				}
			}
		}
	}
}

func TestToInputValuesAre8Bit(t *testing.T) {
	img := image.NewNRGBA64(image.Rect(0, 0, 37, 23))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7919 >> 3)
	}
	for _, v := range ToInput(img, 16) {
		if v < 0 || v > 1 {
			t.Fatalf("value %v is not in [0, 1]", v)
		}
		if q := float32(int(float64(v)*255+0.5)) / 255; q != v {
			t.Fatalf("value %v is not k/255", v)
		}
	}
}

func TestFromInput(t *testing.T) {
	// An image of the input size is not resized, so FromInput(ToInput(img))
	// gives img back.
	const size = 5
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for i := 0; i < size*size; i++ {
		img.Pix[4*i] = uint8(i * 10)
		img.Pix[4*i+1] = uint8(255 - i*10)
		img.Pix[4*i+2] = uint8(i * i)
		img.Pix[4*i+3] = 255
	}
	got := FromInput(ToInput(img, size), size)
	if !bytes.Equal(got.Pix, img.Pix) {
		t.Errorf("FromInput(ToInput(img)) = %v, want %v", got.Pix, img.Pix)
	}

	clamp := []float32{-1, 0.5, 2, 0, 1, 0, 0.2, 0.2, 0.2, 0, 0, 0}
	// clamp is CHW for a 2x2 image: R = {-1, .5, 2, 0}, G = {1, 0, .2, .2}, B = {.2, 0, 0, 0}.
	want := []uint8{0, 255, 51, 255, 128, 0, 0, 255, 255, 51, 0, 255, 0, 51, 0, 255}
	if got := FromInput(clamp, 2); !bytes.Equal(got.Pix, want) {
		t.Errorf("FromInput(%v) = %v, want %v", clamp, got.Pix, want)
	}
}

// TestToInputShape checks grayscale and rectangular inputs: an image of the
// input size is not resized, so each value is the pixel's own (its luma for
// one channel), at index c*w*h + y*w + x.
func TestToInputShape(t *testing.T) {
	const w, h = 3, 2
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	pix := [][3]uint8{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}, {10, 20, 30}, {0, 0, 0}}
	for i, p := range pix {
		copy(img.Pix[4*i:], []uint8{p[0], p[1], p[2], 255})
	}
	// Pillow's convert("L") of these pixels: 76, 150, 29, 255, 18, 0.
	gray := []uint8{76, 150, 29, 255, 18, 0}
	in := ToInputShape(img, 1, w, h)
	if len(in) != w*h {
		t.Fatalf("%d values, want %d", len(in), w*h)
	}
	for i, g := range gray {
		if in[i] != float32(g)/255 {
			t.Errorf("gray pixel %d: %v, want %d/255", i, in[i]*255, g)
		}
	}
	rgb := ToInputShape(img, 3, w, h)
	for i, p := range pix {
		for c := 0; c < 3; c++ {
			if got := rgb[c*w*h+i]; got != float32(p[c])/255 {
				t.Errorf("pixel %d channel %d: %v, want %d/255", i, c, got*255, p[c])
			}
		}
	}
	back := FromInputShape(in, 1, w, h)
	if back.Bounds().Dx() != w || back.Bounds().Dy() != h || back.Pix[4] != 150 || back.Pix[5] != 150 || back.Pix[6] != 150 {
		t.Errorf("FromInputShape of gray: %v", back.Pix)
	}
	if got := ToInputShape(img, 3, 7, 4); len(got) != 3*7*4 {
		t.Errorf("resized to 7x4: %d values", len(got))
	}
}

func TestDecodeDeclaredSizeBeyondData(t *testing.T) {
	// Headers within MaxPixels whose data is far too short for the size
	// they declare: refused as damaged before the pixels are allocated.
	small := halves(16, 12, color.White, color.Black)
	png := encodePNG(t, small)
	binary.BigEndian.PutUint32(png[16:], 10000)
	binary.BigEndian.PutUint32(png[20:], 12000)
	binary.BigEndian.PutUint32(png[29:], crc32.ChecksumIEEE(png[12:29]))
	jpg := encodeJPEG(t, small)
	sof := bytes.Index(jpg, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(jpg[sof+5:], 10000) // height
	binary.BigEndian.PutUint16(jpg[sof+7:], 10000) // width
	var bm bytes.Buffer
	if err := bmp.Encode(&bm, small); err != nil {
		t.Fatal(err)
	}
	bmpData := bm.Bytes()
	binary.LittleEndian.PutUint32(bmpData[18:], 10000)
	binary.LittleEndian.PutUint32(bmpData[22:], 10000)

	for _, test := range []struct {
		name string
		data []byte
		want string
	}{
		{"png", png, "declares 10000 x 12000 pixels"},
		{"jpeg", jpg, "declares 10000 x 10000 pixels"},
		{"bmp", bmpData, "declares 10000 x 10000 pixels"},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err := Decode(test.data)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%s: error %v, want ErrTruncated saying %q", test.name, err, test.want)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: refusing the header allocated %d bytes", test.name, n)
		}
	}
}

func TestDecodeLargeButSmallFiles(t *testing.T) {
	// Pictures that compress well are not mistaken for damaged ones.
	gray := image.NewGray(image.Rect(0, 0, 3000, 2000))
	solid(gray, color.Gray{Y: 255})
	for name, data := range map[string][]byte{"png": encodePNG(t, gray), "jpeg": encodeJPEG(t, gray)} {
		img, _, err := Decode(data)
		if err != nil {
			t.Errorf("%s of %d bytes: %v", name, len(data), err)
		} else if img.Bounds().Dx() != 3000 {
			t.Errorf("%s: bounds %v", name, img.Bounds())
		}
	}
}

func TestLooksLikeImage(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"a.jpg": "\xff\xd8\xff\xe0rest", "a.png": "\x89PNG\r\n\x1a\nrest", "a.gif": "GIF89a...", "a.bmp": "BM....",
		"a.tif": "II*\x00....", "b.tif": "MM\x00*....", "a.webp": "RIFF\x00\x00\x00\x00WEBPVP8 ",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if !LooksLikeImage(path) {
			t.Errorf("%s: not taken for an image", name)
		}
	}
	for name, data := range map[string]string{"page.jpg": "<html>", "empty.png": "", "riff.wav": "RIFF\x00\x00\x00\x00WAVEfmt "} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if LooksLikeImage(path) {
			t.Errorf("%s: taken for an image", name)
		}
	}
	if !LooksLikeImage(filepath.Join(dir, "missing.jpg")) {
		t.Error("a missing file must count as an image, for its reader to report")
	}
}

func TestThumbnail(t *testing.T) {
	for _, tc := range []struct{ w, h, side, wantW, wantH int }{
		{10, 5, 20, 10, 5},       // small enough: itself
		{400, 100, 40, 40, 10},   // wide
		{90, 300, 30, 9, 30},     // tall
		{1000, 1000, 64, 64, 64}, // large
		{1000, 1, 50, 50, 1},     // never a zero side
	} {
		img := image.NewNRGBA(image.Rect(0, 0, tc.w, tc.h))
		got := Thumbnail(img, tc.side).Bounds()
		if got.Dx() != tc.wantW || got.Dy() != tc.wantH {
			t.Errorf("%dx%d into %d: %dx%d, want %dx%d", tc.w, tc.h, tc.side, got.Dx(), got.Dy(), tc.wantW, tc.wantH)
		}
	}
}
