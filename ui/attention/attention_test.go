package attention

import (
	"image"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/ui/internal/uitest"
)

// vitHarness is a harness with the ViT fixture (32x32 pictures, a 4x4
// patch grid after the class token, 2 blocks of 2 heads) as the model and
// the Attention view showing a picture.
func vitHarness(t *testing.T) (*uitest.Harness, *View, *engine.Model) {
	t.Helper()
	h := uitest.New(t)
	m, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", "vit-opset17.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.Host.SetModel(m, "vit-opset17.onnx")
	v := New(h.Host)
	h.Show(v.Content())
	path := uitest.WriteJPEG(t, t.TempDir(), "art.jpg", 80, 60, 2)
	h.Host.Show("attention", path, nil)
	h.Settle()
	if len(v.maps) != 2 {
		t.Fatalf("%d attention maps after opening a picture; the view says %q", len(v.maps), uitest.Texts(v.Content()))
	}
	return h, v, m
}

// TestNoAttention: a CNN's Attention tab says in one line that the model
// has none, and shows it again for a ViT.
func TestNoAttention(t *testing.T) {
	h := uitest.New(t)
	v := New(h.Host)
	h.Show(v.Content())
	if !uitest.HasText(v.Content(), "This model has no attention layers") || v.body.Visible() {
		t.Errorf("the study network's Attention view says %q", uitest.Texts(v.Content()))
	}
	m, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", "vit-opset17.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.Host.SetModel(m, "vit")
	if v.none.Visible() || !uitest.HasText(v.Content(), "Open a picture") {
		t.Errorf("with a ViT the view says %q", uitest.Texts(v.Content()))
	}
}

// TestAttentionView picks a block and a head, clicks a patch, shows all
// heads and checks that the maps shown are the model's.
func TestAttentionView(t *testing.T) {
	h, v, m := vitHarness(t)
	in := m.Input()
	img, _, err := picture.Open(v.path)
	if err != nil {
		t.Fatal(err)
	}
	maps, _, err := m.Attention(picture.ToInputShape(img, in.Channels, in.Width, in.Height))
	if err != nil {
		t.Fatal(err)
	}
	for i := range maps[1].Probs {
		if maps[1].Probs[i] != v.maps[1].Probs[i] {
			t.Fatalf("the view's attention differs from the model's at %d", i)
		}
	}
	if !uitest.HasText(v.Content(), "Block 1 (encoder.layers.encoder_layer_0), the heads' mean: where the class token looks") ||
		!uitest.HasText(v.Content(), "Attention is not explanation") {
		t.Errorf("the view says %q", uitest.Texts(v.Content()))
	}

	// Block 2, head 2.
	v.blockSel.SetSelectedIndex(1)
	v.headSel.SetSelectedIndex(2)
	if v.block != 1 || v.head != 1 || !uitest.HasText(v.Content(), "Block 2 (encoder.layers.encoder_layer_1), head 2: where the class token looks") {
		t.Fatalf("block %d, head %d; the view says %q", v.block, v.head, uitest.Texts(v.Content()))
	}
	grid := maps[1].OnGrid(1, 0)
	if want := "0 to " + format(maxOf(grid)); !uitest.HasText(v.Content(), want) {
		t.Errorf("the line does not give the map's largest weight %q: %q", want, uitest.Texts(v.Content()))
	}

	// A click on the patch at row 3, column 2 (of 4x4): it becomes the
	// query.
	size := v.mainImg.Size()
	test.Tap(v.mainMap) // at (0, 0) in Fyne's test driver: the first patch
	if v.query != 1 || !uitest.HasText(v.Content(), "where the patch at row 1, column 1 looks") {
		t.Fatalf("after a tap on the first patch the query is %d; %q", v.query, uitest.Texts(v.Content()))
	}
	v.tapped(v.maps[1], fyne.NewPos(size.Width*1.5/4, size.Height*2.5/4))
	if v.query != 1+2*4+1 || !uitest.HasText(v.Content(), "where the patch at row 3, column 2 looks") || v.classBtn.Disabled() {
		t.Fatalf("query %d; %q", v.query, uitest.Texts(v.Content()))
	}
	uitest.Button(t, v.Content(), "Back to the class token").OnTapped()
	if v.query != 0 {
		t.Errorf("back to the class token: query %d", v.query)
	}

	// All heads: one tile each, labelled; a click on one shows it alone.
	v.allCheck.SetChecked(true)
	if !uitest.HasText(v.Content(), "Head 1 · max") || !uitest.HasText(v.Content(), "Head 2 · max") ||
		!uitest.HasText(v.Content(), "all 2 heads") {
		t.Errorf("all heads: %q", uitest.Texts(v.Content()))
	}
	v.allCheck.SetChecked(false)
	if !uitest.HasText(v.Content(), "Attention rollout") || !uitest.HasText(v.Content(), "Grad-CAM, ") {
		t.Errorf("no rollout and Grad-CAM beside the map: %q", uitest.Texts(v.Content()))
	}
	h.Settle()
}

