package main

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The function's benchmarks and the floors they are compared with, each
// named <package under lambda/>.<benchmark> (several packages have a
// BenchmarkVerify).
const (
	// The identity page as lambda/whoami serves it: event JSON in, both
	// tokens verified (warm key caches), page, log line, response JSON out.
	// Its floor is twoSigsBench: it verifies the same two tokens.
	handlerBench  = "webapp.BenchmarkHandler"
	verifyBench   = "albjwt.BenchmarkVerify"      // one token verification, warm key cache
	baselineBench = "albjwt.BenchmarkECDSAVerify" // sha256 + one bare P-256 ecdsa.Verify
	// A request on a route that needs the access token, through the
	// identity middleware, against the two bare signature checks it rests on.
	accessBench  = "identity.BenchmarkAccessRoute"    // both tokens, route, group, handler, log line
	twoSigsBench = "identity.BenchmarkES256PlusRS256" // sha256 + P-256 verify, sha256 + RSA-2048 verify
	// The identity page as lambda/whoami runs it (ALB adapter, middleware,
	// page; event JSON in, response JSON out) against the handler on main
	// before the adapter (bench/directhandler), both on the same request.
	adapterBench = "directhandler.BenchmarkAdapterIdentityPage"
	directBench  = "directhandler.BenchmarkDirectIdentityPage"
	// The log line's metric fields: the access-route request without and
	// with them, in one binary (Options.NoMetrics), so that their
	// difference is the fields' cost, compared with a request on the
	// default route (handlerBench).
	metricsWithout = "identity.BenchmarkAccessRouteMetrics/without"
	metricsWith    = "identity.BenchmarkAccessRouteMetrics/with"
)

