package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/config"
)

// captureCommand is the hidden subcommand the CDK CLI runs as --app: see captureEnv.
const captureCommand = "capture-env"

// overflowVar names the file the CLI passes the context in when it is too
// large for an environment variable.
const overflowVar = "CONTEXT_OVERFLOW_LOCATION_ENV"

// captureEnv saves the variables the CDK CLI passes its app (CDK_CONTEXT_JSON
// with cdk.json's context and the CLI's defaults, CDK_OUTDIR, ...) to a JSON
// file, then execs the app. The timed runs start the app binary directly with
// exactly these variables: the app does what it does under `cdk synth`,
// without the CLI's own start-up, which is the same for every app.
//
// Usage: bench capture-env FILE APP [ARG...]
func captureEnv(args []string) {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench capture-env FILE APP [ARG...]")
		os.Exit(2)
	}
	file, bin := args[0], args[1]
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "CDK_") || k == overflowVar {
			vars[k] = v
		}
	}
	if p := vars[overflowVar]; p != "" {
		// The CLI deletes this file after the run: keep a copy.
		b, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "capture-env:", err)
			os.Exit(1)
		}
		vars[overflowVar] = file + ".context.json"
		if err := os.WriteFile(vars[overflowVar], b, 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "capture-env:", err)
			os.Exit(1)
		}
	}
	b, err := json.Marshal(vars)
	if err == nil {
		err = os.WriteFile(file, b, 0o600)
	}
	if err == nil {
		err = syscall.Exec(bin, append([]string{bin}, args[2:]...), os.Environ())
	}
	fmt.Fprintln(os.Stderr, "capture-env:", err)
	os.Exit(1)
}

// setEnv returns environ with the given variables set (replaced or added) and
// every variable for which drop reports true removed first.
func setEnv(environ []string, drop func(string) bool, vars map[string]string) []string {
	out := make([]string, 0, len(environ)+len(vars))
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if _, set := vars[k]; set || (drop != nil && drop(k)) {
			continue
		}
		out = append(out, kv)
	}
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	return out
}

// goLog records every go command the apps run: a wrapper named go, first on
// their PATH, appends its arguments to a file and execs the real go.
type goLog struct {
	dir  string // holds the wrapper; put it first on PATH
	file string
}

func newGoLog(work string) (*goLog, error) {
	realGo, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	if realGo, err = filepath.Abs(realGo); err != nil {
		return nil, err
	}
	g := &goLog{dir: filepath.Join(work, "gowrap"), file: filepath.Join(work, "go-calls.log")}
	if err := os.MkdirAll(g.dir, 0o755); err != nil {
		return nil, err
	}
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$*\" >> %s\nexec %s \"$@\"\n", shellQuote(g.file), shellQuote(realGo))
	return g, os.WriteFile(filepath.Join(g.dir, "go"), []byte(script), 0o755)
}

