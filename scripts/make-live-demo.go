//go:build ignore

// make-live-demo writes a Motion-JPEG AVI for trying the live mode
// without a camera: a 320x240 window panning slowly across each picture
// given, 3 seconds a picture at 25 frames a second.
//
//	go run scripts/make-live-demo.go OUT.avi PICTURE...
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"

	xdraw "golang.org/x/image/draw"

	"github.com/artlens/artlens/frames"
	"github.com/artlens/artlens/internal/atomicfile"
	"github.com/artlens/artlens/picture"
)

const w, h, fps, perPicture = 320, 240, 25, 75

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/make-live-demo.go OUT.avi PICTURE...")
		os.Exit(2)
	}
	var out [][]byte
	for _, path := range os.Args[2:] {
		img, _, err := picture.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		// Scale the picture to cover 1.5 times the frame, then pan.
		b := img.Bounds()
		s := max(1.5*w/float64(b.Dx()), 1.5*h/float64(b.Dy()))
		big := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*s), int(float64(b.Dy())*s)))
		xdraw.CatmullRom.Scale(big, big.Bounds(), img, b, xdraw.Src, nil)
		for i := range perPicture {
			t := float64(i) / (perPicture - 1)
			x := int(t * float64(big.Bounds().Dx()-w))
			y := int((1 - t) * float64(big.Bounds().Dy()-h))
			frame := big.SubImage(image.Rect(x, y, x+w, y+h))
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, frame, &jpeg.Options{Quality: 80}); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			out = append(out, buf.Bytes())
		}
	}
	err := atomicfile.Write(os.Args[1], 0o644, func(wr io.Writer) error { return frames.WriteAVI(wr, out, w, h, fps) })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d frames to %s\n", len(out), os.Args[1])
}
