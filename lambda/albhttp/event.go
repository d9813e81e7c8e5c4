package albhttp

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// decodeEvent decodes payload into ev exactly as json.Unmarshal does (the
// tests and a fuzz target compare the two), for payloads of the shape the
// load balancer sends: valid UTF-8, one object with each of the event's
// fields at most once, spelled as its JSON tag, with values of its type
// (no null, no number, no unknown field). For anything else it reports
// false, leaving ev in any state, and the caller decodes with
// encoding/json, which also reports what is wrong.
//
// It reads the text once (encoding/json checks it whole, then decodes it by
// reflection) and copies it once: every string without escapes is a
// substring of that copy; one with escapes is unescaped by encoding/json.
func decodeEvent(payload []byte, ev *events.ALBTargetGroupRequest) bool {
	if !utf8.Valid(payload) {
		return false // encoding/json replaces invalid bytes with U+FFFD
	}
	d := eventDecoder{s: string(payload)}
	if !d.event(ev) {
		return false
	}
	d.next()
	return d.i == len(d.s)
}

// eventFields are the JSON names of events.ALBTargetGroupRequest's fields.
var eventFields = [...]string{
	"httpMethod", "path", "queryStringParameters", "multiValueQueryStringParameters",
	"headers", "multiValueHeaders", "requestContext", "isBase64Encoded", "body",
}

type eventDecoder struct {
	s string
	i int
	// values backs the multi-value maps' slices, each capped at its own
	// length so appending to one cannot overwrite the next.
	values []string
}

func (d *eventDecoder) event(ev *events.ALBTargetGroupRequest) bool {
	var seen [len(eventFields)]bool
	return d.object(func(name string) bool {
		f := -1
		for i, n := range eventFields {
			if n == name {
				f = i
			}
		}
		if f < 0 || seen[f] {
			return false // unknown or repeated: encoding/json's rules apply
		}
		seen[f] = true
		ok := true
		switch name {
		case "httpMethod":
			ev.HTTPMethod, ok = d.string()
		case "path":
			ev.Path, ok = d.string()
		case "queryStringParameters":
			ev.QueryStringParameters, ok = d.stringMap()
		case "multiValueQueryStringParameters":
			ev.MultiValueQueryStringParameters, ok = d.stringsMap()
		case "headers":
			ev.Headers, ok = d.stringMap()
		case "multiValueHeaders":
			ev.MultiValueHeaders, ok = d.stringsMap()
		case "requestContext":
			ok = d.requestContext(&ev.RequestContext)
		case "isBase64Encoded":
			ev.IsBase64Encoded, ok = d.bool()
		case "body":
			ev.Body, ok = d.string()
		}
		return ok
	})
}

// requestContext decodes {"elb":{"targetGroupArn":"..."}}.
func (d *eventDecoder) requestContext(rc *events.ALBTargetGroupRequestContext) bool {
	seen := false
	return d.object(func(name string) bool {
		if name != "elb" || seen {
			return false
		}
		seen = true
		arnSeen := false
		return d.object(func(name string) bool {
			if name != "targetGroupArn" || arnSeen {
				return false
			}
			arnSeen = true
			var ok bool
			rc.ELB.TargetGroupArn, ok = d.string()
			return ok
		})
	})
}

// stringMap decodes an object of strings. A name given twice keeps its last
// value, as with encoding/json.
func (d *eventDecoder) stringMap() (map[string]string, bool) {
	m := map[string]string{}
	ok := d.object(func(name string) bool {
		v, ok := d.string()
		m[name] = v
		return ok
	})
	return m, ok
}

// stringsMap decodes an object of arrays of strings. A name given twice
// keeps its last value, as with encoding/json.
func (d *eventDecoder) stringsMap() (map[string][]string, bool) {
	m := map[string][]string{}
	ok := d.object(func(name string) bool {
		vs, ok := d.strings()
		m[name] = vs
		return ok
	})
	return m, ok
}

// strings decodes an array of strings; an empty one is empty, not nil, as
// with encoding/json.
func (d *eventDecoder) strings() ([]string, bool) {
	if !d.consume('[') {
		return nil, false
	}
	if d.values == nil {
		d.values = make([]string, 0, 16)
	}
	start := len(d.values)
	if !d.consume(']') {
		for {
			v, ok := d.string()
			if !ok {
				return nil, false
			}
			d.values = append(d.values, v)
			if !d.consume(',') {
				break
			}
		}
		if !d.consume(']') {
			return nil, false
		}
	}
	end := len(d.values)
	return d.values[start:end:end], true
}

// object reads an object, calling member with each member's name to read
// its value.
func (d *eventDecoder) object(member func(name string) bool) bool {
	if !d.consume('{') {
		return false
	}
	if d.consume('}') {
		return true
	}
	for {
		name, ok := d.string()
		if !ok || !d.consume(':') || !member(name) {
			return false
		}
		if !d.consume(',') {
			return d.consume('}')
		}
	}
}

// string reads a string: no control characters; one with escapes is
// unescaped by encoding/json, which also checks them.
func (d *eventDecoder) string() (string, bool) {
	if !d.consume('"') {
		return "", false
	}
	start := d.i
	escaped := false
	for i := start; i < len(d.s); i++ {
		for i+8 <= len(d.s) { // skip plain text (see firstSpecial)
			n := firstSpecial(le64(d.s[i : i+8]))
			if i += n; n < 8 {
				break
			}
		}
		if i == len(d.s) {
			break
		}
		switch c := d.s[i]; {
		case c == '"':
			d.i = i + 1
			if !escaped {
				return d.s[start:i], true
			}
			var s string
			if err := json.Unmarshal([]byte(d.s[start-1:i+1]), &s); err != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			escaped = true
			i++ // the escaped byte, which cannot end the string
		case c < ' ':
			return "", false
		}
	}
	return "", false
}

func (d *eventDecoder) bool() (v, ok bool) {
	d.next()
	switch rest := d.s[d.i:]; {
	case strings.HasPrefix(rest, "true"):
		d.i += len("true")
		return true, true
	case strings.HasPrefix(rest, "false"):
		d.i += len("false")
		return false, true
	}
	return false, false
}

// consume skips JSON whitespace and then c, reporting whether c was there.
func (d *eventDecoder) consume(c byte) bool {
	if d.next() != c {
		return false
	}
	d.i++
	return true
}

// next skips JSON whitespace and returns the next byte, or 0 at the end.
func (d *eventDecoder) next() byte {
	for ; d.i < len(d.s); d.i++ {
		switch c := d.s[d.i]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}
