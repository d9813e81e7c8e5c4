package accesstoken_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkVerify measures one verification of a typical access token with
// the JWKS already fetched.
func BenchmarkVerify(b *testing.B) {
	f := newFixture(b, nil)
	tok := mint(keyA, header(kidA), claims())
	ctx := context.Background()
	if _, err := f.v.Verify(ctx, tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.v.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareRS256 is the floor: split the same token, decode its
// signature and payload, one rsa.VerifyPKCS1v15 over the SHA-256 of the
// signing input, and json.Unmarshal of the payload into a map.
func BenchmarkBareRS256(b *testing.B) {
	keys(b)
	tok := mint(keyA, header(kidA), claims())
	pub := &keyA.PublicKey
	b.ReportAllocs()
	for b.Loop() {
		i := strings.LastIndexByte(tok, '.')
		sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
		if err != nil {
			b.Fatal(err)
		}
		sum := sha256.Sum256([]byte(tok[:i]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
		j := strings.IndexByte(tok, '.')
		payload, err := base64.RawURLEncoding.DecodeString(tok[j+1 : i])
		if err != nil {
			b.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(payload, &m); err != nil {
			b.Fatal(err)
		}
	}
}
