package jwtstrict_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/jwtstrict"
)

// cognitoPayload is the shape of a Cognito access token's payload.
var cognitoPayload = []byte(`{"sub":"8a4b7f2e-1c3d-4e5f-9a0b-1c2d3e4f5a6b","cognito:groups":["admin","ops"],"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123","version":2,"client_id":"3n4b5urk1ft4fl3mg5e62d9ado","origin_jti":"0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e","event_id":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f","token_use":"access","scope":"openid email api.example.com/admin","auth_time":1893553385,"exp":1893557045,"iat":1893553385,"jti":"2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a","username":"alice"}`)

// BenchmarkDecodeObject is the strict decode of a payload.
func BenchmarkDecodeObject(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jwtstrict.DecodeObject(cognitoPayload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeLenient is the floor: encoding/json's Decoder with
// UseNumber, no other check.
func BenchmarkDecodeLenient(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(cognitoPayload))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse is the whole strict parse of a token.
func BenchmarkParse(b *testing.B) {
	tok := b64(`{"kid":"1dvd8nIkyQ0Lc0WBLIRNcyOm+YStO+p1l8kGRR0HgBY=","alg":"RS256"}`) + "." + b64(string(cognitoPayload)) + "." + b64(string(make([]byte, 256)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jwtstrict.Parse(tok, jwtstrict.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
