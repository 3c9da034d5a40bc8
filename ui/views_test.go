package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/confusion"
	"github.com/artlens/artlens/ui/widgets"
)

// charts returns the charts in the tree of o.
func charts(o fyne.CanvasObject) []*widgets.Chart {
	var out []*widgets.Chart
	walk(o, func(c fyne.CanvasObject) {
		if c, ok := c.(*widgets.Chart); ok {
			out = append(out, c)
		}
	})
	return out
}

func TestHistoryView(t *testing.T) {
	h := newHarness(t, Options{View: "history"})
	tab := h.s.tabs.Selected()
	if tab.Text != "History" {
		t.Fatalf("tab %q selected, want History", tab.Text)
	}
	cs := charts(tab.Content)
	if len(cs) != 2 {
		t.Fatalf("%d charts, want accuracy and loss", len(cs))
	}
	for _, c := range cs {
		assertSharp(t, c)
	}
	if !hasText(tab.Content, "Trained for 12 epochs") || !hasText(tab.Content, "The weights of epoch 10 were kept") {
		t.Errorf("summary: %q", texts(tab.Content))
	}
	test.AssertImageMatches(t, "history.png", h.w.Canvas().Capture())

	// A larger window draws the charts again at the new size.
	before := cs[0].Drawn().Px
	h.w.Resize(fyne.NewSize(1600, 1000))
	h.settle()
	if cs[0].Drawn().Px == before {
		t.Errorf("chart still drawn at %v after the window grew", before)
	}
	assertSharp(t, cs[0])

	// The charts follow the theme: a white chart would glare in the dark.
	for _, variant := range []string{"dark", "light"} {
		h.s.setStyle(h.s.Zoom(), variant)
		h.settle()
		for _, c := range cs {
			r, _, _, _ := c.Image().Image.At(1, 1).RGBA()
			if dark := r < 0x8000; dark != (variant == "dark") {
				t.Errorf("%s theme: chart corner red %#x", variant, r)
			}
		}
	}
}

// assertSharp checks that a chart's image has exactly its on-screen pixel
// size.
func assertSharp(t *testing.T, c *widgets.Chart) {
	t.Helper()
	if c.Image().Image == nil || !c.Image().Visible() {
		t.Fatalf("chart not drawn (message %q)", c.Message())
	}
	a := c.Area(c.Size())
	b := c.Image().Image.Bounds()
	if b.Dx() != int(a.Width+0.5) || b.Dy() != int(a.Height+0.5) {
		t.Errorf("chart image is %d×%d for an area of %v", b.Dx(), b.Dy(), a)
	}
}

func TestConfusionView(t *testing.T) {
	h := newHarness(t, Options{View: "confusion"})
	tab := h.s.tabs.Selected()
	cs := charts(tab.Content)
	if len(cs) != 1 {
		t.Fatalf("%d charts", len(cs))
	}
	c := cs[0]
	assertSharp(t, c)
	test.AssertImageMatches(t, "confusion.png", h.w.Canvas().Capture())
	percent := c.Image().Image
	var radio *widget.RadioGroup
	walk(tab.Content, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok {
			radio = r
		}
	})
	radio.SetSelected(confusion.ShowCounts)
	h.settle()
	if c.Image().Image == percent || sameImage(c.Image().Image, percent) {
		t.Error("the chart did not change to counts")
	}
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

func TestModelView(t *testing.T) {
	h := newHarness(t, Options{View: "model"})
	tab := h.s.tabs.Selected()
	for _, want := range []string{
		"Model: test model",
		"conv1 (Conv2D)", "(None, 62, 62, 32)", "Total params: 1,459,204",
		"1,459,204 trainable parameters",
		"Accuracy 88.0% on 100 test images",
		"drawings, iconography, painting, sculpture",
		"optimizer: adam",
	} {
		if !hasText(tab.Content, want) {
			t.Errorf("model view does not show %q", want)
		}
	}
	test.AssertImageMatches(t, "model.png", h.w.Canvas().Capture())
}

