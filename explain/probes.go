package explain

import (
	"fmt"
	"image"
	"image/draw"
	"math"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
)

// Probe is one what-if variant of a picture and the network's answer to it.
type Probe struct {
	// Name says what was changed ("original", "grayscale", ...).
	Name string
	// Input is the variant as the network takes it (CHW, m.Input()'s shape).
	Input []float32
	// Probabilities are the network's answer; Class is the most probable.
	Probabilities []float32
	Class         int
}

// ProbeNames lists the probes Probes runs for a model of RGB input, in
// order; a model of grayscale input gets those without colour.
var ProbeNames = []string{"original", "grayscale", "hues rotated", "mirrored", "blurred", "centre crop"}

// HueShift is the rotation of the "hues rotated" probe, in degrees: half
// the colour wheel, so reds become cyans and blues become oranges, while
// lightness and saturation stay.
const HueShift = 180

// BlurSigma is the standard deviation of the "blurred" probe's Gaussian, in
// pixels of the 64x64 input: enough to wipe out brush strokes and hatching
// while the composition stays.
const BlurSigma = 1.5

// CropFraction is the part of the picture's width and height that the
// "centre crop" probe keeps.
const CropFraction = 0.5

// Probes runs the what-if variants of img (see ProbeNames) through m, in
// one batch. The colour, mirror and blur probes change the network's input,
// since they commute (nearly, for blur) with the resize; the crop is taken
// from img as given so that it keeps the picture's detail.
func Probes(m *engine.Model, img image.Image) ([]Probe, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("explain: empty image")
	}
	shape := m.Input()
	c, w, h := shape.Channels, shape.Width, shape.Height
	in := picture.ToInputShape(img, c, w, h)
	cw, ch := max(1, int(float64(b.Dx())*CropFraction)), max(1, int(float64(b.Dy())*CropFraction))
	crop := image.NewRGBA(image.Rect(0, 0, cw, ch))
	draw.Draw(crop, crop.Bounds(), img, image.Pt(b.Min.X+(b.Dx()-cw)/2, b.Min.Y+(b.Dy()-ch)/2), draw.Src)
	names := []string{ProbeNames[0], ProbeNames[3], ProbeNames[4], ProbeNames[5]}
	inputs := [][]float32{in, Mirror(in, c, w, h), Blur(in, c, w, h, BlurSigma), picture.ToInputShape(crop, c, w, h)}
	if c == 3 { // else there is no colour to take away or turn
		names = ProbeNames
		inputs = [][]float32{in, Grayscale(in), RotateHue(in, HueShift), inputs[1], inputs[2], inputs[3]}
	}
	all := make([]float32, 0, len(inputs)*len(in))
	for _, x := range inputs {
		all = append(all, x...)
	}
	out, err := m.PredictBatch(all, len(inputs))
	if err != nil {
		return nil, err
	}
	probes := make([]Probe, len(inputs))
	for i := range probes {
		probes[i] = Probe{Name: names[i], Input: inputs[i], Probabilities: out[i], Class: engine.Argmax(out[i])}
	}
	return probes, nil
}

// Grayscale returns input (CHW, 3 channels) with each pixel replaced by its
// luma (ITU-R BT.601 weights, as image/color's Gray model) in all three
// channels.
func Grayscale(input []float32) []float32 {
	plane := len(input) / 3
	out := make([]float32, len(input))
	for i := 0; i < plane; i++ {
		y := 0.299*input[i] + 0.587*input[plane+i] + 0.114*input[2*plane+i]
		out[i], out[plane+i], out[2*plane+i] = y, y, y
	}
	return out
}

// RotateHue returns input (CHW, 3 channels, values in [0, 1]) with every
// pixel's hue turned by deg degrees in HSV, its saturation and value kept.
func RotateHue(input []float32, deg float64) []float32 {
	plane := len(input) / 3
	out := make([]float32, len(input))
	for i := 0; i < plane; i++ {
		r, g, b := float64(input[i]), float64(input[plane+i]), float64(input[2*plane+i])
		h, s, v := rgbToHSV(r, g, b)
		h = math.Mod(h+deg/360+1, 1)
		r, g, b = hsvToRGB(h, s, v)
		out[i], out[plane+i], out[2*plane+i] = float32(r), float32(g), float32(b)
	}
	return out
}

// rgbToHSV converts r, g, b in [0, 1] to hue in [0, 1), saturation and value.
func rgbToHSV(r, g, b float64) (h, s, v float64) {
	mx, mn := max(r, g, b), min(r, g, b)
	v = mx
	d := mx - mn
	if mx > 0 {
		s = d / mx
	}
	if d == 0 {
		return 0, s, v
	}
	switch mx {
	case r:
		h = (g - b) / d
	case g:
		h = 2 + (b-r)/d
	default:
		h = 4 + (r-g)/d
	}
	h /= 6
	if h < 0 {
		h++
	}
	return h, s, v
}

// hsvToRGB is the inverse of rgbToHSV.
func hsvToRGB(h, s, v float64) (r, g, b float64) {
	h6 := h * 6
	i := math.Floor(h6)
	f := h6 - i
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	switch int(i) % 6 {
	case 0:
		return v, t, p
	case 1:
		return q, v, p
	case 2:
		return p, v, t
	case 3:
		return p, q, v
	case 4:
		return t, p, v
	}
	return v, p, q
}

// Mirror returns input (CHW, channels of width x height) flipped left to
// right.
func Mirror(input []float32, channels, width, height int) []float32 {
	out := make([]float32, len(input))
	for row := 0; row < channels*height; row++ {
		src, dst := input[row*width:(row+1)*width], out[row*width:(row+1)*width]
		for x := range dst {
			dst[x] = src[width-1-x]
		}
	}
	return out
}

// Blur returns input (CHW, channels of width x height) smoothed by a
// Gaussian of standard deviation sigma pixels (sigma > 0), separably, with
// the edge pixels repeated beyond the border.
func Blur(input []float32, channels, width, height int, sigma float64) []float32 {
	radius := int(math.Ceil(3 * sigma))
	kernel := make([]float64, 2*radius+1)
	var sum float64
	for i := range kernel {
		d := float64(i - radius)
		kernel[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += kernel[i]
	}
	for i := range kernel {
		kernel[i] /= sum
	}
	clamp := func(v, n int) int { return max(0, min(n-1, v)) }
	tmp := make([]float32, len(input))
	out := make([]float32, len(input))
	plane := width * height
	for c := 0; c < channels; c++ {
		src, mid, dst := input[c*plane:(c+1)*plane], tmp[c*plane:(c+1)*plane], out[c*plane:(c+1)*plane]
		for y := 0; y < height; y++ {
			for x := 0; x < width; x++ {
				var s float64
				for k, w := range kernel {
					s += w * float64(src[y*width+clamp(x+k-radius, width)])
				}
				mid[y*width+x] = float32(s)
			}
		}
		for y := 0; y < height; y++ {
			for x := 0; x < width; x++ {
				var s float64
				for k, w := range kernel {
					s += w * float64(mid[clamp(y+k-radius, height)*width+x])
				}
				dst[y*width+x] = float32(s)
			}
		}
	}
	return out
}
