// The floor for make bench's test measure. It checks nothing about the
// project, so it sits behind the bench build tag: make bench runs it with
// -tags bench, and go test ./... (make test) leaves it out.

//go:build bench

package main

import (
	"os"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// TestSynth is the floor for the test benchmark: one synthesis of the
// one-queue stack, read back as plain Go values.
func TestSynth(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := NewTrivialStack(app, StackName, nil)
	doc := assertions.Template_FromStack(stack, nil).ToJSON()
	if doc == nil {
		t.Fatal("empty template")
	}
	resources, _ := (*doc)["Resources"].(map[string]any)
	var queues int
	for _, r := range resources {
		if r, _ := r.(map[string]any); r["Type"] == "AWS::SQS::Queue" {
			queues++
		}
	}
	if queues != 1 {
		t.Fatalf("want one AWS::SQS::Queue, got %d in %v", queues, resources)
	}
}
