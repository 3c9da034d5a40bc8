package widgets

import (
	"fmt"
	"path/filepath"
	"strings"
)

// CountNoun writes "1 file" or "3 files".
func CountNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// FormatDuration writes seconds as "45 s", "12 min" or "2 h 5 min".
func FormatDuration(secs float64) string {
	switch {
	case secs < 90:
		return fmt.Sprintf("%.0f s", secs)
	case secs < 3600:
		return fmt.Sprintf("%.0f min", secs/60)
	}
	m := int(secs/60 + 0.5)
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// Sentence gives msg (an error's message, say) a capital first letter and
// a full stop.
func Sentence(msg string) string {
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + strings.TrimSuffix(msg[1:], ".") + "."
}

// QuoteNames names what was opened: “name” for one path, "the files"
// for more.
func QuoteNames(paths []string) string {
	if len(paths) == 1 {
		return "“" + filepath.Base(paths[0]) + "”"
	}
	return "the files"
}
