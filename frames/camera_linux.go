package frames

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/blackjack/webcam"
)

// V4L2 pixel formats ArtLens reads: Motion-JPEG (decoded only for the
// frames kept) and YUYV 4:2:2.
const (
	fourccMJPG = webcam.PixelFormat('M' | 'J'<<8 | 'P'<<16 | 'G'<<24)
	fourccYUYV = webcam.PixelFormat('Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24)
)

// Cameras lists the V4L2 capture devices (/dev/video*) that give frames in
// a format ArtLens reads, in the order of their numbers. A camera another
// program is using is listed too (opening it then says it is busy).
func Cameras() ([]Camera, error) {
	paths, _ := filepath.Glob("/dev/video*")
	slices.SortFunc(paths, func(a, b string) int { return videoNumber(a) - videoNumber(b) })
	var out []Camera
	for _, p := range paths {
		cam, err := webcam.Open(p)
		if err != nil {
			continue // metadata nodes and other non-capture devices
		}
		formats := cam.GetSupportedFormats()
		_, mjpg := formats[fourccMJPG]
		_, yuyv := formats[fourccYUYV]
		name, _ := cam.GetName()
		cam.Close()
		if mjpg || yuyv {
			out = append(out, Camera{Path: p, Name: strings.TrimSpace(name)})
		}
	}
	return out, nil
}

func videoNumber(path string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(path, "/dev/video"))
	if err != nil {
		return 1 << 30
	}
	return n
}

// cameraSource streams a V4L2 camera.
type cameraSource struct {
	path, name    string
	mu            sync.Mutex // cam is closed by Close from another goroutine
	cam           *webcam.Webcam
	format        webcam.PixelFormat
	width, height int
	count         int
}

// OpenCamera starts the V4L2 camera at path (such as /dev/video0) at about
// 320×240, in Motion-JPEG if it can, else YUYV.
func OpenCamera(path string) (Source, error) {
	cam, err := webcam.Open(path)
	if err != nil {
		return nil, cameraError(path, "opening", err)
	}
	name, _ := cam.GetName()
	formats := cam.GetSupportedFormats()
	format := webcam.PixelFormat(0)
	for _, f := range []webcam.PixelFormat{fourccMJPG, fourccYUYV} {
		if _, ok := formats[f]; ok {
			format = f
			break
		}
	}
	if format == 0 {
		cam.Close()
		return nil, fmt.Errorf("%w: %s gives neither Motion-JPEG nor YUYV frames", ErrNoCamera, path)
	}
	w, h := pickSize(cam.GetSupportedFrameSizes(format))
	f, gw, gh, err := cam.SetImageFormat(format, uint32(w), uint32(h))
	if err != nil {
		cam.Close()
		return nil, cameraError(path, "setting its format", err)
	}
	if f != format {
		cam.Close()
		return nil, fmt.Errorf("%w: %s refused the frame format asked", ErrNoCamera, path)
	}
	_ = cam.SetBufferCount(4)
	if err := cam.StartStreaming(); err != nil {
		cam.Close()
		return nil, cameraError(path, "starting it", err)
	}
	if name == "" {
		name = path
	}
	return &cameraSource{path: path, name: strings.TrimSpace(name), cam: cam, format: format, width: int(gw), height: int(gh)}, nil
}

// pickSize returns the smallest size at least 320×240 that the camera
// offers (its first one otherwise); a stepwise range gives 320×240 itself
// when it includes it.
func pickSize(sizes []webcam.FrameSize) (w, h int) {
	w, h = cameraWidth, cameraHeight
	best := -1
	for _, s := range sizes {
		if s.StepWidth > 0 && s.MinWidth <= cameraWidth && s.MaxWidth >= cameraWidth && s.MinHeight <= cameraHeight && s.MaxHeight >= cameraHeight {
			return cameraWidth, cameraHeight
		}
		sw, sh := int(s.MaxWidth), int(s.MaxHeight)
		if sw < cameraWidth || sh < cameraHeight {
			continue
		}
		if best < 0 || sw*sh < best {
			best, w, h = sw*sh, sw, sh
		}
	}
	if best < 0 && len(sizes) > 0 {
		w, h = int(sizes[0].MaxWidth), int(sizes[0].MaxHeight)
	}
	return w, h
}

// cameraError says in a line what a failed camera call means.
func cameraError(path, doing string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENXIO):
		return fmt.Errorf("%w at %s", ErrNoCamera, path)
	case errors.Is(err, syscall.EBUSY):
		return fmt.Errorf("%w: %s is in use by another program; close it and try again", ErrBusy, path)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return fmt.Errorf("%w: %s may not be opened by this user (add the user to the video group)", ErrNoCamera, path)
	case errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.EIO):
		return fmt.Errorf("%w: %s disappeared (unplugged?) while %s", ErrGone, path, doing)
	}
	return fmt.Errorf("%w: %s failed while %s: %v", ErrNoCamera, path, doing, err)
}

func (s *cameraSource) Name() string { return s.name }

func (s *cameraSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cam == nil {
		return nil
	}
	err := s.cam.Close()
	s.cam = nil
	return err
}

// Next waits for the camera's next frame, a quarter second at a time so
// that a cancelled ctx ends it soon; three seconds without a frame mean
// the camera is gone.
func (s *cameraSource) Next(ctx context.Context) (Frame, error) {
	for waited := 0; ; waited++ {
		if err := ctx.Err(); err != nil {
			return Frame{}, err
		}
		if waited >= 12 {
			return Frame{}, fmt.Errorf("%w: %s gave no frame for three seconds (unplugged?)", ErrGone, s.path)
		}
		s.mu.Lock()
		if s.cam == nil {
			s.mu.Unlock()
			return Frame{}, fmt.Errorf("%s is closed", s.path)
		}
		err := s.cam.WaitForFrame(250)
		if err != nil {
			s.mu.Unlock()
			var timeout *webcam.Timeout
			if errors.As(err, &timeout) || errors.Is(err, syscall.EINTR) {
				continue
			}
			return Frame{}, cameraError(s.path, "streaming", err)
		}
		data, err := s.cam.ReadFrame()
		if err != nil {
			s.mu.Unlock()
			if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
				continue
			}
			return Frame{}, cameraError(s.path, "streaming", err)
		}
		if len(data) == 0 {
			s.mu.Unlock()
			continue
		}
		f := Frame{Index: s.count}
		s.count++
		if s.format == fourccMJPG {
			f.JPEG = append([]byte(nil), data...) // the driver's buffer is reused
		} else {
			f.Image, f.Err = yuyvImage(data, s.width, s.height)
		}
		s.mu.Unlock()
		return f, nil
	}
}

// yuyvImage copies a YUYV 4:2:2 frame (Y0 U Y1 V per two pixels) into a
// YCbCr picture.
func yuyvImage(data []byte, w, h int) (image.Image, error) {
	if w < 2 || h < 1 || len(data) < w*h*2 {
		return nil, fmt.Errorf("a YUYV frame of %d bytes is not %dx%d", len(data), w, h)
	}
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio422)
	for y := range h {
		row := data[y*w*2:]
		for x := 0; x+1 < w; x += 2 {
			q := row[2*x:]
			img.Y[y*img.YStride+x] = q[0]
			img.Y[y*img.YStride+x+1] = q[2]
			c := y*img.CStride + x/2
			img.Cb[c] = q[1]
			img.Cr[c] = q[3]
		}
	}
	return img, nil
}
