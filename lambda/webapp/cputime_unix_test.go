//go:build unix

package webapp_test

import "syscall"

// processCPU returns the user plus system CPU time the process has used, in
// nanoseconds. On a machine shared with other work, CPU time per operation
// is far steadier than wall time, which counts the time spent waiting for a
// core.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
