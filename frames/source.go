package frames

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"strconv"
	"strings"
	"time"
)

// Errors a Source reports, wrapped with what happened; test them with
// errors.Is.
var (
	// ErrNoCamera: no camera is there, or this build has no camera support.
	ErrNoCamera = errors.New("no camera")
	// ErrBusy: the camera is in use by another program.
	ErrBusy = errors.New("camera busy")
	// ErrGone: the camera stopped giving frames (unplugged mid-lesson).
	ErrGone = errors.New("camera gone")
	// ErrBroken: a file that is not a readable GIF, AVI or picture folder.
	ErrBroken = errors.New("broken file")
)

// Frame is one picture from a source.
type Frame struct {
	// Index counts the frames the source gave, from 0 (a looped video
	// keeps counting).
	Index int
	// Image is the picture, or nil when JPEG holds it still encoded: a
	// Motion-JPEG frame is decoded only if the loop keeps it.
	Image image.Image
	JPEG  []byte
	// Err, when set, says why this one frame could not be read (a damaged
	// frame of a video, a picture of a folder that does not decode); the
	// source goes on with the next.
	Err error
}

// Decode returns the frame's picture, decoding its JPEG if need be.
func (f Frame) Decode() (image.Image, error) {
	if f.Err != nil {
		return nil, f.Err
	}
	if f.Image != nil {
		return f.Image, nil
	}
	if len(f.JPEG) == 0 {
		return nil, fmt.Errorf("frame %d is empty", f.Index)
	}
	img, err := jpeg.Decode(bytes.NewReader(withHuffman(f.JPEG)))
	if err != nil {
		return nil, fmt.Errorf("frame %d is not a readable JPEG: %v", f.Index, err)
	}
	return img, nil
}

// Source gives frames one after another. Next and Close may be called
// from different goroutines; Next from one at a time.
type Source interface {
	// Next waits for the next frame (a file's frames at their own pace)
	// and returns it. An error ends the source: ctx's error when ctx
	// ended, else one that says why in a line (ErrGone, ErrBroken...).
	Next(ctx context.Context) (Frame, error)
	// Name says what the source is, for the window and the log.
	Name() string
	// Close releases the camera or the file; Next then fails.
	Close() error
}

// Options set how Open plays files.
type Options struct {
	// FPS is a folder's slide show speed in pictures a second (1 when 0).
	FPS float64
	// Once plays a video or folder once instead of looping it: Next then
	// ends with io.EOF.
	Once bool
}

func (o Options) fps() float64 {
	if o.FPS <= 0 {
		return 1
	}
	return o.FPS
}

// Open returns the source that spec names: "camera" (the first camera
// found), "camera:N" (the Nth camera of Cameras, from 0), a device path
// such as /dev/video2, a folder of pictures, an animated GIF, a
// Motion-JPEG AVI or a single picture (shown again at opt.FPS).
func Open(spec string, opt Options) (Source, error) {
	switch {
	case spec == "":
		return nil, errors.New("no source given: name a camera (camera, camera:N), a video file (GIF, Motion-JPEG AVI) or a folder of pictures")
	case spec == "camera" || strings.HasPrefix(spec, "camera:"):
		n := 0
		if rest, ok := strings.CutPrefix(spec, "camera:"); ok {
			var err error
			if n, err = strconv.Atoi(rest); err != nil || n < 0 {
				return nil, fmt.Errorf("%q: want camera:N with N a camera's number from 0", spec)
			}
		}
		cams, err := Cameras()
		if err != nil {
			return nil, err
		}
		if n >= len(cams) {
			if len(cams) == 0 {
				return nil, fmt.Errorf("%w: none was found", ErrNoCamera)
			}
			return nil, fmt.Errorf("%w: there is no camera %d; %d found (camera:0 to camera:%d)", ErrNoCamera, n, len(cams), len(cams)-1)
		}
		return OpenCamera(cams[n].Path)
	case strings.HasPrefix(spec, "/dev/"):
		return OpenCamera(spec)
	}
	st, err := os.Stat(spec)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file or folder", spec)
		}
		return nil, err
	}
	if st.IsDir() {
		return OpenFolder(spec, opt)
	}
	f, err := os.Open(spec)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 12)
	n, _ := f.Read(head)
	f.Close()
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("GIF8")):
		return OpenGIF(spec, opt)
	case n == 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "AVI ":
		return OpenAVI(spec, opt)
	}
	return openPicture(spec, opt)
}

// pacer spaces frames in time: frame i is due at start plus the sum of
// the earlier frames' durations. A reader that fell far behind (the
// machine was busy) starts again from now rather than rushing.
type pacer struct {
	due time.Time
}

// wait sleeps until the next frame is due, then moves the due time by d.
func (p *pacer) wait(ctx context.Context, d time.Duration) error {
	now := time.Now()
	if p.due.IsZero() || now.Sub(p.due) > time.Second {
		p.due = now
	}
	if wait := p.due.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	} else if err := ctx.Err(); err != nil {
		return err
	}
	p.due = p.due.Add(d)
	return nil
}