func TestSaveChartPNG(t *testing.T) {
	h := newHarness(t, Options{View: "history"})
	c := charts(h.s.tabs.Selected().Content)[0]
	path := filepath.Join(t.TempDir(), "acc.png")
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := widgets.WriteChart(wc, c.Build(), widgets.SavePxW, widgets.SavePxH); err != nil {
		t.Fatal(err)
	}
	wc.Close()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != widgets.SavePxW || cfg.Height != widgets.SavePxH {
		t.Errorf("saved PNG: %v, %d×%d", err, cfg.Width, cfg.Height)
	}
}

// writeModel saves a model with other classes to a file.
func writeModel(t *testing.T, classes []string) string {
	t.Helper()
	m, err := engine.NewModel(classes, 3)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "other.safetensors")
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenModelRefreshesEveryView(t *testing.T) {
	img := writeJPEG(t, t.TempDir(), "a.jpg", 100, 100, 1)
	h := newHarness(t, Options{Images: []string{img}})
	other := []string{"ink", "oil", "stone"}
	h.s.openModel(writeModel(t, other))
	h.settle()
	if h.topDialog() != nil {
		t.Fatalf("dialog after a good model: %q", texts(h.topDialog()))
	}
	if h.s.ModelName() != "other.safetensors" {
		t.Errorf("model name %q", h.s.ModelName())
	}
	if !strings.Contains(h.s.header.model.Text, "ink, oil, stone") {
		t.Errorf("header: %q", h.s.header.model.Text)
	}
	xc := h.s.explore.Content()
	for _, c := range other {
		if !hasText(xc, c) {
			t.Errorf("no bar for class %s", c)
		}
	}
	if !slices.Contains(other, shownAnswer(h)) || !hasText(xc, "Layer 1: ") || !hasText(xc, "Layer 4: ") {
		t.Errorf("explore view not refreshed: answer %q, %q", shownAnswer(h), texts(xc))
	}
	if p := h.s.Picture().Answer(h.s.Model()); p == nil || len(p.Probabilities) != 3 {
		t.Error("the shown image was not run through the new model")
	}
	for _, name := range []string{"History", "Confusion"} {
		h.s.showView(strings.ToLower(name))
		content := h.s.tabs.Selected().Content
		if !hasText(content, "holds no") {
			t.Errorf("%s view does not say the new model has no data: %q", name, texts(content))
		}
	}
	h.s.showView("model")
	if !hasText(h.s.tabs.Selected().Content, "ink, oil, stone") {
		t.Error("model view not refreshed")
	}
}

func TestBadModelFileKeepsCurrentModel(t *testing.T) {
	img := writeJPEG(t, t.TempDir(), "a.jpg", 100, 100, 1)
	h := newHarness(t, Options{Images: []string{img}})
	before, answer := h.s.Model(), shownAnswer(h)
	good, err := os.ReadFile(writeModel(t, classes4))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"noise.safetensors", []byte("this is not a model at all"), "not a safetensors file"},
		{"cut.safetensors", good[:len(good)/2], "truncated"},
	} {
		path := writeFile(t, dir, c.name, c.data)
		h.s.dropped([]fyne.URI{storage.NewFileURI(path)})
		h.settle()
		d := h.topDialog()
		if d == nil {
			t.Fatalf("%s: no dialog", c.name)
		}
		if !hasText(d, "Could not open the model") || !hasText(d, c.name) || !hasText(d, c.want) || !hasText(d, "keeps using the current model (test model)") {
			t.Errorf("%s: dialog says %q", c.name, texts(d))
		}
		h.w.Canvas().Overlays().Remove(d)
		if h.s.Model() != before || h.s.ModelName() != "test model" || shownAnswer(h) != answer {
			t.Errorf("%s: the current model or what is shown changed", c.name)
		}
	}
}

