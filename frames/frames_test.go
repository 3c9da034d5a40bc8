package frames

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/internal/brightmodel"
)

// uniform returns a w×h picture of one colour whose red encodes i, so a
// test can tell which frame it got.
func uniform(w, h, i int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c := color.RGBA{uint8(40 * i), 100, 200, 255}
	for p := 0; p < len(img.Pix); p += 4 {
		img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// redOf reads back the frame number of a uniform picture.
func redOf(img image.Image) int {
	r, _, _, _ := img.At(img.Bounds().Min.X+2, img.Bounds().Min.Y+2).RGBA()
	return int((float64(r>>8) + 20) / 40)
}

func writeGIF(t *testing.T, path string, n int, delay int) {
	t.Helper()
	g := &gif.GIF{}
	for i := range n {
		p := image.NewPaletted(image.Rect(0, 0, 32, 24), color.Palette{uniform(1, 1, i).At(0, 0), color.Black})
		g.Image = append(g.Image, p)
		g.Delay = append(g.Delay, delay)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// jpegFrame encodes frame i; without its Huffman tables when bare, as
// Motion-JPEG cameras write them.
func jpegFrame(t *testing.T, i int, bare bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, uniform(32, 24, i), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if !bare {
		return b.Bytes()
	}
	data := b.Bytes()
	out := append([]byte(nil), data[:2]...)
	for i := 2; i+4 <= len(data); {
		marker, n := data[i+1], int(data[i+2])<<8|int(data[i+3])
		if marker == 0xDA {
			return append(out, data[i:]...)
		}
		if marker != 0xC4 {
			out = append(out, data[i:i+2+n]...)
		}
		i += 2 + n
	}
	t.Fatal("no scan")
	return nil
}

// standardDHTOf returns the DHT segments of data, concatenated.
func standardDHTOf(data []byte) []byte {
	var dht []byte
	walkSegments(data, func(marker byte, seg []byte) bool {
		if marker == 0xC4 {
			dht = append(dht, seg...)
		}
		return marker != 0xDA
	})
	return dht
}

func writeAVI(t *testing.T, path string, n int, fps float64, bare bool) {
	t.Helper()
	var frames [][]byte
	for i := range n {
		frames = append(frames, jpegFrame(t, i, bare))
	}
	writeAVIFrames(t, path, frames, fps)
}

func writeAVIFrames(t *testing.T, path string, frames [][]byte, fps float64) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteAVI(&b, frames, 32, 24, fps); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readAll takes n frames from src and returns their decoded frame numbers
// and the time they took.
func readAll(t *testing.T, src Source, n int) ([]int, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	var got []int
	for range n {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", len(got), err)
		}
		img, err := f.Decode()
		if err != nil {
			t.Fatalf("frame %d: %v", len(got), err)
		}
		got = append(got, redOf(img))
	}
	return got, time.Since(start)
}

func TestSources(t *testing.T) {
	dir := t.TempDir()
	writeGIF(t, filepath.Join(dir, "a.gif"), 3, 5) // 50 ms a frame
	writeAVI(t, filepath.Join(dir, "a.avi"), 3, 20, false)
	writeAVI(t, filepath.Join(dir, "bare.avi"), 3, 20, true)
	pics := filepath.Join(dir, "pics")
	os.Mkdir(pics, 0o755)
	for i := range 3 {
		var b bytes.Buffer
		png.Encode(&b, uniform(16, 16, i))
		os.WriteFile(filepath.Join(pics, fmt.Sprintf("p%d.png", i)), b.Bytes(), 0o644)
	}
	os.WriteFile(filepath.Join(pics, "notes.txt"), []byte("not a picture"), 0o644)
	os.WriteFile(filepath.Join(dir, "still.png"), func() []byte {
		var b bytes.Buffer
		png.Encode(&b, uniform(16, 16, 2))
		return b.Bytes()
	}(), 0o644)

	for _, c := range []struct {
		spec string
		want []int
		min  time.Duration // the pace: frames after the first are waited for
	}{
		{"a.gif", []int{0, 1, 2, 0, 1}, 4 * 50 * time.Millisecond},
		{"a.avi", []int{0, 1, 2, 0, 1}, 4 * 50 * time.Millisecond},
		{"bare.avi", []int{0, 1, 2, 0}, 3 * 50 * time.Millisecond},
		{"pics", []int{0, 1, 2, 0}, 3 * 50 * time.Millisecond},
		{"still.png", []int{2, 2}, 50 * time.Millisecond},
	} {
		t.Run(c.spec, func(t *testing.T) {
			src, err := Open(filepath.Join(dir, c.spec), Options{FPS: 20})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got, took := readAll(t, src, len(c.want))
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("frames %v, want %v", got, c.want)
			}
			if took < c.min-10*time.Millisecond {
				t.Errorf("%d frames took %v, want at least %v (the source's own rate)", len(c.want), took, c.min)
			}
		})
	}
}

func TestOnceEnds(t *testing.T) {
	dir := t.TempDir()
	writeAVI(t, filepath.Join(dir, "a.avi"), 2, 100, false)
	src, err := Open(filepath.Join(dir, "a.avi"), Options{Once: true})
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, src, 2)
	if _, err := src.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("after the last frame: %v, want io.EOF", err)
	}
}

func TestBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	writeGIF(t, filepath.Join(dir, "good.gif"), 2, 5)
	good, _ := os.ReadFile(filepath.Join(dir, "good.gif"))
	writeAVI(t, filepath.Join(dir, "good.avi"), 2, 20, false)
	avi, _ := os.ReadFile(filepath.Join(dir, "good.avi"))
	files := map[string][]byte{
		"cut.gif":    good[:len(good)/2],
		"noise.avi":  []byte("RIFF\x10\x00\x00\x00AVI garbage that is no list"),
		"empty.avi":  []byte("RIFF\x04\x00\x00\x00AVI "),
		"text.txt":   []byte("hello"),
		"wave.riff":  []byte("RIFF\x04\x00\x00\x00WAVE"),
		"empty.gif":  []byte("GIF89a"),
		"emptydir/x": nil,
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if data != nil {
			os.WriteFile(p, data, 0o644)
		}
	}
	for _, c := range []struct{ spec, want string }{
		{"cut.gif", "not a readable GIF"},
		{"noise.avi", "no video frames"},
		{"empty.avi", "no video frames"},
		{"text.txt", "not a GIF, a Motion-JPEG AVI"},
		{"wave.riff", "not a GIF, a Motion-JPEG AVI"},
		{"empty.gif", "not a readable GIF"},
		{"emptydir", "has no pictures"},
		{"missing.avi", "no such file"},
		{"camera:x", "want camera:N"},
	} {
		t.Run(c.spec, func(t *testing.T) {
			src, err := Open(filepath.Join(dir, c.spec), Options{})
			if c.spec == "camera:x" {
				src, err = Open(c.spec, Options{})
			}
			if err == nil {
				src.Close()
				t.Fatalf("opened")
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line with %q", err, c.want)
			}
		})
	}
	// An AVI whose second frame is damaged plays the others and says
	// which one was not readable; one cut short plays what is there.
	t.Run("damaged frame", func(t *testing.T) {
		p := filepath.Join(dir, "bad.avi")
		writeAVIFrames(t, p, [][]byte{jpegFrame(t, 0, false), bytes.Repeat([]byte{7}, 200), jpegFrame(t, 2, false)}, 20)
		src, err := Open(p, Options{FPS: 100})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		ctx := context.Background()
		f0, _ := src.Next(ctx)
		f1, _ := src.Next(ctx)
		if _, err := f0.Decode(); err != nil {
			t.Errorf("frame 0: %v", err)
		}
		if _, err := f1.Decode(); err == nil || !strings.Contains(err.Error(), "frame 1") {
			t.Errorf("frame 1: %v, want a line naming frame 1", err)
		}
	})
	t.Run("cut short", func(t *testing.T) {
		p := filepath.Join(dir, "cut.avi")
		os.WriteFile(p, avi[:len(avi)-100], 0o644)
		src, err := Open(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		if n := len(src.(*aviSource).chunks); n != 1 {
			t.Errorf("%d frames kept, want the 1 whole one", n)
		}
	})
}

