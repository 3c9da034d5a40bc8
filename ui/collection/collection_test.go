package collection

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/internal/uitest"
	"github.com/artlens/artlens/ui/widgets"
)

// openCollection opens root in the Collection view of a new harness, with
// brightModel, and waits until it is analysed.
func openCollection(t testing.TB, root string) (*uitest.Harness, *View) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	h, c := newHarness(t, start{Model: brightModel(t), ModelName: "bright model", Images: []string{root}})
	h.WaitFor("the collection", func() bool { return !c.running && len(c.items) > 0 })
	h.Settle()
	return h, c
}

func shownNames(c *View) []string {
	var out []string
	for _, it := range c.shown {
		out = append(out, filepath.Base(it.Path))
	}
	return out
}

// cellText renders a table cell of column col (such as colPredicted)
// through the table's own template and update function.
func cellText(c *View, row, col int) string {
	o := c.newCell()
	c.updateCell(widget.TableCellID{Row: row, Col: slices.Index(c.shownColumns(), col)}, o)
	return o.(*fyne.Container).Objects[1].(*widget.Label).Text
}

func TestCollectionViewOpensAFolderTree(t *testing.T) {
	root, reds := curatedFolder(t)
	_, c := openCollection(t, root)
	if len(c.items) != len(reds) {
		t.Fatalf("%d pictures, want %d", len(c.items), len(reds))
	}
	if !hasText(c.content, "10 pictures in") || !hasText(c.content, "9 in class folders") {
		t.Errorf("status: %q", texts(c.content))
	}
	// Sorted by name at first; each row says what the network answered.
	want := make([]string, 0, len(reds))
	for name := range reds {
		want = append(want, filepath.Base(name))
	}
	sort.Strings(want)
	if got := shownNames(c); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rows %v, want %v", got, want)
	}
	for row, it := range c.shown {
		name := filepath.Base(it.Path)
		red := reds[filepath.ToSlash(filepath.Join(it.Folder, name))]
		pred := "dark"
		if red > 128 {
			pred = "bright"
		}
		if got := cellText(c, row, colPredicted); got != pred {
			t.Errorf("%s: predicted %q, want %q", name, got, pred)
		}
		right := ""
		if it.Folder != "misc" {
			right = map[bool]string{true: "right", false: "wrong"}[it.Folder == pred]
		}
		if got := cellText(c, row, colRight); got != right {
			t.Errorf("%s: %q, want %q", name, got, right)
		}
	}
	// 9 labelled, 6 right: the chart and its caption say so.
	if c.ev.Total != 9 || !hasText(c.content, "6 of 9 labelled pictures right (66.7%)") || c.conf.Build() == nil {
		t.Errorf("evaluation %+v, texts %q", c.ev, texts(c.content))
	}
}

func TestCollectionSortByColumn(t *testing.T) {
	root, _ := curatedFolder(t)
	_, c := openCollection(t, root)
	header := func(col int) *widget.Button {
		b := c.table.CreateHeader().(*widget.Button)
		c.updateHeader(widget.TableCellID{Row: -1, Col: col}, b)
		return b
	}
	test.Tap(header(colProbability))
	probs := func() []float32 {
		var out []float32
		for _, it := range c.shown {
			out = append(out, it.Probability())
		}
		return out
	}
	p := probs()
	if !sort.SliceIsSorted(p, func(i, j int) bool { return p[i] < p[j] }) || p[0] >= p[len(p)-1] {
		t.Errorf("probabilities not rising: %v", p)
	}
	if b := header(colProbability); b.Text != "Probability ▲" {
		t.Errorf("header %q", b.Text)
	}
	if first := cellText(c, 0, colProbability); first != fmt.Sprintf("%.1f%%", 100*p[0]) {
		t.Errorf("first row shows %q, want the least sure", first)
	}
	test.Tap(header(colProbability)) // again: reversed
	p = probs()
	if !sort.SliceIsSorted(p, func(i, j int) bool { return p[i] > p[j] }) {
		t.Errorf("probabilities not falling: %v", p)
	}
	// Right? puts the wrong answers first.
	test.Tap(header(colRight))
	for i, want := range []string{"wrong", "wrong", "wrong"} {
		if got := cellText(c, i, colRight); got != want {
			t.Errorf("row %d: %q, want %q", i, got, want)
		}
	}
	if got := cellText(c, len(c.shown)-1, colRight); got != "" {
		t.Errorf("last row %q, want the unlabelled picture", got)
	}
	test.Tap(header(colFolder))
	if c.shown[0].Folder != "bright" || c.shown[len(c.shown)-1].Folder != "misc" {
		t.Errorf("by folder: %v", shownNames(c))
	}
}

