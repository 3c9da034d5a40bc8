package picture

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	// Decoders register themselves with package image in their init
	// functions.
	_ "image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// MaxPixels is the largest image, in pixels (width × height), that Decode
// accepts: 120 megapixels. Larger images are refused before their pixels are
// decoded, so a crafted header cannot make ArtLens allocate gigabytes.
const MaxPixels = 120_000_000

// pixelLimit is the limit Decode applies: MaxPixels, lowered by the fuzz
// test so that each of its inputs decodes quickly.
var pixelLimit int64 = MaxPixels

// MaxFileSize is the largest file, in bytes, that Open reads: 512 MiB.
const MaxFileSize = 512 << 20

// Errors returned by Decode and Open. Test for them with errors.Is; the
// returned errors carry a more specific message.
var (
	// ErrNotImage means the data is not an image in a supported format.
	ErrNotImage = errors.New("not an image file")
	// ErrTooLarge means the image or file is larger than ArtLens accepts.
	ErrTooLarge = errors.New("the image is too large")
	// ErrTruncated means the data starts like an image but is truncated or
	// damaged.
	ErrTruncated = errors.New("the image data is truncated or damaged")
	// ErrUnsupported means the image is in a known format but uses a
	// feature the decoder does not support.
	ErrUnsupported = errors.New("the image uses a feature that is not supported")
)

// Error is the error type of Decode and Open. Its message is a sentence for
// a user; errors.Is matches its Kind and, when present, its Cause.
type Error struct {
	Kind  error  // ErrNotImage, ErrTooLarge, ErrTruncated or ErrUnsupported
	Msg   string // message shown to the user
	Cause error  // underlying error, if any
}

// Error returns the message for the user.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the kind and the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// Decode decodes an image from data and returns it with the name of its
// format ("jpeg", "png", "gif", "bmp", "tiff" or "webp").
//
// The format is sniffed from the content. The image size is read from the
// header first, and images over MaxPixels are refused with ErrTooLarge
// before any pixel is decoded. Data that is not an image gives ErrNotImage
// (with a hint such as "it looks like HTML"), damaged or truncated data
// gives ErrTruncated, and a decoder panic is recovered and reported as
// ErrTruncated. For JPEG data, the EXIF orientation (1 to 8) is applied, so
// the returned image is upright; its bounds may then be a rotated copy of
// the stored size.
func Decode(data []byte) (img image.Image, format string, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, format = nil, ""
			err = &Error{Kind: ErrTruncated, Msg: ErrTruncated.Error(), Cause: fmt.Errorf("decoder panic: %v", r)}
		}
	}()
	if len(data) == 0 {
		return nil, "", &Error{Kind: ErrNotImage, Msg: "not an image file (the file is empty)"}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", classify(data, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", &Error{Kind: ErrTruncated, Msg: fmt.Sprintf("the image data is damaged: it claims a size of %d x %d pixels", cfg.Width, cfg.Height)}
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > pixelLimit {
		return nil, "", &Error{Kind: ErrTooLarge, Msg: fmt.Sprintf("the image is too large: %d x %d pixels (%.0f megapixels); the limit is %s megapixels",
			cfg.Width, cfg.Height, float64(px)/1e6, strconv.FormatFloat(float64(pixelLimit)/1e6, 'f', -1, 64))}
	}
	// A header may declare a size that the data is far too short to hold:
	// such a file is truncated or damaged, and is refused before the
	// decoder allocates the pixels the header declares.
	if need := minDataSize(format, cfg.Width, cfg.Height); int64(len(data)) < need {
		return nil, "", &Error{Kind: ErrTruncated, Msg: fmt.Sprintf("the image data is truncated or damaged: it declares %d x %d pixels, which take at least %d bytes, but the file holds %d",
			cfg.Width, cfg.Height, need, len(data))}
	}
	img, format, err = image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", classify(data, err)
	}
	if format == "jpeg" {
		img = orient(img, orientation(data))
	}
	return img, format, nil
}

// minDataSize returns a lower bound on the size, in bytes, of a file of
// format that holds w×h pixels, or 0 where the format can compress a
// picture without limit (WebP, TIFF with fax coding) or, as GIF, declares a
// canvas larger than what it holds. The bounds are loose on purpose, so that
// no valid file is refused:
//   - PNG: at least one bit per pixel and a filter byte per row, which
//     deflate shrinks at most 1032 times;
//   - JPEG: every 8×8 block of at least one component is coded with at
//     least one bit in the first scan, and a component is subsampled at most
//     4×4 in both directions;
//   - BMP: rows of at least one bit per pixel, uncompressed (the decoder
//     supports no RLE).
func minDataSize(format string, w, h int) int64 {
	W, H := int64(w), int64(h)
	switch format {
	case "png":
		return H * (1 + (W+7)/8) / 1032
	case "jpeg":
		return W * H / (64 * 16) / 8
	case "bmp":
		return H * ((W + 31) / 32 * 4)
	}
	return 0
}

