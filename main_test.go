package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
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
