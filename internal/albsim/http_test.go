package albsim

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestFromHTTP(t *testing.T) {
	t.Parallel()
	binary := []byte{0x89, 'P', 'N', 'G', 0, 0xff}
	for _, tc := range []struct {
		name, method, target, ctype string
		body                        []byte
		wantBody                    string
		wantB64                     bool
		wantQuery                   map[string][]string
	}{
		{name: "GET without body", method: "GET", target: "/", wantQuery: map[string][]string{}},
		{name: "query kept raw", method: "GET", target: "/p%20q?a=1&a=2&enc%2Fk=v%20x&flag&&e=",
			wantQuery: map[string][]string{"a": {"1", "2"}, "enc%2Fk": {"v%20x"}, "flag": {""}, "e": {""}}},
		{name: "JSON body as text", method: "POST", target: "/", ctype: "application/json; charset=utf-8",
			body: []byte(`{"a":1}`), wantBody: `{"a":1}`, wantQuery: map[string][]string{}},
		{name: "form body as base64", method: "POST", target: "/", ctype: "application/x-www-form-urlencoded",
			body: []byte("a=1&b=2"), wantBody: base64.StdEncoding.EncodeToString([]byte("a=1&b=2")), wantB64: true, wantQuery: map[string][]string{}},
		{name: "binary body as base64", method: "PUT", target: "/", ctype: "image/png",
			body: binary, wantBody: base64.StdEncoding.EncodeToString(binary), wantB64: true, wantQuery: map[string][]string{}},
		{name: "text/plain as text", method: "POST", target: "/", ctype: "text/plain",
			body: []byte("hi"), wantBody: "hi", wantQuery: map[string][]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tc.method, "http://127.0.0.1:8080"+tc.target, bytes.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			r.Header.Add("Accept-Language", "en")
			r.Header.Add("Accept-Language", "de")
			r.Header.Set("X-Amzn-Oidc-Data", "forged")
			r.Header.Set("X-Amzn-Oidc-Identity", "forged")
			ev, err := FromHTTP(r, "tok", "sub-1")
			if err != nil {
				t.Fatal(err)
			}
			wantPath, _, _ := strings.Cut(tc.target, "?")
			if ev.HTTPMethod != tc.method || ev.Path != wantPath || ev.Body != tc.wantBody || ev.IsBase64Encoded != tc.wantB64 {
				t.Errorf("event = %s %s body %q base64 %v", ev.HTTPMethod, ev.Path, ev.Body, ev.IsBase64Encoded)
			}
			if !reflect.DeepEqual(ev.MultiValueQueryStringParameters, tc.wantQuery) {
				t.Errorf("query = %v, want %v", ev.MultiValueQueryStringParameters, tc.wantQuery)
			}
			h := ev.MultiValueHeaders
			for name, want := range map[string][]string{
				"x-amzn-oidc-data":        {"tok"},
				"x-amzn-oidc-identity":    {"sub-1"},
				"x-amzn-oidc-accesstoken": {AccessToken},
				"accept-language":         {"en", "de"},
				"host":                    {"127.0.0.1:8080"},
				"x-forwarded-proto":       {"http"},
				"x-forwarded-for":         {"192.0.2.1"}, // httptest's RemoteAddr
			} {
				if !reflect.DeepEqual(h[name], want) {
					t.Errorf("header %s = %q, want %q", name, h[name], want)
				}
			}
			if ev.Headers != nil || ev.QueryStringParameters != nil || !strings.HasPrefix(h["x-amzn-trace-id"][0], "Root=1-") {
				t.Errorf("event shape: %+v", ev)
			}
		})
	}

	r := httptest.NewRequest("POST", "/", bytes.NewReader(make([]byte, MaxBody+1)))
	if _, err := FromHTTP(r, "", ""); err != ErrBodyTooLarge {
		t.Errorf("oversized body: %v", err)
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Amzn-Oidc-Data", "forged")
	if ev, _ := FromHTTP(r, "", ""); len(ev.MultiValueHeaders["x-amzn-oidc-data"]) != 0 {
		t.Error("a client's x-amzn-oidc-data reached the target without a token")
	}
}

func TestWriteResponse(t *testing.T) {
	t.Parallel()
	png := []byte{0x89, 'P', 'N', 'G', 0, 0xff}
	for _, tc := range []struct {
		name       string
		resp       events.ALBTargetGroupResponse
		wantStatus int
		wantBody   []byte
		wantHeader http.Header
		wantErr    bool
	}{
		{
			name: "multi-value headers keep every Set-Cookie",
			resp: events.ALBTargetGroupResponse{StatusCode: 302, Body: "", MultiValueHeaders: map[string][]string{
				"Location":   {"/next"},
				"set-cookie": {"a=1; Path=/", "b=2; Path=/", "c=; Max-Age=0"},
			}},
			wantStatus: 302,
			wantBody:   []byte{},
			wantHeader: http.Header{"Location": {"/next"}, "Set-Cookie": {"a=1; Path=/", "b=2; Path=/", "c=; Max-Age=0"}},
		},
		{
			name:       "single-value headers",
			resp:       events.ALBTargetGroupResponse{StatusCode: 200, Body: "hi", Headers: map[string]string{"content-type": "text/plain", "Content-Length": "99"}},
			wantStatus: 200,
			wantBody:   []byte("hi"),
			wantHeader: http.Header{"Content-Type": {"text/plain"}, "Content-Length": {"2"}},
		},
		{
			name: "base64 body decoded",
			resp: events.ALBTargetGroupResponse{StatusCode: 200, IsBase64Encoded: true, Body: base64.StdEncoding.EncodeToString(png),
				MultiValueHeaders: map[string][]string{"Content-Type": {"image/png"}}},
			wantStatus: 200,
			wantBody:   png,
			wantHeader: http.Header{"Content-Type": {"image/png"}},
		},
		{
			name:       "invalid base64 is a 502",
			resp:       events.ALBTargetGroupResponse{StatusCode: 200, IsBase64Encoded: true, Body: "not base64!"},
			wantStatus: 502, wantErr: true,
		},
		{
			name:       "no status code is a 502",
			resp:       events.ALBTargetGroupResponse{Body: "x"},
			wantStatus: 502, wantErr: true,
		},
		{
			name:       "response over 1 MB is a 502",
			resp:       events.ALBTargetGroupResponse{StatusCode: 200, Body: strings.Repeat("x", MaxBody)},
			wantStatus: 502, wantErr: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			err := WriteResponse(rec, tc.resp)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if rec.Code != tc.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tc.wantStatus)
			}
			if tc.wantErr {
				return
			}
			if !bytes.Equal(rec.Body.Bytes(), tc.wantBody) {
				t.Errorf("body %q, want %q", rec.Body.Bytes(), tc.wantBody)
			}
			for k, want := range tc.wantHeader {
				if got := rec.Header().Values(k); !reflect.DeepEqual(got, want) {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}
