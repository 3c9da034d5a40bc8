package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// over composites c over the opaque colour bg, as the window draws it.
func over(c, bg color.Color) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{mix(n.R, b.R), mix(n.G, b.G), mix(n.B, b.B), 255}
}

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c color.NRGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is WCAG 2's contrast ratio of text colour fg drawn on bg, both
// composited over base first (theme colours may be translucent).
func contrast(fg, bg, base color.Color) float64 {
	b := over(bg, base)
	f := over(fg, b)
	l1, l2 := luminance(f), luminance(b)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

func TestContrastArithmetic(t *testing.T) {
	for _, c := range []struct {
		fg, bg color.Color
		want   float64
	}{
		{color.Black, color.White, 21},
		{color.White, color.White, 1},
		{color.NRGBA{0x76, 0x76, 0x76, 0xff}, color.White, 4.54}, // the lightest grey that passes on white
		{color.NRGBA{0, 0, 0, 0x80}, color.White, 4.00},          // half-transparent black is mid grey
	} {
		if got := contrast(c.fg, c.bg, color.White); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%v on %v) = %.3f, want %.2f", c.fg, c.bg, got, c.want)
		}
	}
}

// TestTextContrast checks that every colour the window draws text in has a
// contrast ratio of at least 4.5:1 (WCAG 2 AA) against every background it
// is drawn on, in both themes. The low-importance labels' colour (the
// theme's "disabled", which WCAG would exempt for disabled controls) is
// held to it too, as ArtLens writes its help lines in it.
func TestTextContrast(t *testing.T) {
	test.NewTempApp(t)
	// Where text is drawn: the window and the widgets' own backgrounds,
	// and the tints over the window of a selected or hovered row.
	solid := []fyne.ThemeColorName{
		theme.ColorNameBackground, theme.ColorNameButton, theme.ColorNameInputBackground,
		theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground,
	}
	tints := []fyne.ThemeColorName{theme.ColorNameSelection, theme.ColorNameHover}
	all := append(append([]fyne.ThemeColorName{}, solid...), tints...)
	// Each text colour and the backgrounds it is drawn on: the labels of
	// every importance can sit in a selected row of a list or table; a
	// placeholder only in an entry; the low-importance labels ("disabled",
	// the help lines) on the window, a dialog or a panel, never selected.
	texts := []struct {
		fg  fyne.ThemeColorName
		bgs []fyne.ThemeColorName
	}{
		{theme.ColorNameForeground, all},
		{theme.ColorNamePrimary, all},
		{theme.ColorNameHyperlink, all},
		{theme.ColorNameError, all},
		{theme.ColorNameWarning, all},
		{theme.ColorNameSuccess, all},
		{theme.ColorNamePlaceHolder, []fyne.ThemeColorName{theme.ColorNameInputBackground, theme.ColorNameBackground}},
		{theme.ColorNameDisabled, solid},
	}
	for _, variant := range []string{"light", "dark"} {
		th := newLensTheme(variant, 1)
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, theme.VariantDark) }
		base := c(theme.ColorNameBackground)
		check := func(what string, fg, bg color.Color) {
			t.Helper()
			if r := contrast(fg, bg, base); r < 4.5 {
				t.Errorf("%s theme: %s: contrast %.2f:1, under 4.5:1", variant, what, r)
			}
		}
		for _, tx := range texts {
			for _, bg := range tx.bgs {
				check(fmt.Sprintf("%s text on %s", tx.fg, bg), c(tx.fg), c(bg))
			}
		}
		// Text on a filled colour: a high-importance button, a danger or
		// warning one, a success badge. Not Fyne's ProgressBar, whose text
		// lies over the bar and over its track (the bar's colour at half
		// over the window): no one colour reads at 4.5:1 on both in the
		// dark theme, so the answer's bars write their value beside them
		// (widgets.NewValueBar).
		for _, p := range [][2]fyne.ThemeColorName{
			{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
			{theme.ColorNameForegroundOnError, theme.ColorNameError},
			{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
			{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
		} {
			check(fmt.Sprintf("%s text on %s", p[0], p[1]), c(p[0]), c(p[1]))
		}
		// The notice bar: the text on the kind's colour at a quarter over
		// the window (see host's notice renderer).
		for _, kind := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameWarning, theme.ColorNameError} {
			tint := color.NRGBAModel.Convert(c(kind)).(color.NRGBA)
			tint.A = 0x40
			check(fmt.Sprintf("foreground text on the %s notice", kind), c(theme.ColorNameForeground), over(tint, base))
		}
	}
}
