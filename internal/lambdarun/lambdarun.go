// Package lambdarun runs a Go Lambda function's main package on this machine
// the way Lambda runs it: it builds the package, starts the binary with
// AWS_LAMBDA_RUNTIME_API pointing at a local implementation of the Lambda
// Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html:
// invocation/next, invocation/<id>/response, invocation/<id>/error and
// init/error), and hands it one event at a time. The function's own main,
// lambda.Start and all, is what runs, so the preview can serve any app named
// by the functionPackage key without knowing its code.
package lambdarun

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Options configures Start.
type Options struct {
	// ModuleDir holds go.mod (default: the first folder from the working
	// directory upwards that does); Package is the main package's folder
	// relative to it, e.g. lambda/notes.
	ModuleDir, Package string
	// Env is the function's environment, on top of the runtime's own
	// variables. Nothing else from this process's environment is passed
	// (no AWS credentials), except PATH and HOME.
	Env map[string]string
	// Output receives the function's stdout and stderr (its logs).
	// Default: os.Stderr.
	Output io.Writer
	// Timeout is the function's timeout per invocation. Default 10s.
	Timeout time.Duration
	// InitTimeout bounds the build plus the start until the function first
	// asks for an event. Default 2 minutes (the first build may download
	// nothing but compile a lot).
	InitTimeout time.Duration
}

// Function is a running function. Invoke and Serve are safe for concurrent
// use; invocations run one at a time, as in one Lambda execution environment.
type Function struct {
	timeout time.Duration
	dir     string
	cmd     *exec.Cmd
	srv     *http.Server
	host    string // the Runtime API's address, the only Host it answers

	invocations chan *invocation
	ready       chan struct{}
	readyOnce   sync.Once
	exited      chan struct{}
	exitErr     error // set before exited is closed

	mu      sync.Mutex // one invocation at a time
	curMu   sync.Mutex
	current *invocation
	initErr string
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	done     chan result
}

type result struct {
	body []byte
	err  error
}

const apiPrefix = "/2018-06-01/runtime/"

// Start builds opts.Package, starts it against a local Runtime API and waits
// until it asks for its first event. A build failure, or a function that
// exits during initialisation (a configuration error, say), is returned with
// what it printed going to opts.Output.
func Start(ctx context.Context, opts Options) (*Function, error) {
	if opts.Output == nil {
		opts.Output = os.Stderr
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.InitTimeout <= 0 {
		opts.InitTimeout = 2 * time.Minute
	}
	if opts.ModuleDir == "" {
		dir, err := moduleDir()
		if err != nil {
			return nil, err
		}
		opts.ModuleDir = dir
	}
	ctx, cancel := context.WithTimeout(ctx, opts.InitTimeout)
	defer cancel()

	dir, err := os.MkdirTemp("", "lambdarun")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "bootstrap")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./"+filepath.ToSlash(filepath.Clean(opts.Package)))
	build.Dir = opts.ModuleDir
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	var out bytes.Buffer
	build.Stdout, build.Stderr = &out, &out
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("go build ./%s: %v\n%s", opts.Package, err, strings.TrimSpace(out.String()))
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	f := &Function{
		host:        ln.Addr().String(),
		timeout:     opts.Timeout,
		dir:         dir,
		invocations: make(chan *invocation),
		ready:       make(chan struct{}),
		exited:      make(chan struct{}),
	}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.api), ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)

	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(),
		"AWS_LAMBDA_FUNCTION_NAME=preview",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_REGION=eu-west-1",
		"AWS_LAMBDA_LOG_FORMAT=JSON",
	}
	for k, v := range opts.Env {
		env = append(env, k+"="+v)
	}
	f.cmd = exec.Command(bin)
	f.cmd.Env = env
	f.cmd.Stdout, f.cmd.Stderr = opts.Output, opts.Output
	if err := f.cmd.Start(); err != nil {
		f.srv.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	go func() {
		err := f.cmd.Wait()
		if err == nil {
			err = errors.New("exited")
		}
		f.exitErr = err
		close(f.exited)
	}()

	select {
	case <-f.ready:
		return f, nil
	case <-f.exited:
		err = fmt.Errorf("the function stopped during initialisation (%v); its output is above", f.exitErr)
		f.curMu.Lock()
		if f.initErr != "" {
			err = fmt.Errorf("%w: %s", err, f.initErr)
		}
		f.curMu.Unlock()
	case <-ctx.Done():
		err = fmt.Errorf("the function did not ask for an event within %v", opts.InitTimeout)
	}
	f.Close()
	return nil, err
}

