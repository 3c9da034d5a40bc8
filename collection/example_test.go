package collection_test

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/internal/brightmodel"
)

// A folder of class folders analysed with a model whose answers are known:
// it calls a picture "bright" when its mean red is above 0.5.
func ExampleAnalyse() {
	dir, _ := os.MkdirTemp("", "collection-example")
	defer os.RemoveAll(dir)
	for name, red := range map[string]uint8{"bright/sun.png": 230, "dark/night.png": 20, "bright/dusk.png": 100} {
		img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
		for i := 0; i < len(img.Pix); i += 4 {
			img.Pix[i], img.Pix[i+3] = red, 255
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		f, _ := os.Create(path)
		png.Encode(f, img)
		f.Close()
	}

	m, err := brightmodel.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	files, _, err := collection.Scan([]string{dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	results := map[string]string{}
	_, err = collection.Analyse(context.Background(), m, files, collection.Options{}, func(r collection.Result) {
		if r.Err == nil {
			results[filepath.Base(r.File.Path)] = fmt.Sprintf("%s (folder %s)", m.Meta.Classes[r.Item.Class], r.Item.Folder)
		}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"sun.png", "dusk.png", "night.png"} {
		fmt.Println(name, results[name])
	}
	// Output:
	// sun.png bright (folder bright)
	// dusk.png dark (folder bright)
	// night.png dark (folder dark)
}