func TestZoomAndTheme(t *testing.T) {
	img := writeJPEG(t, t.TempDir(), "a.jpg", 100, 100, 1)
	h := newHarness(t, Options{Images: []string{img}, Theme: "light"})
	base := theme.DefaultTheme().Size(theme.SizeNameText)
	side := mapTiles(h.s.explore.Content())[0].(fyne.CanvasObject).MinSize().Width
	if h.s.Dark() || !h.s.menu.light.Checked {
		t.Fatal("light theme asked for")
	}
	h.s.zoomBy(1)
	h.s.zoomBy(1)
	h.settle()
	if h.s.Zoom() != 1.3 {
		t.Fatalf("zoom = %v after two steps up", h.s.Zoom())
	}
	if got := theme.TextSize(); got != base*1.3 {
		t.Errorf("text size %v, want %v", got, base*1.3)
	}
	if got := mapTiles(h.s.explore.Content())[0].(fyne.CanvasObject).MinSize().Width; got != side*1.3 {
		t.Errorf("map side %v, want %v", got, side*1.3)
	}
	if h.s.header.zoom.Text != "130%" {
		t.Errorf("zoom label %q", h.s.header.zoom.Text)
	}
	h.s.zoomBy(0)
	if h.s.Zoom() != 1 {
		t.Errorf("zoom = %v after reset", h.s.Zoom())
	}
	h.s.toggleTheme()
	h.settle()
	if !h.s.Dark() || !h.s.menu.dark.Checked || h.s.menu.light.Checked {
		t.Error("dark theme not applied")
	}
	if theme.Color(theme.ColorNameBackground) != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Error("background is not the dark one")
	}
	h.s.toggleFullScreen()
	if !h.w.FullScreen() || !h.s.menu.full.Checked {
		t.Error("full screen not toggled")
	}
}

func TestZoomSteps(t *testing.T) {
	if nextZoom(1, 1) != 1.15 || nextZoom(1, -1) != 0.9 || nextZoom(2.5, 1) != 2.5 || nextZoom(0.75, -1) != 0.75 {
		t.Error("zoom steps wrong")
	}
	if (Options{Scale: 3}).Check() == nil || (Options{View: "maps"}).Check() == nil || (Options{Theme: "blue"}).Check() == nil {
		t.Error("bad options accepted")
	}
	if err := (Options{View: "confusion", Theme: "dark", Scale: 1.5}).Check(); err != nil {
		t.Error(err)
	}
}

