//go:build !windows

package main

// attachConsole does nothing outside Windows, where a program always has
// the standard output and error of whoever started it.
func attachConsole() {}
