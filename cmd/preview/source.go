package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/internal/preview"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// defaultFunction is what serves when neither -function nor a cdk.json names
// a package: the identity page, config's default functionPackage.
const defaultFunction = "lambda/whoami"

// choice is what the preview serves, and where each part came from, for the
// startup lines ("routes: cdk.json (stage dev)").
type choice struct {
	table        routes.Table
	groupClaims  groupclaim.Config
	routesFrom   string
	function     string
	functionFrom string
}

// choose picks the route table and the function from the flags, and from
// cdk.json for what the flags leave open: the file -routes names, else the
// cdk.json beside go.mod (the first folder from dir upwards holding go.mod).
// routesFlag and functionFlag are "" when not given. With stages, stage
// names one; without it every stage must agree on what is read from cdk.json.
func choose(dir, routesFlag, functionFlag, stage string) (choice, error) {
	var c choice
	switch routesFlag {
	case "none":
		c.routesFrom = "none (-routes)"
	case "example":
		t, err := preview.ExampleRoutes()
		if err != nil {
			return c, err
		}
		c.table, c.routesFrom = t, "the example configuration's (-routes example)"
	case "machine-example":
		t, err := preview.ExampleMachineRoutes()
		if err != nil {
			return c, err
		}
		c.table, c.routesFrom = t, "the example configuration's with machine routes (-routes machine-example)"
	}
	if functionFlag != "" {
		c.function, c.functionFrom = functionFlag, "-function"
	}
	routesFromFile := c.routesFrom == ""
	if !routesFromFile && functionFlag != "" {
		if stage != "" {
			return c, errors.New("-stage selects a stage of cdk.json, but -routes and -function leave nothing to read from it")
		}
		return c, nil
	}

	path, shown := routesFlag, routesFlag
	if !routesFromFile || routesFlag == "" {
		root, err := moduleRoot(dir)
		if err != nil {
			return c, err
		}
		path, shown = filepath.Join(root, "cdk.json"), "cdk.json"
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && stage == "" {
			// Nothing to follow: the defaults a cdk.json without these keys gives.
			if routesFromFile {
				c.routesFrom = "none (no cdk.json in " + root + ")"
			}
			if c.function == "" {
				c.function, c.functionFrom = defaultFunction, "the default; no cdk.json in "+root
			}
			return c, nil
		}
	}
	ctx, err := readContext(path)
	if err != nil {
		return c, err
	}
	stages, err := stagesOf(ctx, stage)
	if err != nil {
		return c, fmt.Errorf("%s: %w", shown, err)
	}

	// What cdk.json decides, by stage; every stage read must agree.
	type decided struct {
		table       routes.Table
		groupClaims groupclaim.Config
		function    string
	}
	var first decided
	var differ []string
	for i, s := range stages {
		var d decided
		if routesFromFile {
			d.table, d.groupClaims = s.Config.RouteTable(), s.Config.GroupClaimConfig()
		}
		if c.function == "" {
			d.function = s.Config.FunctionPackage
		}
		if i == 0 {
			first = d
			continue
		}
		if !reflect.DeepEqual(d.table, first.table) && !slices.Contains(differ, "route tables") {
			differ = append(differ, "route tables")
		}
		if !reflect.DeepEqual(d.groupClaims, first.groupClaims) && !slices.Contains(differ, "groupClaims") {
			differ = append(differ, "groupClaims")
		}
		if d.function != first.function && !slices.Contains(differ, "functionPackage") {
			differ = append(differ, "functionPackage")
		}
	}
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.Name
	}
	if len(differ) > 0 {
		return c, fmt.Errorf("%s: stages %s have different %s; name one with -stage (%s)",
			shown, strings.Join(names, ", "), strings.Join(differ, " and "), strings.Join(names, " or "))
	}
	where := shown
	switch {
	case len(stages) > 1:
		where += " (stages " + strings.Join(names, ", ") + ", the same in each)"
	case names[0] != "":
		where += " (stage " + names[0] + ")"
	}
	if routesFromFile {
		c.table, c.groupClaims, c.routesFrom = first.table, first.groupClaims, where
	}
	if c.function == "" {
		c.function = first.function
		c.functionFrom = strings.Replace(where, shown, shown+" functionPackage", 1)
		if !setsFunctionPackage(ctx, names) {
			switch {
			case len(stages) > 1:
				c.functionFrom = "the default; " + shown + "'s stages " + strings.Join(names, ", ") + " set no functionPackage"
			case names[0] != "":
				c.functionFrom = "the default; " + shown + " (stage " + names[0] + ") sets no functionPackage"
			default:
				c.functionFrom = "the default; " + shown + " sets no functionPackage"
			}
		}
	}
	return c, nil
}

// readContext returns the "context" object of a cdk.json file.
func readContext(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Context == nil {
		return nil, fmt.Errorf("%s: no \"context\" object", path)
	}
	return f.Context, nil
}

// stagesOf validates a cdk.json context as a synth does and returns its
// stages: the one named, or every one (a flat configuration is one stage
// named "").
func stagesOf(ctx map[string]any, stage string) ([]config.Stage, error) {
	ctx = cloneTop(ctx)
	ctx[config.StageKey] = stage
	return config.StagesFromContext(ctx)
}

func cloneTop(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// setsFunctionPackage reports whether the context names a functionPackage,
// for every stage or in one of the named stages.
func setsFunctionPackage(ctx map[string]any, stages []string) bool {
	const key = "functionPackage"
	if _, ok := ctx[key]; ok {
		return true
	}
	all, _ := ctx[config.StagesKey].(map[string]any)
	for _, name := range stages {
		if s, _ := all[name].(map[string]any); s != nil {
			if _, ok := s[key]; ok {
				return true
			}
		}
		// -c style keys: "stages.prod.functionPackage".
		if _, ok := ctx[config.StagesKey+"."+name+"."+key]; ok {
			return true
		}
	}
	return false
}

// moduleRoot is the first folder from dir upwards that holds go.mod: where
// `make preview` runs, and where the function's package path starts.
func moduleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod in %s or a folder above it: run the preview inside the project", dir)
		}
	}
}
