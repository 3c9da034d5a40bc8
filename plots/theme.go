package plots

import "image/color"

// Theme is the colours of a chart: its background, text and lines. Light
// suits paper, slides and light windows; Dark suits the app's dark theme,
// where a white chart would glare on a projector.
type Theme struct {
	Background color.Color
	Text       color.Color // title, axes, ticks, legend text, the kept-epoch mark
	Grid       color.Color // grid lines of the history charts
	Border     color.Color // the legend's box
	Train      color.Color // the training curve
	Validation color.Color // the validation curve
}

var (
	// Light is a white chart with black text (the command line's charts
	// and saved PNGs use it).
	Light = Theme{
		Background: color.White,
		Text:       color.Black,
		Grid:       color.NRGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff},
		Border:     color.NRGBA{R: 0xbb, G: 0xbb, B: 0xbb, A: 0xff},
		Train:      color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
		Validation: color.NRGBA{R: 0xe6, G: 0x55, B: 0x0d, A: 0xff}, // orange
	}
	// Dark is a near-black chart with light text and brighter curves, so
	// that text keeps a contrast of at least 4.5:1 with the background and
	// the curves at least 3:1 (WCAG's figures for text and graphics).
	Dark = Theme{
		Background: color.NRGBA{R: 0x1e, G: 0x1e, B: 0x20, A: 0xff},
		Text:       color.NRGBA{R: 0xe8, G: 0xe8, B: 0xe8, A: 0xff},
		Grid:       color.NRGBA{R: 0x3a, G: 0x3a, B: 0x3e, A: 0xff},
		Border:     color.NRGBA{R: 0x66, G: 0x66, B: 0x6a, A: 0xff},
		Train:      color.NRGBA{R: 0x5d, G: 0xad, B: 0xec, A: 0xff}, // light blue
		Validation: color.NRGBA{R: 0xff, G: 0x8c, B: 0x42, A: 0xff}, // light orange
	}
)
