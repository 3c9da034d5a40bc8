package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// expandInputs turns the command line's files and folders into a list of
// files: a folder stands for the files directly inside it (sorted, hidden
// files left out); files are kept as given, so that one that cannot be read
// is reported by the command rather than dropped silently.
func expandInputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil || !info.IsDir() {
			out = append(out, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("cannot read folder %s: %v", a, err)
		}
		var files []string
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			files = append(files, filepath.Join(a, e.Name()))
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, nil
}

// progressBar prints "label [=====     ] 12/40" on one line of w, when
// there are enough items for it to help (more than 5).
type progressBar struct {
	w     io.Writer
	label string
	total int
	last  time.Time
}

func newProgressBar(w io.Writer, label string, total int) *progressBar {
	if total <= 5 {
		w = nil
	}
	return &progressBar{w: w, label: label, total: total}
}

// update shows that done items are finished.
func (p *progressBar) update(done int) {
	if p.w == nil || (done < p.total && time.Since(p.last) < 200*time.Millisecond) {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := width * done / p.total
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, p.total)
	if done == p.total {
		fmt.Fprintln(p.w)
	}
}
