// Command trivial is the floor for the synth and test benchmarks (make bench):
// the smallest useful Go CDK app, one stack with one SQS queue, built against
// the same pinned awscdk and jsii modules as the real app but without cdk-nag
// or any asset. Whatever it costs, every Go CDK app here pays.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// StackName is the trivial stack's id.
const StackName = "BenchTrivial"

// TrivialStackProps configures the trivial stack.
type TrivialStackProps struct {
	awscdk.StackProps
}

// NewTrivialStack returns a stack holding one queue.
func NewTrivialStack(scope constructs.Construct, id string, props *TrivialStackProps) awscdk.Stack {
	var sp awscdk.StackProps
	if props != nil {
		sp = props.StackProps
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sp)
	awssqs.NewQueue(stack, jsii.String("Queue"), &awssqs.QueueProps{
		EnforceSSL: jsii.Bool(true),
	})
	return stack
}

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	NewTrivialStack(app, StackName, nil)
	app.Synth(nil)
}
