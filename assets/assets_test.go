package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconIsA512PNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("decode embedded icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("icon is %dx%d, want 512x512", b.Dx(), b.Dy())
	}
	// The corners are transparent (a rounded tile), the centre opaque.
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Errorf("corner alpha = %d, want 0", a)
	}
	if _, _, _, a := img.At(256, 256).RGBA(); a != 0xffff {
		t.Errorf("centre alpha = %d, want opaque", a)
	}
}

func TestIconResource(t *testing.T) {
	r := IconResource()
	if r.Name() != "icon.png" || !bytes.Equal(r.Content(), Icon) {
		t.Fatalf("IconResource() = %q with %d bytes, want icon.png with the embedded icon", r.Name(), len(r.Content()))
	}
}
