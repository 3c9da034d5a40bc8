package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets the tests start this test binary as the artlens program.
func TestMain(m *testing.M) {
	if os.Getenv("ARTLENS_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"artlens"}, strings.Fields(os.Getenv("ARTLENS_TEST_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestNoLocaleErrorUnderC runs a command under the locales of a bare
// Debian machine or container: stderr must stay empty (Fyne used to log
// "Error parsing user locale C" under LANG=C.UTF-8).
func TestNoLocaleErrorUnderC(t *testing.T) {
	for _, lang := range []string{"C.UTF-8", "POSIX.UTF-8", "C", "en_GB.UTF-8"} {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "ARTLENS_TEST_RUN_MAIN=1", "ARTLENS_TEST_ARGS=--version",
			"LANG="+lang, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("LANG=%s: %v (stderr %q)", lang, err, stderr.String())
		}
		if !strings.HasPrefix(string(out), "artlens ") {
			t.Errorf("LANG=%s: output %q, want the version", lang, out)
		}
		if stderr.Len() > 0 {
			t.Errorf("LANG=%s: stderr %q, want nothing", lang, stderr.String())
		}
	}
}

// runMain runs this binary as artlens with args and the environment
// changed by env ("NAME=value", or "NAME=" to unset).
func runMain(t *testing.T, args string, env ...string) (code int, stdout, stderr string) {
	t.Helper()
	// A window that opens after all must not hang the test.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), "ARTLENS_TEST_RUN_MAIN=1", "ARTLENS_TEST_ARGS="+args, "LANG=C.UTF-8")
	cmd.Env = append(cmd.Env, env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// Without a display the window is not tried: one line says so (GLFW used
// to panic with a long stack trace).
func TestNoDisplayOneLine(t *testing.T) {
	// unix:65123: a display number no X server uses, so no window opens
	// even where one runs (:87 did, beside another test's Xvfb).
	for _, display := range []string{"", "unix:65123"} {
		code, stdout, stderr := runMain(t, "", "DISPLAY="+display, "WAYLAND_DISPLAY=")
		if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
			!strings.HasPrefix(stderr, "artlens: no display found") || !strings.Contains(stderr, "the commands work without one") {
			t.Errorf("DISPLAY=%q: exit %d, stdout %q, stderr %q", display, code, stdout, stderr)
		}
	}
}

// When GLFW cannot initialise although the display check passed (seen
// under Xvfb: "X11: Failed to open display", then a panic with a 30-line
// stack), one line says so and the exit code is 1. The "X server" here
// accepts the connection, as the check wants, and then closes it, so
// Xlib's handshake fails.
func TestWindowThatCannotOpenOneLine(t *testing.T) {
	var ln net.Listener
	var display string
	for n := 1000; n < 1100 && ln == nil; n++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 6000+n))
		if err == nil {
			ln, display = l, fmt.Sprintf("127.0.0.1:%d", n)
		}
	}
	if ln == nil {
		t.Skip("no free port for a fake X server")
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	code, stdout, stderr := runMain(t, "", "DISPLAY="+display, "WAYLAND_DISPLAY=")
	if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.HasPrefix(stderr, "artlens: the window could not open: ") || !strings.Contains(stderr, display) {
		t.Errorf("DISPLAY=%s, not an X server: exit %d, stdout %q, stderr %q", display, code, stdout, stderr)
	}
}

// writeLabelledSet writes a tiny data set in the Art Images layout:
// perClass pictures per class in training_set and two in validation_set.
func writeLabelledSet(t *testing.T, perClass int) string {
	t.Helper()
	root := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, split := range []string{"training_set", "validation_set"} {
		n := perClass
		if split == "validation_set" {
			n = 2
		}
		for c, class := range []string{"drawings", "iconography", "painting", "sculpture"} {
			dir := filepath.Join(root, split, class)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
				for p := 0; p < len(img.Pix); p += 4 {
					img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = uint8(rng.IntN(256)), uint8(60*c), uint8(rng.IntN(256)), 255
				}
				var buf bytes.Buffer
				if err := png.Encode(&buf, img); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", split, i)), buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return root
}

// Ctrl-C during training ends it with one line that says which epoch's
// checkpoint is kept and that the same command resumes; the progress line
// is closed first (it used to end without a word).
func TestTrainingInterruptSaysWhatIsKept(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for a few seconds")
	}
	data := writeLabelledSet(t, 20)
	out := filepath.Join(t.TempDir(), "m.safetensors")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), "ARTLENS_TEST_RUN_MAIN=1", "LANG=C.UTF-8",
		"ARTLENS_TEST_ARGS=train --data "+data+" --out "+out+" --epochs 500 --cache -")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	sc := bufio.NewScanner(stderr)
	signalled := false
	for sc.Scan() {
		line := sc.Text()
		text.WriteString(line + "\n")
		if !signalled && strings.HasPrefix(line, "epoch 1/500") {
			signalled = true
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit %d (%v), want 130; stderr:\n%s", code, err, text.String())
	}
	got := text.String()
	last := got[strings.LastIndex(strings.TrimSuffix(got, "\n"), "\n")+1:]
	var during, kept int
	if _, err := fmt.Sscanf(last, "artlens: training stopped during epoch %d; the checkpoint of epoch %d is kept in", &during, &kept); err != nil ||
		kept != during-1 || kept < 1 || !strings.HasSuffix(last, out+".checkpoints, and the same command resumes from it\n") {
		t.Errorf("last line %q (%v); stderr:\n%s", last, err, got)
	}
	if strings.Contains(got, "\r") {
		t.Errorf("stderr, a pipe, holds carriage returns:\n%q", got)
	}
	if !strings.Contains(got, "each epoch: 1 batch of 64 = 64 images; the 8 left over differ from epoch to epoch (shuffled)") {
		t.Errorf("no note on the images left over:\n%s", got)
	}
}
