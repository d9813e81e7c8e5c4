package albjwt_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"math/big"
	"strings"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
)

// BenchmarkVerify measures one verification with a warm key cache.
func BenchmarkVerify(b *testing.B) {
	f := newFixture(b, nil)
	tok := f.mint(b, f.lb.Claims(albsim.User{}))
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

// BenchmarkECDSAVerify is the floor: hashing the same token's signing input
// and one bare P-256 ecdsa.Verify, with r and s already decoded.
func BenchmarkECDSAVerify(b *testing.B) {
	f := newFixture(b, nil)
	tok := f.mint(b, f.lb.Claims(albsim.User{}))
	i := strings.LastIndexByte(tok, '.')
	input := []byte(tok[:i])
	sig, err := decodeSeg(tok[i+1:])
	if err != nil || len(sig) != 64 {
		b.Fatal("bad signature segment")
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	pub := &f.lb.Key.Private.PublicKey
	b.ReportAllocs()
	for b.Loop() {
		sum := sha256.Sum256(input)
		if !ecdsa.Verify(pub, sum[:], r, s) {
			b.Fatal("signature did not verify")
		}
	}
}