// benchSample is one line of go test -bench output.
type benchSample struct {
	nsPerOp     float64
	cpuNsPerOp  float64 // process CPU time per op, where the benchmark reports cpu-ns/op
	bytesPerOp  float64
	allocsPerOp float64
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parseBench reads go test -bench output: "<package base>.<benchmark name>"
// (without the -GOMAXPROCS suffix) → samples, and the package each came
// from.
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
		name := pkg[strings.LastIndexByte(pkg, '/')+1:] + "." + procSuffix.ReplaceAllString(f[0], "")
		var s benchSample
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				s.nsPerOp = v
			case "cpu-ns/op":
				s.cpuNsPerOp = v
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
	names := []string{handlerBench, verifyBench, baselineBench, accessBench, twoSigsBench, adapterBench, directBench, metricsWithout, metricsWith}
	var funcs, pkgDirs []string
	for _, n := range names {
		pkg, fn, _ := strings.Cut(n, ".")
		fn, _, _ = strings.Cut(fn, "/") // -bench's pattern names the top level; sub-benchmarks all run
		if !slices.Contains(funcs, fn) {
			funcs = append(funcs, fn)
		}
		d := "./lambda/" + pkg
		if pkg == "directhandler" {
			d = "./bench/directhandler"
		}
		if !slices.Contains(pkgDirs, d) {
			pkgDirs = append(pkgDirs, d)
		}
	}
	args := append([]string{"test", "-run", "^$", "-bench", "^(" + strings.Join(funcs, "|") + ")$",
		"-benchmem", "-count=" + strconv.Itoa(e.opts.benchCnt), "-benchtime=" + e.opts.benchTime}, pkgDirs...)
	e.logf("go %s", strings.Join(args, " "))
	out, err := e.mustRun(e.command("go", args...))
	if err != nil {
		return err
	}
	samples, _ := parseBench(out)
	var missing []string
	for _, n := range names {
		if len(samples[n]) == 0 {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no results for %s under lambda/ or bench/directhandler (grep 'func Benchmark' and update bench/cmd/bench/funcbench.go)",
			strings.Join(missing, ", "))
	}
	med := func(name string, f func(benchSample) float64) float64 { return median(collect(samples[name], f)) }
	ns := func(s benchSample) float64 { return s.nsPerOp }
	allocs := func(s benchSample) float64 { return s.allocsPerOp }
	bytesOp := func(s benchSample) float64 { return s.bytesPerOp }
	show := func(name string) string {
		return fmt.Sprintf("%s, %.0f allocs, %.0f B/op", nanos(med(name, ns)), med(name, allocs), med(name, bytesOp))
	}
	short := func(name string) string { return name }
	// On a shared machine wall time per op mostly measures the wait for a
	// core; the benchmarks that verify both tokens also report process CPU
	// time per op, and their ratios use it when both sides have it.
	cpu := func(s benchSample) float64 { return s.cpuNsPerOp }
	showCPU := func(name string) string {
		return fmt.Sprintf("%s CPU (%s wall), %.0f allocs, %.0f B/op", nanos(med(name, cpu)), nanos(med(name, ns)), med(name, allocs), med(name, bytesOp))
	}
	// twoTokenRow compares a benchmark that verifies both tokens with the
	// two bare signature checks.
	twoTokenRow := func(name, what, target string, limit float64) {
		unit, per, shw := "ns/op", ns, show
		if med(name, cpu) > 0 && med(twoSigsBench, cpu) > 0 {
			unit, per, shw = "process CPU ns/op", cpu, showCPU
		}
		r := med(name, per) / med(twoSigsBench, per)
		e.addRow(row{
			measure: fmt.Sprintf("%s: %s (median of %d, %s)", what, short(name), len(samples[name]), unit),
			project: shw(name), floor: shw(twoSigsBench) + " (" + short(twoSigsBench) + ")", ratio: r,
			target: target, met: yesNo(r <= limit),
		})
		e.logf("%s: %s; spread %s", short(name), show(name), spread(collect(samples[name], ns), nanos))
	}
	twoTokenRow(handlerBench, "function per request, identity page with both tokens", "≤ 1.5×", 1.5)
	base := med(baselineBench, ns)
	r := med(verifyBench, ns) / base
	e.addRow(row{
		measure: fmt.Sprintf("function per request: %s (median of %d, ns/op)", short(verifyBench), len(samples[verifyBench])),
		project: show(verifyBench), floor: show(baselineBench) + " (" + short(baselineBench) + ")", ratio: r,
		target: "≤ 1.5×", met: yesNo(r <= 1.5),
	})
	e.logf("%s: %s; spread %s", short(verifyBench), show(verifyBench), spread(collect(samples[verifyBench], ns), nanos))
	e.logf("%s: %s; spread %s", short(baselineBench), show(baselineBench), spread(collect(samples[baselineBench], ns), nanos))
	twoTokenRow(accessBench, "function per request on a route needing the access token", "≤ 1.25×", 1.25)
	e.logf("%s: %s; spread %s", short(twoSigsBench), show(twoSigsBench), spread(collect(samples[twoSigsBench], ns), nanos))
	r = med(adapterBench, ns) / med(directBench, ns)
	e.addRow(row{
		measure: fmt.Sprintf("identity page through the ALB adapter: %s (median of %d, ns/op)", short(adapterBench), len(samples[adapterBench])),
		project: show(adapterBench), floor: show(directBench) + " (" + short(directBench) + ", the handler before the adapter)", ratio: r,
		target: "≤ 1.1×", met: yesNo(r <= 1.1),
	})
	e.logf("%s: %s; spread %s", short(adapterBench), show(adapterBench), spread(collect(samples[adapterBench], ns), nanos))
	e.logf("%s: %s; spread %s", short(directBench), show(directBench), spread(collect(samples[directBench], ns), nanos))
	fields := med(metricsWith, cpu) - med(metricsWithout, cpu)
	r = fields / med(handlerBench, cpu)
	e.addRow(row{
		measure: fmt.Sprintf("the log line's metric fields per request: %s minus %s (medians of %d, process CPU ns/op), against a request on the default route",
			short(metricsWith), short(metricsWithout), len(samples[metricsWith])),
		project: nanos(fields) + " CPU (" + showCPU(metricsWith) + " with, " + showCPU(metricsWithout) + " without)",
		floor:   showCPU(handlerBench) + " (" + short(handlerBench) + ")", ratio: r,
		target: "≤ 0.02×", met: yesNo(r <= 0.02),
	})
	return nil
}
