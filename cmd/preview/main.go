// Command preview serves the Lambda function's pages on this machine with a
// simulated load balancer in front: the same handler code, a token minted
// exactly like the ALB's, a key endpoint of its own. Run it with
// `make preview` and open the URL it prints. See internal/preview.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/internal/preview"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/groupclaim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
	"github.com/alb-cognito/alb-cognito-cdk/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, ".", os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `Usage: go run ./cmd/preview [flags]
       make preview PREVIEW_ARGS='[flags]'

Serves the app on this machine with this program in the load balancer's place.
For each request it mints the x-amzn-oidc-data token exactly as the ALB does
and a Cognito access token (RS256, x-amzn-oidc-accesstoken), each signed with
a key made at start and served on a local key endpoint (the access token's
as a JWKS), and calls the same handler code the Lambda function runs, with
the same route table the stack would build. Nothing leaves the machine:
sign-out stops at a local page showing where the deployment would redirect.

The handler is compiled in: after editing lambda/, press Ctrl-C and run it
again (make preview rebuilds in a second or two).

The user is alice@example.com unless flags say otherwise. -user file.json
replaces those defaults with the file's claims (a JSON object, any claims);
-email, -username, -sub and -claim then override single claims.
exp and iss are always set by the load balancer, on every request.
-groups and -scopes go into the access token: groups are the user's,
scopes are what Cognito grants the app client (every user gets the same).
A federated user's groups go in a user claim instead, in the form the
identity provider's attribute mapping leaves them, e.g.
-claim 'custom:groups=[staff, admins]' (a multi-valued SAML attribute) or a
JSON array in a -user file; cdk.json's groupClaims (or -group-claims) says
which claims count, and the startup lines show what each gave.

