package lambdarun_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/lambdarun"
	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
)

// syncBuffer is the log output tests read while it is written.
type syncBuffer = syncbuf.Buffer

// TestFunctionRunsItsOwnMain builds a function's main package, runs it
// against the local Runtime API and serves events through it, as the
// preview does for any functionPackage.
func TestFunctionRunsItsOwnMain(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	var out syncBuffer
	f, err := lambdarun.Start(context.Background(), lambdarun.Options{
		ModuleDir: "../..", Package: "internal/lambdarun/testdata/hello",
		Env: map[string]string{"GREETER": "lambdarun"}, Output: &out, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatalf("Start: %v\n%s", err, out.String())
	}
	defer f.Close()

	var wg sync.WaitGroup
	for i := range 4 { // concurrent callers are served one at a time
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := albsim.NewRequest("/", "", "")
			ev.MultiValueQueryStringParameters = map[string][]string{"name": {"caf%C3%A9"}}
			resp, err := f.Serve(context.Background(), ev)
			if err != nil {
				t.Errorf("Serve %d: %v", i, err)
				return
			}
			if resp.StatusCode != 200 || resp.Body != "hello café from lambdarun" {
				t.Errorf("Serve %d: %d %q", i, resp.StatusCode, resp.Body)
			}
		}()
	}
	wg.Wait()

	// A payload the adapter refuses is a function error, as Lambda reports it.
	if _, err := f.Invoke(context.Background(), []byte(`[]`)); err == nil || !strings.Contains(err.Error(), "not an ALB target group event") {
		t.Errorf("Invoke([]) = %v, want the function's error", err)
	}
	// The function is still up afterwards.
	if resp, err := f.Serve(context.Background(), albsim.NewRequest("/", "", "")); err != nil || resp.StatusCode != 200 {
		t.Errorf("after an error: %+v, %v", resp, err)
	}
}

func TestInitFailureIsReported(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	var out syncBuffer
	_, err := lambdarun.Start(context.Background(), lambdarun.Options{
		ModuleDir: "../..", Package: "internal/lambdarun/testdata/fails", Output: &out,
	})
	if err == nil || !strings.Contains(err.Error(), "stopped during initialisation") {
		t.Errorf("Start = %v", err)
	}
	if !strings.Contains(out.String(), "ROUTE_TABLE: required") {
		t.Errorf("the function's output was not passed on: %q", out.String())
	}
}

func TestBuildFailureIsReported(t *testing.T) {
	_, err := lambdarun.Start(context.Background(), lambdarun.Options{ModuleDir: "../..", Package: "lambda/nonexistent"})
	if err == nil || !strings.Contains(err.Error(), "go build ./lambda/nonexistent") {
		t.Errorf("Start = %v", err)
	}
}
