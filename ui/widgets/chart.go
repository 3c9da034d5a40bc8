package widgets

import (
	"fmt"
	"image"
	"image/png"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/internal/fynefile"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
)

// chartDebounce is how long a chart waits after a resize before drawing
// itself again at the new size.
const chartDebounce = 120 * time.Millisecond

// Size of the PNG files the Save PNG… buttons write, in pixels, and their
// resolution.
const (
	SavePxW, SavePxH = 1600, 1000
	SaveDPI          = 160
)

// Chart shows a gonum plot drawn at exactly the pixel size it has on the
// screen, so its text and lines stay sharp at any window size and zoom.
// After each resize it draws itself again, debounced and off the UI
// goroutine; until then the previous drawing is stretched.
type Chart struct {
	widget.BaseWidget
	s *host.Host
	// build builds the plot in the given colours; it is called off the UI
	// goroutine. nil shows msg instead.
	build  func(th plots.Theme) (*plot.Plot, error)
	aspect float32 // width/height of the drawing; 0 fills the widget
	// Least is the smallest size, in units at zoom 1, at which the
	// drawing's text fits (zero: any). In a smaller area the drawing is
	// made at that size and shrunk, at a lower resolution, so that its
	// labels shrink with it instead of overlapping and its title is not
	// cut.
	Least fyne.Size

	img *canvas.Image
	msg *widget.Label

	gen     int
	timer   *time.Timer
	pending bool // a drawing is scheduled or running (counted in s.Busy)
	want    DrawSpec
	drawn   DrawSpec
	dirty   bool
}

// DrawSpec is the pixel size and resolution of a drawing.
type DrawSpec struct {
	Px  image.Point
	DPI float64
}

func NewChart(s *host.Host, aspect float32) *Chart {
	c := &Chart{s: s, aspect: aspect, img: canvas.NewImageFromImage(nil), msg: widget.NewLabel("")}
	c.img.FillMode = canvas.ImageFillStretch
	c.msg.Wrapping = fyne.TextWrapWord
	c.msg.Alignment = fyne.TextAlignCenter
	c.msg.Hide()
	c.ExtendBaseWidget(c)
	return c
}

// SetPlot sets the function that builds the plot and draws it again.
func (c *Chart) SetPlot(build func(th plots.Theme) (*plot.Plot, error)) {
	c.build = build
	if build == nil {
		c.img.Image = nil
		c.img.Refresh()
		return
	}
	c.Invalidate()
}

// Invalidate draws the chart again at its current size (after a change of
// data, zoom or theme).
func (c *Chart) Invalidate() {
	c.dirty = true
	c.schedule(c.area(c.Size()))
}

// area is the part of a widget of size that the drawing covers.
func (c *Chart) area(size fyne.Size) fyne.Size {
	if c.aspect <= 0 || size.Height <= 0 {
		return size
	}
	if size.Width/size.Height > c.aspect {
		return fyne.NewSize(size.Height*c.aspect, size.Height)
	}
	return fyne.NewSize(size.Width, size.Width/c.aspect)
}

func (c *Chart) schedule(size fyne.Size) {
	if c.build == nil || size.Width < 20 || size.Height < 20 {
		return
	}
	sc := c.s.PixelScale()
	dpi := float64(96 * sc * c.s.Zoom())
	if c.Least.Width > 0 && c.Least.Height > 0 {
		dpi *= float64(min(1, size.Width/(c.Least.Width*c.s.Zoom()), size.Height/(c.Least.Height*c.s.Zoom())))
	}
	spec := DrawSpec{Px: image.Pt(int(size.Width*sc+0.5), int(size.Height*sc+0.5)), DPI: dpi}
	if !c.dirty && (spec == c.drawn || c.pending && spec == c.want) {
		return
	}
	c.dirty = false
	c.want = spec
	c.gen++
	gen := c.gen
	if c.timer != nil {
		c.timer.Stop()
	}
	if !c.pending {
		c.pending = true
		c.s.Busy.Add(1)
	}
	build, th := c.build, c.s.ChartTheme()
	c.timer = time.AfterFunc(chartDebounce, func() {
		var img image.Image
		p, err := build(th)
		if err == nil {
			img, err = plots.Image(p, spec.Px.X, spec.Px.Y, spec.DPI)
		}
		c.s.Do(func() {
			if gen != c.gen {
				return // a newer drawing is on its way
			}
			c.pending = false
			c.s.Busy.Add(-1)
			c.drawn = spec
			if err != nil {
				c.img.Hide()
				c.msg.SetText("The chart cannot be drawn: " + err.Error())
				c.msg.Show()
				return
			}
			c.msg.Hide()
			c.img.Image = img
			c.img.Show()
			c.img.Refresh()
		})
	})
}

