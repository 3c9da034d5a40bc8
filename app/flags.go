package app

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/artlens/artlens/internal/shard"
)

// flagSet is a subcommand's flag set: its help goes to stdout (so that
// `artlens predict --help | less` works) and each parse error becomes one
// line on stderr with a hint to that help.
type flagSet struct {
	*flag.FlagSet
	stdout, stderr io.Writer
	// help prints the help on stdout. (FlagSet.Usage stays silent: package
	// flag calls it on every parse error too.)
	help func()
}

// newFlags returns the flag set of the subcommand name, whose synopsis is
// shown in its help; parse it with parseFlags.
func newFlags(name, synopsis string, stdout, stderr io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), stdout: stdout, stderr: stderr}
	fs.SetOutput(io.Discard) // parseFlags words the errors itself
	fs.Usage = func() {}
	fs.help = func() {
		fmt.Fprintf(stdout, "Usage: artlens %s %s\n", name, synopsis)
		if c, ok := commands[name]; ok {
			fmt.Fprintf(stdout, "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
		}
		fmt.Fprintln(stdout, "\nOptions:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args and reports the exit code to return when parsing
// ended the command: 0 after --help (printed on stdout), exitUsage on a bad
// option (a one-line reason printed on stderr). ok is false in both cases.
// Flags may follow positional arguments ("predict a.jpg --json").
func parseFlags(fs *flagSet, args []string) (code int, ok bool) {
	var positional []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				fs.help()
				return 0, false
			}
			return usageError(fs.stderr, fs.Name(), "%s", flagError(fs.FlagSet, err)), false
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

var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	missingValue  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	badValue      = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]*): (.*)$`)
)

// flagError rewords an error of package flag as a sentence about the
// command's options, naming the option as users type it (--name).
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unknown option --%s", m[1])
	}
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("option --%s needs a value", m[1])
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		value, name := m[1], m[2]
		want := "another value"
		if f := fs.Lookup(name); f != nil {
			if _, ok := f.Value.(*shard.Shard); ok {
				want = m[3] // the Set error says what it wants
			} else if g, ok := f.Value.(flag.Getter); ok {
				switch g.Get().(type) {
				case bool:
					want = "true or false"
				case int, int64, uint, uint64:
					want = "a whole number"
				case float64:
					want = "a number"
				}
			}
		}
		return fmt.Sprintf("option --%s wants %s, not %q", name, want, value)
	}
	return strings.TrimPrefix(msg, "flag ")
}
