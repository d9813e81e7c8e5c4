// Package siteapp turns a CDK app's context into the site stack: it decodes and
// validates the configuration, refuses the example configuration where it would
// be deployed, applies the cdk-nag AwsSolutions checks and adds the stack.
package siteapp

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
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
// the context is valid it checks the functionPackage folder on disk
// (config.CheckFunctionPackage), which needs the module directory.
func Build(app awscdk.App, opts Options) (*stacks.Site, error) {
	ctx, _ := plainJSON(app.Node().GetAllContext(nil)).(map[string]any)
	cfg, err := config.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.IsExample() && opts.DefaultAccount != "" && opts.DefaultAccount != cfg.Account() {
		return nil, fmt.Errorf("the configuration is the shipped example (account %s), but your credentials are for account %s:\n"+
			"  set real values in cdk.json's \"context\" or with -c key=value before deploying (see the README's configuration reference)",
			cfg.Account(), opts.DefaultAccount)
	}
	moduleDir := opts.ModuleDir
	if moduleDir == "" {
		moduleDir = stacks.ModuleDir()
	}
	if err := cfg.CheckFunctionPackage(moduleDir); err != nil {
		return nil, err
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{
		Verbose: jsii.Bool(true),
		Reports: jsii.Bool(true),
	}), nil)
	site := stacks.NewSite(app, cfg.StackName, &stacks.SiteProps{Config: cfg, ModuleDir: moduleDir})
	return site, nil
}

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
