package jwtstrict_test

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/jwtstrict"
)

// reference is DecodeObject's contract built the slow way, from
// encoding/json alone: the Decoder with UseNumber for the value, and a
// token-by-token walk for duplicate names and depth.
func reference(data []byte) (map[string]any, bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	type frame struct {
		object bool
		names  map[string]bool
		key    bool // the next token is a name
	}
	var stack []*frame
	walk := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := walk.Token()
		if err == io.EOF {
			return obj, true
		}
		if err != nil {
			return nil, false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			name := tok.(string)
			if top.names[name] {
				return nil, false
			}
			top.names[name] = true
			top.key = false
			continue
		}
		if top != nil && top.object {
			top.key = true // this token is a member's value
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) == 32 {
				return nil, false
			}
			stack = append(stack, &frame{object: tok == json.Delim('{'), names: map[string]bool{}, key: tok == json.Delim('{')})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// TestDecodeObjectMatchesReference: DecodeObject accepts exactly what the
// reference accepts, and returns the same values.
func TestDecodeObjectMatchesReference(t *testing.T) {
	t.Parallel()
	for _, in := range decodeSeeds {
		checkAgainstReference(t, in)
	}
}

// FuzzDecodeObjectMatchesReference is the same check on fuzzed input.
func FuzzDecodeObjectMatchesReference(f *testing.F) {
	for _, in := range decodeSeeds {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) { checkAgainstReference(t, in) })
}

var decodeSeeds = []string{
	`{}`, ` {"a":1} `, `{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"a\\":1,"a\\\\":2}`,
	`{"a\\":1,"a\u005c":2}`, `{"a\"":1,"a\u0022":2}`, `{"x":"\"}\\"}`,
	`{"a":[{"x":1,"y":[true,false,null,-0.5e+3,"s"]},{"x":2}],"b":{}}`,
	`{"n":1893557045.123456789,"big":123456789012345678901234567890}`,
	`{"a":[]}`, `{"a":{"b":{"c":{}}}}`, `{"s":"\ud83d\ude00\ud800"}`, `{"a":1} {}`,
	`{"a":1,}`, `[{"a":1}]`, `null`, `{"a" : 1 , "b" : [ 1 , 2 ] }`, "{\"a\":\"\x01\"}",
}

func checkAgainstReference(t *testing.T, in string) {
	t.Helper()
	want, ok := reference([]byte(in))
	got, err := jwtstrict.DecodeObject([]byte(in))
	if ok != (err == nil) {
		t.Fatalf("DecodeObject(%q): err %v; reference accepts: %v", in, err, ok)
	}
	if ok && !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeObject(%q) = %#v, reference %#v", in, got, want)
	}
}
