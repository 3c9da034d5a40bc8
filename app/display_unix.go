//go:build (linux || freebsd || openbsd || netbsd || dragonfly) && !android

package app

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// displayAvailable reports why the window cannot open on this X11 desktop:
// no DISPLAY, or an X server that does not answer. Without this check GLFW
// panics with a long stack trace. (Fyne's Linux build draws through X11;
// Wayland desktops provide it through XWayland and set DISPLAY.)
func displayAvailable() error {
	return checkDisplay(os.Getenv("DISPLAY"))
}

// checkDisplay checks that an X server answers at display, a value of
// DISPLAY such as ":0", "unix:1" or "host:10.0".
func checkDisplay(display string) error {
	if display == "" {
		return errors.New("no display found (DISPLAY is not set), so the window cannot open")
	}
	host, rest, ok := strings.Cut(display, ":")
	if !ok {
		return fmt.Errorf("no display found: DISPLAY=%q is not of the form :0", display)
	}
	numText, _, _ := strings.Cut(strings.TrimPrefix(rest, ":"), ".")
	num, err := strconv.Atoi(numText)
	if err != nil || num < 0 {
		return fmt.Errorf("no display found: DISPLAY=%q is not of the form :0", display)
	}
	var conn net.Conn
	switch {
	case strings.HasPrefix(host, "/"):
		// XQuartz-style socket path; GLFW will tell if it fails.
		return nil
	case host == "" || host == "unix":
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", num)
		conn, err = net.DialTimeout("unix", sock, 2*time.Second)
		if err != nil && host == "" {
			// Some servers listen on TCP only; try it as X clients do.
			conn, err = net.DialTimeout("tcp", net.JoinHostPort("localhost", strconv.Itoa(6000+num)), 2*time.Second)
		}
	default:
		conn, err = net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+num)), 2*time.Second)
	}
	if err != nil {
		return fmt.Errorf("no display found: the X server at DISPLAY=%s does not answer", display)
	}
	conn.Close()
	return nil
}
