package frames

import (
	"errors"
	"image"
	"syscall"
	"testing"

	"github.com/blackjack/webcam"
)

func TestYUYV(t *testing.T) {
	// Two rows of two pixels: Y0 U Y1 V each.
	got, err := yuyvImage([]byte{10, 100, 20, 200, 50, 60, 70, 80}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	img := got.(*image.YCbCr)
	for _, c := range []struct {
		x, y      int
		Y, Cb, Cr uint8
	}{
		{0, 0, 10, 100, 200}, {1, 0, 20, 100, 200}, {0, 1, 50, 60, 80}, {1, 1, 70, 60, 80},
	} {
		p := img.YCbCrAt(c.x, c.y)
		if p.Y != c.Y || p.Cb != c.Cb || p.Cr != c.Cr {
			t.Errorf("(%d,%d) = %v, want %d %d %d", c.x, c.y, p, c.Y, c.Cb, c.Cr)
		}
	}
	if _, err := yuyvImage(make([]byte, 7), 2, 2); err == nil {
		t.Error("a short frame was read")
	}
}

func TestPickSize(t *testing.T) {
	for _, c := range []struct {
		sizes []webcam.FrameSize
		w, h  int
	}{
		{[]webcam.FrameSize{{MaxWidth: 1280, MaxHeight: 720}, {MaxWidth: 640, MaxHeight: 480}, {MaxWidth: 160, MaxHeight: 120}}, 640, 480},
		{[]webcam.FrameSize{{MinWidth: 16, MaxWidth: 1920, StepWidth: 2, MinHeight: 16, MaxHeight: 1080, StepHeight: 2}}, 320, 240},
		{[]webcam.FrameSize{{MaxWidth: 176, MaxHeight: 144}}, 176, 144},
		{nil, 320, 240},
	} {
		if w, h := pickSize(c.sizes); w != c.w || h != c.h {
			t.Errorf("%v: %dx%d, want %dx%d", c.sizes, w, h, c.w, c.h)
		}
	}
}

func TestCameraErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want error
	}{
		{syscall.ENOENT, ErrNoCamera},
		{syscall.EBUSY, ErrBusy},
		{syscall.ENODEV, ErrGone},
		{syscall.EACCES, ErrNoCamera},
	} {
		if got := cameraError("/dev/video0", "opening", c.err); !errors.Is(got, c.want) {
			t.Errorf("%v: %v, want %v", c.err, got, c.want)
		}
	}
	if _, err := OpenCamera("/dev/video-none"); !errors.Is(err, ErrNoCamera) {
		t.Errorf("a missing device: %v", err)
	}
}
