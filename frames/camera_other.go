//go:build !linux

package frames

import "fmt"

// Cameras returns no camera: this build has camera support on Linux only.
func Cameras() ([]Camera, error) { return nil, nil }

// OpenCamera fails: this build has camera support on Linux only.
func OpenCamera(path string) (Source, error) {
	return nil, fmt.Errorf("%w: no camera support in this build (Linux only); play a video file (GIF, Motion-JPEG AVI) or a folder of pictures instead", ErrNoCamera)
}