The route table and the function (config key functionPackage) come from
the project's cdk.json (beside go.mod), read through the config package as a
synth reads it: its only stage, the stage -stage names, or every stage when
they agree (when they differ, the preview lists them and asks for -stage).
Flags override: -routes names another cdk.json, "example" (the example
configuration's: an admin area for group admins, an API under /api/* that
anyone signed in reads and only group editors changes, a partner area), "machine-example" or
"none"; -function names another package. The startup lines say where each
came from. "machine-example" adds machine routes under /api
(config/example_machine.json): the preview then also plays their
jwt-validation rules (a request without a valid bearer token gets the load
balancer's 401 and never reaches the function) and Cognito's token endpoint,
and prints each machine client's id and a secret made at start.

-upstream http://127.0.0.1:PORT puts the preview in front of an HTTP server
on this machine instead of the function, as the load balancer fronts an
existing target group of containers or instances (config key
targetGroupArn): each request goes to it as the load balancer sends it to
such a target, with the same signed headers. The server verifies them with
the identity middleware configured by the document the preview prints
(IDENTITY_CONFIG; -upstream-config also writes it to a file); the
preview's keys change each time it starts, so restart the server with the
new document after restarting the preview. Only loopback upstreams are
accepted.

Like the load balancer, the preview keeps a session per browser in a
session cookie. -access-token-expired makes the access token of every
request after a session's first an expired one, as when it runs out
mid-session: the app then starts a fresh sign-in and you land back on
the page you asked for.

Flags:
`

const examples = `
Examples:
  make preview PREVIEW_ARGS='-email bob@example.com -username bob -groups admins,staff'
  make preview PREVIEW_ARGS='-scopes openid,https://api.example.com/read'
  make preview PREVIEW_ARGS='-groups admins -access-token-expired'
  make preview PREVIEW_ARGS='-function lambda/notes -groups admins'   # another app than cdk.json's functionPackage
  make preview PREVIEW_ARGS='-stage prod'                             # cdk.json's stage prod
  go run ./cmd/preview -routes example
  go run ./cmd/preview -routes machine-example
  go run ./cmd/preview -user me.json -claim custom:tier=gold
  go run ./cmd/preview -routes example -group-claims custom:groups -claim 'custom:groups=[staff, admins]'
  go run ./cmd/preview -signed-out -addr 127.0.0.1:8081
  go run ./cmd/preview -upstream http://127.0.0.1:9000 -upstream-config /tmp/identity.json
    then, in examples/container: IDENTITY_CONFIG="$(cat /tmp/identity.json)" PORT=9000 go run .
`

// claimFlags collects repeated -claim k=v.
type claimFlags []string

func (c *claimFlags) String() string { return strings.Join(*c, ",") }

func (c *claimFlags) Set(v string) error {
	k, _, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errors.New("want name=value")
	}
	*c = append(*c, v)
	return nil
}

// run is the command, in the working directory dir.
func run(ctx context.Context, dir string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), examples)
	}
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on; loopback only (port 0 picks a free one)")
	def := albsim.UserClaims(albsim.User{})
	email := fs.String("email", def["email"].(string), "the user's `email` claim")
	username := fs.String("username", def["username"].(string), "the user's `username` claim")
	sub := fs.String("sub", def["sub"].(string), "the user's `sub` claim, also sent as x-amzn-oidc-identity")
	groups := fs.String("groups", "", "the user's groups, `a,b,...`, sent in the access token's cognito:groups claim")
	scopes := fs.String("scopes", "openid", "the scopes granted, `a,b,...`, sent in the access token's scope claim")
	expired := fs.Bool("access-token-expired", false, "send an expired access token on every request of a session after its first")
	routesFrom := fs.String("routes", "", "the route table: `example`, machine-example, none, or a cdk.json file whose context is the configuration (default: the project's cdk.json)")
	stage := fs.String("stage", "", "the `stage` of cdk.json whose route table and functionPackage to use (default: its only stage, or every stage when they agree)")
	groupClaims := fs.String("group-claims", "", "the claims holding the user's groups, `a,b`, e.g. cognito:groups,custom:groups (config key groupClaims; default: cdk.json's, else cognito:groups)")
	groupSep := fs.String("group-claim-separator", "", "how a group claim's plain string splits: comma or space (config key groupClaimSeparator; with -group-claims)")
	var extra claimFlags
	fs.Var(&extra, "claim", "an extra string claim as `name=value`; repeat for more")
	userFile := fs.String("user", "", "a JSON `file` holding the user's claims, replacing the defaults")
	signedOut := fs.Bool("signed-out", false, "forward requests with no token, to show the 401 page")
	issuer := fs.String("issuer", string(cognitoissuer.Original), "the user pool's issuer form (config key userPoolIssuer): `original` (cognito-idp) or updated (issuer-cognito-idp); every token's iss and the function's TOKEN_ISSUER")
	function := fs.String("function", "", "the function's main `package`, e.g. lambda/notes; any package but lambda/whoami is built and run as Lambda runs it (default: cdk.json's functionPackage)")
	upstream := fs.String("upstream", "", "front the HTTP server at `http://127.0.0.1:port` instead of the function (loopback only)")
	upstreamConfig := fs.String("upstream-config", "", "with -upstream, also write the server's IDENTITY_CONFIG document to this `file`")
	showVersion := fs.Bool("version", false, "print the version (CHANGELOG.md) and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "alb-cognito-cdk preview %s\n", version.Version)
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "preview: unexpected arguments %q (flags only; see -h)\n", fs.Args())
		return 2
	}

	claims := def
	if *userFile != "" {
		var err error
		if claims, err = readClaims(*userFile); err != nil {
			fmt.Fprintf(stderr, "preview: -user: %v\n", err)
			return 2
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "email":
			claims["email"] = *email
		case "username":
			claims["username"] = *username
		case "sub":
			claims["sub"] = *sub
		}
	})
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		claims[strings.TrimSpace(k)] = v
	}
	for _, k := range []string{"exp", "iss"} {
		if _, ok := claims[k]; ok {
			fmt.Fprintf(stderr, "preview: note: claim %q is set by the load balancer on every request; the value given is ignored\n", k)
		}
	}

	if !cognitoissuer.Form(*issuer).Valid() {
		fmt.Fprintf(stderr, "preview: -issuer %q: want original or updated\n", *issuer)
		return 2
	}

	if *upstream != "" {
		if err := preview.CheckUpstream(*upstream); err != nil {
			fmt.Fprintf(stderr, "preview: -upstream: %v\n", err)
			return 2
		}
		if *function != "" {
			fmt.Fprintln(stderr, "preview: -function and -upstream: the preview fronts one or the other")
			return 2
		}
	} else if *upstreamConfig != "" {
		fmt.Fprintln(stderr, "preview: -upstream-config needs -upstream")
		return 2
	}

	chosen, err := choose(dir, *routesFrom, *function, *stage)
	if err != nil {
		fmt.Fprintf(stderr, "preview: %v\n", err)
		return 2
	}
	table := chosen.table
	fn := chosen.function
	if *upstream != "" {
		fn = ""
	}
	gc := chosen.groupClaims
	if *groupClaims != "" {
		gc = groupclaim.Config{Claims: splitList(*groupClaims), Separator: groupclaim.Separator(*groupSep)}
	} else if *groupSep != "" {
		fmt.Fprintln(stderr, "preview: -group-claim-separator needs -group-claims")
		return 2
	}
	if err := gc.Validate(); err != nil {
		fmt.Fprintf(stderr, "preview: group claims: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		return 2
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := preview.Start(*addr, preview.Options{Claims: claims, SignedOut: *signedOut, Logger: logger,
		Groups: splitList(*groups), Scopes: splitList(*scopes), AccessTokenExpired: *expired, Routes: table,
		Function: fn, FunctionOutput: stderr, Issuer: cognitoissuer.Form(*issuer), Upstream: *upstream, GroupClaims: gc})
	if err != nil {
		fmt.Fprintf(stderr, "preview: %v\n", err)
		return 1
	}
	if *upstreamConfig != "" {
		if err := os.WriteFile(*upstreamConfig, append(srv.UpstreamConfig, '\n'), 0o600); err != nil {
			fmt.Fprintf(stderr, "preview: -upstream-config: %v\n", err)
			_ = srv.Shutdown(context.Background())
			return 1
		}
	}
	who := "signed in as " + describe(claims)
	if *signedOut {
		who = "signed out: every request gets the 401 page"
	}
	if *upstream != "" {
		fmt.Fprintf(stdout, "Preview in front of %s (%s)\n  open  %s\n  keys  %s\n  jwks  %s\n  iss   %s\n", *upstream, who, srv.URL, srv.KeyEndpoint, srv.JWKSURL, srv.Issuer)
		printUpstream(stdout, *upstream, *upstreamConfig, srv.UpstreamConfig)
		fmt.Fprintf(stdout, "  routes: %s\n", chosen.routesFrom)
	} else {
		fmt.Fprintf(stdout, "Preview of %s (%s)\n  open  %s\n  keys  %s\n  jwks  %s\n  iss   %s\n", chosen.function, who, srv.URL, srv.KeyEndpoint, srv.JWKSURL, srv.Issuer)
		fmt.Fprintf(stdout, "  function: %s (%s)\n  routes: %s\n", chosen.function, chosen.functionFrom, chosen.routesFrom)
	}
	fmt.Fprintf(stdout, "  access token: groups [%s], scopes [%s]", strings.Join(splitList(*groups), " "), strings.Join(splitList(*scopes), " "))
	if *expired {
		fmt.Fprint(stdout, ", expired after each session's first request")
	}
	fmt.Fprintln(stdout)
	user := userGroups(gc, claims, splitList(*groups))
	fmt.Fprintln(stdout, "  "+describeGroups(gc, user))
	if len(table.Routes) == 0 {
		fmt.Fprintln(stdout, "  no routes: every path lets any signed-in user in")
	}
	for _, rt := range table.Routes {
		what := strings.Join(rt.Paths, " ")
		if len(rt.Methods) > 0 {
			what = strings.Join(rt.Methods, " ") + " " + what
		}
		fmt.Fprintf(stdout, "  route %-10s %s  %s\n", rt.Name, what, describeRoute(rt, user, splitList(*scopes)))
	}
	printMachine(stdout, srv, table)
	if *upstream == "" {
		fmt.Fprintln(stdout, "Edit lambda/, then Ctrl-C and run again to see the change. Ctrl-C stops.")
	} else {
		fmt.Fprintln(stdout, "Ctrl-C stops. A restarted preview has new keys: restart the upstream with the new document.")
	}

	code := 0
	select {
	case <-ctx.Done():
	case err := <-srv.Err():
		fmt.Fprintf(stderr, "preview: %v\n", err)
		code = 1
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "preview: shutdown: %v\n", err)
		code = 1
	}
	fmt.Fprintln(stdout, "Preview stopped.")
	return code
}

