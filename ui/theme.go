package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// zoomSteps are the sizes the Larger/Smaller controls step through.
var zoomSteps = []float32{0.75, 0.9, 1, 1.15, 1.3, 1.5, 1.75, 2, 2.5}

// lensTheme wraps a base theme: every size is multiplied by zoom (text,
// padding, icons), and the light or dark variant can be forced whatever the
// desktop prefers.
type lensTheme struct {
	base    fyne.Theme
	zoom    float32
	variant fyne.ThemeVariant
	forced  bool // use variant instead of the system's
}

var _ fyne.Theme = (*lensTheme)(nil)

func (t *lensTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	if c, ok := readableColors[v][n]; ok {
		return c
	}
	return t.base.Color(n, v)
}

// readableColors replace the base theme's text colours that fail WCAG 2 AA
// (a contrast of 4.5:1) on the backgrounds they are drawn on (see
// TestTextContrast): Fyne's light theme writes errors, warnings and
// successes in bright colours (1.5:1 to 3.3:1 on white) and low-importance
// labels, the Train view's help lines among them, in "disabled" grey
// (1.3:1); its dark theme writes links and the accent in a blue of 4.0:1.
// The replacements keep each colour's hue, darker in the light theme and
// lighter in the dark one.
var readableColors = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNamePrimary:             color.NRGBA{0x14, 0x50, 0xb8, 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{0x14, 0x50, 0xb8, 0xff},
		theme.ColorNameError:               color.NRGBA{0xa3, 0x15, 0x15, 0xff},
		theme.ColorNameWarning:             color.NRGBA{0x7a, 0x41, 0x00, 0xff},
		theme.ColorNameSuccess:             color.NRGBA{0x16, 0x60, 0x1b, 0xff},
		theme.ColorNameDisabled:            color.NRGBA{0x6b, 0x6b, 0x6b, 0xff},
		theme.ColorNamePlaceHolder:         color.NRGBA{0x6b, 0x6b, 0x6b, 0xff},
		theme.ColorNameForegroundOnPrimary: color.White,
	},
	theme.VariantDark: {
		theme.ColorNamePrimary:             color.NRGBA{0x6e, 0xa8, 0xfe, 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{0x6e, 0xa8, 0xfe, 0xff},
		theme.ColorNameError:               color.NRGBA{0xff, 0x8a, 0x80, 0xff},
		theme.ColorNameDisabled:            color.NRGBA{0x95, 0x95, 0x95, 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{0x17, 0x17, 0x18, 0xff},
	},
}

func (t *lensTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base.Font(s) }
func (t *lensTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *lensTheme) Size(n fyne.ThemeSizeName) float32 {
	return t.base.Size(n) * t.zoom
}

// newLensTheme returns the app theme for a theme name ("light", "dark" or
// "" for the system's choice) and a zoom factor.
func newLensTheme(name string, zoom float32) *lensTheme {
	t := &lensTheme{base: theme.DefaultTheme(), zoom: zoom}
	switch name {
	case "light":
		t.forced, t.variant = true, theme.VariantLight
	case "dark":
		t.forced, t.variant = true, theme.VariantDark
	}
	return t
}

// Theme returns the window's theme for a theme name ("light", "dark" or
// "" for the desktop's choice) and a zoom, for a window the shell does not
// build (the Live view alone, `artlens --view live`), so that it looks as
// the full window does.
func Theme(name string, zoom float32) fyne.Theme { return newLensTheme(name, zoom) }

// nextZoom returns the zoom step after (dir > 0) or before (dir < 0) z.
func nextZoom(z float32, dir int) float32 {
	if dir > 0 {
		for _, s := range zoomSteps {
			if s > z+0.001 {
				return s
			}
		}
		return zoomSteps[len(zoomSteps)-1]
	}
	for i := len(zoomSteps) - 1; i >= 0; i-- {
		if zoomSteps[i] < z-0.001 {
			return zoomSteps[i]
		}
	}
	return zoomSteps[0]
}