func TestCollectionFilters(t *testing.T) {
	root, _ := curatedFolder(t)
	_, c := openCollection(t, root)
	check := func(what string, want ...string) {
		t.Helper()
		sort.Strings(want)
		got := shownNames(c)
		sort.Strings(got)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	c.predSel.SetSelected("bright")
	check("predicted bright", "lamp.png", "sun.png", "day.png", "noon.png", "haze.png", "unsorted.png")
	c.truthSel.SetSelected("dark")
	check("predicted bright, true dark", "lamp.png", "sun.png")
	c.predSel.SetSelected(anyClass)
	c.truthSel.SetSelected(anyClass)
	test.Tap(c.wrongOnly)
	check("wrong only", "lamp.png", "sun.png", "cave.png")
	test.Tap(c.wrongOnly)
	test.Type(c.below, "90")
	check("probability below 90%", "grey.png", "haze.png") // red 125 and 130: 83%
	c.below.SetText("")
	c.search.SetText("U")
	check("name contains u", "dusk.png", "sun.png", "unsorted.png")
	c.search.SetText("")
	c.truthSel.SetSelected(noClass)
	check("unlabelled", "unsorted.png")
	c.truthSel.SetSelected(anyClass)
	if len(c.shown) != len(c.items) || !hasText(c.content, "10 pictures") {
		t.Errorf("filters cleared: %d of %d shown", len(c.shown), len(c.items))
	}
}

func TestCollectionExport(t *testing.T) {
	root, _ := curatedFolder(t)
	_, c := openCollection(t, root)
	test.Tap(c.wrongOnly)
	var buf bytes.Buffer
	if err := c.export(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "path" {
		t.Fatalf("CSV of the 3 wrong pictures: %q", rows)
	}
	for _, r := range rows[1:] {
		if r[7] != "false" || r[2] == r[6] {
			t.Errorf("exported row %q is not a wrong answer", r)
		}
	}
	buf.Reset()
	if err := c.export(&buf, "json"); err != nil {
		t.Fatal(err)
	}
	var back []collection.ExportRow
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back) != 3 {
		t.Fatalf("JSON: %v, %d rows", err, len(back))
	}
	for i, r := range back {
		if r.Path != c.shown[i].Path {
			t.Errorf("JSON row %d is %s, want the table's order (%s)", i, r.Path, c.shown[i].Path)
		}
	}
	// Nothing shown: nothing to export.
	c.search.SetText("no such name")
	if !c.exportCSV.Disabled() || !c.exportJSON.Disabled() {
		t.Error("export buttons enabled for an empty table")
	}
}

// TestCollectionConfusionCellLists clicks each cell of the confusion chart
// and checks that the table then lists that cell's pictures.
func TestCollectionConfusionCellLists(t *testing.T) {
	root, _ := curatedFolder(t)
	h, c := openCollection(t, root)
	c.side.SelectIndex(0)
	h.Settle()
	if c.conf.Image().Image == nil {
		t.Fatal("confusion chart not drawn")
	}
	want := map[[2]int][]string{
		{0, 0}: {"dusk.png", "grey.png", "night.png"}, {0, 1}: {"lamp.png", "sun.png"},
		{1, 0}: {"cave.png"}, {1, 1}: {"day.png", "haze.png", "noon.png"},
	}
	found := map[[2]int]bool{}
	tap := findTapArea(t, c)
	p, _ := plots.Confusion(c.ev, false, plots.Light)
	img := c.conf.Image()
	px := c.conf.Drawn().Px
	for y := float32(0); y < img.Size().Height; y += 8 {
		for x := float32(0); x < img.Size().Width; x += 8 {
			tr, pr, ok := plots.ConfusionCell(p, 2, px.X, px.Y, c.conf.Drawn().DPI,
				float64(x/img.Size().Width)*float64(px.X), float64(y/img.Size().Height)*float64(px.Y))
			if !ok || found[[2]int{tr, pr}] {
				continue
			}
			found[[2]int{tr, pr}] = true
			test.TapAt(tap, img.Position().AddXY(x, y))
			got := shownNames(c)
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(want[[2]int{tr, pr}], " ") {
				t.Errorf("cell (%d,%d): table lists %v, want %v", tr, pr, got, want[[2]int{tr, pr}])
			}
		}
	}
	if len(found) != 4 {
		t.Errorf("%d cells reached", len(found))
	}
	// Outside the cells a click changes nothing.
	before := shownNames(c)
	test.TapAt(tap, fyne.NewPos(1, 1))
	if strings.Join(shownNames(c), " ") != strings.Join(before, " ") {
		t.Error("a click beside the cells changed the table")
	}
}

func findTapArea(t *testing.T, c *View) *widgets.TapArea {
	var out *widgets.TapArea
	walk(c.side, func(o fyne.CanvasObject) {
		if ta, ok := o.(*widgets.TapArea); ok {
			out = ta
		}
	})
	if out == nil {
		t.Fatal("no tappable confusion chart")
	}
	return out
}

// TestCollectionCacheAndPanels reopens a collection (all from the cache),
// selects a row (its similar pictures) and shows a filter's top pictures.
func TestCollectionCacheAndPanels(t *testing.T) {
	root, _ := curatedFolder(t)
	writeFile(t, root, "readme.txt", []byte("notes"))
	h, c := openCollection(t, root)
	if !hasText(h.Host.Notice, "1 file of the collection left out:") || !hasText(h.Host.Notice, "readme.txt: not an image file") {
		t.Errorf("notice: %q", texts(h.Host.Notice))
	}
	c.open([]string{root})
	h.WaitFor("the second opening", func() bool { return !c.running && len(c.items) == 10 })
	h.Settle()
	if !hasText(c.content, "(10 from the cache)") {
		t.Errorf("second opening: %q", texts(c.content))
	}

	c.table.Select(widget.TableCellID{Row: 0, Col: colPredicted})
	h.Settle()
	if c.selected != c.shown[0] || c.simImg.Image == nil || !hasText(c.side, "the 8 pictures the network finds most alike") {
		t.Errorf("similar panel: %q", texts(c.side))
	}
	if len(h.Shown) > 0 {
		t.Errorf("a click on a class cell left the collection for %q", h.Shown)
	}

	c.showFilter(1, 1)
	h.Settle()
	if c.topImg.Image == nil || !hasText(c.side, "Layer 1, filter 1: the 9 of 10 pictures") {
		t.Errorf("top panel: %q", texts(c.side))
	}
	// Filter 1 of layer 1 copies red, so the reddest pictures come first.
	hits := collection.TopK(c.items, c.layout, collection.Fields(collection.StudySteps), 64, 64, 1, 1, 3)
	if got := []string{filepath.Base(hits[0].Item.Path), filepath.Base(hits[1].Item.Path)}; got[0] != "noon.png" || got[1] != "sun.png" {
		t.Errorf("top of filter 1: %v", got)
	}
	c.showFilter(1, 99)
	if !hasText(c.side, "filter 99 does not exist") {
		t.Errorf("bad filter: %q", texts(c.side))
	}

	// A click on a name opens the picture in Explore.
	opened := explored(h)
	c.table.Select(widget.TableCellID{Row: 2, Col: colName})
	h.Settle()
	if lastShown(h) != "explore" || len(*opened) != 1 || (*opened)[0] != c.shown[2].Path {
		t.Errorf("Explore asked to show %q (views %q), want %s", *opened, h.Shown, c.shown[2].Path)
	}
}

// TestCollectionStop stops an analysis: what was analysed stays.
func TestCollectionStop(t *testing.T) {
	root := t.TempDir()
	for i := range 40 {
		writePNG(t, root, fmt.Sprintf("p%02d.png", i), 200, 150, i)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	h, c := newHarness(t, start{})
	c.open([]string{root})
	h.WaitFor("a first batch", func() bool { return len(c.items) > 0 || !c.running })
	c.stop()
	h.WaitFor("the stop", func() bool { return !c.running })
	h.Settle()
	if len(c.items) == 0 || len(c.items) == 40 {
		t.Skipf("%d of 40 analysed before the stop took effect (machine too fast or slow to tell)", len(c.items))
	}
	if !hasText(c.content, "Stopped: ") {
		t.Errorf("status after stopping: %q", texts(c.content))
	}
	if len(c.shown) != len(c.items) {
		t.Errorf("%d shown of %d analysed", len(c.shown), len(c.items))
	}
}

func TestCollectionShowOption(t *testing.T) {
	for _, bad := range []string{"bogus", "cell:dark", "filter:a:1", "similar:", "filter:1"} {
		if err := CheckShow(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	root, _ := curatedFolder(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for show, want := range map[string]string{
		"cell:dark:bright": "lamp.png sun.png",
		"wrong":            "cave.png lamp.png sun.png",
		"similar:day.png":  "day.png",
	} {
		h, c := newHarness(t, start{Model: brightModel(t), Images: []string{root}, Show: show})
		h.WaitFor("the collection", func() bool { return !c.running && len(c.items) > 0 })
		h.Settle()
		got := shownNames(c)
		sort.Strings(got)
		if strings.Join(got, " ") != want {
			t.Errorf("--show %s: table %v, want %s", show, got, want)
		}
	}
}
