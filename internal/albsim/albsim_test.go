package albsim

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMintLikeTheLoadBalancer(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	lb, err := New(Config{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := lb.Mint(lb.Claims(User{}))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("%d segments", len(parts))
	}
	if !strings.HasSuffix(parts[2], "==") {
		t.Errorf("signature segment %q is not padded", parts[2])
	}
	for i, p := range parts {
		if len(p)%4 != 0 {
			t.Errorf("segment %d length %d is not a multiple of 4 (unpadded)", i, len(p))
		}
	}
	raw, err := base64.URLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"alg": "ES256", "typ": "JWT", "kid": lb.Key.ID, "signer": lb.ARN, "iss": lb.Issuer,
		"client": lb.ClientID, "exp": float64(now.Add(DefaultTTL).Unix())}
	if len(h) != len(want) {
		t.Errorf("header = %v", h)
	}
	for k, v := range want {
		if h[k] != v {
			t.Errorf("header %s = %v, want %v", k, h[k], v)
		}
	}
	sig, err := base64.URLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		t.Fatalf("signature: %d bytes, %v", len(sig), err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(&lb.Key.Private.PublicKey, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Error("signature does not verify over the padded signing input")
	}

	unpadded, err := lb.Mint(lb.Claims(User{}), WithoutPadding(), WithoutHeader("typ"), WithHeader("kid", "x"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(unpadded, "=") {
		t.Error("WithoutPadding left padding")
	}
}

func TestKeyServer(t *testing.T) {
	t.Parallel()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(k.ID) != 36 || k.ID[14] != '4' {
		t.Errorf("kid %q is not a v4 UUID", k.ID)
	}
	ks := NewKeyServer(k)
	srv := httptest.NewServer(ks)
	defer srv.Close()
	for _, tc := range []struct {
		path string
		code int
	}{{"/" + k.ID, 200}, {"/unknown", 404}, {"/", 404}} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("GET %s = %d, want %d", tc.path, resp.StatusCode, tc.code)
		}
	}
	if ks.Requests() != 3 {
		t.Errorf("Requests = %d, want 3", ks.Requests())
	}
	if !strings.HasPrefix(string(k.PublicKeyPEM()), "-----BEGIN PUBLIC KEY-----") {
		t.Error("PEM")
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	lb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	req, err := lb.Request("/p", lb.Claims(User{Sub: "s-1"}))
	if err != nil {
		t.Fatal(err)
	}
	h := req.MultiValueHeaders
	if req.Headers != nil || len(h["x-amzn-oidc-data"]) != 1 || h["x-amzn-oidc-identity"][0] != "s-1" ||
		h["x-amzn-oidc-accesstoken"][0] != AccessToken || req.Path != "/p" || req.HTTPMethod != "GET" {
		t.Errorf("request = %+v", req)
	}
	single := SingleValue(req)
	if single.MultiValueHeaders != nil || single.Headers["x-amzn-oidc-data"] != h["x-amzn-oidc-data"][0] {
		t.Errorf("single = %+v", single)
	}
	if bare := NewRequest("/", "", ""); len(bare.MultiValueHeaders["x-amzn-oidc-data"]) != 0 {
		t.Error("empty token still sent")
	}
}