// classify turns a decoder error into an *Error.
func classify(data []byte, err error) error {
	if errors.Is(err, image.ErrFormat) {
		return &Error{Kind: ErrNotImage, Msg: "not an image file (" + sniff(data) + ")", Cause: err}
	}
	if isUnsupported(err) {
		return &Error{Kind: ErrUnsupported, Msg: "the image uses a feature that is not supported (" + err.Error() + ")", Cause: err}
	}
	return &Error{Kind: ErrTruncated, Msg: ErrTruncated.Error(), Cause: err}
}

// isUnsupported reports whether err says that the data uses a feature the
// decoder does not support.
func isUnsupported(err error) bool {
	var (
		je jpeg.UnsupportedError
		pe png.UnsupportedError
		te tiff.UnsupportedError
	)
	return errors.As(err, &je) || errors.As(err, &pe) || errors.As(err, &te) || errors.Is(err, bmp.ErrUnsupported)
}

// sniff returns a short hint, for a user, of what data that is not a
// supported image looks like.
func sniff(data []byte) string {
	head := data
	if len(head) > 512 {
		head = head[:512]
	}
	trimmed := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	lower := bytes.ToLower(trimmed)
	has := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if bytes.HasPrefix(lower, []byte(p)) {
				return true
			}
		}
		return false
	}
	switch {
	case bytes.Contains(lower, []byte("<svg")):
		return "it looks like an SVG drawing, which is not supported"
	case has("<!doctype html", "<html", "<head", "<body", "<!--", "<meta", "<script", "<title") ||
		(has("<") && bytes.Contains(lower, []byte("<html"))):
		return "it looks like HTML"
	case has("%pdf"):
		return "it looks like a PDF document"
	case has("pk\x03\x04"):
		return "it looks like a ZIP archive"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		switch string(data[8:12]) {
		case "heic", "heix", "hevc", "mif1", "msf1":
			return "it looks like a HEIC image, which is not supported"
		case "avif", "avis":
			return "it looks like an AVIF image, which is not supported"
		}
		return "it looks like a video or HEIF file"
	case has("{", "["):
		if isText(head) {
			return "it looks like JSON text"
		}
	}
	if isText(head) {
		return "it looks like text"
	}
	return "the format is not recognised"
}

// isText reports whether b is valid UTF-8 without control characters other
// than white space. A multi-byte rune cut at the end of b is allowed.
func isText(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			return false
		}
		b = b[n:]
	}
	return true
}

// Open reads the image file at path and decodes it with Decode. Files over
// MaxFileSize are refused without reading them; a folder is refused. The
// messages of the returned errors begin with the file's base name.
func Open(path string) (image.Image, string, error) {
	name := filepath.Base(path)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, openError(err))
	}
	if fi.IsDir() {
		return nil, "", fmt.Errorf("%s: %w", name, &Error{Kind: ErrNotImage, Msg: "this is a folder, not an image file"})
	}
	if fi.Size() > MaxFileSize {
		return nil, "", fmt.Errorf("%s: %w", name, &Error{Kind: ErrTooLarge,
			Msg: fmt.Sprintf("the file is too large: %d MiB; files over %d MiB are refused", fi.Size()>>20, MaxFileSize>>20)})
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, openError(err))
	}
	defer f.Close()
	// The file may have grown since Stat: read at most one byte more than
	// the limit to notice.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, &fileError{"the file could not be read: " + err.Error(), err})
	}
	if len(data) > MaxFileSize {
		return nil, "", fmt.Errorf("%s: %w", name, &Error{Kind: ErrTooLarge,
			Msg: fmt.Sprintf("the file is too large; files over %d MiB are refused", MaxFileSize>>20)})
	}
	img, format, err := Decode(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	return img, format, nil
}

// openError rewords the common file-system errors as sentences. The
// cause stays reachable with errors.Is but is not repeated in the message,
// which would name the path a second time.
func openError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &fileError{"the file does not exist", err}
	case errors.Is(err, fs.ErrPermission):
		return &fileError{"permission to read the file was denied", err}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fileError{"the file could not be opened: " + pe.Err.Error(), err}
	}
	return &fileError{"the file could not be opened: " + err.Error(), err}
}

// fileError is a file-system error worded for a user.
type fileError struct {
	msg   string
	cause error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.cause }
