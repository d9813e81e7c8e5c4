// Command bench measures the project against its floors and prints each figure
// side by side with the floor, as medians and ratios (make bench):
//
//   - synth: the app synthesizing cdk.json's example configuration (its first
//     stage, with -c stage=), with the function's asset already in the output
//     directory, against a one-queue Go CDK app (bench/trivial); both
//     prebuilt, alternating;
//   - stages: synth time against the number of stages (1, 2, 3), each against
//     one stage;
//   - tests: go test ./... against go test ./bench/trivial/..., warm build
//     cache, alternating;
//   - testtime: make test's go test commands (-race on RACE_PKGS) against the
//     same one-synth test, warm build cache; and make test with an empty
//     build cache (a fresh GOCACHE) against go build ./... with one;
//   - the function per request: the identity page as lambda/whoami serves
//     it, verifying both tokens, against the two bare signature checks it
//     rests on (P-256 and RSA-2048); one token's verification against a bare
//     P-256 check; the same comparisons for a route needing the access
//     token and for the ALB adapter;
//   - the function's cold start through a local Lambda Runtime API, against an
//     aws-lambda-go function that does nothing (bench/floorfn);
//   - the function's deployment package, built as the stack builds it.
//
// The apps and the function are built from a copy of the source taken at the
// start, so edits made while it runs do not change what is measured; every
// child's temporary files live in a work directory removed at the end. Progress
// goes to stderr, the summary table (markdown) to stdout and to
// bench/results.md. It takes about four minutes on two busy cores, plus the
// testtime section's warm runs and its cold-build-cache runs (minutes each,
// outside the 5-minute budget; -cold-test-runs 0 skips them); -only runs some
// sections, and go run ./bench/cmd/bench -h lists the other flags.
// Nothing here is part of make test.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// options are the command's flags.
type options struct {
	synthRuns    int
	testRuns     int
	coldRuns     int
	coldTestRuns int
	benchCnt     int
	benchTime    string
	only         string
	results      string
	keep         bool
	fullWarm     bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == captureCommand {
		captureEnv(os.Args[2:])
		return
	}
	var o options
	flag.IntVar(&o.synthRuns, "synth-runs", 5, "timed synth runs of each app")
	flag.IntVar(&o.testRuns, "test-runs", 3, "timed go test runs of each")
	flag.IntVar(&o.coldRuns, "cold-runs", 21, "cold starts of each function")
	flag.IntVar(&o.coldTestRuns, "cold-test-runs", 1, "cold-build-cache runs of make test and of go build ./... (testtime; minutes each)")
	flag.IntVar(&o.benchCnt, "bench-count", 6, "go test -count for the function benchmarks")
	flag.StringVar(&o.benchTime, "benchtime", "1s", "go test -benchtime for the function benchmarks")
	flag.StringVar(&o.only, "only", "", "comma-separated sections to run (synth,stages,test,testtime,func,cold,pkg); default all")
	flag.StringVar(&o.results, "results", "bench/results.md", "where to write the summary table (empty: nowhere)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (binaries, cloud assemblies, logs)")
	flag.BoolVar(&o.fullWarm, "full-warmup", true, "warm up go test with one full untimed run of each (false: build and link only, with -run '^$')")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// env is what every section shares.
type env struct {
	root string // module root
	mod  string // module path
	work string // scratch directory
	log  io.Writer
	opts options
	// sections collect their rows and notes here.
	rows  []row
	notes []string
	// snap is a copy of what the synth and the function's build read (see snapshot).
	snap string
	// synthAsset is the function binary the synth section's cold run bundled.
	synthAsset string
	// outsideBudget is time spent on purpose beyond the 5-minute budget (the
	// cold-build-cache runs of make test and go build).
	outsideBudget time.Duration
}

func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.log, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func (e *env) notef(format string, args ...any) {
	e.notes = append(e.notes, fmt.Sprintf(format, args...))
}

func run(o options) error {
	start := time.Now()
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if err := os.Chdir(root); err != nil {
		return err
	}
	prepareEnviron(root)
	work, err := os.MkdirTemp("", "albbench-")
	if err != nil {
		return err
	}
	if o.keep {
		defer fmt.Fprintf(os.Stderr, "work directory kept: %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	// Every child's temporary files go under the work directory, which is
	// removed at the end: a test binary that links jsii-runtime-go but never
	// calls jsii.Close leaves its extracted runtime (2 MB) in $TMPDIR.
	tmp := filepath.Join(work, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return err
	}
	os.Setenv("TMPDIR", tmp)
	e := &env{root: root, work: work, log: os.Stderr, opts: o, snap: filepath.Join(work, "src")}
	out, err := e.command("go", "list", "-m").Output()
	if err != nil {
		return fmt.Errorf("go list -m: %w", err)
	}
	e.mod = strings.TrimSpace(string(out))
	if err := snapshot(root, e.snap); err != nil {
		return err
	}
	m := describeMachine(root)

	sections := []struct {
		name string
		f    func(*env) error
	}{
		{"synth", benchSynth},
		{"stages", benchStages},
		{"test", benchTests},
		{"testtime", benchTestTime},
		{"func", benchFunction},
		{"cold", benchColdStart},
		{"pkg", benchPackage},
	}
	want := map[string]bool{}
	for _, s := range strings.Split(o.only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[s] = true
		}
	}
	var failed []string
	for _, s := range sections {
		if len(want) > 0 && !want[s.name] {
			continue
		}
		t0 := time.Now()
		e.logf("== %s", s.name)
		if err := s.f(e); err != nil {
			failed = append(failed, s.name)
			e.logf("!! %s failed: %v", s.name, err)
			e.notef("**%s could not be measured**: %v", s.name, err)
		}
		e.logf("== %s done in %s", s.name, time.Since(t0).Round(100*time.Millisecond))
	}
	m.loadEnd = loadAvg()
	m.elapsed = time.Since(start)
	if m.elapsed-e.outsideBudget > 5*time.Minute {
		e.notef("**This run took %s (%s without the cold-build-cache runs), over the 5-minute budget**: the machine was busy (load average %s at the end); "+
			"fewer runs: -synth-runs, -test-runs, -benchtime.", m.elapsed.Round(time.Second), (m.elapsed - e.outsideBudget).Round(time.Second), m.loadEnd)
	}

	report := renderReport(m, e.rows, e.notes)
	fmt.Println()
	fmt.Print(report)
	if o.results != "" {
		if err := os.WriteFile(filepath.Join(root, o.results), []byte(report), 0o644); err != nil {
			return err
		}
		fmt.Printf("\n(written to %s)\n", o.results)
	}
	if len(failed) > 0 {
		return fmt.Errorf("sections failed: %s", strings.Join(failed, ", "))
	}
	return nil
}
