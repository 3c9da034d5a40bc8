package app

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/artlens/artlens/internal/walk"

	"github.com/artlens/artlens/internal/terminal"
	"github.com/artlens/artlens/picture"
)

// imageInputs turns the command line's files and folders into a list of
// image files. A folder stands for the image files directly inside it, or
// with recursive in all its subfolders too (sorted, hidden entries left
// out); a file in a folder that does not start like an image is skipped
// with a line on stderr. Files named on the command line are kept as given,
// so that one that cannot be read is reported by the command.
//
// When no file at all is found, the error says what the folders held, so
// that a command never ends silently with nothing done.
func imageInputs(args []string, recursive bool, stderr io.Writer) ([]string, error) {
	var files, empty []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil || !info.IsDir() {
			files = append(files, a)
			continue
		}
		found, c, err := folderImages(a, recursive, stderr)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			empty = append(empty, a+": "+c.describe(recursive))
		}
		files = append(files, found...)
	}
	if len(files) == 0 && len(empty) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(empty, "; "))
	}
	for _, e := range empty {
		fmt.Fprintf(stderr, "artlens: %s\n", e)
	}
	return files, nil
}

// folderCount counts what a folder holds besides images.
type folderCount struct {
	folders, others int
}

func (c folderCount) describe(recursive bool) string {
	switch {
	case c.folders == 0 && c.others == 0:
		return "the folder is empty"
	case c.others == 0 && !recursive:
		return fmt.Sprintf("no image files, only %d folder%s (--recursive looks inside them)", c.folders, plural(c.folders))
	case c.others == 0:
		return "no image files in it or its folders"
	}
	return fmt.Sprintf("no image files among its %d file%s", c.others, plural(c.others))
}

// folderImages lists the image files of dir (of its whole tree with
// recursive), sorted by path.
func folderImages(dir string, recursive bool, stderr io.Writer) ([]string, folderCount, error) {
	var files []string
	var c folderCount
	err := walk.Dir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			fmt.Fprintf(stderr, "artlens: skipping %s: %v\n", path, err)
			return nil
		}
		if path == dir {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			c.folders++
			if !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		if !picture.LooksLikeImage(path) {
			c.others++
			fmt.Fprintf(stderr, "artlens: skipping %s: not an image file\n", path)
			return nil
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		return nil, c, fmt.Errorf("cannot read the folder %s: %v", dir, err)
	}
	sort.Strings(files)
	return files, c, nil
}

// progressBar shows how many of total items are done, when there are
// enough for it to help (more than 5). On a terminal it redraws one line
// ("label [=====     ] 12/40"); into a file or pipe it writes a plain line
// at each tenth, so that logs hold no carriage returns.
type progressBar struct {
	w          io.Writer
	label      string
	total      int
	onTerminal bool
	last       time.Time
	lastLine   int // tenths written, when not a terminal
	open       bool
}

func newProgressBar(w io.Writer, label string, total int) *progressBar {
	if total <= 5 {
		w = nil
	}
	return &progressBar{w: w, label: label, total: total, onTerminal: terminal.Is(w)}
}

// update shows that done items are finished.
func (p *progressBar) update(done int) {
	if p.w == nil {
		return
	}
	if !p.onTerminal {
		if tenth := 10 * done / p.total; tenth > p.lastLine {
			p.lastLine = tenth
			fmt.Fprintf(p.w, "%s %d/%d\n", p.label, done, p.total)
		}
		return
	}
	if done < p.total && time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := width * done / p.total
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, p.total)
	p.open = done < p.total
	if done == p.total {
		fmt.Fprintln(p.w)
	}
}

// interrupt ends an open progress line, so that a message printed next
// starts on a line of its own.
func (p *progressBar) interrupt() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}
