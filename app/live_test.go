package app

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLiveJSON runs `live --json` on a GIF made here: one line per kept
// frame with its class and probabilities, and a last line with the counts.
func TestLiveJSON(t *testing.T) {
	half, _ := brightPair(t)
	dir := t.TempDir()
	g := &gif.GIF{}
	for _, red := range []uint8{30, 230} {
		p := image.NewPaletted(image.Rect(0, 0, 40, 30), color.Palette{color.RGBA{red, 0, 0, 255}})
		g.Image = append(g.Image, p)
		g.Delay = append(g.Delay, 5)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	video := filepath.Join(dir, "v.gif")
	os.WriteFile(video, b.Bytes(), 0o644)

	var out, errOut bytes.Buffer
	if code := Run([]string{"live", "--source", video, "--frames", "3", "--json", "--model", half}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 3 frames and a summary:\n%s", len(lines), out.String())
	}
	for _, l := range lines[:3] {
		var f liveFrame
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		if f.Class == "" || len(f.Probabilities) != 2 || f.MS <= 0 || f.Error != "" {
			t.Errorf("frame line %s", l)
		}
		want := "dark"
		if f.Frame%2 == 1 {
			want = "bright"
		}
		if f.Class != want {
			t.Errorf("frame %d is %s, want %s", f.Frame, f.Class, want)
		}
	}
	var sum liveSummary
	if err := json.Unmarshal([]byte(lines[3]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Frames != 3 || sum.FPS <= 0 {
		t.Errorf("summary %s", lines[3])
	}
}

func TestLiveErrors(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.avi")
	os.WriteFile(broken, []byte("RIFF\x04\x00\x00\x00AVI "), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"live"}, exitUsage, "--source is required"},
		{[]string{"live", "--source", broken}, exitFailure, "no video frames"},
		{[]string{"live", "--source", filepath.Join(dir, "none.gif")}, exitFailure, "no such file"},
	} {
		var out, errOut bytes.Buffer
		code := Run(c.args, &out, &errOut)
		if code != c.code || !strings.Contains(errOut.String(), c.want) || strings.Count(errOut.String(), "\n") > 2 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errOut.String(), c.code, c.want)
		}
	}
}
