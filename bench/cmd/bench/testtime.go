package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// benchTestTime measures make test as a developer meets it (issue 19):
//
//   - cold: make test with an empty build cache (a fresh GOCACHE; modules
//     downloaded and node_modules installed, so deps does nothing) against
//     go build ./... with an empty build cache;
//   - warm: the go test commands make test runs (-race on RACE_PKGS, the rest
//     without), warm build cache, against the one-synth test under
//     bench/trivial, alternating.
//
// Both run in the module root, as make test does (it needs node_modules).
func benchTestTime(e *env) error {
	if err := benchWarmMakeTest(e); err != nil {
		return err
	}
	return benchColdMakeTest(e)
}

// makeVar reads a variable's value from the Makefile, so the bench runs what
// make test runs.
func makeVar(root, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s*:?=\s*(.*)$`).FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("no %s in the Makefile", name)
	}
	return strings.TrimSpace(string(m[1])), nil
}

// makeTestCommands are the go test commands of make test's recipe, with its
// GO_TEST_FLAGS: -race on RACE_PKGS (with RACE_ENV's variables), then every
// other package of ./... without it, TEST_FIRST first. A leading NAME=value
// argument is an environment variable.
func makeTestCommands(e *env) ([][]string, error) {
	pkgs, err := makeVar(e.root, "RACE_PKGS")
	if err != nil {
		return nil, err
	}
	race := strings.Fields(pkgs)
	raceEnv, err := makeVar(e.root, "RACE_ENV")
	if err != nil {
		return nil, err
	}
	first, err := makeVar(e.root, "TEST_FIRST")
	if err != nil {
		return nil, err
	}
	flagsVar, err := makeVar(e.root, "GO_TEST_FLAGS")
	if err != nil {
		return nil, err
	}
	flags := strings.Fields(flagsVar)
	all, err := e.mustRun(e.command("go", append(append([]string{"list"}, strings.Fields(first)...), "./...")...))
	if err != nil {
		return nil, err
	}
	raced, err := e.mustRun(e.command("go", append([]string{"list"}, race...)...))
	if err != nil {
		return nil, err
	}
	skip := strings.Fields(string(raced))
	var rest []string
	for _, p := range strings.Fields(string(all)) {
		if !slices.Contains(skip, p) {
			rest = append(rest, p)
		}
	}
	return [][]string{
		slices.Concat(strings.Fields(raceEnv), []string{"test", "-race"}, flags, race),
		slices.Concat([]string{"test"}, flags, rest),
	}, nil
}

// splitEnv splits a command's leading NAME=value arguments from the go
// arguments.
func splitEnv(c []string) (vars map[string]string, args []string) {
	vars = map[string]string{}
	for len(c) > 0 && strings.Contains(c[0], "=") && !strings.HasPrefix(c[0], "-") {
		k, v, _ := strings.Cut(c[0], "=")
		vars[k] = v
		c = c[1:]
	}
	return vars, c
}

// seq runs the go commands one after the other (as make's recipe does) and
// sums their wall and CPU times; it stops at the first failure.
func (e *env) seq(cmds [][]string, extra []string, environ []string) (result, []float64) {
	var sum result
	var walls []float64
	for _, c := range cmds {
		vars, c := splitEnv(c)
		args := append(append(slices.Clone(c[:1]), extra...), c[1:]...)
		cmd := e.command("go", args...)
		cmd.Env = environ
		if len(vars) > 0 {
			if cmd.Env == nil {
				cmd.Env = os.Environ()
			}
			cmd.Env = setEnv(cmd.Env, nil, vars)
		}
		r := timed(cmd)
		sum.wall += r.wall
		sum.cpu += r.cpu
		sum.out = append(sum.out, r.out...)
		walls = append(walls, r.wall.Seconds())
		if r.err != nil {
			sum.err = r.err
			break
		}
	}
	return sum, walls
}

func benchWarmMakeTest(e *env) error {
	cmds, err := makeTestCommands(e)
	if err != nil {
		return err
	}
	floor := [][]string{{"test", "-count=1", "-tags", "bench", "./bench/trivial/..."}}
	describe := func(cs [][]string) string {
		var s []string
		for _, c := range cs {
			vars, c := splitEnv(c)
			var prefix string
			for _, k := range slices.Sorted(maps.Keys(vars)) {
				prefix += k + "=" + vars[k] + " "
			}
			if len(c) > 8 {
				pkgs := 0
				for _, a := range c[1:] {
					if !strings.HasPrefix(a, "-") {
						pkgs++
					}
				}
				c = append(slices.Clone(c[:5]), fmt.Sprintf("… (%d packages)", pkgs))
			}
			s = append(s, prefix+"go "+strings.Join(c, " "))
		}
		return strings.Join(s, "; ")
	}
	var warm []string
	if !e.opts.fullWarm {
		warm = []string{"-run", "^$"}
	}
	for _, cs := range [][][]string{cmds, floor} {
		e.logf("warm-up (untimed): %s", describe(cs))
		r, _ := e.seq(cs, warm, nil)
		e.logf("  %s", r.wall.Round(1e7))
	}
	var runs sideBySide
	perCmd := make([][]float64, len(cmds))
	n := e.opts.testRuns
	for i := range n {
		for _, which := range []string{"project", "floor"} {
			cs := cmds
			if which == "floor" {
				cs = floor
			}
			r, walls := e.seq(cs, nil, nil)
			if which == "project" {
				for j, w := range walls {
					perCmd[j] = append(perCmd[j], w)
				}
			}
			note, err := runs.add(e, which, r, "the floor's test failed")
			if err != nil {
				return err
			}
			e.logf("warm %-7s %d/%d: %6.2f s wall, %6.2f s CPU%s (per command: %v)", which, i+1, n, r.wall.Seconds(), r.cpu.Seconds(), note, walls)
		}
	}
	pw, pc, fw, fc := runs.pw, runs.pc, runs.fw, runs.fc
	mp, mf := median(pw), median(fw)
	proj := fmt.Sprintf("%s (CPU %s)", seconds(mp), seconds(median(pc)))
	if runs.failing {
		proj += " (tests failing)"
	}
	e.addRow(row{
		measure: fmt.Sprintf("make test's go test commands (-race on RACE_PKGS, the rest without), warm build cache (median of %d, wall; CPU in brackets)", n),
		project: proj,
		floor:   fmt.Sprintf("%s (CPU %s) (one synth test)", seconds(mf), seconds(median(fc))),
		ratio:   mp / mf, target: "≤ 3×", met: yesNo(mp/mf <= 3),
	})
	var parts []string
	for j, ws := range perCmd {
		_, c := splitEnv(cmds[j])
		parts = append(parts, fmt.Sprintf("%s (%s)", seconds(median(ws)), strings.Join(c[:min(3, len(c))], " ")))
	}
	e.notef("make test, warm: %s, run one after the other, wall %s vs %s; median wall per command %s; CPU ratio %.2f×. go vet and actionlint are not in these figures.",
		describe(cmds), spread(pw, seconds), spread(fw, seconds), strings.Join(parts, " + "), median(pc)/median(fc))
	if runs.failing {
		e.notef("**make test's go test commands failed** during the warm timed runs (the timings still count the run).")
	}
	return nil
}

func benchColdMakeTest(e *env) error {
	n := e.opts.coldTestRuns
	if n < 1 {
		return nil
	}
	t0 := time.Now()
	defer func() { e.outsideBudget += time.Since(t0) }()
	// One fresh build cache per run: make test against go build ./...
	coldRun := func(name string, args ...string) (result, error) {
		cache, err := os.MkdirTemp(e.work, "gocache-")
		if err != nil {
			return result{}, err
		}
		if !e.opts.keep {
			defer os.RemoveAll(cache)
		}
		cmd := e.command(name, args...)
		cmd.Env = setEnv(os.Environ(), nil, map[string]string{"GOCACHE": cache})
		return timed(cmd), nil
	}
	var runs sideBySide
	for i := range n {
		for _, which := range []string{"floor", "project"} {
			var r result
			var err error
			t := time.Now()
			if which == "floor" {
				e.logf("cold go build ./... %d/%d (fresh GOCACHE) …", i+1, n)
				r, err = coldRun("go", "build", "./...")
			} else {
				e.logf("cold make test %d/%d (fresh GOCACHE; takes minutes) …", i+1, n)
				r, err = coldRun("make", "--no-print-directory", "test")
			}
			if err != nil {
				return err
			}
			note, err := runs.add(e, which, r, "cold go build ./...")
			if err != nil {
				return err
			}
			e.logf("cold %-7s %d/%d: %6.2f s wall, %6.2f s CPU%s (load %s, %s)", which, i+1, n,
				r.wall.Seconds(), r.cpu.Seconds(), note, loadAvg(), time.Since(t).Round(time.Second))
		}
	}
	pw, pc, fw, fc := runs.pw, runs.pc, runs.fw, runs.fc
	mp, mf := median(pw), median(fw)
	proj := fmt.Sprintf("%s (CPU %s)", seconds(mp), seconds(median(pc)))
	if runs.failing {
		proj += " (tests failing)"
	}
	of := "1 run"
	if n > 1 {
		of = fmt.Sprintf("median of %d", n)
	}
	e.addRow(row{
		measure: fmt.Sprintf("make test, cold build cache (fresh GOCACHE; modules and node_modules installed) (%s, wall; CPU in brackets)", of),
		project: proj,
		floor:   fmt.Sprintf("%s (CPU %s) (go build ./..., cold build cache)", seconds(mf), seconds(median(fc))),
		ratio:   mp / mf, target: "≤ 2×", met: yesNo(mp/mf <= 2),
	})
	e.notef("make test, cold: each run with its own empty GOCACHE (the module cache and node_modules as they are); "+
		"the whole recipe (go vet, actionlint, both go test commands), CPU of make and every process it waited for. "+
		"Wall %s vs %s; CPU ratio %.2f×.", spread(pw, seconds), spread(fw, seconds), median(pc)/median(fc))
	if runs.failing {
		e.notef("**cold make test failed** (the timings still count the run).")
	}
	return nil
}

// sideBySide gathers a project's and its floor's alternating timed runs.
type sideBySide struct {
	pw, pc, fw, fc []float64 // wall and CPU seconds: project, floor
	failing        bool      // a project run failed
}

// add records one run of which ("project" or "floor"). A failed floor
// ends the measure with an error beginning floorFailed; a failed project
// is counted, the end of its output logged, and the note says so.
func (s *sideBySide) add(e *env, which string, r result, floorFailed string) (note string, err error) {
	if which == "floor" {
		if r.err != nil {
			return "", fmt.Errorf("%s: %w\n%s", floorFailed, r.err, tail(r.out, 30))
		}
		s.fw, s.fc = append(s.fw, r.wall.Seconds()), append(s.fc, r.cpu.Seconds())
		return "", nil
	}
	if r.err != nil {
		s.failing = true
		note = " (FAIL)"
		e.logf("%s", tail(r.out, 20))
	}
	s.pw, s.pc = append(s.pw, r.wall.Seconds()), append(s.pc, r.cpu.Seconds())
	return note, nil
}