// Invoke sends payload to the function and returns its response payload. A
// function error (the handler returned an error or panicked), a timeout or
// a function that has exited is an error, which a load balancer would turn
// into a 502.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	inv := &invocation{id: newID(), payload: payload, done: make(chan result, 1)}
	timer := time.NewTimer(f.timeout)
	defer timer.Stop()
	inv.deadline = time.Now().Add(f.timeout)
	select {
	case f.invocations <- inv:
	case <-f.exited:
		return nil, fmt.Errorf("the function has stopped (%v)", f.exitErr)
	case <-timer.C:
		return nil, errors.New("the function is still busy with an earlier invocation")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case res := <-inv.done:
		return res.body, res.err
	case <-f.exited:
		return nil, fmt.Errorf("the function stopped during the invocation (%v)", f.exitErr)
	case <-timer.C:
		return nil, fmt.Errorf("the function timed out after %v", f.timeout)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Serve invokes the function with an ALB event; its signature is the one
// the preview's target takes.
func (f *Function) Serve(ctx context.Context, ev events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	payload, err := json.Marshal(ev)
	if err != nil {
		return events.ALBTargetGroupResponse{}, err
	}
	out, err := f.Invoke(ctx, payload)
	if err != nil {
		return events.ALBTargetGroupResponse{}, err
	}
	var resp events.ALBTargetGroupResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return events.ALBTargetGroupResponse{}, fmt.Errorf("the function's response is not an ALB response: %w", err)
	}
	return resp, nil
}

// Close stops the function and the Runtime API and removes the binary.
func (f *Function) Close() error {
	if f.cmd.Process != nil {
		_ = f.cmd.Process.Kill()
		<-f.exited
	}
	err := f.srv.Close()
	os.RemoveAll(f.dir)
	return err
}

// api serves the Runtime API's function-facing endpoints. It answers only
// requests to its own address, which is what the function's runtime client
// puts in Host (AWS_LAMBDA_RUNTIME_API): a web page that points a DNS name of
// its own at 127.0.0.1 (DNS rebinding) could otherwise take the next event,
// tokens and all, or answer it with a page of its own; its requests carry
// its name in Host and get 421.
func (f *Function) api(w http.ResponseWriter, r *http.Request) {
	if r.Host != f.host {
		http.Error(w, "421 Misdirected Request", http.StatusMisdirectedRequest)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case r.Method == http.MethodGet && path == "invocation/next":
		f.readyOnce.Do(func() { close(f.ready) })
		select {
		case inv := <-f.invocations:
			f.curMu.Lock()
			f.current = inv
			f.curMu.Unlock()
			h := w.Header()
			h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
			h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
			h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:preview")
			h.Set("Content-Type", "application/json")
			w.Write(inv.payload)
		case <-r.Context().Done():
		}
	case r.Method == http.MethodPost && path == "init/error":
		b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		f.curMu.Lock()
		f.initErr = errorMessage(b)
		f.curMu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	case r.Method == http.MethodPost && strings.HasPrefix(path, "invocation/"):
		id, kind, _ := strings.Cut(strings.TrimPrefix(path, "invocation/"), "/")
		b, err := io.ReadAll(io.LimitReader(r.Body, 7<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.curMu.Lock()
		inv := f.current
		if inv != nil && inv.id == id {
			f.current = nil
		} else {
			inv = nil
		}
		f.curMu.Unlock()
		if inv == nil {
			http.Error(w, "unknown or finished invocation", http.StatusBadRequest)
			return
		}
		switch kind {
		case "response":
			inv.done <- result{body: b}
		case "error":
			inv.done <- result{err: fmt.Errorf("function error: %s", errorMessage(b))}
		default:
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, r)
	}
}

// errorMessage is the errorType and errorMessage of a Runtime API error body.
func errorMessage(b []byte) string {
	var e struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		if e.Type != "" {
			return e.Type + ": " + e.Message
		}
		return e.Message
	}
	return strings.TrimSpace(string(b))
}

// moduleDir is the first folder from the working directory upwards that
// holds a go.mod.
func moduleDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod in %s or above", wd)
		}
	}
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
