package siteapp

import (
	"reflect"
	"testing"
)

func TestPlainJSON(t *testing.T) {
	in := map[string]any{
		"routes": []any{
			map[string]any{"$jsii.map": map[string]any{
				"name":  "partners",
				"extra": map[string]any{"$jsii.map": map[string]any{"identity_provider": "Google"}},
				"paths": []any{"/p/*"},
			}},
		},
		"plain":   map[string]any{"a": 1.0},
		"twoKeys": map[string]any{"$jsii.map": 1.0, "b": 2.0},
		"s":       "x",
	}
	want := map[string]any{
		"routes": []any{map[string]any{
			"name":  "partners",
			"extra": map[string]any{"identity_provider": "Google"},
			"paths": []any{"/p/*"},
		}},
		"plain":   map[string]any{"a": 1.0},
		"twoKeys": map[string]any{"$jsii.map": 1.0, "b": 2.0},
		"s":       "x",
	}
	if got := plainJSON(in); !reflect.DeepEqual(got, want) {
		t.Errorf("plainJSON =\n%#v\nwant\n%#v", got, want)
	}
}
