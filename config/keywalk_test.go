package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// badValues are values of the wrong type, and values of the right type out
// of range or malformed, for a key of the given type.
func badValues(typ string) []any {
	wrongType := map[string][]any{
		"string":            {5.0, true, []any{"x"}, map[string]any{"a": "b"}},
		"string list":       {5.0, true, map[string]any{"a": "b"}, []any{1.0}, []any{[]any{"x"}}, "[x,", "a,,b"},
		"boolean":           {"yes", 1.0, []any{true}, map[string]any{}},
		"integer":           {"abc", 1.5, true, []any{1.0}, 1e300, "12x"},
		"duration":          {true, []any{"1h"}, map[string]any{}, "abc", "1 hour", 1e300},
		"list of objects":   {5.0, true, "x", map[string]any{"name": "a"}, []any{5.0}, []any{[]any{}}, `[{"name":`},
		"object of strings": {5.0, true, "x", []any{"x"}, map[string]any{"lang": 1.0}, `{"lang":`},
	}
	outOfRange := map[string][]any{
		"string": {" x", "x ", "a\x00b", strings.Repeat("a", 2000), "#{Token[TOKEN.1]}", "ÄÖÜ"},
		"string list": {[]any{" x"}, []any{"x y"}, []any{strings.Repeat("a", 2000)}, []any{"\x00"}, []any{"#{Token[TOKEN.1]}"},
			[]any{"-1.8881545897087626e+289"}},
		"integer":  {-1.0, 0.5e9, -1e9, "999999999999999"},
		"duration": {-1.0, 1e9, "-5m", "100000h", "1ns", 0.0},
		"object of strings": {
			map[string]any{"lang": "xx"}, map[string]any{"prompt": "none"}, map[string]any{"identity_provider": "Nope"},
			map[string]any{"redirect_uri": "https://evil.example"}, map[string]any{"foo": "bar"}, map[string]any{"login_hint": "a b"},
			map[string]any{"login_hint": "#{Token[TOKEN.1]}"},
		},
		"list of objects": {
			[]any{map[string]any{"name": "", "paths": []any{}}},
			[]any{map[string]any{"name": "a", "paths": []any{"/a"}, "priority": -1.0}},
			[]any{map[string]any{"name": "a", "paths": []any{"/a"}, "groups": []any{}}},
			[]any{map[string]any{"name": "a", "paths": []any{strings.Repeat("/a", 100)}}},
		},
	}
	return append(wrongType[typ], outOfRange[typ]...)
}

// TestEveryKeyRefusesBadValuesByName walks every key of Keys with values of
// the wrong type and values out of range, in a flat configuration and as a
// stage's own value: each is refused with a problem naming the key
// (stages.dev.<key> for the stage's), and nothing panics. New keys are
// covered as soon as they are in Keys.
func TestEveryKeyRefusesBadValuesByName(t *testing.T) {
	t.Parallel()
	n := 0
	for _, k := range Keys() {
		values := badValues(k.Type)
		if len(values) == 0 {
			t.Fatalf("%s: no bad values for type %q", k.Name, k.Type)
		}
		for _, v := range values {
			n++
			check := func(where string, ctx map[string]any, key string, decode func(map[string]any) error) {
				t.Helper()
				var err error
				func() {
					defer func() {
						if r := recover(); r != nil {
							err = fmt.Errorf("panic: %v", r)
						}
					}()
					err = decode(ctx)
				}()
				var ps Problems
				if !errors.As(err, &ps) {
					t.Errorf("%s %s = %#v: got %v, want problems", where, key, v, err)
					return
				}
				for _, p := range ps {
					if p.Key == key || strings.HasPrefix(p.Key, key+"[") || strings.HasPrefix(p.Key, key+".") {
						return
					}
				}
				t.Errorf("%s %s = %#v: no problem names %s:\n%v", where, key, v, key, err)
			}
			check("flat", exampleWith(map[string]any{k.Name: v}), k.Name, func(ctx map[string]any) error {
				_, err := FromContext(ctx)
				return err
			})
			ctx := ExampleStages()
			ctx[StagesKey].(map[string]any)["dev"].(map[string]any)[k.Name] = v
			check("stage", ctx, StagesKey+".dev."+k.Name, func(ctx map[string]any) error {
				_, err := StagesFromContext(ctx)
				return err
			})
		}
	}
	if n < 200 {
		t.Errorf("only %d values tried", n)
	}
}
