package app

import (
	"flag"
	"fmt"
	"io"
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

// Run runs artlens with the given arguments (without the program name) and
// returns the process exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "--version", "-version", "version":
			fmt.Fprintf(stdout, "artlens %s\n", Version)
			return 0
		case "--help", "-help", "-h", "help":
			usage(stdout)
			return 0
		}
		if c, ok := commands[args[0]]; ok {
			return c.run(args[1:], stdout, stderr)
		}
	}
	return runWindow(args, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "artlens %s: see what a convolutional network for art images sees.\n\n", Version)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  artlens [IMAGE...]          open the desktop app (with these images)")
	fmt.Fprintln(w, "  artlens COMMAND [OPTIONS]   run a command; 'artlens COMMAND --help' for its options")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "  --version  print the version")
}

// newFlags returns a flag set for a subcommand whose errors and help go to
// stderr; parse it with parseFlags.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: artlens %s %s\n\nOptions:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and reports the exit code to return when parsing
// ended the command: 0 after --help, 2 on a bad flag (the flag package has
// already printed a one-line reason). ok is false in both cases.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	// Allow flags after positional arguments ("predict a.jpg --json").
	var positional []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				return 0, false
			}
			return 2, false
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	_ = fs.Parse(append([]string{"--"}, positional...))
	return 0, true
}

// fail prints a one-line reason for a failed command and returns exit code 1.
func fail(stderr io.Writer, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintln(stderr, "artlens: "+strings.TrimSpace(msg))
	return 1
}
