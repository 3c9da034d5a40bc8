package plots

import (
	"image/color"
	"math"
	"testing"
)

func TestColorEnds(t *testing.T) {
	black := color.NRGBA{A: 255}
	white := color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	for _, tc := range []struct {
		t    float64
		want color.NRGBA
	}{
		{0, black}, {-3, black}, {math.NaN(), black},
		{1, white}, {7, white},
	} {
		if got := Color(tc.t); got != tc.want {
			t.Errorf("Color(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
}

func TestColorLuminanceRises(t *testing.T) {
	prev := -1.0
	for i := 0; i < lutSize; i++ {
		l := relativeLuminance(Color(float64(i) / (lutSize - 1)))
		if l < prev-1e-3 {
			t.Fatalf("luminance falls at entry %d: %.4f after %.4f", i, l, prev)
		}
		prev = l
	}
}

func TestMapImage(t *testing.T) {
	ramp := make([]float32, 16*16)
	for i := range ramp {
		ramp[i] = float32(i)
	}
	for _, tc := range []struct {
		name         string
		m            []float32
		w, h         int
		lo, hi       float32
		first, last  color.NRGBA // pixels (0,0) and (w-1,h-1)
		checkRamping bool
	}{
		{"ramp", ramp, 16, 16, 0, 255, Color(0), Color(1), true},
		{"ramp clipped", ramp, 16, 16, 10, 100, Color(0), Color(1), false},
		{"ramp half range", ramp, 16, 16, 0, 510, Color(0), Color(0.5), true},
		{"constant", make([]float32, 6), 3, 2, 0, 0, Color(0), Color(0), false},
		{"hi below lo", []float32{1, 2}, 2, 1, 5, 1, Color(0), Color(0), false},
		{"one pixel", []float32{3}, 1, 1, 0, 3, Color(1), Color(1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := MapImage(tc.m, tc.w, tc.h, tc.lo, tc.hi)
			if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Fatalf("size %v, want %d×%d", b, tc.w, tc.h)
			}
			if got := img.NRGBAAt(0, 0); got != tc.first {
				t.Errorf("first pixel %v, want %v", got, tc.first)
			}
			if got := img.NRGBAAt(tc.w-1, tc.h-1); got != tc.last {
				t.Errorf("last pixel %v, want %v", got, tc.last)
			}
			if tc.checkRamping {
				prev := -1.0
				for i := range tc.m {
					l := relativeLuminance(img.At(i%tc.w, i/tc.w))
					if l < prev-1e-3 {
						t.Fatalf("luminance falls at value %d", i)
					}
					prev = l
				}
			}
		})
	}
}

func TestMapImageRowMajor(t *testing.T) {
	// A 3×2 map: only the value at x=2, y=0 is high.
	img := MapImage([]float32{0, 0, 1, 0, 0, 0}, 3, 2, 0, 1)
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			want := Color(0)
			if x == 2 && y == 0 {
				want = Color(1)
			}
			if got := img.NRGBAAt(x, y); got != want {
				t.Errorf("pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestLegend(t *testing.T) {
	for _, tc := range []struct {
		name       string
		w, h       int
		lowX, lowY int // where the low end is
		hiX, hiY   int
	}{
		{"horizontal", 200, 10, 0, 5, 199, 5},
		{"vertical", 10, 200, 5, 199, 5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := Legend(0, 1, tc.w, tc.h)
			if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Fatalf("size %v, want %d×%d", b, tc.w, tc.h)
			}
			if got := img.NRGBAAt(tc.lowX, tc.lowY); got != Color(0) {
				t.Errorf("low end %v, want %v", got, Color(0))
			}
			if got := img.NRGBAAt(tc.hiX, tc.hiY); got != Color(1) {
				t.Errorf("high end %v, want %v", got, Color(1))
			}
		})
	}
}

func TestLegendLabels(t *testing.T) {
	// A thick bar has lo and hi written on it: white text on the black
	// end, black text on the white end.
	img := Legend(0, 3.7, 300, 24)
	bare := colorBar(300, 24)
	light, dark := 0, 0
	for y := 0; y < 24; y++ {
		for x := 0; x < 40; x++ {
			if img.NRGBAAt(x, y) != bare.NRGBAAt(x, y) && relativeLuminance(img.At(x, y)) > 0.5 {
				light++
			}
		}
		for x := 260; x < 300; x++ {
			if img.NRGBAAt(x, y) != bare.NRGBAAt(x, y) && relativeLuminance(img.At(x, y)) < 0.5 {
				dark++
			}
		}
	}
	if light < 10 || dark < 10 {
		t.Errorf("labels not found: %d light pixels at the low end, %d dark at the high end", light, dark)
	}
}

func TestTextColor(t *testing.T) {
	for _, tc := range []struct {
		bg   color.Color
		want color.Color
	}{
		{color.White, color.Black},
		{color.Black, color.White},
		{color.NRGBA{R: 8, G: 48, B: 107, A: 255}, color.White},    // dark blue
		{color.NRGBA{R: 222, G: 235, B: 247, A: 255}, color.Black}, // pale blue
		{Color(0.1), color.White},
		{Color(0.9), color.Black},
	} {
		if got := TextColor(tc.bg); got != tc.want {
			t.Errorf("TextColor(%v) = %v, want %v", tc.bg, got, tc.want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	for _, tc := range []struct {
		v    float32
		want string
	}{
		{0, "0"}, {1, "1"}, {2.3456, "2.35"}, {0.04213, "0.0421"}, {12.34, "12.3"},
		{999.9, "1000"}, {1234.5, "1234"}, {0.0000123, "1.2e-05"}, {-3.5, "-3.5"},
	} {
		if got := formatValue(tc.v); got != tc.want {
			t.Errorf("formatValue(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