// TestAttentionStepThrough opens the step-through of one weight and of
// the block's LayerNorm from a click, and checks that it ends with the
// number the map holds.
func TestAttentionStepThrough(t *testing.T) {
	h, v, m := vitHarness(t)
	v.blockSel.SetSelectedIndex(1)
	v.headSel.SetSelectedIndex(2) // head 2
	v.clickRadio.SetSelected(clickWeight)
	v.clickPatch(3, 1) // key: the patch at row 2, column 4
	h.Settle()
	d := v.steps
	if d == nil || !d.done {
		t.Fatal("no step-through after a click")
	}
	key := 1 + 1*4 + 3
	want := "= " + format(v.maps[1].Row(1, 0)[key])
	text := strings.Join(d.lines, "\n")
	if d.lines[len(d.lines)-1] != want || !strings.Contains(text, "the class token (the query) reads from the patch at row 2, column 4") ||
		!strings.Contains(text, "Scaled by 1/√16") || !strings.Contains(text, "softmax over the query's row of 17 scores") {
		t.Errorf("the step-through says\n%s\nwant it to end %q", text, want)
	}
	if h.TopDialog() == nil {
		t.Error("no dialog on the window")
	}
	// The left arrow: the key one patch to the left, column 3.
	h.W.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyLeft})
	h.Settle()
	want = "= " + format(v.maps[1].Row(1, 0)[key-1])
	if got := d.lines[len(d.lines)-1]; d.key != key-1 || got != want || !strings.Contains(d.lines[0], "row 2, column 3") {
		t.Errorf("after the left arrow: key %d, %q ends %q, want %q", d.key, d.lines[0], got, want)
	}

	// The LayerNorm: ln_1 of block 2, at the clicked token, is a place
	// (Grad-CAM's); the dialog's value is its map's.
	v.clickRadio.SetSelected(clickNorm)
	v.clickPatch(0, 2) // the patch at row 3, column 1
	h.Settle()
	d = v.steps
	text = strings.Join(d.lines, "\n")
	place := m.CAMPlace()
	p, err := m.Predict(v.input)
	if err != nil {
		t.Fatal(err)
	}
	want = "= " + format(p.Activations[place-1].Map(0)[2*4])
	if !strings.Contains(text, "encoder.layers.encoder_layer_1.ln_1 at the patch at row 3, column 1, channel 1 of 32") || d.lines[len(d.lines)-1] != want {
		t.Errorf("the LayerNorm's step-through says\n%s\nwant it to end %q", text, want)
	}
	// The next channel.
	uitest.Button(t, d.body, "Channel").OnTapped() // the last: next
	h.Settle()
	want = "= " + format(p.Activations[place-1].Map(1)[2*4])
	if d.channel != 1 || d.lines[len(d.lines)-1] != want {
		t.Errorf("channel %d ends %q, want %q", d.channel, d.lines[len(d.lines)-1], want)
	}
}

