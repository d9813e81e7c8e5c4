package albhttp

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// eventSeeds are payloads decodeEvent takes and payloads it must leave to
// encoding/json.
var eventSeeds = []string{
	`{"httpMethod":"GET","path":"/","headers":{"a":"1"},"body":"","isBase64Encoded":false}`,
	`{"httpMethod":"GET","path":"/","multiValueHeaders":{"a":["1","2"],"b":[]},"multiValueQueryStringParameters":{"q":["a%20b"]}}`,
	`{"requestContext":{"elb":{"targetGroupArn":"arn:x"}},"httpMethod":"POST","body":"aGk=","isBase64Encoded":true}`,
	` { "httpMethod" : "GET" , "headers" : { "a" : "1" , "a" : "2" } } `,
	`{"httpMethod":"G\u0045T","path":"/\"x\"","headers":{"sec-ch-ua":"\"Chromium\";v=\"128\"","k\ud83d\ude00":"\ud800"}}`,
	`{"multiValueHeaders":{"a":["1"],"a":["2","3"]},"headers":{}}`,
	`{"HTTPMethod":"GET"}`, `{"httpMethod":"GET","httpMethod":"PUT"}`, `{"httpMethod":null}`,
	`{"httpMethod":"GET","extra":1}`, `{"headers":null}`, `{"headers":{"a":null}}`,
	`{"multiValueHeaders":{"a":[null]}}`, `{"isBase64Encoded":"true"}`, `{"isBase64Encoded":truex}`,
	`{"requestContext":{"elb":{"targetGroupArn":"a","x":1}}}`, `{"requestContext":{}}`,
	`{"path":"\x"}`, "{\"path\":\"a\x01\"}", "{\"path\":\"\xff\"}", `{"path":"a"`, `{"path":"a"} x`,
	`{"path":"a",}`, `[]`, `{}`, `not json`, ``, `{"path":"\`, `{"body":"\\"}`,
}

// checkDecodeEvent: whatever decodeEvent takes, encoding/json decodes to
// the same event.
func checkDecodeEvent(t *testing.T, payload []byte) {
	t.Helper()
	var got events.ALBTargetGroupRequest
	if !decodeEvent(payload, &got) {
		return
	}
	var want events.ALBTargetGroupRequest
	if err := json.Unmarshal(payload, &want); err != nil {
		t.Fatalf("decodeEvent took %q, which encoding/json refuses: %v", payload, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeEvent(%q) = %#v, encoding/json %#v", payload, got, want)
	}
}

func TestDecodeEventMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range eventSeeds {
		checkDecodeEvent(t, []byte(s))
	}
	for _, name := range []string{"testdata/single.json", "testdata/multi.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var ev events.ALBTargetGroupRequest
		if !decodeEvent(b, &ev) {
			t.Errorf("decodeEvent left %s to encoding/json", name)
		}
		checkDecodeEvent(t, b)
	}
	for _, s := range eventSeeds[:6] {
		if !decodeEvent([]byte(s), &events.ALBTargetGroupRequest{}) {
			t.Errorf("decodeEvent left %s to encoding/json", s)
		}
	}
}

// TestEventFieldsComplete: decodeEvent knows every field of the events
// types (a new one in aws-lambda-go must be decoded there too, or the
// events it appears in would lose it).
func TestEventFieldsComplete(t *testing.T) {
	t.Parallel()
	tags := func(v any) (names []string) {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			names = append(names, name)
		}
		return names
	}
	if got := tags(events.ALBTargetGroupRequest{}); !slices.Equal(got, eventFields[:]) {
		t.Errorf("events.ALBTargetGroupRequest has fields %q; decodeEvent knows %q", got, eventFields)
	}
	if got := tags(events.ALBTargetGroupRequestContext{}); !slices.Equal(got, []string{"elb"}) {
		t.Errorf("events.ALBTargetGroupRequestContext has fields %q", got)
	}
	if got := tags(events.ELBContext{}); !slices.Equal(got, []string{"targetGroupArn"}) {
		t.Errorf("events.ELBContext has fields %q", got)
	}
}

func FuzzDecodeEvent(f *testing.F) {
	for _, s := range eventSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) { checkDecodeEvent(t, payload) })
}
