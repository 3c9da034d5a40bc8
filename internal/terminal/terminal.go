// Package terminal tells whether output goes to a terminal, where progress
// lines are redrawn with carriage returns, or to a file or pipe, where they
// would litter a log.
package terminal

import (
	"io"
	"os"
)

// Is reports whether w is a terminal (a character device).
func Is(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
