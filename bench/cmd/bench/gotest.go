package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// testEvent is one line of go test -json.
type testEvent struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
}

// testRun is what one go test -json run reported, per package.
type testRun struct {
	elapsed map[string]float64 // package → seconds its test binary ran
	failed  []string           // packages that failed (tests or build)
}

func parseTestJSON(out []byte) testRun {
	tr := testRun{elapsed: map[string]float64{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev testEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Test != "" || ev.Package == "" {
			continue
		}
		switch ev.Action {
		case "pass", "skip":
			tr.elapsed[ev.Package] = ev.Elapsed
		case "fail":
			tr.elapsed[ev.Package] = ev.Elapsed
			if !slices.Contains(tr.failed, ev.Package) {
				tr.failed = append(tr.failed, ev.Package)
			}
		}
	}
	return tr
}

func benchTests(e *env) error {
	project := []string{"./..."}
	// The floor's test is behind the bench build tag, so ./... (and make
	// test) never runs it.
	floor := []string{"-tags", "bench", "./bench/trivial/..."}
	args := func(extra []string, pkgs []string) []string {
		return append(append([]string{"test", "-count=1"}, extra...), pkgs...)
	}

	// Which test binaries link jsii-runtime-go, and so can start a jsii kernel.
	jsiiPkgs := map[string]bool{}
	if out, err := e.mustRun(e.command("go", "list", "-test", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", "./...")); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			if len(f) > 0 && strings.HasSuffix(f[0], ".test") && slices.Contains(f[1:], "github.com/aws/jsii-runtime-go") {
				jsiiPkgs[strings.TrimSuffix(f[0], ".test")] = true
			}
		}
	}

	warm := []string{}
	if !e.opts.fullWarm {
		warm = []string{"-run", "^$"}
	}
	for _, pkgs := range [][]string{project, floor} {
		e.logf("warm-up (untimed): go %s", strings.Join(args(warm, pkgs), " "))
		r := timed(e.command("go", args(warm, pkgs)...))
		e.logf("  %s", r.wall.Round(1e7))
	}

	var pw, fw []float64
	var runs []testRun
	var failed []string
	n := e.opts.testRuns
	for i := range n {
		for _, which := range []string{"project", "floor"} {
			pkgs := project
			if which == "floor" {
				pkgs = floor
			}
			// -json costs next to nothing and gives each package's time.
			r := timed(e.command("go", args([]string{"-json"}, pkgs)...))
			tr := parseTestJSON(r.out)
			if r.err != nil && len(tr.failed) == 0 {
				return fmt.Errorf("go test %s: %w\n%s", strings.Join(pkgs, " "), r.err, tail(r.out, 30))
			}
			if which == "project" {
				pw = append(pw, r.wall.Seconds())
				runs = append(runs, tr)
				for _, p := range tr.failed {
					if !slices.Contains(failed, p) {
						failed = append(failed, p)
					}
				}
			} else {
				fw = append(fw, r.wall.Seconds())
				if len(tr.failed) > 0 {
					return fmt.Errorf("the floor's test failed: %s", tail(r.out, 30))
				}
			}
			e.logf("go test %-20s %d/%d: %5.2f s wall, %5.2f s CPU%s", strings.Join(pkgs, " "), i+1, n,
				r.wall.Seconds(), r.cpu.Seconds(), failNote(tr.failed))
		}
	}
	mp, mf := median(pw), median(fw)
	proj := seconds(mp)
	if len(failed) > 0 {
		proj += " (tests failing)"
	}
	e.addRow(row{
		measure: fmt.Sprintf("go test ./... -count=1, warm build cache (median of %d, wall)", n),
		project: proj, floor: seconds(mf) + " (one synth test)", ratio: mp / mf,
		target: "≤ 3×", met: yesNo(mp/mf <= 3),
	})

	// Per package: the median time its test binary ran, slowest first.
	type pkgTime struct {
		pkg string
		sec float64
	}
	var pts []pkgTime
	var sum float64
	for pkg := range runs[0].elapsed {
		var xs []float64
		for _, r := range runs {
			if s, ok := r.elapsed[pkg]; ok {
				xs = append(xs, s)
			}
		}
		pts = append(pts, pkgTime{pkg, median(xs)})
		sum += median(xs)
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].sec > pts[j].sec })
	var parts []string
	for _, p := range pts {
		if p.sec < 0.05 {
			continue
		}
		s := fmt.Sprintf("%s %s", strings.TrimPrefix(p.pkg, e.mod+"/"), seconds(p.sec))
		if jsiiPkgs[p.pkg] {
			s += " (jsii)"
		}
		parts = append(parts, s)
	}
	e.notef("go test: wall %s vs %s (both with -json, for the per-package times). Median time each test binary ran "+
		"(`(jsii)`: links jsii-runtime-go), slowest first: %s; %s in all, up to %d binaries at once; "+
		"the rest of the wall time is building and linking the test binaries.",
		spread(pw, seconds), spread(fw, seconds), strings.Join(parts, ", "), seconds(sum), e.cpus())
	if len(failed) > 0 {
		e.notef("**go test ./... failed** in %s during the timed runs (the timings still count the run).", strings.Join(failed, ", "))
	}
	return nil
}

func failNote(failed []string) string {
	if len(failed) == 0 {
		return ""
	}
	return " (FAIL: " + strings.Join(failed, ", ") + ")"
}
