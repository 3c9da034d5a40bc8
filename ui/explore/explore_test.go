package explore

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/host"
)

func TestExploreEmptyState(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	x := h.s.explore
	if !x.empty.Visible() || x.scroll.Visible() {
		t.Fatal("with no image, the empty state should show instead of the detail")
	}
	if !hasText(h.w.Content(), "Drop art images or a folder of images here") {
		t.Error("the empty state does not invite to drop images")
	}
	if got := x.count.Text; got != "No images yet" {
		t.Errorf("count = %q", got)
	}
}

func TestExploreShowsImage(t *testing.T) {
	dir := t.TempDir()
	path := writeJPEG(t, dir, "portrait.jpg", 300, 400, 1)
	h := newHarness(t, harnessOptions{Images: []string{path}})
	x := h.s.explore

	if len(x.entries) != 1 || x.current != x.entries[0] {
		t.Fatalf("entries = %d, current = %v; want the one image shown", len(x.entries), x.current)
	}
	e := x.current
	if x.title.Text != "portrait.jpg" {
		t.Errorf("title = %q", x.title.Text)
	}
	if !strings.Contains(x.picCap.Text, "300 × 400") {
		t.Errorf("caption %q does not give the picture's size", x.picCap.Text)
	}
	if x.picture.Image != e.Preview || x.picture.Image == nil {
		t.Error("the picture as given is not shown")
	}
	if x.seen.Image != e.Seen || x.seen.ScaleMode != canvas.ImageScalePixels {
		t.Error("the network's view is not shown pixel-exact")
	}
	if b := e.Seen.Bounds(); b.Dx() != 64 || b.Dy() != 64 {
		t.Errorf("network view is %v, want 64×64", b)
	}
	// The prediction is the model's, shown as the class name and one bar per class.
	want, err := h.s.Model().Predict(picture.ToInput(mustOpen(t, path), 64))
	if err != nil {
		t.Fatal(err)
	}
	if x.answer.Text != classes4[want.Class] {
		t.Errorf("answer = %q, want %q", x.answer.Text, classes4[want.Class])
	}
	if n := len(x.bars.Objects); n != 2*len(classes4) {
		t.Fatalf("%d objects in the bars, want a label and a bar per class", n)
	}
	for i, c := range classes4 {
		if !hasText(x.bars.Objects[2*i], c) {
			t.Errorf("bar %d is not labelled %q", i, c)
		}
	}
	if h.w.Title() != "ArtLens — portrait.jpg" {
		t.Errorf("window title = %q", h.w.Title())
	}

	// Layers 1, 3 and 4 by default, every map drawn pixel-exact with its
	// filter number.
	f := x.maps
	var layers []int
	for _, l := range f.shown {
		layers = append(layers, l.act.Layer)
	}
	if fmt.Sprint(layers) != "[1 3 4]" {
		t.Fatalf("layers shown = %v, want [1 3 4]", layers)
	}
	tiles := mapTiles(f)
	if len(tiles) != 32+64+128 {
		t.Fatalf("%d map tiles, want %d", len(tiles), 32+64+128)
	}
	if tiles[0].img.ScaleMode != canvas.ImageScalePixels || tiles[0].num.Text != "1" {
		t.Errorf("first tile: scale mode %v, number %q", tiles[0].img.ScaleMode, tiles[0].num.Text)
	}
	if b := tiles[0].img.Image.Bounds(); b.Dx() != 62 || b.Dy() != 62 {
		t.Errorf("layer 1 map image is %v, want one pixel per value (62×62)", b)
	}
	if !hasText(f.content, "Layer 1: 32 filters, maps of 62 × 62") {
		t.Error("layer 1 has no title")
	}
}

