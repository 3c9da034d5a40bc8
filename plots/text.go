package plots

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
)

// fonts holds the Liberation fonts used for all text of this package.
var fonts = font.NewCache(liberation.Collection())

// sansFont is the font description of the charts' text.
var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// chartFont returns the charts' sans-serif font at size points.
func chartFont(size vg.Length, bold bool) font.Font {
	f := sansFont
	if bold {
		f.Weight = xfont.WeightBold
	}
	return font.From(f, size)
}

// sansFace returns a new Liberation Sans face of px pixels (the em size),
// hinted for crisp raster text. A face is not safe for concurrent use, so
// each drawing gets its own.
func sansFace(px float64, bold bool) xfont.Face {
	desc := sansFont
	if bold {
		desc.Weight = xfont.WeightBold
	}
	f := fonts.Lookup(desc, 12)
	face, err := opentype.NewFace(f.Face, &opentype.FaceOptions{
		Size: px, DPI: 72, Hinting: xfont.HintingFull,
	})
	if err != nil {
		panic("plots: font: " + err.Error())
	}
	return face
}

// drawText writes s onto dst with its left end at x and its baseline at y.
func drawText(dst draw.Image, face xfont.Face, s string, x, y int, c color.Color) {
	d := xfont.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face,
		Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// textWidth is the advance width of s in whole pixels (rounded up).
func textWidth(face xfont.Face, s string) int {
	return xfont.MeasureString(face, s).Ceil()
}

// formatValue writes an activation value briefly: three significant
// digits, no exponent for ordinary magnitudes.
func formatValue(v float32) string {
	f := float64(v)
	switch {
	case f == 0:
		return "0"
	case math.Abs(f) >= 999.5:
		return strconv.FormatFloat(f, 'f', 0, 64)
	case math.Abs(f) < 0.001:
		return strconv.FormatFloat(f, 'e', 1, 64)
	}
	return strconv.FormatFloat(f, 'g', 3, 32)
}
