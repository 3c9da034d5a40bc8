package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Version is the program's version, stamped at build time with
//
//	-ldflags "-X github.com/artlens/artlens/app.Version=1.2.3"
var Version = "dev"

// command is one subcommand of artlens.
type command struct {
	summary string
	// run executes the command with its own arguments; it returns the exit code.
	run func(args []string, stdout, stderr io.Writer) int
}

// commands maps each subcommand name to its implementation; each command's
// file registers itself in an init function.
var commands = map[string]command{}

func register(name, summary string, run func(args []string, stdout, stderr io.Writer) int) {
	commands[name] = command{summary: summary, run: run}
}

// Exit codes: a command that ran but failed returns exitFailure; a command
// line that could not be understood returns exitUsage (as Go's flag package
// and most Unix tools do).
const (
	exitFailure = 1
	exitUsage   = 2
)

// Run runs artlens with the given arguments (without the program name) and
// returns the process exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "--version", "-version", "version":
			fmt.Fprintf(stdout, "artlens %s\n", Version)
			return 0
		case "--help", "-help", "-h", "help":
			if len(args) > 1 && args[0] == "help" {
				return help(args[1], stdout, stderr)
			}
			usage(stdout)
			return 0
		}
		if c, ok := commands[args[0]]; ok {
			return c.run(args[1:], stdout, stderr)
		}
		if err := checkFirstWord(args[0]); err != nil {
			return usageError(stderr, "", "%v", err)
		}
	}
	return runWindow(args, stdout, stderr)
}

// help prints the help of the named command on stdout.
func help(name string, stdout, stderr io.Writer) int {
	if name == "window" {
		windowFlags(stdout, io.Discard, &windowOptions{}).help()
		return 0
	}
	c, ok := commands[name]
	if !ok {
		return usageError(stderr, "", "%v", unknownCommand(name))
	}
	return c.run([]string{"--help"}, stdout, stderr)
}

// checkFirstWord reports why a first word that is not a command cannot
// start the window either: it must be an option or an existing file or
// folder to open. A mistyped command ("predcit") must not open the window
// with a notice about a missing file.
func checkFirstWord(word string) error {
	if strings.HasPrefix(word, "-") {
		return nil
	}
	_, err := os.Stat(word)
	if err == nil {
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil // the window says why it cannot be read
	}
	if looksLikePath(word) {
		return fmt.Errorf("there is no file or folder %q to open, and it is not a command", word)
	}
	return unknownCommand(word)
}

// looksLikePath reports whether word reads as a file name rather than a
// command: it has a folder separator or an extension.
func looksLikePath(word string) bool {
	return strings.ContainsAny(word, `/\`) || filepath.Ext(word) != ""
}

// unknownCommand is the error for a word that is not a command, with the
// nearest command suggested when one is close.
func unknownCommand(word string) error {
	if near := nearestCommand(word); near != "" {
		return fmt.Errorf("unknown command %q; did you mean %q?", word, near)
	}
	return fmt.Errorf("unknown command %q", word)
}

// nearestCommand returns the command whose name is closest to word by edit
// distance, if it is within two edits (or word is a prefix of it), else "".
func nearestCommand(word string) string {
	best, bestDist := "", 3
	for _, name := range commandNames() {
		d := editDistance(strings.ToLower(word), name)
		if strings.HasPrefix(name, strings.ToLower(word)) && len(word) >= 2 {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (optimal string
// alignment) between a and b, so that a swap of two letters counts once.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "artlens %s: see what a convolutional network for art images sees.\n\n", Version)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  artlens [WINDOW OPTIONS] [IMAGE|FOLDER...]  open the desktop app (with these images)")
	fmt.Fprintln(w, "  artlens COMMAND [OPTIONS]                   run a command without a window")
	fmt.Fprintln(w, "  artlens help COMMAND                        the options of a command")
	fmt.Fprintln(w, "\nCommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "  %-10s %s\n", "version", "print the version (also --version)")
	fmt.Fprintln(w, "\nWindow options:")
	fs := windowFlags(w, io.Discard, &windowOptions{})
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// fail prints a one-line reason for a failed command and returns
// exitFailure.
func fail(stderr io.Writer, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintln(stderr, "artlens: "+oneLine(msg))
	return exitFailure
}

// usageError prints a one-line reason for a command line that cannot be
// run, with a hint to the help of cmd ("" for the general help), and
// returns exitUsage.
func usageError(stderr io.Writer, cmd, format string, a ...any) int {
	hint := "artlens --help"
	if cmd != "" {
		hint = "artlens " + cmd + " --help"
	}
	msg := oneLine(fmt.Sprintf(format, a...))
	fmt.Fprintf(stderr, "artlens: %s (see '%s')\n", msg, hint)
	return exitUsage
}

// oneLine joins the lines of a message with "; ", so that each message is
// one line of stderr.
func oneLine(s string) string {
	var parts []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, "; ")
}
