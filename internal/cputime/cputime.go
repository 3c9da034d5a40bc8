// Package cputime reads the CPU time the process has used, for the
// benchmarks: on a shared machine, CPU time per operation moves less
// than wall time, and CPU time over wall time says how many cores a run
// was given.
package cputime

// Seconds returns the user and system CPU time used so far by the
// process, or 0 where it is not measured (see cputime_unix.go).
func Seconds() float64 { return seconds() }
