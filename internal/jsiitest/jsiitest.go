// Package jsiitest holds the TestMain of every test binary that links the
// CDK's Go bindings.
package jsiitest

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// Main runs the tests, then closes the jsii runtime and exits with the
// tests' code. A binary that links jsii-runtime-go unpacks the runtime into
// a jsii-runtime.* folder in the temporary directory when it starts, and
// only jsii.Close removes it: without Main each run of the binary left one
// behind. Use it as
//
//	func TestMain(m *testing.M) { jsiitest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}
