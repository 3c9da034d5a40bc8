// Package app is the artlens program: it parses the command line, runs the
// subcommands (summary, predict, eval, train, maps, explain, compare, plot)
// and, with no subcommand, opens the desktop window of package ui. One file
// per command.
package app