func mustOpen(t *testing.T, path string) image.Image {
	t.Helper()
	img, _, err := picture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// mapTiles returns the map tiles shown, in order.
func mapTiles(f *featureMaps) []*mapTile {
	var out []*mapTile
	walk(f.sections, func(o fyne.CanvasObject) {
		if t, ok := o.(*mapTile); ok {
			out = append(out, t)
		}
	})
	return out
}

func TestFeatureMapOptions(t *testing.T) {
	path := writeJPEG(t, t.TempDir(), "a.jpg", 200, 150, 2)
	h := newHarness(t, harnessOptions{Images: []string{path}})
	f := h.s.explore.maps

	// Any of the five layers can be shown.
	f.checks[0].SetChecked(false)
	f.checks[4].SetChecked(true)
	h.settle()
	var layers []int
	for _, l := range f.shown {
		layers = append(layers, l.act.Layer)
	}
	if fmt.Sprint(layers) != "[3 4 5]" {
		t.Fatalf("layers shown = %v, want [3 4 5]", layers)
	}

	// Per-layer colours: one range for the whole layer.
	f.norm.SetSelected(normWholeLayer)
	h.settle()
	for _, l := range f.shown {
		if l.norm != plots.PerLayer {
			t.Fatalf("layer %d not normalised per layer", l.act.Layer)
		}
		lo, hi := l.rangeOf(0)
		if lo != l.stats.Lo || hi != l.stats.Hi {
			t.Errorf("layer %d: range of filter 1 is %v..%v, want the layer's %v..%v", l.act.Layer, lo, hi, l.stats.Lo, l.stats.Hi)
		}
	}
	if !hasText(f.sections, "colours: one scale for the layer") {
		t.Error("the legend does not say the colours span the layer")
	}

	// Most active first: tiles ordered by mean activation.
	f.order.SetSelected(orderByActive)
	h.settle()
	l := f.shown[0]
	for i := 1; i < len(l.order); i++ {
		if l.stats.Mean[l.order[i-1]] < l.stats.Mean[l.order[i]] {
			t.Fatalf("layer %d not ordered by activity at %d: %v", l.act.Layer, i, l.order[:i+1])
		}
	}
	tiles := mapTiles(f)
	if want := fmt.Sprint(l.order[0] + 1); tiles[0].num.Text != want {
		t.Errorf("first tile is filter %s, want the most active, %s", tiles[0].num.Text, want)
	}

	// Clicking a map enlarges it with its filter number and values.
	test.Tap(tiles[0])
	if f.dialog == nil || h.topDialog() == nil {
		t.Fatal("no dialog after clicking a map")
	}
	ch := l.order[0]
	info := f.info.Text
	for _, want := range []string{
		fmt.Sprintf("Layer %d, filter %d of %d", l.act.Layer, ch+1, l.act.Channels),
		"Lowest value: " + formatValue(l.stats.Min[ch]),
		"Highest value: " + formatValue(l.stats.Max[ch]),
		"Mean value: " + formatValue(l.stats.Mean[ch]),
	} {
		if !strings.Contains(info, want) {
			t.Errorf("dialog says %q, missing %q", info, want)
		}
	}
}

func TestOpenSeveralAndGoBack(t *testing.T) {
	dir := t.TempDir()
	a := writeJPEG(t, dir, "a.jpg", 120, 100, 1)
	b := writePNG(t, dir, "b.png", 90, 160, 2)
	h := newHarness(t, harnessOptions{Images: []string{a}})
	x := h.s.explore
	h.open(b)
	if len(x.entries) != 2 || x.current.Name != "b.png" {
		t.Fatalf("after opening b: %d entries, showing %s", len(x.entries), x.current.Name)
	}
	// Back to the first one, from the list and with the keyboard.
	x.list.Select(0)
	h.settle()
	if x.current.Name != "a.jpg" || x.title.Text != "a.jpg" {
		t.Fatalf("showing %s after selecting the first", x.current.Name)
	}
	x.Step(1)
	h.settle()
	if x.current.Name != "b.png" {
		t.Fatalf("showing %s after stepping forward", x.current.Name)
	}
	if got := x.count.Text; got != "2 images" {
		t.Errorf("count = %q", got)
	}
}

func TestLatestOpenedWins(t *testing.T) {
	dir := t.TempDir()
	slow := writeJPEG(t, dir, "slow.jpg", 400, 300, 1)
	fast := writeJPEG(t, dir, "fast.jpg", 100, 80, 2)
	release := make(chan struct{})
	var once sync.Once
	host.OpenPicture = func(path string) (image.Image, string, error) {
		if path == slow {
			<-release
		}
		return picture.Open(path)
	}
	t.Cleanup(func() {
		once.Do(func() { close(release) })
		host.OpenPicture = picture.Open
	})
	h := newHarness(t, harnessOptions{})
	x := h.s.explore
	x.Open([]string{slow})
	h.waitFor("the activity bar", func() bool { return x.activity.Visible() })
	if !strings.Contains(x.actLabel.Text, "slow.jpg") {
		t.Errorf("activity says %q", x.actLabel.Text)
	}
	x.Open([]string{fast})
	h.waitFor("fast.jpg to show", func() bool { return x.current != nil && x.current.Name == "fast.jpg" })
	once.Do(func() { close(release) })
	h.settle()
	if x.current.Name != "fast.jpg" || x.title.Text != "fast.jpg" {
		t.Errorf("showing %s after the slow image finished; the latest opened should stay", x.current.Name)
	}
	if len(x.entries) != 2 {
		t.Errorf("%d entries; the slow image should still be added to the list", len(x.entries))
	}
	if x.activity.Visible() {
		t.Error("the activity bar stays after all work is done")
	}
}

func TestLargePhotoKeepsWindowResponsive(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes a 30-megapixel photo")
	}
	dir := t.TempDir()
	small := writeJPEG(t, dir, "small.jpg", 100, 100, 1)
	big := writeJPEG(t, dir, "big.jpg", 6000, 5000, 2)
	h := newHarness(t, harnessOptions{Images: []string{small}})
	x := h.s.explore
	x.Open([]string{big})
	// open returned at once: the window still shows the small picture
	// and says that it is working.
	if x.current.Name != "small.jpg" || !x.activity.Visible() {
		t.Fatalf("while the photo is analysed: showing %s, activity visible %v", x.current.Name, x.activity.Visible())
	}
	h.settle()
	if x.current.Name != "big.jpg" {
		t.Fatalf("showing %s", x.current.Name)
	}
	if b := x.current.Preview.Bounds(); max(b.Dx(), b.Dy()) > host.PreviewSide {
		t.Errorf("preview is %v; the full photo should not be kept for display", b)
	}
	if !strings.Contains(x.picCap.Text, "6000 × 5000") {
		t.Errorf("caption = %q", x.picCap.Text)
	}
}

