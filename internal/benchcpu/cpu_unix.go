//go:build unix

package benchcpu

import "syscall"

// processCPU returns the user plus system CPU time the process has used, in
// nanoseconds (garbage collection included), or 0 if it cannot be read.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
