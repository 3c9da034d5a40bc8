package plots

import (
	"image"
	"slices"
	"strings"
	"testing"

	"github.com/artlens/artlens/engine"
)

// rampLayer makes a layer of maps of w×h where map c holds the ramp
// 0, 1, ... scaled by gain[c].
func rampLayer(w, h int, gain ...float32) engine.Activation {
	a := engine.Activation{Layer: 2, Channels: len(gain), Height: h, Width: w,
		Data: make([]float32, len(gain)*w*h)}
	for c, g := range gain {
		m := a.Map(c)
		for i := range m {
			m[i] = g * float32(i) / float32(len(m)-1)
		}
	}
	return a
}

func TestStats(t *testing.T) {
	a := engine.Activation{Layer: 1, Channels: 3, Height: 1, Width: 4, Data: []float32{
		0, 1, 2, 3, // mean 1.5
		5, 5, 5, 5, // mean 5
		0, 0, 0, 8, // mean 2
	}}
	s, err := Stats(a)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{1.5, 5, 2}; !slices.Equal(s.Mean, want) {
		t.Errorf("Mean = %v, want %v", s.Mean, want)
	}
	if want := []float32{0, 5, 0}; !slices.Equal(s.Min, want) {
		t.Errorf("Min = %v, want %v", s.Min, want)
	}
	if want := []float32{3, 5, 8}; !slices.Equal(s.Max, want) {
		t.Errorf("Max = %v, want %v", s.Max, want)
	}
	if s.Lo != 0 || s.Hi != 8 {
		t.Errorf("layer range %v..%v, want 0..8", s.Lo, s.Hi)
	}
	for _, tc := range []struct {
		filters, want []int
	}{
		{nil, []int{1, 2, 0}},
		{[]int{0, 2}, []int{2, 0}},
		{[]int{0}, []int{0}},
	} {
		if got := s.Ranked(tc.filters); !slices.Equal(got, tc.want) {
			t.Errorf("Ranked(%v) = %v, want %v", tc.filters, got, tc.want)
		}
	}
}

func TestRankedTiesKeepOrder(t *testing.T) {
	s := ActivationStats{Mean: []float32{1, 2, 1, 2}}
	if got, want := s.Ranked(nil), []int{1, 3, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("Ranked = %v, want %v", got, want)
	}
}

func TestStatsErrors(t *testing.T) {
	for _, a := range []engine.Activation{
		{Layer: 1},
		{Layer: 1, Channels: 2, Height: 2, Width: 2, Data: make([]float32, 7)},
		{Layer: 1, Channels: 1, Height: -1, Width: 2},
	} {
		if _, err := Stats(a); err == nil {
			t.Errorf("Stats(%d×%d×%d, %d values) did not fail", a.Channels, a.Height, a.Width, len(a.Data))
		}
	}
}

// tilePixel returns the colour of the value at (x, y) of a tile's map.
func tilePixel(img *image.NRGBA, tl gridTile, scale, x, y int) [4]uint8 {
	c := img.NRGBAAt(tl.rect.Min.X+x*scale, tl.rect.Min.Y+y*scale)
	return [4]uint8{c.R, c.G, c.B, c.A}
}

func rgba(t float64) [4]uint8 {
	c := Color(t)
	return [4]uint8{c.R, c.G, c.B, c.A}
}

