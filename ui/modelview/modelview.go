package modelview

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/graphdraw"
	"github.com/artlens/artlens/internal/fynefile"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// New builds the Model view, which describes the model: its layers (the study's Figure 1),
// its test results, its classes and how it was trained.
func New(s *host.Host) fyne.CanvasObject {
	body := container.NewVBox()
	scroll := container.NewVScroll(container.NewPadded(body))
	update := func() {
		body.Objects = modelInfo(s)
		body.Refresh()
		scroll.Refresh()
	}
	update()
	s.OnModel(update)
	s.OnStyle(update)
	return scroll
}

// modelInfo builds the content of the model view.
func modelInfo(s *host.Host) []fyne.CanvasObject {
	m := s.Model()
	if m == nil {
		return []fyne.CanvasObject{widget.NewLabel("No model is loaded. Open one with File › Open model….")}
	}
	title := widget.NewLabelWithStyle("Model: "+s.ModelName(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText

	layers := m.Summary()
	var table strings.Builder
	if err := engine.WriteSummary(&table, layers); err != nil {
		table.WriteString("The layer table cannot be written: " + err.Error())
	}
	tableLabel := widget.NewLabelWithStyle(strings.TrimRight(table.String(), "\n"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	in := m.Input()
	colour := "RGB"
	if in.Channels == 1 {
		colour = "grayscale"
	}
	kind := "trainable parameters"
	for _, p := range m.Weights() {
		if p.Frozen {
			kind = "parameters (batch norm statistics included)"
			break
		}
	}
	layerCard := widget.NewCard("Layers", fmt.Sprintf("%s %s; the input is one %d × %d %s picture",
		engine.Thousands(engine.TotalParams(layers)), kind, in.Width, in.Height, colour), tableBox(tableLabel, s.Zoom()))

	side := []fyne.CanvasObject{testCard(m.Meta), classesCard(m), trainingCard(m.Meta)}
	sideBox := widgets.NewSizedBox(container.NewVBox(side...))
	sideBox.Width = 480 * s.Zoom()
	// A graph's drawing says more than its long table and comes first; a
	// chain's table is the study's Figure 1.
	// The reliability diagrams go beside the test results: both say how
	// far to believe the network.
	cards := []fyne.CanvasObject{layerCard, sideBox, reliabilityCard(s, m), graphCard(s, m)}
	if len(m.Places()) > len(m.ConvLayers()) {
		cards = []fyne.CanvasObject{cards[3], sideBox, cards[2], layerCard}
	}
	flow := container.New(&widgets.FlowLayout{}, cards...)
	return []fyne.CanvasObject{title, flow}
}

// maxTableWidth is the widest the layer table is drawn at zoom 1; a wider
// one (an imported DenseNet's names of layers made the window 2,032 px
// wide) scrolls sideways, so that the window fits 1280 x 800.
const maxTableWidth = 1080

// tableBox holds the layer table: as wide as the table up to
// maxTableWidth, scrolling sideways beyond.
func tableBox(table fyne.CanvasObject, zoom float32) fyne.CanvasObject {
	w := table.MinSize().Width
	if w <= maxTableWidth*zoom {
		return table
	}
	scroll := container.NewHScroll(table)
	scroll.SetMinSize(fyne.NewSize(maxTableWidth*zoom, 0))
	return scroll
}

// graphScale is the size of the graph's drawing in the window, in Fyne
// units per point of the drawing at zoom 1.
const graphScale = 1.15

// graphCard shows the drawing of the model's graph (package graphdraw),
// scrollable, with its blocks folded or not, and exports it as SVG or PNG.
// The drawing is rasterized off the UI goroutine.
func graphCard(s *host.Host, m *engine.Model) fyne.CanvasObject {
	g := graphdraw.FromModel(m)
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillStretch
	img.ScaleMode = canvas.ImageScaleSmooth
	scroll := container.NewScroll(img)
	// As wide as the drawing (a chain's is one narrow column), at most 440.
	wide := float32(graphdraw.Lay(g, graphdraw.Options{}).W) * graphScale
	scroll.SetMinSize(fyne.NewSize(min(wide+12, 440)*s.Zoom(), 540*s.Zoom()))
	// A transformer's encoder blocks repeat one another: folded (at
	// first) into one row, "×12", instead of 120 rows.
	repeat := m.HasAttention()
	fold := repeat
	var drawn graphdraw.Drawing
	skips := 0
	for _, e := range graphdraw.Lay(g, graphdraw.Options{}).Edges {
		if e.Kind != graphdraw.Straight {
			skips++
		}
	}
	redraw := func() {
		zoom, px := s.Zoom(), s.PixelScale()
		opt := graphdraw.Options{Fold: fold, Repeat: repeat}
		s.Busy.Add(1)
		go func() {
			d := graphdraw.Lay(g, opt)
			pic := graphdraw.Image(d, float64(graphScale*zoom*px))
			s.Do(func() {
				defer s.Busy.Add(-1)
				drawn = d
				img.Image = pic
				img.SetMinSize(fyne.NewSize(float32(d.W)*graphScale*zoom, float32(d.H)*graphScale*zoom))
				img.Refresh()
				scroll.Refresh()
			})
		}()
	}
	foldCheck := widget.NewCheck("Fold blocks", func(on bool) {
		fold = on
		redraw()
	})
	foldCheck.Checked = fold
	if len(graphdraw.Blocks(g)) == 0 {
		foldCheck.Disable()
	}
	export := widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), func() {
		if drawn.W > 0 {
			saveGraph(s, drawn)
		}
	})
	redraw()
	sub := fmt.Sprintf("%d layers in the order they run; side branches beside the main path", len(g.Nodes))
	if skips > 0 {
		sub = fmt.Sprintf("%d layers, %d blocks, %d edges that jump (skip connections and side branches)", len(g.Nodes), len(graphdraw.Blocks(g)), skips)
	}
	return widget.NewCard("Graph", sub, container.NewBorder(container.NewHBox(foldCheck, layout.NewSpacer(), export), nil, nil, nil, scroll))
}

// saveGraph asks for a file name and writes the drawing there, SVG or PNG
// by its extension, in the background; the notice bar says where it went
// or why it could not be saved.
func saveGraph(s *host.Host, d graphdraw.Drawing) {
	dlg := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		s.SaveInBackground("graph", wc, err, func() error { return writeGraph(wc, d) })
	}, s.Window())
	name := strings.TrimSuffix(s.ModelName(), filepath.Ext(s.ModelName()))
	if name == "" {
		name = "model"
	}
	dlg.SetFileName(strings.ReplaceAll(name, " ", "-") + "-graph.svg")
	dlg.SetFilter(storage.NewExtensionFileFilter([]string{".svg", ".png"}))
	s.ShowFileDialog(dlg)
}

