package app

import "io"

// runWindow opens the desktop app (placeholder until package ui lands).
func runWindow(args []string, stdout, stderr io.Writer) int {
	usage(stdout)
	return 0
}