func TestFeatureGridNormalization(t *testing.T) {
	// Two 4×4 ramps: map 0 from 0 to 1, map 1 from 0 to 3. Value 1 is map
	// 0's last pixel (3,3) and map 1's pixel (1,1).
	a := rampLayer(4, 4, 1, 3)
	for _, tc := range []struct {
		norm       Normalization
		top0, top1 [4]uint8 // colour of each map's largest value
		sameValue  bool     // value 1 has one colour in both maps
	}{
		{PerMap, rgba(1), rgba(1), false},
		{PerLayer, rgba(1.0 / 3), rgba(1), true},
	} {
		t.Run(tc.norm.String(), func(t *testing.T) {
			img, tiles, err := featureGrid(a, GridOptions{Normalize: tc.norm, Scale: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(tiles) != 2 || tiles[0].filter != 0 || tiles[1].filter != 1 {
				t.Fatalf("tiles %v", tiles)
			}
			if got := tilePixel(img, tiles[0], 3, 3, 3); got != tc.top0 {
				t.Errorf("map 0 maximum drawn %v, want %v", got, tc.top0)
			}
			if got := tilePixel(img, tiles[1], 3, 3, 3); got != tc.top1 {
				t.Errorf("map 1 maximum drawn %v, want %v", got, tc.top1)
			}
			for i := range tiles {
				if got := tilePixel(img, tiles[i], 3, 0, 0); got != rgba(0) {
					t.Errorf("map %d minimum drawn %v, want %v", i, got, rgba(0))
				}
			}
			same := tilePixel(img, tiles[0], 3, 3, 3) == tilePixel(img, tiles[1], 3, 1, 1)
			if same != tc.sameValue {
				t.Errorf("value 1 has the same colour in both maps: %v, want %v", same, tc.sameValue)
			}
		})
	}
}

func TestFeatureGridNearestNeighbour(t *testing.T) {
	a := sampleActivation(3, 6, 8)
	for _, scale := range []int{1, 2, 5} {
		img, tiles, err := featureGrid(a, GridOptions{Scale: scale, Normalize: PerLayer})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := Stats(a)
		for _, tl := range tiles {
			if tl.rect.Dx() != 8*scale || tl.rect.Dy() != 8*scale {
				t.Fatalf("scale %d: tile %v, want %d pixels wide", scale, tl.rect, 8*scale)
			}
			want := MapImage(a.Map(tl.filter), 8, 8, st.Lo, st.Hi)
			for y := 0; y < tl.rect.Dy(); y++ {
				for x := 0; x < tl.rect.Dx(); x++ {
					got := img.NRGBAAt(tl.rect.Min.X+x, tl.rect.Min.Y+y)
					if w := want.NRGBAAt(x/scale, y/scale); got != w {
						t.Fatalf("scale %d, filter %d, pixel (%d,%d) = %v, want %v", scale, tl.filter, x, y, got, w)
					}
				}
			}
		}
	}
}

func TestFeatureGridOrder(t *testing.T) {
	a := rampLayer(4, 4, 2, 5, 1, 5, 3) // means 1, 2.5, 0.5, 2.5, 1.5
	for _, tc := range []struct {
		name string
		opt  GridOptions
		want []int
	}{
		{"index", GridOptions{}, []int{0, 1, 2, 3, 4}},
		{"activation", GridOptions{Order: ByActivation}, []int{1, 3, 4, 0, 2}},
		{"chosen by index", GridOptions{Filters: []int{4, 2, 0, 2}}, []int{0, 2, 4}},
		{"chosen by activation", GridOptions{Filters: []int{2, 4, 0}, Order: ByActivation}, []int{4, 0, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, tiles, err := featureGrid(a, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, tl := range tiles {
				got = append(got, tl.filter)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("order %v, want %v", got, tc.want)
			}
			// Drawing order is reading order: left to right, top to bottom.
			for i := 1; i < len(tiles); i++ {
				p, q := tiles[i-1].rect.Min, tiles[i].rect.Min
				if !(q.Y > p.Y || q.Y == p.Y && q.X > p.X) {
					t.Errorf("tile %d at %v does not follow tile %d at %v", i, q, i-1, p)
				}
			}
		})
	}
}

func TestFeatureGridLayout(t *testing.T) {
	for _, tc := range []struct {
		name             string
		a                engine.Activation
		opt              GridOptions
		tileW, cols, num int
	}{
		{"conv1 auto", sampleActivation(1, 32, 64), GridOptions{}, 128, 8, 32},
		{"conv5 auto", sampleActivation(5, 128, 4), GridOptions{}, 128, 16, 128},
		{"conv4 chosen larger", sampleActivation(4, 128, 8), GridOptions{Filters: []int{0, 5, 7}}, 256, 3, 3},
		{"explicit", sampleActivation(2, 64, 32), GridOptions{Scale: 1, Columns: 5}, 32, 5, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, tiles, err := featureGrid(tc.a, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(tiles) != tc.num {
				t.Fatalf("%d tiles, want %d", len(tiles), tc.num)
			}
			if w := tiles[0].rect.Dx(); w != tc.tileW {
				t.Errorf("tile width %d, want %d", w, tc.tileW)
			}
			cols := 0
			for _, tl := range tiles {
				if tl.rect.Min.Y == tiles[0].rect.Min.Y {
					cols++
				}
				if !tl.rect.In(img.Bounds()) {
					t.Errorf("tile %v outside image %v", tl.rect, img.Bounds())
				}
			}
			if cols != tc.cols {
				t.Errorf("%d columns, want %d", cols, tc.cols)
			}
		})
	}
}

func TestFeatureGridErrors(t *testing.T) {
	a := sampleActivation(3, 8, 4)
	for _, tc := range []struct {
		name string
		a    engine.Activation
		opt  GridOptions
		want string
	}{
		{"filter too big", a, GridOptions{Filters: []int{1, 8}}, "filter 8 out of range: conv layer 3 has filters 0 to 7"},
		{"negative filter", a, GridOptions{Filters: []int{-1}}, "filter -1"},
		{"no filters", a, GridOptions{Filters: []int{}}, "no filters"},
		{"negative scale", a, GridOptions{Scale: -2}, "negative"},
		{"bad order", a, GridOptions{Order: 7}, "order"},
		{"bad normalization", a, GridOptions{Normalize: 9}, "normalization"},
		{"bad activation", engine.Activation{Layer: 2, Channels: 2, Height: 2, Width: 2}, GridOptions{}, "values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FeatureGrid(tc.a, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestAutoColumns(t *testing.T) {
	for n, want := range map[int]int{1: 1, 3: 3, 4: 4, 5: 4, 8: 4, 32: 8, 64: 8, 128: 16, 7: 4, 10: 5} {
		if got := autoColumns(n); got != want {
			t.Errorf("autoColumns(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestGridTitle(t *testing.T) {
	a := engine.Activation{Layer: 3, Channels: 64}
	for _, tc := range []struct {
		name, class string
		shown       int
		prob        float32
		want        string
	}{
		{"starry.jpg", "painting", 64, 0.931, "starry.jpg — conv layer 3 (64 filters) — predicted: painting (93.1%)"},
		{"a.png", "sculpture", 3, 0.5, "a.png — conv layer 3 (3 of 64 filters) — predicted: sculpture (50.0%)"},
		{"", "", 0, 0, "conv layer 3 (64 filters)"},
	} {
		if got := GridTitle(tc.name, a, tc.shown, tc.class, tc.prob); got != tc.want {
			t.Errorf("GridTitle = %q, want %q", got, tc.want)
		}
	}
}

func TestFeatureGridTitleWidensImage(t *testing.T) {
	a := sampleActivation(5, 1, 4)
	long := strings.Repeat("a very long image name ", 8)
	narrow, err := FeatureGrid(a, GridOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wide, err := FeatureGrid(a, GridOptions{Title: long})
	if err != nil {
		t.Fatal(err)
	}
	if wide.Bounds().Dx() <= narrow.Bounds().Dx() {
		t.Errorf("a long title did not widen the figure: %v vs %v", wide.Bounds(), narrow.Bounds())
	}
}

func TestConcurrentUse(t *testing.T) {
	a := sampleActivation(2, 16, 16)
	done := make(chan error, 8)
	for i := 0; i < 4; i++ {
		go func() {
			_, err := FeatureGrid(a, GridOptions{Normalize: Normalization(i % 2)})
			done <- err
		}()
		go func() {
			p, err := Confusion(sampleEvaluation(), i%2 == 0, Light)
			if err == nil {
				_, err = Image(p, 300, 260, 96)
			}
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
