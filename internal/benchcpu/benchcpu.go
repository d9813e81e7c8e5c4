// Package benchcpu reports a benchmark's process CPU time per operation, as
// the metric cpu-ns/op, beside the wall time go test reports as ns/op. On a
// machine shared with other work, CPU time per operation is far steadier
// than wall time, which also counts the time spent waiting for a core;
// bench/cmd/bench takes its ratios from cpu-ns/op where both sides report it.
package benchcpu

import "testing"

// Start begins measuring; call the returned function after the timed loop.
// It reports nothing where the platform gives no CPU time (see processCPU).
//
//	stop := benchcpu.Start(b)
//	for b.Loop() { ... }
//	stop()
func Start(b *testing.B) (stop func()) {
	b.Helper()
	start := processCPU()
	return func() {
		if start > 0 && b.N > 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
