package host

import (
	"path/filepath"
	"strings"
)

// ImageExtensions are offered by the image file dialogs. Files are sniffed
// by content, so this is only the dialogs' filter.
var ImageExtensions = []string{".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}

// ModelExtension is the extension of weights files; ONNXExtension that of
// ONNX models, imported when opened (with generic class names).
const (
	ModelExtension = ".safetensors"
	ONNXExtension  = ".onnx"
)

// IsModelFile says whether path names a model rather than a picture.
func IsModelFile(path string) bool {
	ext := filepath.Ext(path)
	return strings.EqualFold(ext, ModelExtension) || strings.EqualFold(ext, ONNXExtension)
}
