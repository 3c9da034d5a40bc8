package ui

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"path/filepath"
	"syscall"
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
)

// chartDebounce is how long a chart waits after a resize before drawing
// itself again at the new size.
const chartDebounce = 120 * time.Millisecond

// Size of the PNG files the Save PNG… buttons write, in pixels, and their
// resolution.
const (
	savePxW, savePxH = 1600, 1000
	saveDPI          = 160
)

// chart shows a gonum plot drawn at exactly the pixel size it has on the
// screen, so its text and lines stay sharp at any window size and zoom.
// After each resize it draws itself again, debounced and off the UI
// goroutine; until then the previous drawing is stretched.
type chart struct {
	widget.BaseWidget
	s *shell
	// build builds the plot in the given colours; it is called off the UI
	// goroutine. nil shows msg instead.
	build  func(th plots.Theme) (*plot.Plot, error)
	aspect float32 // width/height of the drawing; 0 fills the widget
	// least is the smallest size, in units at zoom 1, at which the
	// drawing's text fits (zero: any). In a smaller area the drawing is
	// made at that size and shrunk, at a lower resolution, so that its
	// labels shrink with it instead of overlapping and its title is not
	// cut.
	least fyne.Size

	img *canvas.Image
	msg *widget.Label

	gen     int
	timer   *time.Timer
	pending bool // a drawing is scheduled or running (counted in s.busy)
	want    drawSpec
	drawn   drawSpec
	dirty   bool
}

// drawSpec is the pixel size and resolution of a drawing.
type drawSpec struct {
	px  image.Point
	dpi float64
}

func newChart(s *shell, aspect float32) *chart {
	c := &chart{s: s, aspect: aspect, img: canvas.NewImageFromImage(nil), msg: widget.NewLabel("")}
	c.img.FillMode = canvas.ImageFillStretch
	c.msg.Wrapping = fyne.TextWrapWord
	c.msg.Alignment = fyne.TextAlignCenter
	c.msg.Hide()
	c.ExtendBaseWidget(c)
	return c
}

// setPlot sets the function that builds the plot and draws it again.
func (c *chart) setPlot(build func(th plots.Theme) (*plot.Plot, error)) {
	c.build = build
	if build == nil {
		c.img.Image = nil
		c.img.Refresh()
		return
	}
	c.invalidate()
}

// invalidate draws the chart again at its current size (after a change of
// data, zoom or theme).
func (c *chart) invalidate() {
	c.dirty = true
	c.schedule(c.area(c.Size()))
}

// area is the part of a widget of size that the drawing covers.
func (c *chart) area(size fyne.Size) fyne.Size {
	if c.aspect <= 0 || size.Height <= 0 {
		return size
	}
	if size.Width/size.Height > c.aspect {
		return fyne.NewSize(size.Height*c.aspect, size.Height)
	}
	return fyne.NewSize(size.Width, size.Width/c.aspect)
}

func (c *chart) schedule(size fyne.Size) {
	if c.build == nil || size.Width < 20 || size.Height < 20 {
		return
	}
	sc := c.s.pixelScale()
	dpi := float64(96 * sc * c.s.zoom)
	if c.least.Width > 0 && c.least.Height > 0 {
		dpi *= float64(min(1, size.Width/(c.least.Width*c.s.zoom), size.Height/(c.least.Height*c.s.zoom)))
	}
	spec := drawSpec{px: image.Pt(int(size.Width*sc+0.5), int(size.Height*sc+0.5)), dpi: dpi}
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
		c.s.busy.Add(1)
	}
	build, th := c.build, c.s.chartTheme()
	c.timer = time.AfterFunc(chartDebounce, func() {
		var img image.Image
		p, err := build(th)
		if err == nil {
			img, err = plots.Image(p, spec.px.X, spec.px.Y, spec.dpi)
		}
		c.s.do(func() {
			if gen != c.gen {
				return // a newer drawing is on its way
			}
			c.pending = false
			c.s.busy.Add(-1)
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

func (c *chart) CreateRenderer() fyne.WidgetRenderer { return &chartRenderer{c} }

type chartRenderer struct{ c *chart }

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
	return fyne.NewSize(240*r.c.s.zoom, 180*r.c.s.zoom)
}

func (r *chartRenderer) Refresh() {
	r.c.img.Refresh()
	r.c.msg.Refresh()
}

func (r *chartRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.c.img, r.c.msg}
}

func (r *chartRenderer) Destroy() {}

// chartPanel puts a chart over a "Save PNG…" button that writes it to a
// file named like fileName by default.
func chartPanel(s *shell, c *chart, fileName string, w, h int) (fyne.CanvasObject, *widget.Button) {
	save := widget.NewButtonWithIcon("Save PNG…", theme.DocumentSaveIcon(), func() { saveChart(s, c.build, fileName, w, h) })
	return container.NewPadded(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), save), nil, nil, c)), save
}

