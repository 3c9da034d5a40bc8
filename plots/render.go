package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DefaultDPI is the resolution Render uses for PNG when given none.
const DefaultDPI = 96

// Formats lists the file formats Render writes.
var Formats = []string{"png", "svg", "pdf"}

// Render draws p on a page of w×h (both > 0) and returns the file in the
// given format: "png", "svg" or "pdf" (case-insensitive). dpi is the
// resolution of a PNG (DefaultDPI when dpi <= 0), so its pixel size is
// w and h in inches times dpi, rounded; SVG and PDF ignore it.
func Render(p *plot.Plot, w, h vg.Length, format string, dpi float64) ([]byte, error) {
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("plots: page size %v×%v is not positive", w, h)
	}
	if dpi <= 0 {
		dpi = DefaultDPI
	}
	var buf bytes.Buffer
	switch strings.ToLower(format) {
	case "png":
		img, err := Image(p, pixels(w, dpi), pixels(h, dpi), dpi)
		if err != nil {
			return nil, err
		}
		if err := png.Encode(&buf, img); err != nil {
			return nil, err
		}
	case "svg":
		c := vgsvg.New(w, h)
		drawPlot(p, c)
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
	case "pdf":
		c := vgpdf.New(w, h)
		c.EmbedFonts(true)
		drawPlot(p, pdfCanvas{c})
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("plots: unknown format %q (want png, svg or pdf)", format)
	}
	return buf.Bytes(), nil
}

// pixels converts a length to whole pixels at dpi (at least 1).
func pixels(l vg.Length, dpi float64) int {
	return max(1, int(math.Round(float64(l/vg.Inch)*dpi)))
}

// Image rasterizes p as a wPx×hPx image (both > 0) at dpi dots per inch
// (rounded to a whole number, at least 1): the page measures wPx/dpi by
// hPx/dpi inches, so a higher dpi draws text and lines larger in pixels.
// A window shows sharp charts by passing its size in physical pixels and
// 96 times its scale factor.
func Image(p *plot.Plot, wPx, hPx int, dpi float64) (image.Image, error) {
	if wPx <= 0 || hPx <= 0 {
		return nil, fmt.Errorf("plots: image size %d×%d is not positive", wPx, hPx)
	}
	d := max(1, int(math.Round(dpi)))
	c := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, wPx, hPx))), vgimg.UseDPI(d))
	drawPlot(p, c)
	return c.Image(), nil
}

// margin is the blank border around every chart.
const margin = vg.Length(8) // points

// drawPlot draws p on c, leaving a margin of its background colour all round.
func drawPlot(p *plot.Plot, c vg.CanvasSizer) {
	dc := draw.New(c)
	if p.BackgroundColor != nil {
		dc.SetColor(p.BackgroundColor)
		dc.Fill(dc.Rectangle.Path())
	}
	w, h := c.Size()
	m := min(margin, w/20, h/20)
	defer fitToWidth(p, w-2*m)()
	p.Draw(draw.Crop(dc, m, -m, m, -m))
}

// pdfCanvas works around two faults of vgpdf with more than one face of a
// font: it registers bold and italic faces under the regular style (so
// drawing with them fails with "undefined font"), and it names every
// embedded font file alike (so all faces would show the glyphs of the
// first). PDF text is therefore drawn in the regular face only.
type pdfCanvas struct {
	*vgpdf.Canvas
}

// FillString implements vg.Canvas.
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	if f.Font.Weight != xfont.WeightNormal || f.Font.Style != xfont.StyleNormal {
		f.Font.Weight, f.Font.Style = xfont.WeightNormal, xfont.StyleNormal
		f = plot.DefaultTextHandler.Cache().Lookup(f.Font, f.Font.Size)
	}
	c.Canvas.FillString(f, pt, s)
}
