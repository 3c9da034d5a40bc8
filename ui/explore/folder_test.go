package explore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lazyFolder writes n pictures in a folder of a temporary tree and sends
// folders of any size the large way (collection.Analyse) for the test.
func lazyFolder(t *testing.T, n int) (string, []string) {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	old := lazyFolderMin
	lazyFolderMin = 1
	t.Cleanup(func() { lazyFolderMin = old })
	dir := filepath.Join(t.TempDir(), "pics")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i := range n {
		paths = append(paths, writeJPEG(t, dir, fmt.Sprintf("p%02d.jpg", i), 64, 48, i))
	}
	return dir, paths
}

func TestLargeFolderIsKeptLazily(t *testing.T) {
	dir, paths := lazyFolder(t, keepFull+4)
	h := newHarness(t, harnessOptions{Images: []string{dir}})
	x := h.s.explore
	m := h.s.Model()
	if len(x.entries) != len(paths) {
		t.Fatalf("%d entries, want %d", len(x.entries), len(paths))
	}
	for i, e := range x.entries {
		if e.Path != paths[i] {
			t.Fatalf("entry %d is %s, want %s: the strip is in file order", i, e.Name, filepath.Base(paths[i]))
		}
		if !e.Lazy || e.Answer(m) == nil || len(e.ThumbJPEG) == 0 {
			t.Errorf("%s: lazy %v, answer %v, thumbnail %d bytes", e.Name, e.Lazy, e.Answer(m), len(e.ThumbJPEG))
		}
		if e != x.current && (e.Input != nil || e.Seen != nil || e.Preview != nil) {
			t.Errorf("%s is not shown but keeps its picture", e.Name)
		}
		if x.thumbOf(e) == nil {
			t.Errorf("%s: the thumbnail cannot be decoded", e.Name)
		}
	}
	if x.current != x.entries[0] || !x.current.Full(m) || x.picture.Image != x.current.Preview || len(x.maps.shown) != 3 {
		t.Fatal("the folder's first picture should be shown in full")
	}
	if x.picCap.Text != "As given: 64 × 48 pixels, JPEG" {
		t.Errorf("caption %q", x.picCap.Text)
	}
	// Another picture is read again and shown in full; the pictures
	// viewed long ago give back all but their answer.
	for i := 1; i < len(x.entries); i++ {
		x.list.Select(i)
		h.settle()
		if e := x.entries[i]; x.current != e || !e.Full(m) || x.title.Text != e.Name {
			t.Fatalf("%s is not shown in full", e.Name)
		}
	}
	if e := x.entries[0]; e.Seen != nil || e.Input != nil || e.Preview != nil || e.Answer(m) == nil {
		t.Error("the first picture, viewed long ago, should keep only its answer")
	}
}

func TestLargeFolderReopensFromTheCache(t *testing.T) {
	dir, paths := lazyFolder(t, 5)
	h := newHarness(t, harnessOptions{Images: []string{dir}})
	before := h.s.explore.entries[3].Answer(h.s.Model()).Probabilities
	if c := h.s.explore.folder.cached; c != 0 {
		t.Fatalf("%d answers from an empty cache", c)
	}
	h2 := newHarness(t, harnessOptions{Images: []string{dir}})
	x := h2.s.explore
	if len(x.entries) != len(paths) {
		t.Fatalf("%d entries", len(x.entries))
	}
	if c := x.folder.cached; c != len(paths) {
		t.Errorf("%d of %d answers from the collection cache on reopening", c, len(paths))
	}
	if got := x.entries[3].Answer(h2.s.Model()).Probabilities; fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("answer from the cache %v, want %v", got, before)
	}
}

func TestLargeFolderGoneBeforeShown(t *testing.T) {
	dir, _ := lazyFolder(t, 3)
	h := newHarness(t, harnessOptions{Images: []string{dir}})
	x := h.s.explore
	gone := x.entries[2]
	if err := os.Remove(gone.Path); err != nil {
		t.Fatal(err)
	}
	x.list.Select(2)
	h.settle()
	if x.current != gone || x.title.Text != "p02.jpg" || x.answer.Text == "—" {
		t.Errorf("showing %q with answer %q; want the gone picture's answer", x.title.Text, x.answer.Text)
	}
	want := "Could not read p02.jpg: the file does not exist (it was moved or deleted). Its answer is the one of the picture when it was opened."
	if n := h.s.Notice; !n.Visible() || n.Text() != want {
		t.Errorf("notice %q, want %q", n.Text(), want)
	}
}

func TestLargeFolderTakesAnotherModel(t *testing.T) {
	dir, _ := lazyFolder(t, keepFull+2)
	h := newHarness(t, harnessOptions{Images: []string{dir}})
	x := h.s.explore
	next := brightModel(t)
	h.s.SetModel(next, "bright model")
	h.settle()
	for _, e := range x.entries {
		if p := e.Answer(next); p == nil || len(p.Probabilities) != len(next.Meta.Classes) {
			t.Errorf("%s has no answer of the new model", e.Name)
		}
	}
	if !x.current.Full(next) || x.answer.Text == "—" {
		t.Error("the picture shown is not analysed again by the new model")
	}
	if x.activity.Visible() {
		t.Error("the activity bar stays after all work is done")
	}
}

func TestOpeningAFolderStopsTheOneAnalysed(t *testing.T) {
	first, _ := lazyFolder(t, 40)
	second := filepath.Join(t.TempDir(), "second")
	if err := os.Mkdir(second, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		writeJPEG(t, second, fmt.Sprintf("s%d.jpg", i), 64, 48, 50+i)
	}
	h := newHarness(t, harnessOptions{})
	x := h.s.explore
	x.Open([]string{first})
	x.Open([]string{second}) // before the first is analysed: it stops
	h.settle()
	fromFirst, fromSecond := 0, 0
	for _, e := range x.entries {
		if filepath.Dir(e.Path) == second {
			fromSecond++
		} else {
			fromFirst++
		}
	}
	if fromSecond != 3 {
		t.Fatalf("%d pictures of the second folder listed, want 3", fromSecond)
	}
	if fromFirst == 40 {
		t.Skip("the first folder was analysed before it could be stopped")
	}
	if !strings.Contains(h.s.Notice.Details()+h.s.Notice.Text(), "stopped when another folder was opened") {
		t.Errorf("notice %q does not say the first folder was stopped", h.s.Notice.Text())
	}
}
