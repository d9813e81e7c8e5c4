package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
)

const (
	runtimeAPIPrefix = "/2018-06-01/runtime"
	functionName     = "whoami-bench"
	functionARN      = "arn:aws:lambda:eu-west-1:123456789012:function:" + functionName
	// startTimeout bounds one start; far above any sane cold start.
	startTimeout = 5 * time.Second
)

// invocation is the one event a started process is given.
type invocation struct {
	id     string
	event  []byte
	served atomic.Bool
	once   sync.Once
	done   chan outcome // receives exactly one outcome
}

// outcome is how an invocation ended.
type outcome struct {
	at     time.Time // when the response (or error) had been received
	status int       // the response's statusCode
	body   string
	err    error
}

func (inv *invocation) finish(o outcome) { inv.once.Do(func() { inv.done <- o }) }

// newRuntimeAPI starts a stand-in for the Lambda Runtime API serving one
// invocation: the first GET /next gets it; asking again (which the runtime
// does right after responding) blocks until the process is killed. Each start
// gets its own server, so a killed process's late request for its next event
// can never take the following process's invocation.
func newRuntimeAPI(inv *invocation) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+runtimeAPIPrefix+"/invocation/next", inv.next)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/invocation/{id}/response", inv.response)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/invocation/{id}/error", inv.failure)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/init/error", inv.failure)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		inv.finish(outcome{at: time.Now(), err: fmt.Errorf("unexpected runtime API call %s %s", r.Method, r.URL.Path)})
		http.NotFound(w, r)
	})
	return httptest.NewServer(mux)
}

func (inv *invocation) next(w http.ResponseWriter, r *http.Request) {
	if !inv.served.CompareAndSwap(false, true) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", functionARN)
	h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0")
	_, _ = w.Write(inv.event)
}

func (inv *invocation) response(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	at := time.Now()
	w.WriteHeader(http.StatusAccepted)
	if err == nil && r.PathValue("id") != inv.id {
		err = fmt.Errorf("response for request id %q, want %q", r.PathValue("id"), inv.id)
	}
	var resp struct {
		StatusCode int `json:"statusCode"`
	}
	if err == nil {
		err = json.Unmarshal(body, &resp)
	}
	inv.finish(outcome{at: at, status: resp.StatusCode, body: string(body), err: err})
}

func (inv *invocation) failure(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.WriteHeader(http.StatusAccepted)
	inv.finish(outcome{at: time.Now(), err: fmt.Errorf("the function posted %s: %s", r.URL.Path, bytes.TrimSpace(body))})
}

// coldFunc is one function binary whose cold start is measured.
type coldFunc struct {
	name  string
	pkg   string
	bin   string
	env   []string
	times []float64 // milliseconds
}

