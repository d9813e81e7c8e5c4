package benchcpu

import (
	"flag"
	"runtime"
	"testing"
)

// TestStartReportsCPU runs a benchmark that burns CPU and checks that
// cpu-ns/op is reported and plausible: more than zero, and not wildly more
// than the wall time per operation times the number of processors.
func TestStartReportsCPU(t *testing.T) {
	if processCPU() == 0 {
		t.Skip("no process CPU time on this platform")
	}
	// testing.Benchmark runs for -test.benchtime, a second by default: a
	// tenth of it is plenty to measure the CPU of.
	bt := flag.Lookup("test.benchtime")
	old := bt.Value.String()
	if err := bt.Value.Set("100ms"); err != nil {
		t.Fatal(err)
	}
	defer bt.Value.Set(old)
	sink := 0
	res := testing.Benchmark(func(b *testing.B) {
		stop := Start(b)
		for b.Loop() {
			for i := range 20000 {
				sink += i * i
			}
		}
		stop()
	})
	_ = sink
	cpu, ok := res.Extra["cpu-ns/op"]
	if !ok {
		t.Fatalf("no cpu-ns/op metric in %v", res.Extra)
	}
	wall := float64(res.NsPerOp())
	if cpu <= 0 || cpu > wall*float64(runtime.NumCPU())*4+1e6 {
		t.Fatalf("cpu-ns/op %.0f implausible against %.0f ns/op wall", cpu, wall)
	}
}