// fakeCamera gives frames every period, as a camera does whether or not
// they are read, and fails with ErrGone after gone frames (unplugged).
type fakeCamera struct {
	period time.Duration
	gone   int
	count  int
	pace   pacer
	closed atomic.Bool
}

func (c *fakeCamera) Name() string { return "fake camera" }
func (c *fakeCamera) Close() error { c.closed.Store(true); return nil }
func (c *fakeCamera) Next(ctx context.Context) (Frame, error) {
	if c.gone > 0 && c.count == c.gone {
		return Frame{}, fmt.Errorf("%w: /dev/video9 gave no frame for three seconds (unplugged?)", ErrGone)
	}
	if err := c.pace.wait(ctx, c.period); err != nil {
		return Frame{}, err
	}
	f := Frame{Index: c.count, Image: uniform(32, 24, c.count%6)}
	c.count++
	return f, nil
}

func TestLoop(t *testing.T) {
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	var kept []*Result
	st, err := Run(context.Background(), m, &fakeCamera{period: 5 * time.Millisecond}, LoopOptions{MaxFrames: 4}, func(r *Result) {
		kept = append(kept, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Kept != 4 || len(kept) != 4 {
		t.Fatalf("kept %d (%d results), want 4", st.Kept, len(kept))
	}
	r := kept[3]
	if r.Err != nil || len(r.Probabilities) != 2 || r.Probabilities[r.Class] < r.Probabilities[1-r.Class] {
		t.Errorf("result: err %v, probabilities %v, class %d", r.Err, r.Probabilities, r.Class)
	}
	if want := DefaultLayers(m); len(r.Maps) != len(want) || r.Maps[0].Layer != want[0] {
		t.Errorf("maps of %d layers, want %v", len(r.Maps), want)
	}
	if r.CAM.Width < 1 || len(r.CAM.Values) != r.CAM.Width*r.CAM.Height {
		t.Errorf("Grad-CAM %dx%d with %d values", r.CAM.Width, r.CAM.Height, len(r.CAM.Values))
	}
	if r.FPS <= 0 || st.FPS <= 0 {
		t.Errorf("fps %g, overall %g", r.FPS, st.FPS)
	}
}

// TestLoopDrops: a callback slower than the camera makes the loop skip to
// the latest frame and count the others, rather than fall behind.
func TestLoopDrops(t *testing.T) {
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	var frames []int
	st, err := Run(context.Background(), m, &fakeCamera{period: 2 * time.Millisecond}, LoopOptions{MaxFrames: 5, NoCAM: true}, func(r *Result) {
		frames = append(frames, r.Frame)
		time.Sleep(30 * time.Millisecond)
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Dropped < 20 {
		t.Errorf("dropped %d frames, want many (a frame every 2 ms, 30 ms each)", st.Dropped)
	}
	for i := 1; i < len(frames); i++ {
		if frames[i]-frames[i-1] < 5 {
			t.Errorf("kept frames %v: the loop fell behind the camera", frames)
			break
		}
	}
}

// TestLoopCameraGone: a camera unplugged mid-stream ends the loop with its
// line, not a hang.
func TestLoopCameraGone(t *testing.T) {
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	cam := &fakeCamera{period: time.Millisecond, gone: 10}
	done := make(chan error, 1)
	kept := 0
	go func() {
		_, err := Run(context.Background(), m, cam, LoopOptions{NoCAM: true}, func(*Result) { kept++ })
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrGone) || !strings.Contains(err.Error(), "unplugged") {
			t.Errorf("error %v, want ErrGone", err)
		}
		if kept == 0 {
			t.Error("no frame was kept before the camera went")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the loop hung after the camera went")
	}
}

// TestLoopBadFrame: a frame that does not decode gives a result with its
// error, and the loop goes on.
func TestLoopBadFrame(t *testing.T) {
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeAVIFrames(t, filepath.Join(dir, "a.avi"), [][]byte{jpegFrame(t, 0, false), bytes.Repeat([]byte{7}, 200), jpegFrame(t, 2, false)}, 5)
	src, err := Open(filepath.Join(dir, "a.avi"), Options{Once: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var errs, good int
	st, err := Run(context.Background(), m, src, LoopOptions{NoCAM: true}, func(r *Result) {
		if r.Err != nil {
			errs++
		} else {
			good++
		}
	})
	if err != nil || errs != 1 || good != 2 || st.Kept != 3 {
		t.Errorf("err %v, %d bad and %d good of %d kept; want 1 bad, 2 good", err, errs, good, st.Kept)
	}
}

func TestLoopPaused(t *testing.T) {
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	var paused atomic.Bool
	paused.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	st, err := Run(ctx, m, &fakeCamera{period: time.Millisecond}, LoopOptions{Paused: paused.Load}, func(*Result) {})
	if err != nil || st.Kept != 0 {
		t.Errorf("paused: kept %d, err %v", st.Kept, err)
	}
}

func TestDefaultLayersAndBadLayer(t *testing.T) {
	m, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(DefaultLayers(m)); got != "[1 3 4]" {
		t.Errorf("study's default layers %s, want [1 3 4]", got)
	}
	_, err = Run(context.Background(), m, &fakeCamera{period: time.Millisecond}, LoopOptions{Layers: []int{9}}, func(*Result) {})
	if err == nil || !strings.Contains(err.Error(), "no layer 9") {
		t.Errorf("layer 9: %v", err)
	}
}

// TestHeadCAM: for a network whose Grad-CAM place enters a global pooling
// and one dense layer, the loop's map from the dense layer's weights is
// explain.GradCAM's, and a chain has no such shortcut.
func TestHeadCAM(t *testing.T) {
	classes := []string{"a", "b", "c"}
	m, err := engine.NewModelArch(engine.ResNet18Arch(32, [4]int{4, 8, 8, 8}), classes, 3)
	if err != nil {
		t.Fatal(err)
	}
	h := headOf(m, m.CAMPlace())
	if h == nil {
		t.Fatal("no head found for a ResNet")
	}
	in := m.Input()
	nonzero := 0
	for c := range classes {
		input := make([]float32, in.Len())
		for i := range input {
			input[i] = float32((i*7+c*13)%23) / 23
		}
		p, err := m.Predict(input)
		if err != nil {
			t.Fatal(err)
		}
		got, err := h.cam(p.Activations[m.CAMPlace()-1], c, p.Probabilities)
		if err != nil {
			t.Fatal(err)
		}
		want, err := explain.GradCAM(m, input, 0, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Values) != len(want.Values) || got.Width != want.Width {
			t.Fatalf("class %d: %dx%d, want %dx%d", c, got.Width, got.Height, want.Width, want.Height)
		}
		for i := range got.Values {
			if d := got.Values[i] - want.Values[i]; d > 1e-4 || d < -1e-4 {
				t.Fatalf("class %d: value %d is %g, Grad-CAM's %g", c, i, got.Values[i], want.Values[i])
			}
		}
		if want.Max() > 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Error("every map was zero: nothing was compared")
	}
	bm, err := brightmodel.New()
	if err != nil {
		t.Fatal(err)
	}
	if headOf(bm, bm.CAMPlace()) != nil {
		t.Error("a chain with dense layers after its last conv got a head")
	}
}
