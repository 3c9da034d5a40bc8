package frames

import (
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/artlens/artlens/picture"
)

// folderSource shows a folder's pictures one after another (in name
// order, not looking into sub-folders) at a fixed rate. Each picture is
// decoded when it is due, so a large folder costs no memory.
type folderSource struct {
	name   string
	files  []string
	period time.Duration
	once   bool
	next   int
	count  int
	pace   pacer
}

// OpenFolder plays the pictures of dir as a slide show at opt.FPS.
func OpenFolder(dir string, opt Options) (Source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	s := &folderSource{name: filepath.Base(filepath.Clean(dir)) + "/", once: opt.Once,
		period: time.Duration(float64(time.Second) / opt.fps())}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.Type().IsRegular() && picture.LooksLikeImage(p) {
			s.files = append(s.files, p)
		}
	}
	slices.Sort(s.files)
	if len(s.files) == 0 {
		return nil, fmt.Errorf("%s has no pictures (JPEG, PNG, GIF, BMP, TIFF or WebP)", dir)
	}
	return s, nil
}

func (s *folderSource) Name() string { return s.name }
func (s *folderSource) Close() error { return nil }

func (s *folderSource) Next(ctx context.Context) (Frame, error) {
	if s.next == len(s.files) {
		if s.once {
			return Frame{}, io.EOF
		}
		s.next = 0
	}
	if err := s.pace.wait(ctx, s.period); err != nil {
		return Frame{}, err
	}
	path := s.files[s.next]
	f := Frame{Index: s.count}
	s.next++
	s.count++
	img, _, err := picture.Open(path)
	if err != nil {
		f.Err = fmt.Errorf("%s: %v", filepath.Base(path), err)
		return f, nil
	}
	f.Image = img
	return f, nil
}

// openPicture shows one picture file again and again at opt.FPS.
func openPicture(path string, opt Options) (Source, error) {
	img, _, err := picture.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a GIF, a Motion-JPEG AVI, a folder or a readable picture: %v", ErrBroken, filepath.Base(path), err)
	}
	return NewImages(filepath.Base(path), []image.Image{img}, opt), nil
}

// imagesSource plays pictures held in memory.
type imagesSource struct {
	name   string
	imgs   []image.Image
	period time.Duration
	once   bool
	next   int
	count  int
	pace   pacer
}

// NewImages plays imgs (at least one) as a slide show at opt.FPS (a
// picture given twice is simply shown twice). It is the source of a
// single picture file, and of tests.
func NewImages(name string, imgs []image.Image, opt Options) Source {
	return &imagesSource{name: name, imgs: imgs, once: opt.Once, period: time.Duration(float64(time.Second) / opt.fps())}
}

func (s *imagesSource) Name() string { return s.name }
func (s *imagesSource) Close() error { return nil }

func (s *imagesSource) Next(ctx context.Context) (Frame, error) {
	if len(s.imgs) == 0 {
		return Frame{}, fmt.Errorf("%s has no pictures", s.name)
	}
	if s.next == len(s.imgs) {
		if s.once {
			return Frame{}, io.EOF
		}
		s.next = 0
	}
	if err := s.pace.wait(ctx, s.period); err != nil {
		return Frame{}, err
	}
	f := Frame{Index: s.count, Image: s.imgs[s.next]}
	s.next++
	s.count++
	return f, nil
}
