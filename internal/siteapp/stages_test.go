package siteapp

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/config"
)

// TestFunctionPackageIsCheckedInEveryStage: a stage whose functionPackage does
// not exist is refused and named; a problem every stage shares is named once.
func TestFunctionPackageIsCheckedInEveryStage(t *testing.T) {
	moduleDir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// A folder no user app has taken (the docs suggest lambda/myapp).
	absent := "lambda/absent"
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(moduleDir, absent)); errors.Is(err, fs.ErrNotExist) {
			break
		}
		absent = fmt.Sprintf("lambda/absent%d", i)
	}
	tests := []struct {
		name string
		set  map[string]any
		want string // "" for no error
	}{
		{"every stage's package exists", nil, ""},
		{"one stage's package is missing", map[string]any{"stages.dev.functionPackage": absent},
			"functionPackage: " + absent + " does not exist in " + moduleDir},
		{"the shared package is missing", map[string]any{"functionPackage": absent}, "functionPackage: " + absent + " does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := config.ExampleStages()
			for k, v := range tc.set {
				ctx[k] = v
			}
			stages, err := config.StagesFromContext(ctx)
			if err != nil {
				t.Fatal(err)
			}
			err = checkFunctionPackages(stages, moduleDir)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want == "":
				return
			case err == nil || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if n := strings.Count(err.Error(), "does not exist"); n != 1 {
				t.Errorf("reported %d times:\n%v", n, err)
			}
			if one := tc.set["stages.dev.functionPackage"] != nil; one != strings.Contains(err.Error(), "(stage dev)") {
				t.Errorf("stage named %v, want %v:\n%v", !one, one, err)
			}
		})
	}
}
