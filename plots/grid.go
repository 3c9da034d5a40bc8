package plots

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"
	"sort"

	"github.com/artlens/artlens/engine"
)

// Normalization says how feature-map values are mapped to colours.
type Normalization int

const (
	// PerMap stretches each map from its own minimum to its own maximum,
	// showing where each filter responds most, whatever its strength.
	PerMap Normalization = iota
	// PerLayer uses one range, the layer's minimum to maximum, for all
	// maps, so strong and weak filters can be compared.
	PerLayer
)

// String returns "map" or "layer", the names the command line uses.
func (n Normalization) String() string {
	if n == PerLayer {
		return "layer"
	}
	return "map"
}

// Order says in which order FeatureGrid lays out the filters.
type Order int

const (
	// ByIndex lays filters out by number.
	ByIndex Order = iota
	// ByActivation puts the most active filters (highest mean activation)
	// first; ties keep filter-number order.
	ByActivation
)

// String returns "index" or "activation", the names the command line uses.
func (o Order) String() string {
	if o == ByActivation {
		return "activation"
	}
	return "index"
}

// GridOptions configures FeatureGrid. The zero value shows all filters by
// number, each map normalized on its own, at an automatic size.
type GridOptions struct {
	// Title is written above the grid; "" gives "conv layer N (K filters)".
	// GridTitle makes the study's form.
	Title string
	// Filters are the indices of the filters to show (0-based, each below
	// the layer's Channels; repeats are dropped); nil shows all. Labels
	// number filters from 1, as the app and the command line do. Chosen
	// filters are drawn larger than a whole layer.
	Filters []int
	// Normalize is PerMap or PerLayer.
	Normalize Normalization
	// Order is ByIndex or ByActivation.
	Order Order
	// Scale is the integer enlargement of each map (nearest neighbour):
	// 0 picks one that makes maps about 128 pixels wide (256 for chosen
	// filters).
	Scale int
	// Columns is the number of maps per row; 0 picks one (8 for 32 or 64
	// maps, 16 for 128, all in one row for up to 4).
	Columns int
}

// ActivationStats summarizes one layer's activation.
type ActivationStats struct {
	// Mean, Min and Max hold one value per filter.
	Mean, Min, Max []float32
	// Lo and Hi are the smallest and largest values of the whole layer.
	Lo, Hi float32
}

// Stats computes per-filter mean, minimum and maximum and the layer's
// range. a must be consistent: Channels, Height and Width positive and
// len(Data) == Channels*Height*Width.
func Stats(a engine.Activation) (ActivationStats, error) {
	if err := checkActivation(a); err != nil {
		return ActivationStats{}, err
	}
	s := ActivationStats{Mean: make([]float32, a.Channels), Min: make([]float32, a.Channels),
		Max: make([]float32, a.Channels), Lo: float32(math.Inf(1)), Hi: float32(math.Inf(-1))}
	for ch := 0; ch < a.Channels; ch++ {
		m := a.Map(ch)
		lo, hi := m[0], m[0]
		var sum float64
		for _, v := range m {
			sum += float64(v)
			lo = min(lo, v)
			hi = max(hi, v)
		}
		s.Mean[ch] = float32(sum / float64(len(m)))
		s.Min[ch], s.Max[ch] = lo, hi
		s.Lo, s.Hi = min(s.Lo, lo), max(s.Hi, hi)
	}
	return s, nil
}

// Ranked returns filters (all of the layer's when nil) sorted by mean
// activation, highest first; ties keep their order in filters. Filter
// numbers must be below the layer's number of filters.
func (s ActivationStats) Ranked(filters []int) []int {
	if filters == nil {
		filters = make([]int, len(s.Mean))
		for i := range filters {
			filters[i] = i
		}
	}
	out := slices.Clone(filters)
	sort.SliceStable(out, func(i, j int) bool { return s.Mean[out[i]] > s.Mean[out[j]] })
	return out
}

func checkActivation(a engine.Activation) error {
	if a.Channels <= 0 || a.Height <= 0 || a.Width <= 0 {
		return fmt.Errorf("plots: activation of layer %d has shape %d×%d×%d", a.Layer, a.Channels, a.Height, a.Width)
	}
	if len(a.Data) != a.Channels*a.Height*a.Width {
		return fmt.Errorf("plots: activation of layer %d has %d values for shape %d×%d×%d",
			a.Layer, len(a.Data), a.Channels, a.Height, a.Width)
	}
	return nil
}