// TestGridOverlay checks the overlay's colours: each patch blends the
// picture (white here) with the colour map at its weight over the
// largest, and the marked patch is framed.
func TestGridOverlay(t *testing.T) {
	white := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	m := []float32{0, 0.5, 1, 0.25}
	img := gridOverlay(white, m, 2, 2, 1, -1, 100)
	cases := []struct {
		x, y int
		v    float64
	}{{25, 25, 0}, {75, 25, 0.5}, {25, 75, 1}, {75, 75, 0.25}}
	for _, c := range cases {
		got := img.NRGBAAt(c.x, c.y)
		col := plots.Color(c.v)
		if got.R != blend(255, col.R) || got.G != blend(255, col.G) || got.B != blend(255, col.B) {
			t.Errorf("patch at (%d, %d), weight %v: %v, want %v blended over white", c.x, c.y, c.v, got, col)
		}
	}
	marked := gridOverlay(white, m, 2, 2, 1, 3, 100)
	if got := marked.NRGBAAt(50, 50); got.R != 255 || got.G != 255 || got.B != 255 {
		t.Errorf("the mark's corner is %v, not white", got)
	}
}

// TestSpec checks what --open attention:… takes, and that a spec applied
// once the picture is analysed picks the block, head and query and opens
// the step-through it names.
func TestSpec(t *testing.T) {
	cases := []struct {
		spec string
		ok   bool
	}{
		{"block=2,head=1,query=2:3", true},
		{"block=12,all", true},
		{"weight=4:7", true},
		{"norm=1:1,head=0", true},
		{"", true},
		{"block=x", false},
		{"query=2", false},
		{"colour=red", false},
		{"head=-1", false},
	}
	for _, c := range cases {
		if err := CheckSpec(c.spec); (err == nil) != c.ok {
			t.Errorf("%q: %v", c.spec, err)
		}
	}
	h, v, _ := vitHarness(t)
	v.OpenWhenReady("block=2,head=2,query=3:4,weight=1:1")
	h.Host.Show("attention", v.path, nil)
	h.Settle()
	if v.block != 1 || v.head != 1 || v.query != 1+2*4+3 || v.steps == nil || !v.steps.done {
		t.Fatalf("block %d, head %d, query %d, step-through %v", v.block, v.head, v.query, v.steps)
	}
	want := "= " + format(v.maps[1].Row(1, v.query)[1])
	if got := v.steps.lines[len(v.steps.lines)-1]; got != want {
		t.Errorf("the step-through ends %q, want %q", got, want)
	}
}

// TestSwin: a Swin's window attention is shown on each stage's grid,
// without a class token or rollout, and its step-through says why it is
// not shown; a block of another grid takes the query back to the first
// patch.
func TestSwin(t *testing.T) {
	h := uitest.New(t)
	m, err := importer.ImportFile(filepath.Join("..", "..", "importer", "testdata", "swin-opset17.onnx"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.Host.SetModel(m, "swin")
	v := New(h.Host)
	h.Show(v.Content())
	h.Host.Show("attention", uitest.WriteJPEG(t, t.TempDir(), "art.jpg", 80, 60, 2), nil)
	h.Settle()
	if len(v.maps) == 0 || v.maps[0].Window == nil {
		t.Fatalf("%d maps; the view says %q", len(v.maps), uitest.Texts(v.Content()))
	}
	if !uitest.HasText(v.Content(), "within its") || !uitest.HasText(v.Content(), "No rollout") || v.classBtn.Visible() {
		t.Errorf("the view says %q", uitest.Texts(v.Content()))
	}
	a := v.maps[0]
	v.clickPatch(a.GridWidth-1, a.GridHeight-1)
	last := a.Tokens - 1
	if v.query != last {
		t.Fatalf("query %d after a click on the last patch, want %d", v.query, last)
	}
	v.blockSel.SetSelectedIndex(len(v.maps) - 1)
	if b := v.maps[len(v.maps)-1]; b.Tokens <= last && v.query != 0 {
		t.Errorf("the last block has %d tokens; the query is %d", b.Tokens, v.query)
	}
	v.allCheck.SetChecked(true)
	v.clickRadio.SetSelected(clickWeight)
	v.clickPatch(0, 0)
	h.Settle()
	if v.steps == nil || !strings.Contains(strings.Join(v.steps.lines, " "), "window attention") {
		t.Errorf("the step-through of a window attention says %v", v.steps)
	}
}
