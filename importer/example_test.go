package importer_test

import (
	"fmt"

	"github.com/artlens/artlens/importer"
)

// A torchvision MobileNetV2 (random weights) exported by torch.onnx.export
// at opset 13, read as an ArtLens model; scripts/make-onnx-fixtures.py made
// the file.
func ExampleImportFile() {
	m, err := importer.ImportFile("testdata/mobilenet-v2-opset13.onnx", importer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	in := m.Input()
	fmt.Printf("input %dx%dx%d, %d classes, %d places\n", in.Width, in.Height, in.Channels, len(m.Meta.Classes), len(m.Places()))
	// Output: input 64x64x3, 5 classes, 63 places
}