// testCard shows accuracy and per-class precision and recall on the test
// images.
func testCard(meta engine.Metadata) fyne.CanvasObject {
	t := meta.Test
	if t == nil || t.Total == 0 {
		hint := widget.NewLabel("'artlens eval --model FILE --data DIR --save' measures it on a folder of labelled pictures and writes it into the file.")
		hint.Wrapping = fyne.TextWrapWord
		return widget.NewCard("Test results", "Not in this file: this model file holds no test evaluation.", hint)
	}
	grid := container.New(layout.NewGridLayoutWithColumns(4))
	for _, h := range []string{"Class", "Precision", "Recall", "Test images"} {
		grid.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	counts := testImages(*t)
	for i, c := range t.Classes {
		grid.Add(widget.NewLabel(c))
		grid.Add(widget.NewLabel(valueAt(t.Precision, i)))
		grid.Add(widget.NewLabel(valueAt(t.Recall, i)))
		n := ""
		if i < len(counts) {
			n = engine.Thousands(counts[i])
		}
		grid.Add(widget.NewLabel(n))
	}
	help := widget.NewLabel("Precision: of the images the network put in a class, the share that belong there. " +
		"Recall: of the images of a class, the share the network recognised.")
	help.Wrapping = fyne.TextWrapWord
	help.TextStyle.Italic = true
	return widget.NewCard("Test results", fmt.Sprintf("Accuracy %s on %s test images the network never saw in training",
		percentText(t.Accuracy), engine.Thousands(t.Total)), container.NewVBox(grid, help))
}

func valueAt(v []float64, i int) string {
	if i < len(v) {
		return percentText(v[i])
	}
	return "–"
}

func classesCard(m *engine.Model) fyne.CanvasObject {
	meta := m.Meta
	text := widget.NewLabel(strings.Join(meta.Classes, ", "))
	text.Wrapping = fyne.TextWrapWord
	if m.Output() == engine.OutputSigmoid {
		return widget.NewCard("Labels", fmt.Sprintf("The network scores each of %d labels on its own (a sigmoid per label): "+
			"several can be high, they need not sum to 1", len(meta.Classes)), text)
	}
	return widget.NewCard("Classes", fmt.Sprintf("The network answers with one of %d classes", len(meta.Classes)), text)
}

func trainingCard(meta engine.Metadata) fyne.CanvasObject {
	var lines []string
	if len(meta.History) == 0 {
		lines = append(lines, "Training history: not in this file")
	}
	if n := len(meta.History); n > 0 {
		line := fmt.Sprintf("Epochs: %d", n)
		if meta.BestEpoch > 0 {
			line += fmt.Sprintf(" (weights of epoch %d kept)", meta.BestEpoch)
		}
		lines = append(lines, line)
	}
	keys := make([]string, 0, len(meta.Training))
	for k := range meta.Training {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("%s: %s", k, meta.Training[k]))
	}
	if meta.Preprocessing != "" {
		lines = append(lines, "Input: "+meta.Preprocessing)
	}
	if meta.DataFingerprint != "" {
		fp := meta.DataFingerprint
		if len(fp) > 16 {
			fp = fp[:16] + "…"
		}
		lines = append(lines, "Data fingerprint: "+fp)
	}
	if meta.Created != "" {
		lines = append(lines, "Written: "+meta.Created)
	}
	if len(lines) == 0 {
		lines = append(lines, "This model file says nothing about its training.")
	}
	text := widget.NewLabel(strings.Join(lines, "\n"))
	text.Wrapping = fyne.TextWrapWord
	return widget.NewCard("Training", "", text)
}

// testImages is the number of test images of each true class.
func testImages(e engine.Evaluation) []int {
	out := make([]int, len(e.Confusion))
	for i, row := range e.Confusion {
		for _, v := range row {
			out[i] += v
		}
	}
	return out
}

// percentText writes a fraction in [0,1] as a percentage with one decimal.
func percentText(v float64) string {
	return fmt.Sprintf("%.1f%%", 100*v)
}

// writeGraph writes d into wc, SVG or PNG by the extension of its name,
// and commits the file (or drops it on an error).
func writeGraph(wc fyne.URIWriteCloser, d graphdraw.Drawing) error {
	var data []byte
	var err error
	switch strings.ToLower(wc.URI().Extension()) {
	case ".svg":
		data, err = graphdraw.SVG(d)
	case ".png":
		data, err = graphdraw.PNG(d, 2)
	default:
		err = fmt.Errorf("the name must end in .svg or .png")
	}
	if err == nil {
		_, err = wc.Write(data)
	}
	return fynefile.Finish(wc, err)
}
