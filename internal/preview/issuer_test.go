package preview

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/cognitoissuer"
)

// With Issuer updated the simulated pool signs as a pool whose
// IssuerConfiguration is UPDATED: the user claims, the access tokens and the
// machine tokens carry the issuer-cognito-idp issuer, the function is
// configured with it, and a signed-in page and a machine call both pass.
func TestPreviewUpdatedIssuer(t *testing.T) {
	t.Parallel()
	const want = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AlbSim000"
	table, err := ExampleMachineRoutes()
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{Routes: table, Issuer: cognitoissuer.Updated})
	if s.Issuer != want {
		t.Fatalf("Issuer = %q, want %q", s.Issuer, want)
	}
	resp, body := get(t, s.URL, "Accept", "application/json")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"iss":"`+want+`"`) {
		t.Errorf("signed-in page: %d, want 200 with iss %s:\n%s", resp.StatusCode, want, body)
	}
	status, tok := mint(t, s, machineClient(t, s, "billing-sync"), "")
	if status != http.StatusOK {
		t.Fatalf("token endpoint: %d", status)
	}
	parts := strings.Split(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil || claims["iss"] != want {
		t.Errorf("machine token iss %v (%v), want %s", claims["iss"], err, want)
	}
	if resp, body := get(t, s.URL+"api/billing/run", "Authorization", "Bearer "+tok); resp.StatusCode != http.StatusOK {
		t.Errorf("machine call: %d %s", resp.StatusCode, body)
	}
	if _, err := Start("127.0.0.1:0", Options{Issuer: "UPDATED"}); err == nil || !strings.Contains(err.Error(), "want original or updated") {
		t.Errorf("an invalid form: err = %v", err)
	}
}
