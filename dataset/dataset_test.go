package dataset

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/artlens/artlens/picture"
)

const testSize = 8

// imageBytes returns a small image of a colour unique to n, encoded as PNG,
// or as JPEG if jpg is true.
func imageBytes(t *testing.T, n int, jpg bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 12+n%5, 9+n%3))
	c := color.NRGBA{R: uint8(37 * n), G: uint8(255 - 23*n), B: uint8(11 * n * n), A: 255}
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			img.SetNRGBA(x, y, c)
		}
	}
	img.SetNRGBA(0, 0, color.NRGBA{A: 255}) // a black corner
	var buf bytes.Buffer
	var err error
	if jpg {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tree is a tiny data set written by makeTree.
type tree struct {
	root  string
	files map[string][]byte // relative path -> content
}

func (tr tree) write(t *testing.T, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(tr.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	tr.files[rel] = data
}

// makeTree writes a tiny data set with every trap of the real one:
//
//	training_set: drawings d0-d3, engraving e0-e1 (JPEG), iconography i0-i4,
//	  painting p0-p4 plus page.jpg (HTML), empty.jpg (empty), zcopy.png (= p0),
//	  jpegdata.png (JPEG bytes), sculpture s0-s4 plus leak.png (= test t-s0.png)
//	validation_set: two images per folder, and engraving/zz.png (= t-e1.png).
func makeTree(t *testing.T) tree {
	tr := tree{root: t.TempDir(), files: make(map[string][]byte)}
	n := 0
	next := func(jpg bool) []byte { n++; return imageBytes(t, n, jpg) }
	for _, c := range []struct {
		folder string
		count  int
		jpg    bool
	}{{"drawings", 4, false}, {"engraving", 2, true}, {"iconography", 5, false}, {"painting", 5, false}, {"sculpture", 5, false}} {
		for i := 0; i < c.count; i++ {
			tr.write(t, "training_set/"+c.folder+"/"+c.folder[:1]+string(rune('0'+i))+".png", next(c.jpg))
		}
		for i := 0; i < 2; i++ {
			tr.write(t, "validation_set/"+c.folder+"/t-"+c.folder[:1]+string(rune('0'+i))+".png", next(c.jpg))
		}
	}
	tr.write(t, "training_set/painting/page.jpg", []byte("<!DOCTYPE html><html><body>Moved</body></html>"))
	tr.write(t, "training_set/painting/empty.jpg", nil)
	tr.write(t, "training_set/painting/zcopy.png", tr.files["training_set/painting/p0.png"])
	tr.write(t, "training_set/painting/jpegdata.png", next(true))
	tr.write(t, "training_set/sculpture/leak.png", tr.files["validation_set/sculpture/t-s0.png"])
	tr.write(t, "validation_set/engraving/zz.png", tr.files["validation_set/engraving/t-e1.png"])
	tr.write(t, "training_set/.DS_Store", []byte("junk")) // hidden: ignored
	return tr
}

func load(t *testing.T, cfg Config) *Data {
	t.Helper()
	d, err := Load(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoadTree(t *testing.T) {
	tr := makeTree(t)
	var calls, last, total int
	d, err := Load(Config{Root: tr.root, Size: testSize, ValFraction: 0.4, CacheDir: "-"}, func(done, n int) {
		if done < last {
			t.Errorf("progress went back from %d to %d", last, done)
		}
		calls++
		last, total = done, n
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.FromCache {
		t.Error("FromCache with no cache")
	}
	if n := len(tr.files) - 1; calls == 0 || last != total || total != n { // .DS_Store is ignored
		t.Errorf("progress ended at %d of %d after %d calls, want %d of %d", last, total, calls, n, n)
	}

	r := d.Report
	wantSkipped := []Skipped{
		{"training_set/painting/empty.jpg", "not an image file (the file is empty)"},
		{"training_set/painting/page.jpg", "not an image file (it looks like HTML)"},
	}
	if !reflect.DeepEqual(r.Skipped, wantSkipped) {
		t.Errorf("skipped = %v, want %v", r.Skipped, wantSkipped)
	}
	// 21 training and 10 test images, plus page.jpg, empty.jpg, zcopy.png,
	// jpegdata.png, leak.png and zz.png.
	checks := []struct {
		name      string
		got, want int
	}{
		{"files", r.Files, 21 + 10 + 6},
		{"images", r.Images, 21 + 10 + 4},
		{"duplicates", r.Duplicates, 3},
		{"leaked", r.Leaked, 1},
		{"conflicts", r.Conflicts, 0},
		{"train", d.Train.Len(), 4 + 3 + 4 + 3},
		{"val", d.Val.Len(), 2 + 2 + 2 + 2},
		{"test", d.Test.Len(), 10},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	// Train candidates per class: drawings 6 (4 + 2 engravings),
	// iconography 5, painting 6 (p0-p4, jpegdata), sculpture 5; Val takes
	// round(0.4 n): 2, 2, 2, 2.
	wantCounts := map[string][3]int{
		"drawings":    {4, 2, 4},
		"iconography": {3, 2, 2},
		"painting":    {4, 2, 2},
		"sculpture":   {3, 2, 2},
	}
	if !reflect.DeepEqual(r.Counts, wantCounts) {
		t.Errorf("counts = %v, want %v", r.Counts, wantCounts)
	}
	if !slices.Equal(d.Classes, DefaultClasses) || d.Size != testSize {
		t.Errorf("classes %v size %d", d.Classes, d.Size)
	}

	// Every kept image is a distinct content, in one split only, with the
	// class of its folder and the input picture.ToInput gives.
	seen := make(map[[32]byte]string)
	folderClass := map[string]int{"drawings": 0, "engraving": 0, "iconography": 1, "painting": 2, "sculpture": 3}
	for _, s := range []struct {
		name  string
		split Split
		root  string
	}{{"train", d.Train, "training_set/"}, {"val", d.Val, "training_set/"}, {"test", d.Test, "validation_set/"}} {
		if len(s.split.X) != s.split.Len()*3*testSize*testSize || len(s.split.Paths) != s.split.Len() {
			t.Errorf("%s: %d values, %d paths for %d images", s.name, len(s.split.X), len(s.split.Paths), s.split.Len())
			continue
		}
		for i, p := range s.split.Paths {
			data, ok := tr.files[p]
			if !ok {
				t.Errorf("%s: unknown path %q", s.name, p)
				continue
			}
			if !strings.HasPrefix(p, s.root) {
				t.Errorf("%s: path %q is not in %s", s.name, p, s.root)
			}
			h := sha256.Sum256(data)
			if other, dup := seen[h]; dup {
				t.Errorf("%s: %s has the same content as %s", s.name, p, other)
			}
			seen[h] = p
			if want := folderClass[strings.Split(p, "/")[1]]; s.split.Y[i] != want {
				t.Errorf("%s: %s has class %d, want %d", s.name, p, s.split.Y[i], want)
			}
			img, _, err := picture.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if want := picture.ToInput(img, testSize); !slices.Equal(s.split.Image(i), want) {
				t.Errorf("%s: input of %s differs from picture.ToInput", s.name, p)
			}
		}
		if !slices.IsSorted(s.split.Paths) {
			t.Errorf("%s: paths not sorted", s.name)
		}
	}
	for _, p := range []string{"training_set/sculpture/leak.png", "training_set/painting/zcopy.png", "validation_set/engraving/zz.png"} {
		if _, kept := seen[sha256.Sum256(tr.files[p])]; !kept {
			t.Errorf("content of %s was lost", p)
		}
		if seen[sha256.Sum256(tr.files[p])] == p {
			t.Errorf("%s was kept instead of its original", p)
		}
	}
	if _, ok := seen[sha256.Sum256(tr.files["training_set/painting/jpegdata.png"])]; !ok {
		t.Error("the JPEG named .png was not kept")
	}
	if s := r.String(); !strings.Contains(s, "painting") || !strings.Contains(s, "it looks like HTML") {
		t.Errorf("report does not mention the class or the reason:\n%s", s)
	}
}

func TestLoadValSplit(t *testing.T) {
	tr := makeTree(t)
	valSet := func(d *Data) []string { return d.Val.Paths }
	base := load(t, Config{Root: tr.root, Size: testSize, ValFraction: 0.4, Seed: 7, CacheDir: "-"})
	again := load(t, Config{Root: tr.root, Size: testSize, ValFraction: 0.4, Seed: 7, CacheDir: "-"})
	if !reflect.DeepEqual(base.Train, again.Train) || !reflect.DeepEqual(base.Val, again.Val) || !reflect.DeepEqual(base.Test, again.Test) {
		t.Error("the same config gave different splits")
	}
	if base.Fingerprint != again.Fingerprint || len(base.Fingerprint) != 64 {
		t.Errorf("fingerprints %q and %q", base.Fingerprint, again.Fingerprint)
	}
	differs := false
	for seed := int64(8); seed < 20 && !differs; seed++ {
		d := load(t, Config{Root: tr.root, Size: testSize, ValFraction: 0.4, Seed: seed, CacheDir: "-"})
		differs = !slices.Equal(valSet(d), valSet(base))
		if d.Fingerprint == base.Fingerprint {
			t.Errorf("seed %d has the fingerprint of seed 7", seed)
		}
	}
	if !differs {
		t.Error("the Val split does not depend on the seed")
	}

	tests := []struct {
		frac float64
		val  map[string]int // per class; the train candidates are 6, 5, 6, 5
	}{
		{-1, map[string]int{"drawings": 0, "iconography": 0, "painting": 0, "sculpture": 0}},
		{0, map[string]int{"drawings": 1, "iconography": 1, "painting": 1, "sculpture": 1}}, // default 0.1: round(0.6), round(0.5)
		{0.5, map[string]int{"drawings": 3, "iconography": 3, "painting": 3, "sculpture": 3}},
		{0.7, map[string]int{"drawings": 4, "iconography": 4, "painting": 4, "sculpture": 4}},
	}
	for _, test := range tests {
		d := load(t, Config{Root: tr.root, Size: testSize, ValFraction: test.frac, CacheDir: "-"})
		for class, want := range test.val {
			c := d.Report.Counts[class]
			if c[1] != want {
				t.Errorf("fraction %v: %s has %d Val images, want %d", test.frac, class, c[1], want)
			}
		}
		if d.Train.Len()+d.Val.Len() != 22 {
			t.Errorf("fraction %v: train+val = %d, want 22", test.frac, d.Train.Len()+d.Val.Len())
		}
	}
}

func TestLoadFingerprint(t *testing.T) {
	tr := makeTree(t)
	cfg := Config{Root: tr.root, Size: testSize, CacheDir: "-"}
	base := load(t, cfg).Fingerprint

	// Renaming a file does not change the data, so not the fingerprint.
	old := filepath.Join(tr.root, "training_set", "drawings", "d0.png")
	if err := os.Rename(old, filepath.Join(tr.root, "training_set", "drawings", "renamed.png")); err != nil {
		t.Fatal(err)
	}
	if got := load(t, cfg).Fingerprint; got != base {
		t.Errorf("renaming a file changed the fingerprint")
	}

	changes := []struct {
		name string
		cfg  Config
		edit func()
	}{
		{name: "size", cfg: Config{Root: tr.root, Size: 16, CacheDir: "-"}},
		{name: "val fraction", cfg: Config{Root: tr.root, Size: testSize, ValFraction: 0.2, CacheDir: "-"}},
		{name: "seed", cfg: Config{Root: tr.root, Size: testSize, Seed: 2, CacheDir: "-"}},
		{name: "classes", cfg: Config{Root: tr.root, Size: testSize, CacheDir: "-",
			Classes:  []string{"drawings", "engraving", "iconography", "painting", "sculpture"},
			ClassMap: map[string]string{}}},
		{name: "new image", cfg: cfg, edit: func() { tr.write(t, "training_set/painting/new.png", imageBytes(t, 99, false)) }},
	}
	for _, c := range changes {
		if c.edit != nil {
			c.edit()
		}
		if got := load(t, c.cfg).Fingerprint; got == base {
			t.Errorf("%s: fingerprint unchanged", c.name)
		}
	}
}

func TestLoadCache(t *testing.T) {
	tr := makeTree(t)
	cacheDir := t.TempDir()
	cfg := Config{Root: tr.root, Size: testSize, CacheDir: cacheDir}
	first := load(t, cfg)
	if first.FromCache {
		t.Fatal("first load came from the cache")
	}
	second := load(t, cfg)
	if !second.FromCache {
		t.Fatal("second load did not use the cache")
	}
	second.FromCache = false
	if !reflect.DeepEqual(first, second) {
		t.Errorf("cached data differs:\n%+v\n%+v", first.Report, second.Report)
	}
	caches, _ := filepath.Glob(filepath.Join(cacheDir, "*"))
	if len(caches) != 1 {
		t.Fatalf("cache folder holds %v, want one file", caches)
	}

	// A different configuration has its own cache.
	if d := load(t, Config{Root: tr.root, Size: testSize, Seed: 3, CacheDir: cacheDir}); d.FromCache {
		t.Error("another seed used the cache")
	}

	steps := []struct {
		name   string
		edit   func()
		cached bool
	}{
		{"unchanged", func() {}, true},
		{"touched", func() {
			p := filepath.Join(tr.root, "training_set", "iconography", "i1.png")
			future := time.Now().Add(time.Hour)
			if err := os.Chtimes(p, future, future); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"unchanged after rebuild", func() {}, true},
		{"added", func() { tr.write(t, "validation_set/painting/new.png", imageBytes(t, 77, false)) }, false},
		{"removed", func() {
			if err := os.Remove(filepath.Join(tr.root, "validation_set", "painting", "new.png")); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"damaged cache", func() {
			p := caches[0]
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)-100] ^= 0xff // a pixel
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"truncated cache", func() {
			if err := os.Truncate(caches[0], 50); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"garbage cache", func() {
			if err := os.WriteFile(caches[0], []byte("garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"repaired", func() {}, true},
	}
	for _, s := range steps {
		s.edit()
		d := load(t, cfg)
		if d.FromCache != s.cached {
			t.Errorf("%s: FromCache = %t, want %t", s.name, d.FromCache, s.cached)
		}
		if s.name == "added" && d.Test.Len() != first.Test.Len()+1 {
			t.Errorf("added: %d test images, want %d", d.Test.Len(), first.Test.Len()+1)
		}
		if s.name != "added" && d.Fingerprint != first.Fingerprint {
			t.Errorf("%s: fingerprint changed", s.name)
		}
		if s.name != "added" && !reflect.DeepEqual(d.Train, first.Train) {
			t.Errorf("%s: Train differs", s.name)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tr := makeTree(t)
	noSplits := t.TempDir()
	os.Mkdir(filepath.Join(noSplits, "photos"), 0o755)
	onlyTrain := t.TempDir()
	os.Mkdir(filepath.Join(onlyTrain, "training_set"), 0o755)
	unknown := makeTree(t)
	unknown.write(t, "validation_set/collage/c.png", imageBytes(t, 5, false))
	notFile := filepath.Join(tr.root, "training_set", "painting", "p0.png")

	tests := []struct {
		name string
		cfg  Config
		msg  string
	}{
		{"no root", Config{}, "no data folder"},
		{"missing", Config{Root: filepath.Join(tr.root, "nope")}, "does not exist"},
		{"a file", Config{Root: notFile}, "is not a folder"},
		{"plain, unknown class", Config{Root: noSplits}, `unknown class folder "photos"`},
		{"plain, no class folders", Config{Root: t.TempDir()}, "holds no class folders"},
		{"no test folder", Config{Root: onlyTrain}, "has no validation_set folder"},
		{"unknown folder", Config{Root: unknown.root}, `unknown class folder "collage" in validation_set`},
		{"unmapped class", Config{Root: tr.root, Classes: []string{"drawings", "iconography", "painting"}}, `"sculpture"`},
		{"duplicate class", Config{Root: tr.root, Classes: []string{"a", "a"}}, `class "a" given twice`},
		{"bad fraction", Config{Root: tr.root, ValFraction: 1}, "fraction"},
		{"bad size", Config{Root: tr.root, Size: -3}, "size"},
	}
	for _, test := range tests {
		test.cfg.CacheDir = "-"
		d, err := Load(test.cfg, nil)
		if err == nil {
			t.Errorf("%s: no error, %d images", test.name, d.Train.Len())
			continue
		}
		if !strings.Contains(err.Error(), test.msg) {
			t.Errorf("%s: error %q does not contain %q", test.name, err, test.msg)
		}
	}
}

func TestLoadOptions(t *testing.T) {
	tr := makeTree(t)
	// Root may be the parent of an art-images folder.
	kind := filepath.Join(t.TempDir(), "download")
	if err := os.MkdirAll(kind, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(tr.root, filepath.Join(kind, "art-images")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	d := load(t, Config{Root: kind, Size: testSize, CacheDir: "-"})
	if d.Root != filepath.Join(kind, "art-images") || d.Test.Len() != 10 {
		t.Errorf("root %s, %d test images", d.Root, d.Test.Len())
	}

	// Five classes, engraving on its own, painting ignored.
	five := load(t, Config{Root: tr.root, Size: testSize, CacheDir: "-",
		Classes:  []string{"drawings", "engraving", "iconography", "sculpture"},
		ClassMap: map[string]string{"painting": ""}})
	want := map[string][3]int{"drawings": {4, 0, 2}, "engraving": {2, 0, 2}, "iconography": {4, 1, 2}, "sculpture": {4, 1, 2}}
	// Val: round(0.1 * 4) = 0, round(0.1 * 2) = 0, round(0.1 * 5) = 1 twice.
	if !reflect.DeepEqual(five.Report.Counts, want) {
		t.Errorf("counts = %v, want %v", five.Report.Counts, want)
	}
	for _, p := range slices.Concat(five.Train.Paths, five.Val.Paths, five.Test.Paths) {
		if strings.Contains(p, "painting") {
			t.Errorf("ignored folder used: %s", p)
		}
	}
}

// TestToGray checks that the gray data set holds what picture.ToInputShape
// gives for one channel.
func TestToGray(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	for i, p := range [][3]uint8{{255, 0, 0}, {10, 20, 30}, {0, 255, 0}, {200, 100, 50}} {
		copy(img.Pix[4*i:], []uint8{p[0], p[1], p[2], 255})
	}
	rgb := picture.ToInputShape(img, 3, 2, 2)
	d := &Data{Size: 2, Train: Split{X: append(rgb, rgb...), Y: []int{0, 1}}}
	d.ToGray()
	want := picture.ToInputShape(img, 1, 2, 2)
	if !slices.Equal(d.Train.X, append(want, want...)) {
		t.Errorf("gray %v, want %v twice", d.Train.X, want)
	}
}

func TestTestDir(t *testing.T) {
	root := t.TempDir()
	test := filepath.Join(root, "art-images", TestFolder)
	if err := os.MkdirAll(test, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{test, filepath.Join(root, "art-images"), root} {
		if got, err := TestDir(dir); err != nil || got != test {
			t.Errorf("TestDir(%s) = %q, %v; want %s", dir, got, err, test)
		}
	}
	for dir, want := range map[string]string{
		filepath.Join(root, "art-images", "other"): "does not exist",
		filepath.Join(root, "file"):                "is not a folder",
		filepath.Dir(root):                         "holds no validation_set folder",
	} {
		if _, err := TestDir(dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("TestDir(%s): %v, want %q", dir, err, want)
		}
	}
}

// TestLoadPlainFolder reads a plain folder of class folders: every picture
// is for training or validation (stratified, seeded), copies of one picture
// stay on one side, files that are not pictures are reported, and there is
// no test split.
func TestLoadPlainFolder(t *testing.T) {
	tr := tree{root: t.TempDir(), files: make(map[string][]byte)}
	n := 0
	for _, c := range []string{"apples", "pears", "plums"} {
		for i := 0; i < 10; i++ {
			n++
			tr.write(t, fmt.Sprintf("%s/%02d.png", c, i), imageBytes(t, n, false))
		}
	}
	// Copies: one within a class, one across classes (the first by path,
	// in apples, decides), and a page that is no picture.
	tr.write(t, "apples/copy.png", tr.files["apples/03.png"])
	tr.write(t, "pears/zz.png", tr.files["apples/05.png"])
	tr.write(t, "plums/page.jpg", []byte("<html></html>"))
	classes, err := ClassFolders(tr.root)
	if err != nil || !slices.Equal(classes, []string{"apples", "pears", "plums"}) {
		t.Fatalf("ClassFolders = %v, %v", classes, err)
	}
	if !Plain(tr.root) {
		t.Error("Plain says a folder of class folders is the Art Images layout")
	}
	if Plain(makeTree(t).root) {
		t.Error("Plain says the Art Images layout is a plain folder")
	}
	d := load(t, Config{Root: tr.root, Classes: classes, Size: testSize, ValFraction: 0.3, Seed: 7, CacheDir: "-"})
	if d.Test.Len() != 0 {
		t.Errorf("plain folder has %d test images, want none", d.Test.Len())
	}
	if got, want := d.Train.Len()+d.Val.Len(), 30; got != want {
		t.Errorf("%d distinct images in Train and Val, want %d", got, want)
	}
	// 30% of each class's 10 distinct pictures.
	for _, c := range classes {
		if got := d.Report.Counts[c]; got != [3]int{7, 3, 0} {
			t.Errorf("class %s: counts %v, want [7 3 0]", c, got)
		}
	}
	if d.Report.Duplicates != 2 || d.Report.Conflicts != 1 {
		t.Errorf("duplicates %d, conflicts %d; want 2 and 1", d.Report.Duplicates, d.Report.Conflicts)
	}
	if len(d.Report.Skipped) != 1 || d.Report.Skipped[0].Path != "plums/page.jpg" {
		t.Errorf("skipped %v, want plums/page.jpg", d.Report.Skipped)
	}
	// No content is on both sides.
	seen := map[string]string{}
	for _, s := range []struct {
		name string
		sp   Split
	}{{"train", d.Train}, {"val", d.Val}} {
		for i, p := range s.sp.Paths {
			key := string(tr.files[p])
			if other, ok := seen[key]; ok && other != s.name {
				t.Errorf("%s is in %s and a copy of it in %s", p, s.name, other)
			}
			seen[key] = s.name
			if !strings.HasPrefix(p, classes[s.sp.Y[i]]+"/") {
				t.Errorf("%s labelled %s", p, classes[s.sp.Y[i]])
			}
		}
	}
	// The same seed draws the same split; another seed another one.
	again := load(t, Config{Root: tr.root, Classes: classes, Size: testSize, ValFraction: 0.3, Seed: 7, CacheDir: "-"})
	if !slices.Equal(again.Val.Paths, d.Val.Paths) || again.Fingerprint != d.Fingerprint {
		t.Error("the same seed drew another validation split")
	}
	other := load(t, Config{Root: tr.root, Classes: classes, Size: testSize, ValFraction: 0.3, Seed: 8, CacheDir: "-"})
	if slices.Equal(other.Val.Paths, d.Val.Paths) {
		t.Error("another seed drew the same validation split")
	}
}

func TestWarnings(t *testing.T) {
	r := Report{Counts: map[string][3]int{"a": {40, 10, 0}, "b": {10, 2, 0}, "c": {30, 8, 0}}, Conflicts: 2,
		Skipped: []Skipped{{"a/x.txt", "not a picture"}, {"b/y.html", "not a picture"}, {"c/z", "not a picture"}, {"c/zz", "not a picture"}}}
	got := r.Warnings()
	want := []string{
		"Class b has 12 pictures: too few to learn from (aim for 40 or more).",
		"The classes are unbalanced: a has 50 pictures, b 12; the network will lean towards the larger.",
		"2 pictures are copies filed under more than one class (each is kept once, in the first class by name).",
		"4 files are not pictures or cannot be read, and are left out (a/x.txt, b/y.html, c/z, …).",
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings\n%q\nwant\n%q", got, want)
	}
	// One of each is said in the singular.
	r = Report{Counts: map[string][3]int{"a": {30, 5, 0}, "b": {1, 0, 0}}, Conflicts: 1, Skipped: []Skipped{{"a/x.txt", "not a picture"}}}
	want = []string{
		"Class b has 1 picture: too few to learn from (aim for 40 or more).",
		"The classes are unbalanced: a has 35 pictures, b 1; the network will lean towards the larger.",
		"1 picture is a copy filed under more than one class (it is kept once, in the first class by name).",
		"1 file is not a picture or cannot be read, and is left out (a/x.txt).",
	}
	if got := r.Warnings(); !slices.Equal(got, want) {
		t.Errorf("warnings\n%q\nwant\n%q", got, want)
	}
	if w := (Report{Counts: map[string][3]int{"a": {30, 5, 0}, "b": {25, 5, 0}}}).Warnings(); w != nil {
		t.Errorf("a sound data set gets warnings %q", w)
	}
}
