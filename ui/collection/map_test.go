package collection

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/atlas"
	"github.com/artlens/artlens/collection"
)

// drag sends a drag through positions to the map, then its end.
func drag(v *mapCanvas, at ...fyne.Position) {
	prev := at[0]
	for _, pos := range at {
		v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pos}, Dragged: fyne.Delta{DX: pos.X - prev.X, DY: pos.Y - prev.Y}})
		prev = pos
	}
	v.DragEnd()
}

// TestCollectionMap opens the Map tab of a collection: every picture is
// placed and drawn where the hit test finds it, the clusters are listed
// and named, a lasso puts pictures into the table, scrolling zooms about
// the pointer, a click opens a picture in Explore, a name edited is
// saved with the map, and the map is read back on the next opening.
func TestCollectionMap(t *testing.T) {
	root, reds := curatedFolder(t)
	h, c := openCollection(t, root)
	p := c.atlas
	c.side.SelectIndex(3)
	h.WaitFor("the map", func() bool { return p.m != nil })
	h.Settle()
	if c.tableBox.Visible() {
		t.Error("the table stays beside the map")
	}
	if len(p.points) != len(reds) || !strings.Contains(p.status.Text, "10 pictures placed (made)") {
		t.Fatalf("%d points for %d pictures; status %q", len(p.points), len(reds), p.status.Text)
	}
	if n := p.clusters.Length(); n < 2 || n != len(p.m.Clusters) {
		t.Fatalf("%d clusters listed", n)
	}
	for _, cl := range p.m.Clusters {
		if !strings.HasPrefix(cl.Name, "bright ") && !strings.HasPrefix(cl.Name, "dark ") {
			t.Errorf("cluster name %q", cl.Name)
		}
	}
	// The largest cluster's name is always written (others may be left
	// out where they would cover it).
	big := 0
	for i, cl := range p.m.Clusters {
		if cl.Size > p.m.Clusters[big].Size {
			big = i
		}
	}
	if !hasText(p.legend, "bright") || !hasText(p.view.labels, p.m.Clusters[big].Name) {
		t.Errorf("legend %q, labels %q", texts(p.legend), texts(p.view.labels))
	}

	// Drawn where the hit test says: the picture on top at each point's
	// place has its red there (the pictures are uniform).
	size := p.view.Size()
	img := p.view.draw(int(size.Width), int(size.Height)).(*image.RGBA)
	for i, pt := range p.points {
		pos := p.view.toView(pt)
		j := p.view.at(pos)
		if j < 0 {
			t.Fatalf("no picture under point %d", i)
		}
		red := reds[filepath.ToSlash(filepath.Join(p.items[j][0].Folder, filepath.Base(p.items[j][0].Path)))]
		got := img.RGBAAt(int(pos.X), int(pos.Y))
		if math.Abs(float64(got.R)-float64(red)) > 12 || math.Abs(float64(got.B)-160) > 12 {
			t.Errorf("point %d: pixel %v at %v, want the red %d of %s", i, got, pos, red, p.items[j][0].Path)
		}
	}

	// A lasso around the left half of the view picks what lies there.
	p.dragSel.SetSelected(dragLasso)
	mid := size.Width / 2
	var want []string
	for i, pt := range p.points {
		if p.view.toView(pt).X < mid {
			for _, it := range p.items[i] {
				want = append(want, filepath.Base(it.Path))
			}
		}
	}
	slices.Sort(want)
	// (The table comes back beside the map: the view narrows after this.)
	drag(p.view, fyne.NewPos(-10, -10), fyne.NewPos(mid, -10), fyne.NewPos(mid, size.Height+10), fyne.NewPos(-10, size.Height+10))
	got := shownNames(c)
	slices.Sort(got)
	if len(want) == 0 || len(want) == len(reds) || !slices.Equal(got, want) || p.allBtn.Disabled() || !c.tableBox.Visible() {
		t.Errorf("lasso: table shows %v, want %v", got, want)
	}
	// The other filters apply within the lasso's pictures.
	c.wrongOnly.SetChecked(true)
	for _, it := range c.shown {
		if !slices.Contains(want, filepath.Base(it.Path)) || !it.Wrong() {
			t.Errorf("wrong only within the lasso shows %s", it.Path)
		}
	}
	c.wrongOnly.SetChecked(false)
	test.Tap(p.allBtn)
	if len(c.shown) != len(reds) || !p.allBtn.Disabled() {
		t.Errorf("all pictures: %d shown", len(c.shown))
	}

	// Scrolling zooms about the pointer: the map point under it stays.
	size = p.view.Size()
	under := fyne.NewPos(size.Width/3, size.Height/3)
	before := p.view.toMap(under)
	p.view.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: under}, Scrolled: fyne.Delta{DY: 120}})
	if after := p.view.toMap(under); math.Hypot(after.X-before.X, after.Y-before.Y) > 1e-6 || p.view.currentScale() <= p.view.fitScale() {
		t.Errorf("zoom moved the point under the pointer from %v to %v", before, after)
	}
	// Panning moves the map with the pointer.
	p.dragSel.SetSelected(dragPan)
	pt := p.points[0]
	at := p.view.toView(pt)
	drag(p.view, fyne.NewPos(100, 100), fyne.NewPos(130, 90))
	if moved := p.view.toView(pt); math.Abs(float64(moved.X-at.X-30)) > 1e-3 || math.Abs(float64(moved.Y-at.Y+10)) > 1e-3 {
		t.Errorf("pan by (30,-10) moved a point from %v to %v", at, moved)
	}
	p.view.fit()

	// A grid from the same map: no new layout, one point per cell.
	m := p.m
	p.layoutSel.SetSelected(layoutGrid)
	if p.m != m || slices.Equal(p.points, m.Points) {
		t.Error("the grid made a new layout, or kept the map's places")
	}
	p.layoutSel.SetSelected(layoutUMAP)

	// A name typed in the list is shown and saved with the map.
	row := p.newClusterRow()
	p.updateClusterRow(big, row)
	entry := row.(*fyne.Container).Objects[0].(*widget.Entry)
	entry.SetText("my pictures")
	if p.m.Clusters[big].Name != "my pictures" || !hasText(p.view.labels, "my pictures") {
		t.Errorf("renamed cluster: %q, labels %q", p.m.Clusters[big].Name, texts(p.view.labels))
	}
	h.WaitFor("the map to be saved", func() bool {
		saved, err := atlas.Load(p.path)
		return err == nil && saved.Clusters[big].Name == "my pictures"
	})

	// The colours: right or wrong has its legend.
	p.colourSel.SetSelected(colourRight)
	if !hasText(p.legend, "wrong") || !hasText(p.legend, "no true class") {
		t.Errorf("legend %q", texts(p.legend))
	}

	// A click on a picture opens it in Explore.
	opened := explored(h)
	pos := p.view.toView(p.points[1])
	i := p.view.at(pos)
	p.view.Tapped(&fyne.PointEvent{Position: pos})
	h.Settle()
	if lastShown(h) != "explore" || len(*opened) != 1 || (*opened)[0] != p.items[i][0].Path {
		t.Errorf("Explore asked to show %q (views %q), want %s", *opened, h.Shown, p.items[i][0].Path)
	}

	// Opened again, the map is read back with its names.
	c.analyse()
	h.WaitFor("the collection", func() bool { return !c.running && len(c.items) > 0 })
	h.WaitFor("the map", func() bool { return p.m != nil })
	h.Settle()
	if !strings.Contains(p.status.Text, "kept from an earlier run") || p.m.Clusters[big].Name != "my pictures" {
		t.Errorf("reopened: status %q, renamed cluster %q", p.status.Text, p.m.Clusters[big].Name)
	}
}

