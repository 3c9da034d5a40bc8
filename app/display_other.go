//go:build !((linux || freebsd || openbsd || netbsd || dragonfly) && !android)

package app

// displayAvailable reports nil: on Windows and macOS a desktop session
// always has a display.
func displayAvailable() error { return nil }
