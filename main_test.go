package main

import (
	"context"
	"os"
	"os/exec"
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
