package main

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The function's benchmarks (in lambda/) and the floor they are compared with.
const (
	handlerBench  = "BenchmarkHandler"     // one full request, warm key cache
	verifyBench   = "BenchmarkVerify"      // one token verification, warm key cache
	baselineBench = "BenchmarkECDSAVerify" // sha256 + one bare P-256 ecdsa.Verify
	// A request on a route that needs the access token, through the
	// identity middleware, against the two bare signature checks it rests on.
	accessBench  = "BenchmarkAccessRoute"    // both tokens, route, group, handler, log line
	twoSigsBench = "BenchmarkES256PlusRS256" // sha256 + P-256 verify, sha256 + RSA-2048 verify
)

// benchSample is one line of go test -bench output.
type benchSample struct {
	nsPerOp     float64
	bytesPerOp  float64
	allocsPerOp float64
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parseBench reads go test -bench output: benchmark name (without the
// -GOMAXPROCS suffix) → samples, and the package each came from.
func parseBench(out []byte) (map[string][]benchSample, map[string]string) {
	samples := map[string][]benchSample{}
	pkgs := map[string]string{}
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		var s benchSample
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				s.nsPerOp = v
			case "B/op":
				s.bytesPerOp = v
			case "allocs/op":
				s.allocsPerOp = v
			}
		}
		samples[name] = append(samples[name], s)
		pkgs[name] = pkg
	}
	return samples, pkgs
}

func benchFunction(e *env) error {
	names := []string{handlerBench, verifyBench, baselineBench, accessBench, twoSigsBench}
	args := []string{"test", "-run", "^$", "-bench", "^(" + strings.Join(names, "|") + ")$",
		"-benchmem", "-count=" + strconv.Itoa(e.opts.benchCnt), "-benchtime=" + e.opts.benchTime, "./lambda/..."}
	e.logf("go %s", strings.Join(args, " "))
	out, err := e.mustRun(e.command("go", args...))
	if err != nil {
		return err
	}
	samples, pkgs := parseBench(out)
	var missing []string
	for _, n := range names {
		if len(samples[n]) == 0 {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no results for %s under lambda/ (grep 'func Benchmark' lambda/ and update bench/cmd/bench/funcbench.go)",
			strings.Join(missing, ", "))
	}
	med := func(name string, f func(benchSample) float64) float64 { return median(collect(samples[name], f)) }
	ns := func(s benchSample) float64 { return s.nsPerOp }
	allocs := func(s benchSample) float64 { return s.allocsPerOp }
	bytesOp := func(s benchSample) float64 { return s.bytesPerOp }
	show := func(name string) string {
		return fmt.Sprintf("%s, %.0f allocs, %.0f B/op", nanos(med(name, ns)), med(name, allocs), med(name, bytesOp))
	}
	short := func(name string) string {
		p := pkgs[name]
		return p[strings.LastIndexByte(p, '/')+1:] + "." + name
	}
	base := med(baselineBench, ns)
	for _, n := range []string{handlerBench, verifyBench} {
		r := med(n, ns) / base
		e.addRow(row{
			measure: fmt.Sprintf("function per request: %s (median of %d, ns/op)", short(n), len(samples[n])),
			project: show(n), floor: show(baselineBench) + " (" + short(baselineBench) + ")", ratio: r,
			target: "≤ 1.5×", met: yesNo(r <= 1.5),
		})
		e.logf("%s: %s; spread %s", short(n), show(n), spread(collect(samples[n], ns), nanos))
	}
	e.logf("%s: %s; spread %s", short(baselineBench), show(baselineBench), spread(collect(samples[baselineBench], ns), nanos))
	r := med(accessBench, ns) / med(twoSigsBench, ns)
	e.addRow(row{
		measure: fmt.Sprintf("function per request on a route needing the access token: %s (median of %d, ns/op)", short(accessBench), len(samples[accessBench])),
		project: show(accessBench), floor: show(twoSigsBench) + " (" + short(twoSigsBench) + ")", ratio: r,
		target: "≤ 1.3×", met: yesNo(r <= 1.3),
	})
	e.logf("%s: %s; spread %s", short(accessBench), show(accessBench), spread(collect(samples[accessBench], ns), nanos))
	e.logf("%s: %s; spread %s", short(twoSigsBench), show(twoSigsBench), spread(collect(samples[twoSigsBench], ns), nanos))
	return nil
}
