package frames

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"io"
	"os"
	"path/filepath"
	"time"
)

// maxGIFBytes caps the memory a GIF's composed frames take (they are
// composed once, at open): a long GIF is better made an AVI.
const maxGIFBytes = 512 << 20

// gifSource plays an animated GIF's frames, composed as a viewer shows
// them, at the delays the file gives.
type gifSource struct {
	name   string
	frames []*image.RGBA
	delays []time.Duration
	once   bool
	next   int
	count  int
	pace   pacer
}

// OpenGIF reads the animated GIF at path.
func OpenGIF(path string, opt Options) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a readable GIF: %v", ErrBroken, filepath.Base(path), err)
	}
	if len(g.Image) == 0 {
		return nil, fmt.Errorf("%w: %s has no frames", ErrBroken, filepath.Base(path))
	}
	w, h := g.Config.Width, g.Config.Height
	if w <= 0 || h <= 0 {
		b := g.Image[0].Bounds()
		w, h = b.Max.X, b.Max.Y
	}
	if int64(w)*int64(h)*4*int64(len(g.Image)) > maxGIFBytes {
		return nil, fmt.Errorf("%s: %d frames of %dx%d are too many to keep; make it a Motion-JPEG AVI", filepath.Base(path), len(g.Image), w, h)
	}
	s := &gifSource{name: filepath.Base(path), once: opt.Once}
	canvas := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, p := range g.Image {
		var before *image.RGBA
		disposal := byte(0)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		if disposal == gif.DisposalPrevious {
			before = image.NewRGBA(canvas.Rect)
			copy(before.Pix, canvas.Pix)
		}
		draw.Draw(canvas, p.Bounds(), p, p.Bounds().Min, draw.Over)
		frame := image.NewRGBA(canvas.Rect)
		copy(frame.Pix, canvas.Pix)
		s.frames = append(s.frames, frame)
		d := 0
		if i < len(g.Delay) {
			d = g.Delay[i]
		}
		if d <= 1 {
			d = 10 // browsers show 0 and 1 as a tenth of a second
		}
		s.delays = append(s.delays, time.Duration(d)*10*time.Millisecond)
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, p.Bounds(), image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = before
		}
	}
	return s, nil
}

func (s *gifSource) Name() string { return s.name }
func (s *gifSource) Close() error { return nil }

func (s *gifSource) Next(ctx context.Context) (Frame, error) {
	if s.next == len(s.frames) {
		if s.once {
			return Frame{}, io.EOF
		}
		s.next = 0
	}
	if err := s.pace.wait(ctx, s.delays[s.next]); err != nil {
		return Frame{}, err
	}
	f := Frame{Index: s.count, Image: s.frames[s.next]}
	s.next++
	s.count++
	return f, nil
}
