package main

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"os"
	"testing"
)

// TestIconIsUpToDate checks that the committed icon is what this program
// draws: after changing the drawing, run `go generate ./assets`.
func TestIconIsUpToDate(t *testing.T) {
	data, err := os.ReadFile("../../icon.png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	have := image.NewNRGBA(img.Bounds())
	draw.Draw(have, have.Bounds(), img, img.Bounds().Min, draw.Src)
	want := render(512)
	if !bytes.Equal(have.Pix, want.Pix) {
		t.Fatal("assets/icon.png differs from what mkicon draws; run go generate ./assets")
	}
}
