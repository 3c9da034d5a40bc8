// Package killtest checks that a writer survives being killed at any
// moment: a test re-executes its own binary as a child that writes a file
// over and over, kills it (SIGKILL on Unix, TerminateProcess on Windows)
// after a random delay, and checks what is on the disk.
package killtest