func TestBadImagesKeepWhatIsShown(t *testing.T) {
	dir := t.TempDir()
	good := writeJPEG(t, dir, "good.jpg", 120, 120, 1)
	html := writeFile(t, dir, "page.jpg", []byte("<!DOCTYPE html><html><body>Not found</body></html>"))
	trunc := truncatedJPEG(t, dir, "cut.jpg")
	empty := writeFile(t, dir, "empty.png", nil)
	huge := writeFile(t, dir, "huge.png", hugePNGHeader(20000, 20000))
	h := newHarness(t, harnessOptions{Images: []string{good}})
	x := h.s.explore
	shown := x.current

	for _, c := range []struct {
		path string
		want string
	}{
		{html, "not an image"},
		{trunc, "truncated"},
		{empty, "empty.png"},
		{huge, "too large"},
		{filepath.Join(dir, "missing.jpg"), "does not exist"},
	} {
		h.s.Notice.Dismiss()
		h.open(c.path)
		if !h.s.Notice.Visible() || !strings.Contains(strings.ToLower(h.s.Notice.Text()), c.want) {
			t.Errorf("%s: notice %q (visible %v), want it to mention %q", filepath.Base(c.path), h.s.Notice.Text(), h.s.Notice.Visible(), c.want)
		}
		if h.s.Notice.Kind() != host.NoticeError {
			t.Errorf("%s: notice kind %v, want an error", filepath.Base(c.path), h.s.Notice.Kind())
		}
		if len(x.entries) != 1 || x.current != shown || x.title.Text != "good.jpg" || x.picture.Image != shown.Preview {
			t.Errorf("%s: what was shown changed (%d entries, showing %s)", filepath.Base(c.path), len(x.entries), x.title.Text)
		}
	}
}

func TestFolderWithMixedFiles(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "paintings")
	sub := filepath.Join(folder, "more")
	for _, d := range []string{sub, filepath.Join(folder, ".hidden")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeJPEG(t, folder, "b.jpg", 100, 80, 1)
	writePNG(t, folder, "a.png", 80, 100, 2)
	writeJPEG(t, sub, "c.JPG", 90, 90, 3)
	writeJPEG(t, filepath.Join(folder, ".hidden"), "d.jpg", 90, 90, 4)
	writeFile(t, folder, "notes.txt", []byte("a list of paintings"))
	writeFile(t, folder, "readme.md", []byte("# paintings"))
	writeFile(t, folder, "page.png", []byte("<html></html>"))
	truncatedJPEG(t, folder, "cut.jpg")

	h := newHarness(t, harnessOptions{})
	x := h.s.explore
	h.s.dropped([]fyne.URI{storageURI(folder)})
	h.settle()

	var names []string
	for _, e := range x.entries {
		names = append(names, e.Name)
	}
	if fmt.Sprint(names) != "[a.png b.jpg c.JPG]" {
		t.Fatalf("opened %v, want the three good images in name order", names)
	}
	if x.current == nil || x.current.Name != "a.png" {
		t.Errorf("showing %v, want the folder's first image", x.current)
	}
	n := h.s.Notice
	if !n.Visible() || n.Kind() != host.NoticeWarning {
		t.Fatalf("notice visible %v kind %v: %q", n.Visible(), n.Kind(), n.Text())
	}
	// The bar names three, Details… lists all four.
	for _, want := range []string{"Opened 3 images from “paintings”", "and 1 more"} {
		if !strings.Contains(n.Text(), want) {
			t.Errorf("notice %q does not mention %q", n.Text(), want)
		}
	}
	if strings.Count(n.Text(), "•") != 4 || !n.DetailsButton().Visible() {
		t.Errorf("notice %q should list 3 files and a count, with a Details button", n.Text())
	}
	for _, want := range []string{"cut.jpg: the image data is truncated", "page.png: not an image file", "notes.txt: not an image file name", "readme.md: not an image file name"} {
		if !strings.Contains(n.Details(), want) {
			t.Errorf("details %q do not mention %q", n.Details(), want)
		}
	}
	test.Tap(n.DetailsButton())
	if d := h.topDialog(); d == nil || !hasText(d, "readme.md") {
		t.Error("Details… does not show the whole list")
	}
}