// chartTheme is the chart colours that go with the app's theme: a white
// chart would glare in the dark theme.
func (s *shell) chartTheme() plots.Theme {
	if s.dark() {
		th := plots.Dark
		th.Background = theme.Color(theme.ColorNameBackground) // no box around the chart
		return th
	}
	return plots.Light
}

// saveChart asks for a file name and writes the plot as a PNG of w×h
// pixels there, in the light colours whatever the app's theme, since saved
// charts end up on paper and slides.
func saveChart(s *shell, build func(th plots.Theme) (*plot.Plot, error), fileName string, w, h int) {
	if build == nil {
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) { s.saveChartTo(wc, err, build, w, h) }, s.win)
	d.SetFileName(fileName)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	s.showFileDialog(d)
}

// saveChartTo handles the answer of the save dialog: the dialog creates
// the file, which fails for a folder that cannot be written (err), and wc
// is nil when it was cancelled. The chart is drawn and written in the
// background; the notice bar says where it went or why it could not be
// saved, and a partly written file is removed.
func (s *shell) saveChartTo(wc fyne.URIWriteCloser, err error, build func(th plots.Theme) (*plot.Plot, error), w, h int) {
	s.saveInBackground("chart", wc, err, func() error { return fynefile.Finish(wc, writeChart(wc, build, w, h)) })
}

// saveInBackground handles the answer of a save dialog for what (a
// "chart", a "graph"): err when the dialog could not create the file, wc
// nil when it was cancelled; otherwise write (which writes wc and
// finishes it) runs off the UI goroutine and the notice bar says where
// the file went or why it could not be saved.
func (s *shell) saveInBackground(what string, wc fyne.URIWriteCloser, err error, write func() error) {
	if err != nil {
		s.notice.show(noticeError, "Could not save the "+what+": "+saveError(pathOf(err), err)+".")
		return
	}
	if wc == nil {
		return
	}
	s.lastDir = parentPath(wc.URI())
	s.busy.Add(1)
	go func() {
		err := write()
		s.do(func() {
			defer s.busy.Add(-1)
			if err != nil {
				s.notice.show(noticeError, "Could not save the "+what+": "+saveError(wc.URI().Path(), err)+".")
				return
			}
			s.notice.show(noticeInfo, "Saved the "+what+" as "+wc.URI().Path()+".")
		})
	}()
}

// saveError words why a file could not be written at path.
func saveError(path string, err error) string {
	name := "“" + baseName(path) + "”"
	dir := "“" + filepath.Dir(path) + "”"
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission to write " + name + " in " + dir + " was denied; choose another folder"
	case errors.Is(err, fs.ErrNotExist):
		return "the folder " + dir + " does not exist; choose another folder"
	case errors.Is(err, syscall.ENOTDIR):
		return dir + " is not a folder (a file of that name is in the way); choose another folder"
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full; " + name + " was not written"
	case errors.Is(err, syscall.EROFS):
		return "the disk of " + dir + " is read-only; choose another folder"
	}
	return err.Error()
}

func writeChart(wc fyne.URIWriteCloser, build func(th plots.Theme) (*plot.Plot, error), w, h int) error {
	p, err := build(plots.Light)
	if err != nil {
		return err
	}
	img, err := plots.Image(p, w, h, saveDPI)
	if err != nil {
		return err
	}
	if err := png.Encode(wc, img); err != nil {
		return fmt.Errorf("writing %s: %w", wc.URI().Name(), err)
	}
	return nil
}

// parentPath is the folder of a file URI ("" for other URIs).
func parentPath(u fyne.URI) string {
	if p, err := storage.Parent(u); err == nil && p.Scheme() == "file" {
		return p.Path()
	}
	return ""
}
