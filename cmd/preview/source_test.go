package main

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/internal/preview"
)

// writeModule makes dir a module root (go.mod) with ctx as its cdk.json's
// context; nil writes no cdk.json.
func writeModule(t *testing.T, dir string, ctx map[string]any) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/user\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ctx != nil {
		writeCDKJSON(t, filepath.Join(dir, "cdk.json"), ctx)
	}
}

func writeCDKJSON(t *testing.T, path string, ctx map[string]any) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"app": "go run .", "context": ctx})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// withRoutes is ctx with the example routes for every stage.
func withRoutes(ctx map[string]any) map[string]any {
	ctx = maps.Clone(ctx)
	ctx["routes"] = config.ExampleRoutes()
	ctx["identityProviders"] = []any{"COGNITO", "Google"} // the partner route signs in with Google
	return ctx
}

// withStageRoutes is the example with stages where only stage has the
// example routes.
func withStageRoutes(ctx map[string]any, stage string) map[string]any {
	ctx = maps.Clone(ctx)
	ctx["identityProviders"] = []any{"COGNITO", "Google"}
	stages := maps.Clone(ctx[config.StagesKey].(map[string]any))
	s := maps.Clone(stages[stage].(map[string]any))
	s["routes"] = config.ExampleRoutes()
	stages[stage] = s
	ctx[config.StagesKey] = stages
	return ctx
}

func with(ctx map[string]any, k string, v any) map[string]any {
	ctx = maps.Clone(ctx)
	ctx[k] = v
	return ctx
}

func routeNames(c choice) string {
	var names []string
	for _, r := range c.table.Routes {
		names = append(names, r.Name)
	}
	return strings.Join(names, ",")
}

