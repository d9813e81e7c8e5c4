// Package siteapp turns a CDK app's context into the site stacks: it decodes and
// validates the configuration (flat, or one per stage), applies the cdk-nag
// AwsSolutions checks, adds the stacks, and warns when the example
// configuration meets real credentials.
package siteapp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/stacks"
)

// Options are the app's inputs from outside its context.
type Options struct {
	// DefaultAccount is the account of the caller's credentials, which the CDK
	// CLI passes as CDK_DEFAULT_ACCOUNT when it has credentials; empty otherwise.
	DefaultAccount string
	// ModuleDir overrides where the function's source is found (tests).
	ModuleDir string
}

// Build validates the configuration in app's context and adds the site stack to
// app, with the cdk-nag checks applied. On any configuration problem it returns
// all of them at once and adds nothing, so no template can be written. Once
// the context is valid it checks each stage's functionPackage folder on disk
// (config.CheckFunctionPackage), which needs the module directory. The
// shipped example synthesizes with any credentials, with a warning
// (ExampleWarning) when they are for another account than the example's.
//
// A flat configuration adds one stack at the top level, with id stackName. A
// configuration with stages (see config.StagesFromContext) adds one
// awscdk.Stage per stage, named after it and in the stage's environment, each
// holding the stage's stack (id stackName, CloudFormation name
// <stage>-<stackName>); with the "stage" key set, only that stage is added.
// Build returns the stacks it added, in stage-name order.
func Build(app awscdk.App, opts Options) ([]*stacks.Site, error) {
	ctx, _ := plainJSON(app.Node().GetAllContext(nil)).(map[string]any)
	stages, err := config.StagesFromContext(ctx)
	if err != nil {
		return nil, err
	}
	moduleDir := opts.ModuleDir
	if moduleDir == "" {
		moduleDir = stacks.ModuleDir()
	}
	if err := checkFunctionPackages(stages, moduleDir); err != nil {
		return nil, err
	}
	sites := make([]*stacks.Site, 0, len(stages))
	for _, s := range stages {
		cfg := s.Config
		var scope constructs.Construct = app
		if s.Name != "" {
			scope = awscdk.NewStage(app, jsii.String(s.Name), &awscdk.StageProps{
				Env: &awscdk.Environment{Account: jsii.String(cfg.Account()), Region: jsii.String(cfg.Region())},
			})
		}
		// On the stage, not the app: a Stage synthesizes on its own, and the
		// app's aspects never reach the constructs inside it.
		awscdk.Aspects_Of(scope).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{
			Verbose: jsii.Bool(true),
			Reports: jsii.Bool(true),
		}), nil)
		site := stacks.NewSite(scope, cfg.StackName, &stacks.SiteProps{Config: cfg, ModuleDir: moduleDir})
		if cfg.IsExample() && opts.DefaultAccount != "" && opts.DefaultAccount != cfg.Account() {
			// Synth deploys nothing, so it goes ahead; a deploy stops in the CLI,
			// which has no credentials for the example account.
			awscdk.Annotations_Of(site.Stack).AddWarningV2(jsii.String(ExampleWarning), jsii.String(fmt.Sprintf(
				"This is the shipped example configuration (account %s) and your credentials are for account %s: "+
					"it synthesizes, but cdk deploy will fail (\"Need to perform AWS calls for account %s\"). "+
					"Set real values in cdk.json's context or with -c key=value (docs/deploying.md).",
				cfg.Account(), opts.DefaultAccount, cfg.Account())))
		}
		sites = append(sites, site)
	}
	return sites, nil
}

// checkFunctionPackages runs config.CheckFunctionPackage for every stage and
// reports each problem once, naming the stages it concerns when not all.
func checkFunctionPackages(stages []config.Stage, moduleDir string) error {
	var order config.Problems
	where := map[config.Problem][]string{}
	for _, s := range stages {
		err := s.Config.CheckFunctionPackage(moduleDir)
		var ps config.Problems
		switch {
		case err == nil:
			continue
		case !errors.As(err, &ps):
			return err
		}
		for _, p := range ps {
			if where[p] == nil {
				order = append(order, p)
			}
			where[p] = append(where[p], s.Name)
		}
	}
	if len(order) == 0 {
		return nil
	}
	for i, p := range order {
		if names := where[p]; names[0] != "" && len(names) < len(stages) {
			order[i].Message += " (stage " + strings.Join(names, ", ") + ")"
		}
	}
	return order
}

// ExampleWarning is the id of the warning Build adds when the shipped example
// is synthesized with credentials for another account.
const ExampleWarning = "alb-cognito-cdk:exampleConfiguration"

// jsiiMap is the key under which the jsii kernel hands a JavaScript object
// nested in a context value (an object inside an array, as in the routes
// key) to Go: {"$jsii.map": {...}}.
const jsiiMap = "$jsii.map"

// plainJSON returns v with every {"$jsii.map": m} wrapper replaced by m, at
// any depth, so that context values reach config as the JSON they were
// written as.
func plainJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if inner, ok := x[jsiiMap]; ok && len(x) == 1 {
			return plainJSON(inner)
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plainJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainJSON(e)
		}
		return out
	}
	return v
}
