//go:build unix

package engine

import "syscall"

// cpuSeconds returns the CPU time (user and system) this process has used
// so far: on a shared machine, CPU time per image is steadier than wall
// time, and with wall time shows how much of the two cores a run got.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