// TestChooseFollowsCDKJSON: without flags the route table, the function and
// the stage come from the cdk.json beside go.mod; flags override; the
// reasons are what the startup lines print.
func TestChooseFollowsCDKJSON(t *testing.T) {
	t.Parallel()
	example, err := preview.ExampleRoutes()
	if err != nil {
		t.Fatal(err)
	}
	exampleRoutes := routeNames(choice{table: example})
	for _, tc := range []struct {
		name                     string
		ctx                      map[string]any // nil: no cdk.json
		routes, function, stage  string         // flags
		wantRoutes, wantRoutesAt string
		wantFunc, wantFuncAt     string
		wantErr                  string
	}{
		{name: "flat, with routes and an app", ctx: with(withRoutes(config.Example()), "functionPackage", "lambda/notes"),
			wantRoutes: exampleRoutes, wantRoutesAt: "cdk.json", wantFunc: "lambda/notes", wantFuncAt: "cdk.json functionPackage"},
		{name: "the shipped stages, which agree", ctx: config.ExampleStages(),
			wantRoutesAt: "cdk.json (stages dev, prod, the same in each)",
			wantFunc:     "lambda/whoami", wantFuncAt: "the default; cdk.json's stages dev, prod set no functionPackage"},
		{name: "one stage", ctx: with(config.Example(), config.StagesKey, map[string]any{"dev": map[string]any{"functionPackage": "lambda/notes"}}),
			wantRoutesAt: "cdk.json (stage dev)", wantFunc: "lambda/notes", wantFuncAt: "cdk.json functionPackage (stage dev)"},
		{name: "stages whose routes differ", ctx: withStageRoutes(config.ExampleStages(), "prod"),
			wantErr: "cdk.json: stages dev, prod have different route tables; name one with -stage (dev or prod)"},
		{name: "stages whose routes differ, one named", ctx: withStageRoutes(config.ExampleStages(), "prod"), stage: "prod",
			wantRoutes: exampleRoutes, wantRoutesAt: "cdk.json (stage prod)", wantFunc: "lambda/whoami", wantFuncAt: "the default; cdk.json (stage prod) sets no functionPackage"},
		{name: "stages whose routes differ, routes from a flag", ctx: withStageRoutes(config.ExampleStages(), "prod"), routes: "none",
			wantRoutesAt: "none (-routes)", wantFunc: "lambda/whoami", wantFuncAt: "the default; cdk.json's stages dev, prod set no functionPackage"},
		{name: "stages whose apps differ", ctx: with(config.ExampleStages(), "stages.prod.functionPackage", "lambda/notes"),
			wantErr: "stages dev, prod have different functionPackage; name one with -stage (dev or prod)"},
		{name: "stages whose apps differ, routes from a flag", ctx: with(config.ExampleStages(), "stages.prod.functionPackage", "lambda/notes"), routes: "example",
			wantErr: "different functionPackage"},
		{name: "stages whose apps differ, app from a flag", ctx: with(config.ExampleStages(), "stages.prod.functionPackage", "lambda/notes"), function: "lambda/mine",
			wantRoutesAt: "cdk.json (stages dev, prod, the same in each)", wantFunc: "lambda/mine", wantFuncAt: "-function"},
		{name: "stages whose apps differ, one named", ctx: with(config.ExampleStages(), "stages.prod.functionPackage", "lambda/notes"), stage: "prod",
			wantRoutesAt: "cdk.json (stage prod)", wantFunc: "lambda/notes", wantFuncAt: "cdk.json functionPackage (stage prod)"},
		{name: "both from flags, cdk.json not read", ctx: map[string]any{"broken": true}, routes: "example", function: "lambda/notes",
			wantRoutes: exampleRoutes, wantRoutesAt: "the example configuration's (-routes example)", wantFunc: "lambda/notes", wantFuncAt: "-function"},
		{name: "machine example", ctx: config.Example(), routes: "machine-example",
			wantRoutes: "admin,reports,billing", wantRoutesAt: "the example configuration's with machine routes (-routes machine-example)",
			wantFunc: "lambda/whoami", wantFuncAt: "the default; cdk.json sets no functionPackage"},
		{name: "cdk.json that does not validate", ctx: with(config.Example(), "sessionTimeout", "forever"), wantErr: "cdk.json: "},
		{name: "no cdk.json", wantRoutesAt: "none (no cdk.json in ", wantFunc: "lambda/whoami", wantFuncAt: "the default; no cdk.json in "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeModule(t, dir, tc.ctx)
			// From a folder inside the module, as `go run ./cmd/preview` may be.
			sub := filepath.Join(dir, "lambda")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			c, err := choose(sub, tc.routes, tc.function, tc.stage)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := routeNames(c); got != tc.wantRoutes {
				t.Errorf("routes %q, want %q", got, tc.wantRoutes)
			}
			if !strings.HasPrefix(c.routesFrom, tc.wantRoutesAt) || c.function != tc.wantFunc || !strings.HasPrefix(c.functionFrom, tc.wantFuncAt) {
				t.Errorf("routes: %s; function: %s (%s)\nwant routes: %s; function: %s (%s)",
					c.routesFrom, c.function, c.functionFrom, tc.wantRoutesAt, tc.wantFunc, tc.wantFuncAt)
			}
		})
	}
}

// TestChooseAnotherCDKJSON: -routes naming a file reads the routes and the
// function from it, not from the project's cdk.json.
func TestChooseAnotherCDKJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeModule(t, dir, config.ExampleStages())
	other := filepath.Join(dir, "other.json")
	writeCDKJSON(t, other, with(withRoutes(config.Example()), "functionPackage", "lambda/notes"))
	c, err := choose(dir, other, "", "")
	if err != nil {
		t.Fatal(err)
	}
	example, err := preview.ExampleRoutes()
	if err != nil {
		t.Fatal(err)
	}
	if routeNames(c) != routeNames(choice{table: example}) || c.routesFrom != other || c.function != "lambda/notes" || c.functionFrom != other+" functionPackage" {
		t.Errorf("%+v", c)
	}
}

// TestRunSaysWhereItsSettingsCameFrom: `make preview` with a cdk.json with
// stages and nothing else prints where the routes and the function came from.
func TestRunSaysWhereItsSettingsCameFrom(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeModule(t, dir, withStageRoutes(config.ExampleStages(), "dev"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, dir, []string{"-addr", "127.0.0.1:0", "-stage", "dev"}, stdout, stderr) }()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stdout.String(), "Ctrl-C stops") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("run = %d; stderr:\n%s", code, stderr.String())
	}
	for _, want := range []string{
		"Preview of lambda/whoami (signed in as alice@example.com)",
		"  function: lambda/whoami (the default; cdk.json (stage dev) sets no functionPackage)\n",
		"  routes: cdk.json (stage dev)\n",
		"  route admin ",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
}
