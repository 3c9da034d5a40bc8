package frames

import (
	"context"
	"image"
	"image/color"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/cputime"
	"github.com/artlens/artlens/weights"
)

// scene returns n 320×240 frames of moving coloured shapes: something for
// the network to look at, different in every frame.
func scene(n int) []image.Image {
	out := make([]image.Image, n)
	for i := range out {
		img := image.NewRGBA(image.Rect(0, 0, 320, 240))
		t := float64(i) / float64(n)
		for y := range 240 {
			for x := range 320 {
				fx, fy := float64(x)/320, float64(y)/240
				r := 0.5 + 0.5*math.Sin(6*fx+6*t*math.Pi)
				g := 0.5 + 0.5*math.Sin(9*fy-4*t*math.Pi)
				b := 0.5 + 0.5*math.Sin(5*(fx+fy)+2*t*math.Pi)
				img.Set(x, y, color.RGBA{uint8(255 * r), uint8(255 * g), uint8(255 * b), 255})
			}
		}
		out[i] = img
	}
	return out
}

// benchLoop runs the live loop's per-frame work (answer, default layers'
// maps, Grad-CAM) on frames as fast as it can, one kept frame per
// iteration, and reports kept frames a second.
func benchLoop(b *testing.B, m *engine.Model) {
	// 60 frames a second, as a fast camera: more than the loop takes, so
	// it drops frames as it would live (a faster source would only make
	// the reader goroutine spin).
	src := NewImages("scene", scene(8), Options{FPS: 60})
	b.ResetTimer()
	var cpu0, cpu float64
	st, err := Run(context.Background(), m, src, LoopOptions{MaxFrames: b.N + 1}, func(r *Result) {
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		if r.Kept == 1 { // the first frame builds the graphs
			cpu0 = cputime.Seconds()
		}
		cpu = cputime.Seconds()
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(st.FPS, "frames/s")
	// On a shared machine the CPU time a frame moves less than its wall
	// time: two idle cores give about 2000/(cpu-ms/frame) frames a second
	// at best (the loop's work is not all parallel).
	if b.N > 0 {
		b.ReportMetric(1000*(cpu-cpu0)/float64(b.N), "cpu-ms/frame")
	}
}

// BenchmarkLiveStudy: the study's network from a 320×240 source, with
// maps and Grad-CAM (target: 15 frames a second on two cores).
func BenchmarkLiveStudy(b *testing.B) {
	m, err := weights.Model()
	if err != nil {
		b.Fatal(err)
	}
	benchLoop(b, m)
}

// BenchmarkLiveResNet18: ResNet-18 at 224 (random weights, 1,000
// classes), with maps and Grad-CAM (target: 5 frames a second).
func BenchmarkLiveResNet18(b *testing.B) {
	classes := make([]string, 1000)
	for i := range classes {
		classes[i] = "class " + strconv.Itoa(i)
	}
	m, err := engine.NewModelArch(engine.ResNet18Arch(224, [4]int{64, 128, 256, 512}), classes, 1)
	if err != nil {
		b.Fatal(err)
	}
	benchLoop(b, m)
}

// residentMB reads the process's resident memory from /proc/self/statm.
func residentMB(t *testing.T) float64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm:", err)
	}
	f := strings.Fields(string(data))
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize()) / (1 << 20)
}

// TestResidentMemoryFlat runs the study's network over 600 frames and
// checks that resident memory after 600 is within 30 MB of after 150.
// It takes about a minute of two cores, so it runs only when asked:
// ARTLENS_LIVE_MEMORY=1 go test ./frames -run ResidentMemory -v
// (ARTLENS_LIVE_MEMORY=resnet18 runs ResNet-18 instead).
func TestResidentMemoryFlat(t *testing.T) {
	which := os.Getenv("ARTLENS_LIVE_MEMORY")
	if which == "" {
		t.Skip("set ARTLENS_LIVE_MEMORY=1 to run")
	}
	var m *engine.Model
	var err error
	if which == "resnet18" {
		classes := make([]string, 1000)
		for i := range classes {
			classes[i] = "c" + strconv.Itoa(i)
		}
		m, err = engine.NewModelArch(engine.ResNet18Arch(224, [4]int{64, 128, 256, 512}), classes, 1)
	} else {
		m, err = weights.Model()
	}
	if err != nil {
		t.Fatal(err)
	}
	residentMB(t)
	src := NewImages("scene", scene(8), Options{FPS: 60})
	var at150, at600 float64
	st, err := Run(context.Background(), m, src, LoopOptions{MaxFrames: 600}, func(r *Result) {
		switch r.Kept {
		case 150:
			at150 = residentMB(t)
		case 600:
			at600 = residentMB(t)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: resident %.1f MB after 150 frames, %.1f MB after 600 (%+.1f MB); %.1f frames/s, %d dropped", which, at150, at600, at600-at150, st.FPS, st.Dropped)
	if at600-at150 > 30 {
		t.Errorf("resident memory grew %.1f MB from frame 150 to 600, want at most 30", at600-at150)
	}
}
