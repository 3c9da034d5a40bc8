//go:build (linux || freebsd || openbsd || netbsd || dragonfly) && !android

package app

import (
	"fmt"
	"net"
	"strings"
	"testing"
)

func TestCheckDisplay(t *testing.T) {
	if err := checkDisplay(""); err == nil || !strings.Contains(err.Error(), "no display found (DISPLAY is not set)") {
		t.Errorf("no DISPLAY: %v", err)
	}
	if err := checkDisplay("nonsense"); err == nil || !strings.Contains(err.Error(), "not of the form :0") {
		t.Errorf("DISPLAY=nonsense: %v", err)
	}
	// An X server listening on TCP answers; once it is gone, it does not.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if port <= 6000 {
		l.Close()
		t.Skipf("port %d is below the X range", port)
	}
	display := fmt.Sprintf("127.0.0.1:%d.0", port-6000)
	if err := checkDisplay(display); err != nil {
		t.Errorf("DISPLAY=%s with a listener: %v", display, err)
	}
	l.Close()
	if err := checkDisplay(display); err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("DISPLAY=%s without a listener: %v", display, err)
	}
}