func TestEvictedEntryIsReadAgain(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range keepFull + 2 {
		paths = append(paths, writeJPEG(t, dir, fmt.Sprintf("p%02d.jpg", i), 64, 64, i))
	}
	h := newHarness(t, harnessOptions{Images: []string{dir}})
	x := h.s.explore
	if len(x.entries) != len(paths) {
		t.Fatalf("%d entries", len(x.entries))
	}
	full := 0
	for _, e := range x.entries {
		if e.Full(h.s.Model()) {
			full++
		}
		if e.Answer(h.s.Model()) == nil {
			t.Errorf("%s has no class for the list", e.Name)
		}
	}
	if full > keepFull {
		t.Errorf("%d entries keep their maps; at most %d should", full, keepFull)
	}
	// The first one is shown and keeps all; the second has given back its
	// memory: showing it again reads the file and runs the network.
	if x.current != x.entries[0] || !x.entries[0].Full(h.s.Model()) {
		t.Fatal("the shown image should keep its preview and maps")
	}
	second := x.entries[1]
	if second.Full(h.s.Model()) {
		t.Fatal("the second entry should have given back its preview")
	}
	x.list.Select(1)
	h.settle()
	if x.current != second || !second.Full(h.s.Model()) || x.picture.Image != second.Preview || len(x.maps.shown) != 3 {
		t.Error("the second image is not shown in full again")
	}
}

func TestNoModel(t *testing.T) {
	path := writeJPEG(t, t.TempDir(), "a.jpg", 100, 100, 1)
	h := newHarness(t, harnessOptions{Images: []string{path},
		LoadModel: func() (*engine.Model, error) { return nil, fmt.Errorf("damaged") }})
	x := h.s.explore
	if h.topDialog() == nil || !hasText(h.topDialog(), "damaged") {
		t.Error("a model that cannot be loaded is not reported")
	}
	if x.current == nil || x.answer.Text != "—" || !hasText(x.maps.sections, "No model is loaded") {
		t.Error("without a model the picture should still show, without an answer or maps")
	}
}

func TestOpeningAgainReplacesTheEntry(t *testing.T) {
	dir := t.TempDir()
	a := writeJPEG(t, dir, "a.jpg", 100, 100, 1)
	b := writeJPEG(t, dir, "b.jpg", 100, 100, 2)
	h := newHarness(t, harnessOptions{Images: []string{a, b}})
	x := h.s.explore
	h.open(a)
	if len(x.entries) != 2 || x.current == nil || x.current.Name != "a.jpg" || x.title.Text != "a.jpg" {
		t.Fatalf("after opening a.jpg again: %d entries, showing %q", len(x.entries), x.title.Text)
	}
	h.open(a) // while it is shown
	if len(x.entries) != 2 || x.current == nil || x.current.Name != "a.jpg" || x.picture.Image != x.current.Preview {
		t.Fatalf("after opening the shown image again: %d entries, showing %q", len(x.entries), x.title.Text)
	}
}

func TestEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, harnessOptions{})
	h.open(dir)
	if n := h.s.Notice; !n.Visible() || !strings.Contains(n.Text(), "No image files were found") {
		t.Errorf("notice %q (visible %v)", n.Text(), n.Visible())
	}
	if !h.s.explore.empty.Visible() {
		t.Error("the empty state should stay")
	}
}

// hugePNGHeader returns the start of a PNG file that claims w×h pixels:
// enough for a decoder to read the size, not to decode anything.
func hugePNGHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	out := append([]byte("\x89PNG\r\n\x1a\n"), binary.BigEndian.AppendUint32(nil, uint32(len(ihdr)))...)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}
