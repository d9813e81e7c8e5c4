package examples

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// lockedBuffer is the log output tests read while it is written.
type lockedBuffer = syncbuf.Buffer

// TestContainer builds examples/container and runs the binary as ECS would:
// its configuration in IDENTITY_CONFIG, PORT set, stopped with SIGTERM. The
// simulated load balancer sends it requests as it sends them to an HTTP
// target, with tokens signed by keys the document points it at.
func TestContainer(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "container")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "container"
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build in examples/container: %v\n%s", err, out)
	}

	lb, err := albsim.New(albsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := albsim.NewPool(albsim.PoolConfig{Issuer: lb.Issuer, ClientID: lb.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	keys, jwks := httptest.NewServer(lb.Keys), httptest.NewServer(pool.JWKS)
	defer keys.Close()
	defer jwks.Close()
	table := routes.Derive([]routes.Route{{Name: "admin", Paths: []string{"/admin/*"}, Groups: []string{"admins"}}},
		[]string{"openid"}, identity.DefaultSessionCookieName)
	tableJSON, err := table.JSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(map[string]string{
		identity.EnvALBARN: lb.ARN, identity.EnvClientID: lb.ClientID, identity.EnvIssuer: lb.Issuer,
		identity.EnvKeyEndpoint: keys.URL, identity.EnvJWKSURL: jwks.URL + "/.well-known/jwks.json",
		identity.EnvUserPoolDomain: "example.auth.eu-west-1.amazoncognito.com", identity.EnvAppURL: "https://app.example.com",
		identity.EnvRouteTable: string(tableJSON), identity.EnvTarget: identity.TargetHTTP,
	})
	if err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), identity.EnvConfig+"="+string(doc), "PORT="+port)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()

	base := "http://127.0.0.1:" + port
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("health check: %d", resp.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not answer its health check: %v\n%s", err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	forward, err := albsim.HTTPTarget(base)
	if err != nil {
		t.Fatal(err)
	}
	const sub = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
	send := func(path string, signedIn bool, groups ...string) (int, string) {
		t.Helper()
		token, id := "", ""
		if signedIn {
			c := lb.Claims(albsim.User{Sub: sub, Email: "ada@example.com"})
			if token, err = lb.Mint(c); err != nil {
				t.Fatal(err)
			}
			id = sub
		}
		ev := albsim.Forward(table, albsim.NewRequest(path, token, id))
		if signedIn {
			access, err := pool.MintAccess(pool.AccessClaims(albsim.Access{Sub: sub, Groups: groups}))
			if err != nil {
				t.Fatal(err)
			}
			ev.MultiValueHeaders["x-amzn-oidc-accesstoken"] = []string{access}
		}
		resp, err := forward(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := base64.StdEncoding.DecodeString(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := send("/", true); status != 200 || !strings.Contains(body, "Hello, ada@example.com") {
		t.Errorf("signed in: %d %s", status, body)
	}
	if status, body := send("/admin/x", true, "admins"); status != 200 || !strings.Contains(body, `<p id="route">Route: admin</p>`) {
		t.Errorf("admin: %d %s", status, body)
	}
	if status, _ := send("/admin/x", true); status != 403 {
		t.Errorf("admin without the group: %d", status)
	}
	if status, _ := send("/%61dmin/x", true); status != 400 {
		t.Errorf("encoded admin path: %d", status)
	}
	if status, _ := send("/", false); status != 401 {
		t.Errorf("no token: %d", status)
	}

	// ECS stops a task with SIGTERM; the server drains and exits 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit 30 s after SIGTERM")
	}
	for _, want := range []string{`"msg":"initialised"`, `"reason":"group_missing"`, `"msg":"stopped"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
}
