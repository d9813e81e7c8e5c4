package webapp

import (
	"bytes"
	"encoding/json"
	"html/template"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/identity"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/page"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// refIdentityHTML is the identity page as an html/template, as the page
// was rendered before it was written directly: the reference renderHTML
// must equal byte for byte.
const refIdentityHTML = `<header><h1>Signed in as {{.Who}}</h1><a class="btn" href="/logout">Sign out</a></header>
<dl><dt>Username</dt><dd>{{.Username}}</dd><dt>Email</dt><dd>{{.Email}} <span class="note">({{if .EmailVerified}}verified{{else}}not verified{{end}})</span></dd>` +
	`<dt>Subject (sub)</dt><dd><code>{{.Sub}}</code></dd><dt>Session token expires</dt><dd><time datetime="{{.ExpiresISO}}">{{.Expires}}</time></dd>` +
	`<dt>Groups</dt><dd id="groups">{{if .AccessVerified}}{{range $i, $g := .Groups}}{{if $i}}, {{end}}<code>{{$g}}</code>{{else}}none{{end}}{{else}}unknown (no access token){{end}}</dd>` +
	`<dt>Granted scopes</dt><dd id="scopes">{{if .AccessVerified}}{{range $i, $s := .Scopes}}{{if $i}}, {{end}}<code>{{$s}}</code>{{else}}none{{end}}{{else}}unknown (no access token){{end}}</dd></dl>
{{if .HasRoutes}}<h2>Where you may go</h2>
<div class="scroll"><table id="routes"><thead><tr><th scope="col">Route</th><th scope="col">Paths</th><th scope="col">Requires</th><th scope="col">You</th></tr></thead><tbody>
{{range .Routes}}{{template "route" .}}{{end}}</tbody></table></div>
<p class="note">Groups are per user; scopes are granted per app client, so every user of this site gets the same scopes.</p>
{{end}}<h2>All claims</h2>
<div class="scroll"><table><thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead><tbody>
{{range .Claims}}<tr><th scope="row"><code>{{.Name}}</code></th><td>{{.Value}}</td></tr>
{{end}}</tbody></table></div>
<p class="note">Read from the load balancer's signed x-amzn-oidc-data header and Cognito's access token after checking their signatures, signer or issuer, client, type and expiry.</p>
` + routeHTML

var refIdentityTmpl = template.Must(template.New("identity").Parse(page.Document("Who am I", refIdentityHTML)))

type refClaim struct{ Name, Value string }

type refPage struct {
	Who, Username, Email      string
	EmailVerified             bool
	Sub, Expires, ExpiresISO  string
	AccessVerified, HasRoutes bool
	Groups, Scopes            []string
	Routes                    []routeAccess
	Claims                    []refClaim
}

// refRender renders the identity page for id through refIdentityTmpl,
// every route row and claim row through html/template on the spot.
func refRender(t testing.TB, table routes.Table, id *identity.Identity) string {
	t.Helper()
	pg := refPage{
		Who:            firstNonEmpty(id.Username, id.Email, id.Subject),
		Username:       firstNonEmpty(id.Username, "—"),
		Email:          firstNonEmpty(id.Email, "—"),
		EmailVerified:  id.EmailVerified,
		Sub:            id.Subject,
		Expires:        id.ExpiresAt.UTC().Format("Mon, 2 Jan 2006 15:04:05 UTC"),
		ExpiresISO:     id.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"),
		AccessVerified: id.AccessVerified,
		Groups:         id.Groups,
		Scopes:         id.Scopes,
		HasRoutes:      len(table.Routes) > 0,
	}
	for _, rt := range table.Routes {
		r := routeRow{route: rt}
		why := r.why(id)
		paths := strings.Join(rt.Paths, " ")
		if len(rt.Methods) > 0 {
			paths = strings.Join(rt.Methods, " ") + " " + paths
		}
		pg.Routes = append(pg.Routes, routeAccess{Name: rt.Name, Paths: paths, Requires: requires(rt), Allowed: why == allowedKey, Why: why})
	}
	for k, v := range id.Claims {
		pg.Claims = append(pg.Claims, refClaim{Name: k, Value: claimText(v)})
	}
	slices.SortFunc(pg.Claims, func(a, b refClaim) int { return strings.Compare(a.Name, b.Name) })
	var b strings.Builder
	if err := refIdentityTmpl.Execute(&b, &pg); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func checkPage(t *testing.T, table routes.Table, id *identity.Identity) {
	t.Helper()
	var got bytes.Buffer
	if err := New(table).renderHTML(&got, id); err != nil {
		t.Fatal(err)
	}
	if want := refRender(t, table, id); got.String() != want {
		t.Fatalf("page for %+v:\n%s\nwant:\n%s", id, got.String(), want)
	}
}

const hostile = "<script>&'\"+\x00\xff é\u2028"

var pageIdentities = []*identity.Identity{
	{Subject: "u"},
	{Subject: "s<1>", Username: "al&ice", Email: "a+b@x'y\"", EmailVerified: true, AccessVerified: true,
		Groups: []string{"admins", "<g>"}, Scopes: []string{"openid", "a+b"}, ExpiresAt: time.Unix(1893557045, 0),
		Claims: map[string]any{"sub": "s<1>", "n": json.Number("12"), "b": true, "l": []any{"<x>", 2.5}, "o": map[string]any{"k": nil}, hostile: hostile}},
	{Subject: hostile, Email: hostile, AccessVerified: true, ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))},
	{Subject: "u", Username: "u", AccessVerified: true, Groups: []string{}, Scopes: []string{"s1", "s2", "s3", "x", "y"}, Claims: map[string]any{}},
}

// TestPageMatchesReference: the page is byte for byte what the reference
// template renders, for route tables with and without routes and
// identities with hostile text in every field.
func TestPageMatchesReference(t *testing.T) {
	t.Parallel()
	for _, table := range []routes.Table{{}, rowTable} {
		for _, id := range pageIdentities {
			checkPage(t, table, id)
		}
	}
}

// FuzzPageMatchesReference is the same check on fuzzed text.
func FuzzPageMatchesReference(f *testing.F) {
	f.Add("alice", "a@x", "sub", "admins", "openid", "name", "value", true, true)
	f.Add(hostile, hostile, hostile, hostile, hostile, hostile, hostile, false, true)
	f.Add("", "", "", "", "", "", "", false, false)
	f.Fuzz(func(t *testing.T, user, email, sub, group, scope, name, value string, verified, access bool) {
		id := &identity.Identity{Subject: sub, Username: user, Email: email, EmailVerified: verified, AccessVerified: access,
			Groups: []string{group, "admins"}, Scopes: []string{scope}, ExpiresAt: time.Unix(int64(len(value))*1e8, 0),
			Claims: map[string]any{name: value, "x": []any{value}, "sub": sub}}
		checkPage(t, rowTable, id)
	})
}