func TestScreenshotCapture(t *testing.T) {
	img := writeJPEG(t, t.TempDir(), "a.jpg", 100, 100, 1)
	h := newHarness(t, Options{Images: []string{img}})
	path := filepath.Join(t.TempDir(), "shot", "explore.png")
	if err := h.s.capture(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 1280 || cfg.Height != 800 {
		t.Errorf("screenshot: %v, %d×%d", err, cfg.Width, cfg.Height)
	}
}

func TestSoftwareCapture(t *testing.T) {
	h := newHarness(t, Options{View: "model"})
	img := h.s.softwareCapture()
	if blank(img) {
		t.Fatal("software capture is blank")
	}
	if !blank(image.NewNRGBA(image.Rect(0, 0, 10, 10))) {
		t.Error("a transparent image is not blank")
	}
}

// TestOpenImportedModel opens an ONNX model of another architecture (one
// grayscale channel, 12 × 10 pixels, three conv layers): the layer choices,
// the picture the network sees and the feature maps follow it, and what the
// file does not hold is said to be missing. A model that cannot be read
// is refused and the current one stays.
func TestOpenImportedModel(t *testing.T) {
	img := writeJPEG(t, t.TempDir(), "a.jpg", 100, 80, 1)
	h := newHarness(t, Options{Images: []string{img}})
	h.s.openModel(filepath.Join("..", "importer", "testdata", "tiny-opset17.onnx"))
	h.settle()
	if d := h.topDialog(); d != nil {
		t.Fatalf("dialog: %q", texts(d))
	}
	xc := h.s.explore.Content()
	if b := h.s.Picture().Seen.Bounds(); b.Dx() != 10 || b.Dy() != 12 {
		t.Errorf("the network sees %v, want 10 × 12", b)
	}
	if px := h.s.Picture().Seen.Pix; px[0] != px[1] || px[1] != px[2] {
		t.Errorf("the picture the network sees is not gray: %v", px[:4])
	}
	if !hasText(xc, "10 × 12 pixels, in grayscale") {
		t.Errorf("caption: %q", texts(xc))
	}
	if !hasText(xc, "Layer 3: 5 filters") || hasText(xc, "Layer 4") {
		t.Errorf("the maps of the model's 3 layers are not shown: %q", texts(xc))
	}
	h.s.showView("model")
	if content := h.s.tabs.Selected().Content; !hasText(content, "not in this file") || !hasText(content, "bn1 (BatchNormalization)") {
		t.Errorf("model view: %q", texts(content))
	}
	// The explanations follow the imported model: its conv layers, its
	// grey 10 × 12 input (no colour probes).
	h.s.showView("explain")
	h.settle()
	ec := h.s.explain.Content()
	var method, layer *widget.Select
	walk(ec, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && slices.Contains(s.Options, "Occlusion") {
			method = s
		} else if ok && slices.Contains(s.Options, "conv layer 1") {
			layer = s
		}
	})
	if !hasText(ec, "Computed in") || layer == nil || len(layer.Options) != 3 || !hasText(ec, "as conv layer 3 sees it") {
		t.Fatalf("Explain with the imported model: %q", texts(ec))
	}
	if hasText(ec, "grayscale") || !hasText(ec, "mirrored") {
		t.Errorf("the probes of a grey model: %q", texts(ec))
	}
	method.SetSelected("Occlusion")
	h.settle()
	if !hasText(ec, "Bright where hiding a") {
		t.Errorf("occlusion with the imported model: %q", texts(ec))
	}
	h.s.openModel(filepath.Join("..", "importer", "testdata", "refuse-lstm.onnx"))
	h.settle()
	d := h.topDialog()
	if d == nil || !hasText(d, "LSTM") || !hasText(d, "keeps using the current model (tiny-opset17.onnx)") {
		t.Fatalf("no refusal naming the op: %v", d != nil)
	}
	if h.s.ModelName() != "tiny-opset17.onnx" {
		t.Errorf("model changed to %q", h.s.ModelName())
	}
}

// TestIdleWindowPostsNothing: once settled, a window with nothing to do
// posts no work to the UI goroutine, whichever tab shows (a hidden tab's
// layout refreshing itself in a loop once kept a core busy).
func TestIdleWindowPostsNothing(t *testing.T) {
	for _, view := range Views {
		h := newHarness(t, Options{View: view})
		ran := 0
		for range 30 {
			time.Sleep(10 * time.Millisecond)
			if h.q.drain() {
				ran++
			}
		}
		if ran > 0 {
			t.Errorf("%s: work posted in %d of 30 idle intervals", view, ran)
		}
	}
}

// TestModelViewGraph opens an imported ResNet: the Model view shows its
// drawing first, folds its blocks and exports it as SVG.
func TestModelViewGraph(t *testing.T) {
	h := newHarness(t, Options{View: "model"})
	h.s.openModel(filepath.Join("..", "importer", "testdata", "resnet-opset17-bn.onnx"))
	h.settle()
	tab := h.s.tabs.Selected()
	if !hasText(tab.Content, "4 blocks, 7 edges that jump") {
		t.Error("the graph's card is not shown")
	}
	var img *canvas.Image
	var fold *widget.Check
	walk(tab.Content, func(o fyne.CanvasObject) {
		if i, ok := o.(*canvas.Image); ok && i.Image != nil && i.MinSize().Height > 1000 {
			img = i
		}
		if c, ok := o.(*widget.Check); ok && c.Text == "Fold blocks" {
			fold = c
		}
	})
	if img == nil || fold == nil {
		t.Fatalf("drawing %v, fold check %v", img, fold)
	}
	tall := img.MinSize().Height
	fold.SetChecked(true)
	h.settle()
	if img.MinSize().Height >= tall/2 {
		t.Errorf("folded, the drawing is %v high, unfolded %v", img.MinSize().Height, tall)
	}
}
