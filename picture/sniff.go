package picture

import (
	"io"
	"os"
	"strings"
)

// LooksLikeImage reports whether the file at path starts like an image in
// a format Decode reads (JPEG, PNG, GIF, BMP, TIFF, WebP): a quick test on
// its first bytes, for skipping other files in a folder without decoding
// them. A file that cannot be opened counts as an image, so that whoever
// opens it next reports why it cannot be read.
func LooksLikeImage(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	return startsLikeImage(head[:n])
}

// startsLikeImage reports whether head, a file's first bytes, begins with
// the signature of a format Decode reads.
func startsLikeImage(head []byte) bool {
	for _, magic := range []string{"\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "GIF87a", "GIF89a", "BM", "II*\x00", "MM\x00*"} {
		if strings.HasPrefix(string(head), magic) {
			return true
		}
	}
	return len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP"
}
