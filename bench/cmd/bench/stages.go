package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// stageCounts are the numbers of stages the stages section synthesizes.
var stageCounts = []int{1, 2, 3}

// benchStages measures how synth time grows with the number of stages: the app
// synthesizing cdk.json's context with its "stages" replaced by the first 1, 2
// and 3 of dev, prod (the example's) and staging (a third in dev's region),
// all prebuilt, started directly with the variables the CDK CLI passes, each
// into its own output directory that already holds the function's asset,
// alternating. Target: 3 stages ≤ 2.5× one stage.
func benchStages(e *env) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	g, err := newGoLog(e.work)
	if err != nil {
		return err
	}
	bin := filepath.Join(e.work, "app-stages")
	e.logf("go build -o %s . (in the snapshot)", bin)
	if _, err := e.mustRun(e.snapCommand("go", "build", "-o", bin, ".")); err != nil {
		return err
	}
	// What the CLI passes the app: cdk.json's context plus the CLI's defaults.
	envFile := filepath.Join(e.work, "stages.env.json")
	capture := e.snapCommand(filepath.Join(e.root, "node_modules", ".bin", "cdk"), "synth", "--quiet",
		"--app", self+" "+captureCommand+" "+envFile+" "+bin, "-o", filepath.Join(e.work, "cdk.out-stages-cli"))
	capture.Env = setEnv(os.Environ(), nil, map[string]string{"PATH": g.path()})
	if r := timed(capture); r.err != nil {
		return fmt.Errorf("cdk synth (capturing the context): %w\n%s", r.err, tail(r.out, 30))
	}
	var vars map[string]string
	b, err := os.ReadFile(envFile)
	if err == nil {
		err = json.Unmarshal(b, &vars)
	}
	if err != nil {
		return fmt.Errorf("the CLI did not start the app: %v", err)
	}
	raw := []byte(vars["CDK_CONTEXT_JSON"])
	if p := vars[overflowVar]; p != "" {
		if raw, err = os.ReadFile(p); err != nil {
			return err
		}
	}
	var ctx map[string]any
	if err := json.Unmarshal(raw, &ctx); err != nil {
		return fmt.Errorf("the CLI's context: %w", err)
	}
	shipped, _ := ctx["stages"].(map[string]any)
	if shipped["dev"] == nil || shipped["prod"] == nil {
		return fmt.Errorf("cdk.json has no dev and prod stages (the shipped example's); the stages section measures those")
	}
	all := map[string]any{"dev": shipped["dev"], "prod": shipped["prod"], "staging": map[string]any{"recordName": "staging.example.com"}}
	order := []string{"dev", "prod", "staging"}

	apps := make([]*synthApp, len(stageCounts))
	for i, n := range stageCounts {
		c := maps.Clone(ctx)
		delete(c, "stage")
		stages := map[string]any{}
		for _, name := range order[:n] {
			stages[name] = all[name]
		}
		c["stages"] = stages
		js, err := json.Marshal(c)
		if err != nil {
			return err
		}
		a := &synthApp{name: fmt.Sprintf("%d stage(s)", n), bin: bin, outdir: filepath.Join(e.work, fmt.Sprintf("cdk.out-stages-%d", n))}
		a.vars = map[string]string{}
		for k, v := range vars {
			if k != overflowVar {
				a.vars[k] = v
			}
		}
		a.vars["CDK_CONTEXT_JSON"] = string(js)
		a.vars["CDK_OUTDIR"] = a.outdir
		apps[i] = a
		// Untimed: builds the function's asset into this output directory.
		if r := timed(a.cmd(e, g)); r.err != nil {
			return fmt.Errorf("%s (warm-up): %w\n%s", a.name, r.err, tail(r.out, 30))
		}
		if m, _ := filepath.Glob(filepath.Join(a.outdir, "assembly-*", "*.template.json")); len(m) != n {
			return fmt.Errorf("%s wrote %d stage templates: %v", a.name, len(m), m)
		}
	}
	before := len(g.calls())
	runs := e.opts.synthRuns
	for i := range runs {
		for _, a := range apps {
			r := timed(a.cmd(e, g))
			if r.err != nil {
				return fmt.Errorf("%s run %d: %w\n%s", a.name, i+1, r.err, tail(r.out, 30))
			}
			a.runs = append(a.runs, r)
			e.logf("synth %-10s %d/%d: %5.2f s wall, %5.2f s CPU, %4d MiB peak", a.name, i+1, runs, r.wall.Seconds(), r.cpu.Seconds(), r.maxRSS>>20)
		}
	}
	if builds := countPrefix(g.calls()[before:], "build"); builds > 0 {
		return fmt.Errorf("the function was rebuilt %d times during the timed runs", builds)
	}
	wall := func(a *synthApp) float64 {
		return median(collect(a.runs, func(r result) float64 { return r.wall.Seconds() }))
	}
	cpu := func(a *synthApp) float64 {
		return median(collect(a.runs, func(r result) float64 { return r.cpu.Seconds() }))
	}
	one := wall(apps[0])
	var parts []string
	for i, a := range apps {
		w := wall(a)
		parts = append(parts, fmt.Sprintf("%d: %s (%.2f×), CPU %s", stageCounts[i], seconds(w), w/one, seconds(cpu(a))))
		if i == 0 {
			continue
		}
		r := row{
			measure: fmt.Sprintf("synth, %d stages vs 1 (median of %d, wall; CPU in brackets)", stageCounts[i], runs),
			project: fmt.Sprintf("%s (CPU %s)", seconds(w), seconds(cpu(a))),
			floor:   fmt.Sprintf("%s (CPU %s), 1 stage", seconds(one), seconds(cpu(apps[0]))),
			ratio:   w / one,
		}
		if stageCounts[i] == 3 {
			r.target, r.met = "≤ 2.5×", yesNo(w/one <= 2.5)
		} else {
			r.target, r.met = "-", "-"
		}
		e.addRow(r)
	}
	e.notef("Synth against the number of stages (dev; dev and prod; dev, prod and staging), one prebuilt app started directly with "+
		"the CLI's variables and the stages replaced, alternating, each count into its own output directory that already holds "+
		"the function's asset (%d runs each, %s). Median wall by number of stages: %s. Every stage adds one stack (and its cdk-nag "+
		"checks); the Node.js kernel's start-up, loading aws-cdk-lib and cdk-nag are paid once. On a busy machine the wall times "+
		"vary more than the stages change them: read the CPU figures too.", runs, time.Now().Format("15:04"), strings.Join(parts, "; "))
	return nil
}