// GridTitle returns a feature-map figure title in the study's form:
// "starry.jpg — conv layer 3 (64 filters) — predicted: painting (93.1%)".
// shown is the number of filters in the figure ("3 of 64 filters" when
// fewer than the layer's); class "" leaves out the prediction, prob is its
// probability in [0, 1].
func GridTitle(imageName string, a engine.Activation, shown int, class string, prob float32) string {
	return GridTitleOf(imageName, a, shown, class, prob, engine.OutputSoftmax)
}

// GridTitleOf is GridTitle for a model of output kind output: for a
// sigmoid model class is the highest of its independent scores, and the
// title says "highest score: painting (0.626)", never a percentage.
func GridTitleOf(imageName string, a engine.Activation, shown int, class string, value float32, output string) string {
	t := layerTitle(a, shown)
	if imageName != "" {
		t = imageName + " — " + t
	}
	switch {
	case class == "":
	case output == engine.OutputSigmoid:
		t += fmt.Sprintf(" — highest score: %s (%.3f)", class, value)
	default:
		t += fmt.Sprintf(" — predicted: %s (%.1f%%)", class, 100*value)
	}
	return t
}

func layerTitle(a engine.Activation, shown int) string {
	if shown > 0 && shown < a.Channels {
		return fmt.Sprintf("conv layer %d (%d of %d filters)", a.Layer, shown, a.Channels)
	}
	return fmt.Sprintf("conv layer %d (%d filters)", a.Layer, a.Channels)
}

// Colours of the feature grid.
var (
	inkColor   = color.NRGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
	mutedColor = color.NRGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	frameColor = color.NRGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
)

// FeatureGrid draws a layer's feature maps as one figure like the study's:
// the title on top, the maps in a grid (each enlarged by an integer factor
// with nearest neighbour, framed, its filter number under it and, when
// each map has its own range, its maximum), and a colour bar with the value
// range below. a must be consistent (see Stats); opt's filters in range,
// Scale and Columns not negative.
func FeatureGrid(a engine.Activation, opt GridOptions) (image.Image, error) {
	img, _, err := featureGrid(a, opt)
	if err != nil {
		return nil, err
	}
	return img, nil
}

// gridTile is where one filter's map lies in a feature grid.
type gridTile struct {
	filter int
	rect   image.Rectangle
}

