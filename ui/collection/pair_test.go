package collection

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/internal/uitest"
	"github.com/artlens/artlens/ui/widgets"
)

// highModel is brightModel that says bright above red 0.6 (logit
// 160*red - 96): on curatedFolder it disagrees with brightModel on the
// reds between 128 and 153, lamp.png (135) and haze.png (130).
func highModel(t testing.TB) *engine.Model {
	m := brightModel(t)
	for _, p := range m.Params() {
		if p.Name == "dense3.bias" {
			p.Data[1] = -96
		}
	}
	return m
}

// openPair opens curatedFolder in the Collection view with highModel as
// the second opinion ("high").
func openPair(t *testing.T, show string) (*uitest.Harness, *View, map[string]uint8) {
	root, reds := curatedFolder(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	h, c := newHarness(t, start{Model: brightModel(t), ModelName: "bright model", Second: highModel(t), SecondName: "high",
		Images: []string{root}, Show: show})
	h.WaitFor("the collection", func() bool { return !c.running && len(c.items) == len(reds) })
	h.Settle()
	return h, c, reds
}

// TestCollectionTwoModels checks the Collection view with a second model:
// its column and the Agree? column, the filter that keeps exactly the rows
// whose classes differ, each model's confusion matrix (counted by hand),
// the export's columns, a click on a disagreement showing both answers
// and Grad-CAMs side by side, and the second model's removal.
func TestCollectionTwoModels(t *testing.T) {
	h, c, reds := openPair(t, "")
	if c.columns() != colCount || c.other == nil || !slices.Equal(c.shownColumns()[5:7], []int{colOther, colAgree}) {
		t.Fatalf("%d columns with a second model", c.columns())
	}
	header := func(col int) string {
		b := widget.NewButton("", nil)
		c.updateHeader(widget.TableCellID{Row: -1, Col: slices.Index(c.shownColumns(), col)}, b)
		return b.Text
	}
	if a, b := header(colPredicted), header(colOther); a != "bright model" || b != "high" {
		t.Errorf("the models' columns are titled %q and %q", a, b)
	}
	// Each row: the second model's answer and whether the two agree, as
	// the thresholds 0.5 and 0.6 give them.
	var differ []string
	for row, it := range c.shown {
		name := filepath.Base(it.Path)
		red := float64(reds[filepath.ToSlash(filepath.Join(it.Folder, name))]) / 255
		first, second := "dark", "dark"
		if red > 0.5 {
			first = "bright"
		}
		if red > 0.6 {
			second = "bright"
		}
		agree := "agree"
		if first != second {
			agree = "disagree"
			differ = append(differ, name)
		}
		if got := cellText(c, row, colOther); !strings.HasPrefix(got, second+" ") || !strings.HasSuffix(got, "%") {
			t.Errorf("%s: second model's cell %q, want %s", name, got, second)
		}
		if got := cellText(c, row, colAgree); got != agree {
			t.Errorf("%s: %q, want %q", name, got, agree)
		}
	}
	if strings.Join(differ, " ") != "haze.png lamp.png" {
		t.Fatalf("the models differ on %v by hand", differ)
	}
	if !c.disagreeOnly.Visible() || !hasText(c.content, "bright model and high disagree on 2 pictures") {
		t.Errorf("filter shown %v; status %q", c.disagreeOnly.Visible(), texts(c.content))
	}
	c.disagreeOnly.SetChecked(true)
	if got := shownNames(c); !slices.Equal(got, differ) {
		t.Errorf("the disagree filter shows %v, want %v", got, differ)
	}

	// The confusion matrices, rows the true class (dark, bright):
	// bright model: dark/ night dusk grey dark, lamp sun bright; bright/
	// cave dark, day noon haze bright. high: dark/ sun alone bright;
	// bright/ haze and cave dark.
	if want := [][]int{{3, 2}, {1, 3}}; !slices.EqualFunc(c.ev.Confusion, want, slices.Equal) {
		t.Errorf("first model's confusion %v, want %v", c.ev.Confusion, want)
	}
	if want := [][]int{{4, 1}, {2, 2}}; !slices.EqualFunc(c.evOther.Confusion, want, slices.Equal) || c.evOther.Total != 9 {
		t.Errorf("second model's confusion %v of %d, want %v of 9", c.evOther.Confusion, c.evOther.Total, want)
	}
	if !c.confOtherBox.Visible() || !strings.HasPrefix(c.confOtherInfo.Text, "high: 6 of 9 right (66.7%)") || !strings.HasPrefix(c.confInfo.Text, "bright model: 6 of 9") {
		t.Errorf("accuracy tab: %q / %q", c.confInfo.Text, c.confOtherInfo.Text)
	}
	// One below the other beside the table, each matrix is drawn at
	// confusionLeast (in units of the screen's 96 dpi) and shrunk, so that
	// its labels do not overlap, and titled with its model's name.
	for i, ch := range []*widgets.Chart{c.conf, c.confOther} {
		d := ch.Drawn()
		if ch.Image().Image == nil || ch.Build() == nil || d.DPI <= 0 {
			t.Fatalf("matrix %d is not drawn", i+1)
		}
		w, ht := float32(float64(d.Px.X)/d.DPI*96), float32(float64(d.Px.Y)/d.DPI*96)
		if d.DPI >= 96 || w < 0.98*confusionLeast.Width || ht < 0.98*confusionLeast.Height {
			t.Errorf("matrix %d drawn at %v px, %.0f dpi: %.0f x %.0f units, want at least %v", i+1, d.Px, d.DPI, w, ht, confusionLeast)
		}
		p, err := ch.Build()(plots.Light)
		if want := []string{"bright model", "high"}[i] + ": accuracy 66.7% on 9 pictures"; err != nil || p.Title.Text != want {
			t.Errorf("matrix %d titled %q, want %q (%v)", i+1, p.Title.Text, want, err)
		}
	}

	// A click on a disagreement: both answers and Grad-CAMs side by side.
	row := slices.Index(shownNames(c), "lamp.png")
	c.cellSelected(widget.TableCellID{Row: row, Col: colPredicted})
	h.Settle()
	if tab := c.side.Selected(); tab.Text != pairTabTitle {
		t.Fatalf("tab %q after a click on a disagreement", tab.Text)
	}
	p := c.pair
	if !strings.HasPrefix(p.info.Text, "The two models disagree on lamp.png (its folder says dark)") {
		t.Errorf("info %q", p.info.Text)
	}
	for i, want := range []string{"bright model: bright, ", "high: dark, "} {
		if img := p.images[i].Image; img == nil || img.Bounds().Dx() != 48 || img.Bounds().Dy() != 36 {
			t.Errorf("Grad-CAM %d: %v", i+1, img)
		}
		if cap := p.captions[i].Text; !strings.HasPrefix(cap, want) || !strings.Contains(cap, "Grad-CAM at conv layer 5") {
			t.Errorf("caption %d: %q", i+1, cap)
		}
	}

	// The export holds both models.
	var buf bytes.Buffer
	if err := c.export(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rows[0]); len(rows) != 3 || rows[0][n-1] != "disagree" || rows[1][n-1] != "true" || rows[1][n-5] != "high" {
		t.Errorf("export %v", rows)
	}

	// No second opinion: the columns, the filter and the tab go, and the
	// table shows every picture (the first model's answers from the
	// cache).
	setSecond(c, nil, "")
	h.WaitFor("the collection", func() bool { return !c.running && len(c.items) == len(reds) })
	h.Settle()
	if c.columns() != colOther || cellText(c, 0, colRight) == "" || c.disagreeOnly.Visible() || c.disagreeOnly.Checked || len(c.shown) != len(reds) || c.confOtherBox.Visible() {
		t.Errorf("without a second model: %d columns, filter %v %v, %d rows", c.columns(), c.disagreeOnly.Visible(), c.disagreeOnly.Checked, len(c.shown))
	}
	for _, tab := range c.side.Items {
		if tab.Text == pairTabTitle {
			t.Error("the Two models tab stays")
		}
	}
	if !hasText(c.content, "(10 from the cache)") {
		t.Errorf("status %q", texts(c.content))
	}
	// Chosen again: its answers come from its own cache.
	setSecond(c, highModel(t), "high")
	h.WaitFor("the collection", func() bool { return !c.running && len(c.items) == len(reds) })
	h.Settle()
	if c.columns() != colCount || !hasText(c.content, "(10 from the cache)") || collectionDisagreements(c) != 2 {
		t.Errorf("the second model again: %d columns, status %q", c.columns(), texts(c.content))
	}
}

func collectionDisagreements(c *View) int {
	n := 0
	for _, it := range c.items {
		if it.Other != nil && it.Other.Disagree {
			n++
		}
	}
	return n
}

// TestCollectionShowDisagree checks --show disagree: the filter on and
// the first disagreement side by side.
func TestCollectionShowDisagree(t *testing.T) {
	_, c, _ := openPair(t, "disagree")
	if !c.disagreeOnly.Checked || !slices.Equal(shownNames(c), []string{"haze.png", "lamp.png"}) {
		t.Errorf("filter %v, rows %v", c.disagreeOnly.Checked, shownNames(c))
	}
	if tab := c.side.Selected(); tab.Text != pairTabTitle || !strings.Contains(c.pair.info.Text, "haze.png") || c.pair.images[1].Image == nil {
		t.Errorf("tab %q, info %q", tab.Text, c.pair.info.Text)
	}
}
