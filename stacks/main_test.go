package stacks

import (
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/jsiitest"
)

func TestMain(m *testing.M) { jsiitest.Main(m) }
