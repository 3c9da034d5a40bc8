// Package clocale keeps Fyne from logging an error at start-up under the
// C locale with an encoding, such as Debian's default LANG=C.UTF-8.
//
// Fyne (v2.7) reads the user's languages through jeandeaual/go-locale,
// which takes "C.UTF-8" for the language "C" and fails to parse it:
// "Fyne error: Error parsing user locale C" on every start, command-line
// commands included. The C locale means no particular language, so this
// package sets LANGUAGE=en when the locale is C or POSIX with an encoding
// and LANGUAGE is unset; any other locale is left as it is.
//
// Fyne reads the locale in a package init function, so this must run
// first. Go initialises packages in import-path order among those whose
// imports are done; this package imports only os, and its path sorts
// before github.com/jeandeaual/go-locale, which Fyne's lang package waits
// for, so a blank import of it anywhere in the program is enough.
package clocale

import (
	"os"
	"strings"
)

func init() { setLanguage() }

// setLanguage sets LANGUAGE=en if it is unset and the locale in force is C
// or POSIX with an encoding.
func setLanguage() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	// The variables in the order gettext (and go-locale) reads them.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