// BenchmarkCollectionMapFrame measures one frame of the Map tab with
// 10,000 pictures in a 1280x800-pixel view, what each step of a pan or a
// zoom costs the window: all of them fitted in view (small thumbnails),
// and zoomed in four times (large ones, most outside the view). A frame
// under about 30 ms keeps panning smooth.
func BenchmarkCollectionMapFrame(b *testing.B) {
	root, _ := curatedFolder(b)
	h, c := openCollection(b, root)
	p := c.atlas
	c.side.SelectIndex(3)
	h.WaitFor("the map", func() bool { return p.m != nil })
	h.Settle()
	const n = 10000
	rnd := rand.New(rand.NewPCG(1, 2))
	points := make([]atlas.Point, n)
	items := make([][]*collection.Item, n)
	small := make([]*image.RGBA, n)
	large := make([]*image.RGBA, n)
	k := len(p.points)
	for i := range n {
		points[i] = atlas.Point{X: rnd.Float64(), Y: rnd.Float64()}
		items[i], small[i], large[i] = p.items[i%k], p.small[i%k], p.large[i%k]
	}
	p.points, p.items, p.small, p.large = points, items, small, large
	p.view.Resize(fyne.NewSize(1280, 800))
	for _, zoom := range []float64{0, 4} {
		b.Run(fmt.Sprintf("zoom%g", zoom), func(b *testing.B) {
			if zoom == 0 {
				p.view.scale = 0
			} else {
				p.view.centre, p.view.scale = atlas.Point{X: 0.5, Y: 0.5}, zoom*p.view.fitScale()
			}
			for b.Loop() {
				p.view.draw(1280, 800)
			}
		})
	}
}