// start runs the binary once: from just before the fork until the runtime
// API has received its response, then kills it.
func start(f *coldFunc, event []byte) (time.Duration, outcome, error) {
	id, err := albsim.NewUUID()
	if err != nil {
		return 0, outcome{}, err
	}
	inv := &invocation{id: id, event: event, done: make(chan outcome, 1)}
	api := newRuntimeAPI(inv)
	defer api.Close()

	cmd := exec.Command(f.bin)
	cmd.Dir = filepath.Dir(f.bin)
	cmd.Env = append(f.env[:len(f.env):len(f.env)], "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(api.URL, "http://"))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, outcome{}, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var o outcome
	select {
	case o = <-inv.done:
	case err := <-exited:
		return 0, outcome{}, fmt.Errorf("%s exited before responding (%v): %s", f.name, err, tail(logs.Bytes(), 10))
	case <-time.After(startTimeout):
		err = fmt.Errorf("%s did not respond within %s: %s", f.name, startTimeout, tail(logs.Bytes(), 10))
	}
	_ = cmd.Process.Kill()
	<-exited
	if err != nil {
		return 0, outcome{}, err
	}
	if o.err != nil {
		return 0, o, fmt.Errorf("%s: %w; its logs: %s", f.name, o.err, tail(logs.Bytes(), 10))
	}
	if o.status != http.StatusOK {
		return 0, o, fmt.Errorf("%s answered %d, want 200: %.300s; its logs: %s", f.name, o.status, o.body, tail(logs.Bytes(), 10))
	}
	return o.at.Sub(t0), o, nil
}

// lambdaEnv is the environment Lambda gives a provided.al2023 function, but
// for AWS_LAMBDA_RUNTIME_API, which each start adds.
func lambdaEnv(taskRoot string, extra map[string]string) []string {
	env := map[string]string{
		"PATH":                            "/usr/local/bin:/usr/bin:/bin",
		"LANG":                            "en_US.UTF-8",
		"TZ":                              ":UTC",
		"_HANDLER":                        "bootstrap",
		"LAMBDA_TASK_ROOT":                taskRoot,
		"AWS_LAMBDA_FUNCTION_NAME":        functionName,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_LAMBDA_LOG_FORMAT":           "JSON",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + functionName,
		"AWS_LAMBDA_LOG_STREAM_NAME":      "2025/01/01/[$LATEST]00000000000000000000000000000000",
		"AWS_REGION":                      "eu-west-1",
		"AWS_DEFAULT_REGION":              "eu-west-1",
		"AWS_EXECUTION_ENV":               "AWS_Lambda_provided.al2023",
	}
	for k, v := range extra {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func benchColdStart(e *env) error {
	lb, err := albsim.New(albsim.Config{})
	if err != nil {
		return err
	}
	keys := httptest.NewServer(lb.Keys)
	defer keys.Close()
	// The user pool whose access token the load balancer forwards with
	// every request; the function verifies it against the pool's JWKS.
	pool, err := albsim.NewPool(albsim.PoolConfig{Issuer: lb.Issuer, ClientID: lb.ClientID})
	if err != nil {
		return err
	}
	jwks := httptest.NewServer(pool.JWKS)
	defer jwks.Close()

	dir := filepath.Join(e.work, "cold")
	project := &coldFunc{name: "whoami", pkg: "./lambda/whoami", bin: filepath.Join(dir, "whoami", "bootstrap")}
	floor := &coldFunc{name: "floorfn", pkg: "./bench/floorfn", bin: filepath.Join(dir, "floorfn", "bootstrap")}
	// Every variable identity.ConfigFromEnv requires, and the two key
	// endpoints pointed at the local servers. The route table has no
	// routes (the stack writes {"routes":[]} for none), so no machine
	// clients are needed; GET / is on no route either way.
	app := map[string]string{
		identity.EnvALBARN:            lb.ARN,
		identity.EnvClientID:          lb.ClientID,
		identity.EnvIssuer:            lb.Issuer,
		identity.EnvKeyEndpoint:       keys.URL,
		identity.EnvJWKSURL:           jwks.URL,
		identity.EnvUserPoolDomain:    "example-app.auth.eu-west-1.amazoncognito.com",
		identity.EnvAppURL:            "https://app.example.com",
		identity.EnvTargetGroupPrefix: albsim.TargetGroupPrefix,
		identity.EnvRouteTable:        `{"routes":[]}`,
	}
	for _, f := range []*coldFunc{project, floor} {
		// Native GOOS/GOARCH, otherwise the flags the stack builds with.
		e.logf("go build -trimpath -ldflags=\"-s -w\" -o %s %s", f.bin, f.pkg)
		if _, err := e.mustRun(e.snapCommand("go", "build", "-trimpath", "-ldflags=-s -w", "-o", f.bin, f.pkg)); err != nil {
			return err
		}
		f.env = lambdaEnv(filepath.Dir(f.bin), app)
	}

	req, err := lb.Request("/", lb.Claims(albsim.User{}))
	if err != nil {
		return err
	}
	// Both headers, as the load balancer sends them: the function verifies
	// both tokens on its first request, fetching both keys.
	access, err := pool.MintAccess(pool.AccessClaims(albsim.Access{Groups: []string{"admins"}}))
	if err != nil {
		return err
	}
	req.MultiValueHeaders["x-amzn-oidc-accesstoken"] = []string{access}
	event, err := json.Marshal(req)
	if err != nil {
		return err
	}

	n := e.opts.coldRuns
	e.logf("%d cold starts of each, alternating", n)
	var body string
	for i := range n {
		for _, f := range []*coldFunc{project, floor} {
			d, o, err := start(f, event)
			if err != nil {
				return fmt.Errorf("start %d: %w", i+1, err)
			}
			f.times = append(f.times, float64(d.Microseconds())/1e3)
			if f == project {
				body = o.body
			}
		}
	}
	if !strings.Contains(body, "alice") || !strings.Contains(body, "admins") {
		return errors.New("the function's 200 response does not show the signed-in user and their group; is it verifying both tokens? " + body)
	}
	fetches := float64(lb.Keys.Requests()) / float64(n)
	jwksFetches := float64(pool.JWKS.Requests()) / float64(n)
	pm, fm := median(project.times), median(floor.times)
	e.addRow(row{
		measure: fmt.Sprintf("function cold start, process start → 200 received (median of %d)", n),
		project: millis(pm), floor: millis(fm) + " (aws-lambda-go, no verification)", ratio: pm / fm,
		target: "< 50 ms", met: yesNo(pm < 50),
	})
	e.notef("Cold start: native %s build, a local Runtime API, ALB key endpoint and JWKS, alternating with the floor; spread %s vs %s; "+
		"the request carried both tokens (user claims and access token); per whoami start the ALB key endpoint was asked %.1f times and the user pool's JWKS %.1f times.",
		hostPlatform(), spread(project.times, millis), spread(floor.times, millis), fetches, jwksFetches)
	e.logf("cold start whoami %s (spread %s), floorfn %s (spread %s)", millis(pm), spread(project.times, millis), millis(fm), spread(floor.times, millis))
	return nil
}

func hostPlatform() string {
	out, err := exec.Command("go", "env", "GOOS", "GOARCH").Output()
	if err != nil {
		return "host"
	}
	return strings.Join(strings.Fields(string(out)), "/")
}

// fileSize is the size of the file at path, or -1.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return fi.Size()
}
