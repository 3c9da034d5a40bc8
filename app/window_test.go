package app

import (
	"bytes"
	"strings"
	"testing"
)

// Bad window options are refused before any window opens.
func TestRunWindowRefusesBadOptions(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--view", "maps"}, 2, `artlens: unknown view "maps": use one of explore, explain, compare, collection, history, confusion, model, train, live, attention (see 'artlens --help')`},
		{[]string{"--theme", "blue"}, 2, `unknown theme "blue"`},
		{[]string{"--zoom", "9"}, 2, "zoom 9 is out of range"},
		{[]string{"--threshold", "1.5"}, 2, "the threshold 1.5 is not in (0, 1]"},
		{[]string{"--zoom", "big"}, 2, `artlens: option --zoom wants a number, not "big" (see 'artlens --help')`},
		{[]string{"--model", "/nonexistent/model.safetensors", "a.jpg"}, 1, "cannot read the weights file"},
		{[]string{"--bogus"}, 2, "artlens: unknown option --bogus (see 'artlens --help')\n"},
		{[]string{"--view", "train", "a", "b"}, 2, "--view train takes one folder of class folders, not 2"},
		{[]string{"--view", "train", "--size", "50", "a"}, 2, "input size 50 is not offered: use one of [32 48 64 96 128]"},
		{[]string{"--view", "train", "--class", "x", "a"}, 2, `--class "x": give NAME=PATH`},
		{[]string{"--epochs", "5", "a"}, 2, "--arch, --epochs, --size, --class and --save go with --view train FOLDER"},
		{[]string{"--source", "camera", "a.jpg"}, 2, "--source and --frames go with --view live"},
		{[]string{"--view", "live", "--frames", "-1"}, 2, "--frames must not be negative"},
		{[]string{"--view", "live", "--open", "lookfor:3:4"}, 2, "--open takes filter:LAYER:FILTER"},
		{[]string{"--view", "live", "a.jpg"}, 2, "--view live takes its frames from --source"},
	} {
		var out, errb bytes.Buffer
		code := runWindow(c.args, &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: code %d, stderr %q; want %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
}