// calls returns the go commands run so far, one per line ("version", "build -o ...").
func (g *goLog) calls() []string {
	b, err := os.ReadFile(g.file)
	if err != nil {
		return nil
	}
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// path is PATH with the wrapper first.
func (g *goLog) path() string {
	return g.dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// synthApp is one app of the synth comparison.
type synthApp struct {
	name   string
	pkg    string // go build target
	bin    string
	outdir string
	vars   map[string]string // what the CLI passed it
	runs   []result
}

func (a *synthApp) cmd(e *env, g *goLog) *exec.Cmd {
	cmd := e.snapCommand(a.bin)
	vars := map[string]string{"PATH": g.path()}
	for k, v := range a.vars {
		vars[k] = v
	}
	cmd.Env = setEnv(os.Environ(), func(k string) bool { return strings.HasPrefix(k, "CDK_") || k == overflowVar }, vars)
	return cmd
}

func benchSynth(e *env) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	g, err := newGoLog(e.work)
	if err != nil {
		return err
	}
	project := &synthApp{name: "app", pkg: ".", bin: filepath.Join(e.work, "app"), outdir: filepath.Join(e.work, "cdk.out-app")}
	floor := &synthApp{name: "trivial", pkg: "./bench/trivial", bin: filepath.Join(e.work, "trivial"), outdir: filepath.Join(e.work, "cdk.out-trivial")}
	apps := []*synthApp{project, floor}
	for _, a := range apps {
		if strings.ContainsAny(a.bin+self, " \t'\"") {
			return fmt.Errorf("paths with spaces or quotes are not supported: %s", a.bin)
		}
		e.logf("go build -o %s %s (in the snapshot)", a.bin, a.pkg)
		if _, err := e.mustRun(e.snapCommand("go", "build", "-o", a.bin, a.pkg)); err != nil {
			return err
		}
	}

	// One run of each through the CLI: it records what the CLI passes the app
	// and, for the app, is the cold run into an empty output directory.
	cli := map[string]result{}
	coldBuilds := 0
	for _, a := range apps {
		envFile := filepath.Join(e.work, a.name+".env.json")
		args := []string{"synth", "--quiet", "--app", self + " " + captureCommand + " " + envFile + " " + a.bin, "-o", a.outdir}
		if stage := firstStage(e); a == project && stage != "" {
			// One stack against the floor's one stack; the stages section
			// measures more.
			args = append(args, "-c", "stage="+stage)
		}
		cmd := e.snapCommand(filepath.Join(e.root, "node_modules", ".bin", "cdk"), args...)
		cmd.Env = setEnv(os.Environ(), nil, map[string]string{"PATH": g.path()})
		before := len(g.calls())
		r := timed(cmd)
		cli[a.name] = r
		calls := g.calls()[before:]
		e.logf("cdk synth --app %s (cold, via the CLI): %s; go commands: %q", a.name, r.wall.Round(10*time.Millisecond), calls)
		if r.err != nil {
			e.notef("`cdk synth` of %s failed (the timings below still ran): %v: %s", a.name, r.err, lastLine(r.out))
		}
		b, err := os.ReadFile(envFile)
		if err != nil {
			return fmt.Errorf("the CLI did not start %s: %v\n%s", a.name, err, tail(r.out, 30))
		}
		if err := json.Unmarshal(b, &a.vars); err != nil {
			return err
		}
		if a == project {
			coldBuilds = countPrefix(calls, "build")
		}
	}
	e.notef("Through the CDK CLI, once each (not in the ratio): the app's cold synth into an empty output directory took %s, "+
		"with %d `go build` of the function; the trivial app took %s. The CLI's own start-up is in both of these and in neither timed figure.",
		seconds(cli[project.name].wall.Seconds()), coldBuilds, seconds(cli[floor.name].wall.Seconds()))

	// The same app in attach mode (config.ExampleAttach: a shared listener,
	// no VPC, load balancer or bucket of its own), against the own-ALB
	// example above. Untimed first run: builds its function's asset.
	attach, err := attachApp(e, project)
	if err != nil {
		return err
	}
	if r := timed(attach.cmd(e, g)); r.err != nil {
		return fmt.Errorf("%s (warm-up): %w\n%s", attach.name, r.err, tail(r.out, 30))
	}

	// Timed, alternating. The app's first timed run is also the warm check:
	// the second synth into the cold run's output directory must not build.
	asset, mtime := findAsset(project.outdir)
	var warmCalls []string
	before := len(g.calls())
	n := e.opts.synthRuns
	for i := range n {
		for _, a := range append(apps, attach) {
			mark := len(g.calls())
			r := timed(a.cmd(e, g))
			if r.err != nil {
				return fmt.Errorf("%s run %d: %w\n%s", a.name, i+1, r.err, tail(r.out, 30))
			}
			if a == project && i == 0 {
				warmCalls = g.calls()[mark:]
			}
			a.runs = append(a.runs, r)
			e.logf("synth %-7s %d/%d: %5.2f s wall, %5.2f s CPU, %4d MiB peak", a.name, i+1, n,
				r.wall.Seconds(), r.cpu.Seconds(), r.maxRSS>>20)
		}
	}
	asset2, mtime2 := findAsset(project.outdir)
	switch {
	case asset == "":
		e.notef("**Warm check: no asset directory with a bootstrap in the cold run's output**")
	case countPrefix(warmCalls, "build") > 0:
		e.notef("**Warm check failed: the second synth into the same output directory ran `go build` again** (%q)", warmCalls)
	case asset2 != asset || !mtime2.Equal(mtime):
		e.notef("**Warm check: the asset changed during the timed runs** (%s → %s)", filepath.Base(asset), filepath.Base(asset2))
	default:
		e.notef("Warm check passed: the second synth into the cold run's output directory (the first timed run) ran no `go build` "+
			"(go commands: %q), and %s was left untouched through all timed runs.", warmCalls, filepath.Base(filepath.Dir(asset)))
	}
	e.synthAsset = asset

	calls := g.calls()[before:]
	builds := countPrefix(calls, "build")

	wall := func(a *synthApp) []float64 {
		return collect(a.runs, func(r result) float64 { return r.wall.Seconds() })
	}
	cpu := func(a *synthApp) []float64 { return collect(a.runs, func(r result) float64 { return r.cpu.Seconds() }) }
	rss := func(a *synthApp) []float64 {
		return collect(a.runs, func(r result) float64 { return float64(r.maxRSS >> 20) })
	}
	pw, fw := median(wall(project)), median(wall(floor))
	e.addRow(row{
		measure: fmt.Sprintf("synth, example config (one stage), function asset cached (median of %d, wall)", n),
		project: seconds(pw), floor: seconds(fw) + " (one SQS queue)", ratio: pw / fw,
		target: "≤ 1.3×", met: yesNo(pw/fw <= 1.3),
	})
	e.notef("Synth: both apps prebuilt and started directly with the variables the CDK CLI passed them (context, outdir), "+
		"alternating, each into its own reused output directory. Wall %s vs %s; CPU (app + jsii kernel) median %s vs %s; "+
		"CPU ratio %.2f×; peak RSS median %.0f vs %.0f MiB. During the timed runs the app ran %d `go build` and %d `go version` (%d runs).",
		spread(wall(project), seconds), spread(wall(floor), seconds), seconds(median(cpu(project))), seconds(median(cpu(floor))),
		median(cpu(project))/median(cpu(floor)), median(rss(project)), median(rss(floor)), builds, countPrefix(calls, "version"), 2*n)
	if builds > 0 {
		return fmt.Errorf("the function was rebuilt %d times during the timed synth runs", builds)
	}
	aw := median(wall(attach))
	e.addRow(row{
		measure: fmt.Sprintf("synth, attach-mode example (shared listener) vs the own-ALB example (median of %d, wall)", n),
		project: seconds(aw), floor: seconds(pw) + " (own load balancer)", ratio: aw / pw,
		target: "≤ 1.0×", met: yesNo(aw/pw <= 1.0),
	})
	e.notef("Attach mode: the same prebuilt app with config.ExampleAttach's context (an existing listener, three routes, one of them a machine route), "+
		"timed in the same alternation, into its own output directory holding the function's asset. Wall %s vs the own-ALB example's %s; "+
		"CPU median %s vs %s; peak RSS median %.0f vs %.0f MiB.",
		spread(wall(attach), seconds), spread(wall(project), seconds), seconds(median(cpu(attach))), seconds(median(cpu(project))),
		median(rss(attach)), median(rss(project)))

	// Diagnosis, not in the ratio: aws-cdk-lib's built-in CloudFormation
	// validation (a Rego engine in WebAssembly) runs in every synth unless
	// CDK_VALIDATION=false.
	noValidation := map[string][]float64{}
	for range 2 {
		for _, a := range apps {
			cmd := a.cmd(e, g)
			cmd.Env = append(cmd.Env, "CDK_VALIDATION=false")
			r := timed(cmd)
			if r.err != nil {
				return fmt.Errorf("%s with CDK_VALIDATION=false: %w\n%s", a.name, r.err, tail(r.out, 30))
			}
			noValidation[a.name] = append(noValidation[a.name], r.wall.Seconds())
		}
	}
	nv, nf := median(noValidation[project.name]), median(noValidation[floor.name])
	e.notef("aws-cdk-lib's built-in CloudFormation validation (a Rego engine in WebAssembly, on unless CDK_VALIDATION=false) "+
		"runs in every synth: without it (2 runs each, not in the ratio) the app takes %s and the trivial app %s (%.2f×), "+
		"so it is about %.0f%% of the app's synth and %.0f%% of the floor's.",
		seconds(nv), seconds(nf), nv/nf, 100*(1-nv/pw), 100*(1-nf/fw))
	return nil
}

// attachApp is the project's app synthesizing config.ExampleAttach: the
// project's captured CLI variables, with the context's CDK keys (feature
// flags and the CLI's own) kept and its settings replaced by the example's.
func attachApp(e *env, project *synthApp) (*synthApp, error) {
	raw := []byte(project.vars["CDK_CONTEXT_JSON"])
	if p := project.vars[overflowVar]; p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		raw = b
	}
	var ctx map[string]any
	if err := json.Unmarshal(raw, &ctx); err != nil {
		return nil, fmt.Errorf("the CLI's context: %w", err)
	}
	c := config.ExampleAttach()
	for k, v := range ctx {
		if config.IsCDKKey(k) {
			c[k] = v
		}
	}
	js, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	a := &synthApp{name: "attach", bin: project.bin, outdir: filepath.Join(e.work, "cdk.out-attach"), vars: map[string]string{}}
	for k, v := range project.vars {
		if k != overflowVar {
			a.vars[k] = v
		}
	}
	a.vars["CDK_CONTEXT_JSON"] = string(js)
	a.vars["CDK_OUTDIR"] = a.outdir
	return a, nil
}

// firstStage returns the first stage of cdk.json's "stages" by name, "" for a
// flat configuration.
func firstStage(e *env) string {
	var file struct {
		Context struct {
			Stages map[string]any `json:"stages"`
		} `json:"context"`
	}
	b, err := os.ReadFile(filepath.Join(e.snap, "cdk.json"))
	if err != nil || json.Unmarshal(b, &file) != nil {
		return ""
	}
	first := ""
	for name := range file.Context.Stages {
		if first == "" || name < first {
			first = name
		}
	}
	return first
}

func collect[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// findAsset returns the bootstrap of the first asset directory in outdir that
// holds one, and its modification time.
func findAsset(outdir string) (string, time.Time) {
	dirs, _ := filepath.Glob(filepath.Join(outdir, "asset.*"))
	for _, d := range dirs {
		p := filepath.Join(d, "bootstrap")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, fi.ModTime()
		}
	}
	return "", time.Time{}
}

func lastLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