// featureGrid draws FeatureGrid's figure and reports where the maps are, in
// drawing order.
func featureGrid(a engine.Activation, opt GridOptions) (*image.NRGBA, []gridTile, error) {
	st, err := Stats(a)
	if err != nil {
		return nil, nil, err
	}
	if opt.Scale < 0 || opt.Columns < 0 {
		return nil, nil, fmt.Errorf("plots: scale %d and columns %d must not be negative", opt.Scale, opt.Columns)
	}
	filters, err := gridFilters(a, opt, st)
	if err != nil {
		return nil, nil, err
	}
	n := len(filters)
	selected := opt.Filters != nil

	scale := opt.Scale
	if scale == 0 {
		target := 128
		if selected {
			target = 256
		}
		scale = max(1, int(math.Round(float64(target)/float64(max(a.Width, a.Height)))))
	}
	cols := opt.Columns
	if cols == 0 {
		cols = autoColumns(n)
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols

	tw, th := a.Width*scale, a.Height*scale
	labelPx := clampF(0.13*float64(min(tw, th)), 14, 30)
	labelFace := sansFace(labelPx, false)
	lineH := int(math.Ceil(labelPx * 1.35))
	gap := max(8, tw/10)
	margin := max(16, int(labelPx*1.2))

	// Labels: filter number, and the map's maximum when maps are scaled
	// separately, if that fits under every map.
	labels := make([]string, n)
	withMax := opt.Normalize == PerMap
	for i, f := range filters {
		labels[i] = fmt.Sprintf("#%d", f+1)
		if withMax {
			l := fmt.Sprintf("#%d  max %s", f+1, formatValue(st.Max[f]))
			if textWidth(labelFace, l) > tw+gap {
				withMax = false
			}
			labels[i] = l
		}
	}
	if !withMax {
		for i, f := range filters {
			labels[i] = fmt.Sprintf("#%d", f+1)
		}
	}

	gridW := cols*tw + (cols-1)*gap
	gridH := rows*(th+lineH) + (rows-1)*gap

	title := opt.Title
	if title == "" {
		title = layerTitle(a, n)
	}
	titlePx := clampF(math.Max(float64(gridW)/40, labelPx*1.3), 20, 40)
	titleFace := sansFace(titlePx, true)
	for textWidth(titleFace, title) > gridW && titlePx > math.Max(16, labelPx) {
		titlePx--
		titleFace = sansFace(titlePx, true)
	}
	titleW := textWidth(titleFace, title)
	titleH := int(math.Ceil(titlePx * 1.6))

	// Legend: a colour bar with its ends' values under it and a caption.
	var loText, hiText, caption string
	lo, hi := st.Lo, st.Hi
	if opt.Normalize == PerLayer {
		loText, hiText = formatValue(lo), formatValue(hi)
		caption = "activation (one colour scale for the whole layer)"
	} else {
		loText, hiText = "map min", "map max"
		caption = "each map scaled from its own minimum to its own maximum"
	}
	captionW := textWidth(labelFace, caption)
	barW := min(max(gridW/2, 240, captionW), max(gridW, 240))
	barH := max(12, int(labelPx))
	legendH := barH + 2*lineH

	contentW := max(gridW, titleW, barW, captionW)
	W := contentW + 2*margin
	H := margin + titleH + gridH + gap + margin/2 + legendH + margin

	img := image.NewNRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	// Title, centred.
	drawText(img, titleFace, title, (W-titleW)/2, margin+int(titlePx), inkColor)

	// Maps.
	gx := (W - gridW) / 2
	gy := margin + titleH
	tiles := make([]gridTile, n)
	for i, f := range filters {
		r, c := i/cols, i%cols
		x := gx + c*(tw+gap)
		y := gy + r*(th+lineH+gap)
		mlo, mhi := lo, hi
		if opt.Normalize == PerMap {
			mlo, mhi = st.Min[f], st.Max[f]
		}
		tiles[i] = gridTile{filter: f, rect: image.Rect(x, y, x+tw, y+th)}
		frame(img, x-1, y-1, tw+2, th+2, frameColor)
		drawMap(img, x, y, scale, a.Map(f), a.Width, a.Height, mlo, mhi)
		lw := textWidth(labelFace, labels[i])
		drawText(img, labelFace, labels[i], x+(tw-lw)/2, y+th+int(labelPx*1.1), inkColor)
	}

	// Legend.
	ly := gy + gridH + gap + margin/2
	bx := (W - barW) / 2
	bar := colorBar(barW, barH)
	frame(img, bx-1, ly-1, barW+2, barH+2, frameColor)
	draw.Draw(img, image.Rect(bx, ly, bx+barW, ly+barH), bar, image.Point{}, draw.Src)
	base := ly + barH + int(labelPx*1.15)
	drawText(img, labelFace, loText, bx, base, inkColor)
	drawText(img, labelFace, hiText, bx+barW-textWidth(labelFace, hiText), base, inkColor)
	drawText(img, labelFace, caption, (W-captionW)/2, base+lineH, mutedColor)
	return img, tiles, nil
}

// gridFilters returns the filters to draw, in drawing order.
func gridFilters(a engine.Activation, opt GridOptions, st ActivationStats) ([]int, error) {
	var filters []int
	if opt.Filters == nil {
		filters = make([]int, a.Channels)
		for i := range filters {
			filters[i] = i
		}
	} else {
		if len(opt.Filters) == 0 {
			return nil, fmt.Errorf("plots: no filters chosen")
		}
		seen := map[int]bool{}
		for _, f := range opt.Filters {
			if f < 0 || f >= a.Channels {
				return nil, fmt.Errorf("plots: filter %d out of range: conv layer %d has filters 0 to %d",
					f, a.Layer, a.Channels-1)
			}
			if !seen[f] {
				seen[f] = true
				filters = append(filters, f)
			}
		}
	}
	switch opt.Order {
	case ByIndex:
		slices.Sort(filters)
	case ByActivation:
		slices.Sort(filters)
		filters = st.Ranked(filters)
	default:
		return nil, fmt.Errorf("plots: unknown order %d", opt.Order)
	}
	if opt.Normalize != PerMap && opt.Normalize != PerLayer {
		return nil, fmt.Errorf("plots: unknown normalization %d", opt.Normalize)
	}
	return filters, nil
}

// autoColumns picks the number of columns for n maps: the largest divisor
// of n between √n and √(2n), so that the grid is full and up to twice as
// wide as tall; ⌈√(2n)⌉ if there is none.
func autoColumns(n int) int {
	if n <= 4 {
		return max(n, 1)
	}
	lo := int(math.Ceil(math.Sqrt(float64(n))))
	hi := int(math.Ceil(math.Sqrt(float64(2 * n))))
	for c := hi; c >= lo; c-- {
		if n%c == 0 {
			return c
		}
	}
	return hi
}

// frame draws a one-pixel rectangle outline.
func frame(img *image.NRGBA, x, y, w, h int, c color.NRGBA) {
	for i := x; i < x+w; i++ {
		img.SetNRGBA(i, y, c)
		img.SetNRGBA(i, y+h-1, c)
	}
	for j := y; j < y+h; j++ {
		img.SetNRGBA(x, j, c)
		img.SetNRGBA(x+w-1, j, c)
	}
}

func clampF(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