func (c *Chart) CreateRenderer() fyne.WidgetRenderer { return &chartRenderer{c} }

type chartRenderer struct{ c *Chart }

func (r *chartRenderer) Layout(size fyne.Size) {
	a := r.c.area(size)
	r.c.img.Resize(a)
	r.c.img.Move(fyne.NewPos((size.Width-a.Width)/2, (size.Height-a.Height)/2))
	m := r.c.msg.MinSize()
	r.c.msg.Resize(fyne.NewSize(size.Width, m.Height))
	r.c.msg.Move(fyne.NewPos(0, (size.Height-m.Height)/2))
	r.c.schedule(a)
}

func (r *chartRenderer) MinSize() fyne.Size {
	return fyne.NewSize(240*r.c.s.Zoom(), 180*r.c.s.Zoom())
}

func (r *chartRenderer) Refresh() {
	r.c.img.Refresh()
	r.c.msg.Refresh()
}

func (r *chartRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.c.img, r.c.msg}
}

func (r *chartRenderer) Destroy() {}

// ChartPanel puts a chart over a "Save PNG…" button that writes it to a
// file named like fileName by default.
func ChartPanel(s *host.Host, c *Chart, fileName string, w, h int) (fyne.CanvasObject, *widget.Button) {
	save := widget.NewButtonWithIcon("Save PNG…", theme.DocumentSaveIcon(), func() { SaveChart(s, c.build, fileName, w, h) })
	return container.NewPadded(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), save), nil, nil, c)), save
}

// SaveChart asks for a file name and writes the plot as a PNG of w×h
// pixels there, in the light colours whatever the app's theme, since saved
// charts end up on paper and slides.
func SaveChart(s *host.Host, build func(th plots.Theme) (*plot.Plot, error), fileName string, w, h int) {
	if build == nil {
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) { SaveChartTo(s, wc, err, build, w, h) }, s.Window())
	d.SetFileName(fileName)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	s.ShowFileDialog(d)
}

// SaveChartTo handles the answer of the save dialog: the dialog creates
// the file, which fails for a folder that cannot be written (err), and wc
// is nil when it was cancelled. The chart is drawn and written in the
// background; the notice bar says where it went or why it could not be
// saved, and a partly written file is removed.
func SaveChartTo(s *host.Host, wc fyne.URIWriteCloser, err error, build func(th plots.Theme) (*plot.Plot, error), w, h int) {
	s.SaveInBackground("chart", wc, err, func() error { return fynefile.Finish(wc, WriteChart(wc, build, w, h)) })
}

func WriteChart(wc fyne.URIWriteCloser, build func(th plots.Theme) (*plot.Plot, error), w, h int) error {
	p, err := build(plots.Light)
	if err != nil {
		return err
	}
	img, err := plots.Image(p, w, h, SaveDPI)
	if err != nil {
		return err
	}
	if err := png.Encode(wc, img); err != nil {
		return fmt.Errorf("writing %s: %w", wc.URI().Name(), err)
	}
	return nil
}

// Build is the function that builds the plot (nil when none is set).
func (c *Chart) Build() func(th plots.Theme) (*plot.Plot, error) { return c.build }

// Image is the drawing shown.
func (c *Chart) Image() *canvas.Image { return c.img }

// Drawn is the pixel size and resolution of the drawing shown.
func (c *Chart) Drawn() DrawSpec { return c.drawn }

// Message is the text shown instead of a drawing ("" when drawn).
func (c *Chart) Message() string { return c.msg.Text }

// Area is the size the drawing takes in a chart of the given size.
func (c *Chart) Area(size fyne.Size) fyne.Size { return c.area(size) }
