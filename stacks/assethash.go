package stacks

import (
	"fmt"

	"github.com/alb-cognito/alb-cognito-cdk/internal/assethash"
)

// sourceHash hashes what the function's build reads (internal/assethash): the
// main package built (entry, config key functionPackage), the packages of
// this module it imports, directly or not, with their embedded files,
// go.mod, go.sum and the build flags. Another app under lambda/, the CDK app
// and test files are left out, so changing them leaves the function's asset,
// and the template, unchanged.
func sourceHash(moduleDir, entry string) string {
	h, err := assethash.Hash(moduleDir, entry, buildFlags)
	if err != nil {
		panic(fmt.Sprintf("stacks: hashing the function's source: %v", err))
	}
	return h
}