// printUpstream says how to start the upstream with its configuration:
// from the file -upstream-config wrote, or with the document inline.
func printUpstream(w io.Writer, upstream, file string, doc []byte) {
	port := "8080"
	if u, err := url.Parse(upstream); err == nil {
		port = u.Port()
	}
	fmt.Fprintf(w, "  upstream %s: start it with this configuration (identity.FromDocument reads IDENTITY_CONFIG), e.g. examples/container:\n", upstream)
	if file != "" {
		fmt.Fprintf(w, "    cd examples/container && IDENTITY_CONFIG=\"$(cat %s)\" PORT=%s go run .\n", shellQuote(file), port)
		return
	}
	fmt.Fprintf(w, "    cd examples/container && IDENTITY_CONFIG=%s PORT=%s go run .\n", shellQuote(string(doc)), port)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// printMachine lists the machine clients, their preview-only secrets and
// the curl commands that get a token and call a machine route with it.
func printMachine(w io.Writer, srv *preview.Server, table routes.Table) {
	if srv.TokenEndpoint == "" {
		return
	}
	fmt.Fprintf(w, "  token endpoint %s (client-credentials grant, as Cognito's /oauth2/token)\n", srv.TokenEndpoint)
	for _, c := range srv.MachineClients {
		fmt.Fprintf(w, "  machine client %-14s id %s  secret %s  scopes %s\n", c.Name, c.ID, c.Secret, strings.Join(c.Scopes, " "))
	}
	rt := table.Machine()[0]
	c := srv.MachineClients[0]
	for _, mc := range srv.MachineClients {
		if mc.Name == rt.Clients[0] {
			c = mc
		}
	}
	path := strings.TrimPrefix(strings.TrimSuffix(rt.Paths[0], "*"), "/")
	fmt.Fprintf(w, "  try (as %s, on route %s):\n    TOKEN=$(curl -s -u %s:%s -d grant_type=client_credentials %s | jq -r .access_token)\n",
		c.Name, rt.Name, c.ID, c.Secret, srv.TokenEndpoint)
	fmt.Fprintf(w, "    curl -s -H \"Authorization: Bearer $TOKEN\" %s%s\n", srv.URL, path)
}

// readClaims reads a JSON object of claims. Numbers keep their text.
func readClaims(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil || claims == nil {
		return nil, fmt.Errorf("%s: want a JSON object of claims, e.g. {\"sub\": \"...\", \"email\": \"bob@example.com\"}", path)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: trailing data after the JSON object", path)
	}
	return claims, nil
}

func splitList(s string) []string {
	out := []string{}
	for _, g := range strings.Split(s, ",") {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}

func describe(claims map[string]any) string {
	for _, k := range []string{"email", "username", "sub"} {
		if v, ok := claims[k].(string); ok && v != "" {
			return v
		}
	}
	return "a user with no email, username or sub"
}

// userGroups is the user's groups as the middleware reads them: the
// configured group claims (groupclaim.Config.Collect) of the signed claims
// and of the access token's cognito:groups.
func userGroups(gc groupclaim.Config, claims map[string]any, access []string) *identity.Identity {
	id := &identity.Identity{AccessVerified: true, Groups: access}
	if !gc.IsDefault() {
		id.Groups, id.GroupSources, id.GroupClaimError = gc.Collect(claims, access)
	}
	return id
}

// describeGroups is the startup line that says where the user's groups come
// from.
func describeGroups(gc groupclaim.Config, id *identity.Identity) string {
	if gc.IsDefault() {
		return "groups: the access token's cognito:groups [" + strings.Join(id.Groups, " ") + "]"
	}
	if id.GroupClaimError != nil {
		return "groups: none: " + id.GroupClaimError.Error() + "; every route with groups answers 403"
	}
	parts := make([]string, 0, len(id.GroupSources))
	for _, src := range id.GroupSources {
		parts = append(parts, fmt.Sprintf("%s (%s) [%s]", src.Claim, src.Form, strings.Join(src.Groups, " ")))
	}
	return "groups: " + strings.Join(parts, ", ") + " → [" + strings.Join(id.Groups, " ") + "]"
}

// describeRoute says what the route needs and whether this user may enter,
// by the middleware's own decision (identity.Identity.MayEnter).
func describeRoute(rt routes.Route, user *identity.Identity, scopes []string) string {
	if rt.Machine() {
		return "(machine route: a bearer token of " + strings.Join(rt.Clients, " or ") + " with scopes " +
			strings.Join(rt.Scopes, " and ") + ") → browsers get the load balancer's 401"
	}
	var need []string
	if len(rt.Groups) > 0 {
		need = append(need, "group "+strings.Join(rt.Groups, " or "))
	}
	if len(rt.Scopes) > 0 {
		need = append(need, "scopes "+strings.Join(rt.Scopes, " and "))
	}
	if u := rt.Unauthenticated(); u != routes.Authenticate {
		need = append(need, "unauthenticated: "+u)
	}
	if len(need) == 0 {
		need = append(need, "any signed-in user")
	}
	id := *user
	id.Scopes = scopes
	verdict := "you may enter"
	if ok, _ := id.MayEnter(rt); !ok {
		verdict = "you get 403"
	}
	return "(" + strings.Join(need, "; ") + ") → " + verdict
}
