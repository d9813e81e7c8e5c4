package siteapp

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// TestMain closes the jsii runtime, which this test binary links and which
// unpacks itself into a temporary directory at start: without it, every run
// left a jsii-runtime.* directory in the temporary folder.
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}
