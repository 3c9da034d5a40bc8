// Command mkcorpus writes the seed corpus of picture's FuzzDecode into
// picture/testdata/fuzz/FuzzDecode: small pictures in every format and
// colour model that Decode reads, made with ImageMagick's convert (which,
// unlike Go, writes WebP, CMYK and 16-bit TIFF), and damaged variants:
// truncated files and headers that declare enormous sizes.
//
// Run it from the repository root: go run ./picture/testdata/mkcorpus
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

const out = "picture/testdata/fuzz/FuzzDecode"

// sample is a picture made by convert: args come between the source and
// the output file, whose name (with the format prefix) is file.
type sample struct {
	name string
	args []string
	file string
}

func main() {
	tmp, err := os.MkdirTemp("", "mkcorpus")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Fatal(err)
	}
	alpha := []string{"-alpha", "set", "-channel", "A", "-evaluate", "set", "50%", "+channel"}
	samples := []sample{
		{"png-rgb8", nil, "PNG24:x.png"},
		{"png-rgb16", []string{"-depth", "16"}, "PNG48:x.png"},
		{"png-gray8", []string{"-colorspace", "Gray"}, "PNG:x.png"},
		{"png-gray16", []string{"-colorspace", "Gray", "-depth", "16"}, "PNG:x.png"},
		{"png-gray1", []string{"-monochrome"}, "PNG:x.png"},
		{"png-alpha", alpha, "PNG32:x.png"},
		{"png-alpha16", append(append([]string{}, alpha...), "-depth", "16"), "PNG64:x.png"},
		{"png-palette", nil, "PNG8:x.png"},
		{"png-interlaced", []string{"-interlace", "PNG"}, "PNG24:x.png"},
		{"jpeg-420", []string{"-quality", "80", "-sampling-factor", "2x2"}, "x.jpg"},
		{"jpeg-444", []string{"-quality", "80", "-sampling-factor", "1x1"}, "x.jpg"},
		{"jpeg-progressive", []string{"-interlace", "JPEG"}, "x.jpg"},
		{"jpeg-gray", []string{"-colorspace", "Gray"}, "x.jpg"},
		{"jpeg-cmyk", []string{"-colorspace", "CMYK"}, "x.jpg"},
		{"gif", nil, "x.gif"},
		{"gif-transparent", []string{"-transparent", "red"}, "x.gif"},
		{"bmp-24", nil, "BMP3:x.bmp"},
		{"bmp-32-alpha", alpha, "BMP:x.bmp"},
		{"bmp-8", []string{"-type", "Palette", "-compress", "None"}, "BMP3:x.bmp"},
		{"bmp-1", []string{"-monochrome"}, "BMP3:x.bmp"},
		{"tiff-rgb", []string{"-compress", "None"}, "x.tif"},
		{"tiff-lzw", []string{"-compress", "LZW"}, "x.tif"},
		{"tiff-deflate", []string{"-compress", "Zip"}, "x.tif"},
		{"tiff-packbits", []string{"-compress", "RLE"}, "x.tif"},
		{"tiff-rgb16", []string{"-depth", "16", "-compress", "None"}, "x.tif"},
		{"tiff-gray", []string{"-colorspace", "Gray", "-compress", "None"}, "x.tif"},
		// x/image/tiff does not read CMYK: Decode says so.
		{"tiff-cmyk-unsupported", []string{"-colorspace", "CMYK", "-compress", "None"}, "x.tif"},
		{"tiff-alpha", append(append([]string{}, alpha...), "-compress", "None"), "x.tif"},
		{"tiff-palette", []string{"-type", "Palette", "-compress", "None"}, "x.tif"},
		{"tiff-tiled", []string{"-compress", "None", "-define", "tiff:tile-geometry=8x8"}, "x.tif"},
		{"tiff-group4", []string{"-monochrome", "-compress", "Group4"}, "x.tif"},
		{"webp-lossy", []string{"-quality", "50"}, "x.webp"},
		{"webp-lossless", []string{"-define", "webp:lossless=true"}, "x.webp"},
		{"webp-alpha", append(append([]string{}, alpha...), "-quality", "50"), "x.webp"},
	}
	files := map[string][]byte{}
	for _, s := range samples {
		path := filepath.Join(tmp, s.file)
		if i := bytes.IndexByte([]byte(s.file), ':'); i >= 0 {
			path = s.file[:i+1] + filepath.Join(tmp, s.file[i+1:])
		}
		args := append([]string{"-size", "16x12", "gradient:red-blue", "-fill", "yellow", "-draw", "circle 8,6 8,2", "-strip", "-depth", "8", "-alpha", "off"}, s.args...)
		args = append(args, path)
		if b, err := exec.Command("convert", args...).CombinedOutput(); err != nil {
			log.Fatalf("%s: convert %q: %v\n%s", s.name, args, err, b)
		}
		data, err := os.ReadFile(filepath.Join(tmp, filepath.Base(s.file[bytes.IndexByte([]byte(s.file), ':')+1:])))
		if err != nil {
			log.Fatal(err)
		}
		files[s.name] = data
	}

	// An upright JPEG with an EXIF orientation to apply.
	files["jpeg-exif-rotate90"] = withEXIFOrientation(files["jpeg-444"], 6)
	files["jpeg-exif-mirror"] = withEXIFOrientation(files["jpeg-420"], 2)
	// Truncated files.
	for _, n := range []string{"png-rgb8", "jpeg-420", "jpeg-progressive", "gif", "bmp-24", "tiff-lzw", "webp-lossy", "webp-lossless"} {
		d := files[n]
		files[n+"-truncated"] = d[:len(d)/2]
	}
	// Headers that declare enormous sizes: over the limit, and within it
	// but far more than the data holds.
	files["png-huge-header"] = pngSize(files["png-rgb8"], 20000, 20000)
	files["png-declares-100mp"] = pngSize(files["png-rgb8"], 10000, 10000)
	files["jpeg-declares-100mp"] = jpegSize(files["jpeg-420"], 10000, 10000)
	files["jpeg-huge-header"] = jpegSize(files["jpeg-420"], 65535, 65535)
	files["bmp-declares-100mp"] = bmpSize(files["bmp-24"], 10000, 10000)
	files["bmp-huge-header"] = bmpSize(files["bmp-24"], 1<<30, 1<<30)
	files["gif-huge-screen"] = gifSize(files["gif"], 65535, 65535)
	files["tiff-declares-100mp"] = tiffSize(files["tiff-rgb"], 10000, 10000)
	files["tiff-huge-header"] = tiffSize(files["tiff-rgb"], 1<<20, 1<<20)
	files["webp-huge-canvas"] = vp8lSize(files["webp-lossless"], 16384, 16384)

	for name, data := range files {
		body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
		if err := os.WriteFile(filepath.Join(out, name), []byte(body), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("wrote %d files to %s\n", len(files), out)
}

// withEXIFOrientation returns jpg with an APP1 EXIF segment holding the
// orientation tag o after the SOI marker.
func withEXIFOrientation(jpg []byte, o uint16) []byte {
	var t bytes.Buffer
	le := binary.LittleEndian
	t.WriteString("II")
	for _, v := range []any{uint16(42), uint32(8), uint16(1), uint16(0x0112), uint16(3), uint32(1), o, uint16(0), uint32(0)} {
		binary.Write(&t, le, v)
	}
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// pngSize returns a copy of a PNG file whose IHDR declares w×h (with a
// correct checksum, so the decoder reads on).
func pngSize(d []byte, w, h uint32) []byte {
	d = bytes.Clone(d)
	binary.BigEndian.PutUint32(d[16:], w)
	binary.BigEndian.PutUint32(d[20:], h)
	binary.BigEndian.PutUint32(d[29:], crc32.ChecksumIEEE(d[12:29]))
	return d
}

// jpegSize returns a copy of a JPEG file whose frame header declares w×h.
func jpegSize(d []byte, w, h uint16) []byte {
	d = bytes.Clone(d)
	for i := 2; i+9 < len(d); {
		if d[i] != 0xFF {
			log.Fatal("jpegSize: no marker")
		}
		m := d[i+1]
		if m == 0xC0 || m == 0xC1 || m == 0xC2 {
			binary.BigEndian.PutUint16(d[i+5:], h)
			binary.BigEndian.PutUint16(d[i+7:], w)
			return d
		}
		i += 2 + int(binary.BigEndian.Uint16(d[i+2:]))
	}
	log.Fatal("jpegSize: no SOF marker")
	return nil
}

// bmpSize returns a copy of a BMP file whose header declares w×h.
func bmpSize(d []byte, w, h uint32) []byte {
	d = bytes.Clone(d)
	binary.LittleEndian.PutUint32(d[18:], w)
	binary.LittleEndian.PutUint32(d[22:], h)
	return d
}

// gifSize returns a copy of a GIF file whose logical screen is w×h.
func gifSize(d []byte, w, h uint16) []byte {
	d = bytes.Clone(d)
	binary.LittleEndian.PutUint16(d[6:], w)
	binary.LittleEndian.PutUint16(d[8:], h)
	return d
}

// tiffSize returns a copy of a TIFF file whose first IFD declares w×h.
func tiffSize(d []byte, w, h uint32) []byte {
	d = bytes.Clone(d)
	var bo binary.ByteOrder = binary.LittleEndian
	if string(d[:2]) == "MM" {
		bo = binary.BigEndian
	}
	ifd := int(bo.Uint32(d[4:]))
	n := int(bo.Uint16(d[ifd:]))
	for k := 0; k < n; k++ {
		e := d[ifd+2+12*k:]
		tag, typ := bo.Uint16(e), bo.Uint16(e[2:])
		v := w
		if tag == 257 {
			v = h
		} else if tag != 256 {
			continue
		}
		if typ == 3 { // SHORT
			bo.PutUint16(e[8:], uint16(min(v, 65535)))
		} else {
			bo.PutUint32(e[8:], v)
		}
	}
	return d
}

// vp8lSize returns a copy of a lossless WebP file (simple format: RIFF,
// WEBP, VP8L) whose bitstream header declares w×h.
func vp8lSize(d []byte, w, h uint32) []byte {
	d = bytes.Clone(d)
	if string(d[12:16]) != "VP8L" {
		log.Fatalf("vp8lSize: chunk %q", d[12:16])
	}
	bits := binary.LittleEndian.Uint32(d[21:])
	bits = bits&^(1<<28-1) | (w-1)&0x3fff | ((h-1)&0x3fff)<<14
	binary.LittleEndian.PutUint32(d[21:], bits)
	return d
}
