// Package emfcheck checks a log line against the CloudWatch embedded metric
// format specification ("Specification: Embedded metric format", Amazon
// CloudWatch User Guide,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
// for the tests of the function's log line and of the preview's output.
//
// The rules it applies, each from the specification:
//
//   - "The LogEvent message MUST be a valid JSON object with no additional
//     data at the beginning or end of the LogEvent message string."
//   - _aws "MUST be an object and MUST contain" CloudWatchMetrics (an array
//     of MetricDirective objects) and Timestamp ("the number of
//     milliseconds after Jan 1, 1970 00:00:00 UTC"; an integer in the
//     specification's JSON schema).
//   - A MetricDirective has Namespace (a string of 1 to 1024 characters),
//     Dimensions (an array of at least one DimensionSet) and Metrics.
//   - "A DimensionSet MUST NOT contain more than 30 dimension keys"; each
//     key names a member of the root node, which "MUST have a string value"
//     of at most 1024 characters.
//   - "A MetricDefinition is an object that MUST contain" Name, naming a
//     member of the root node that is "a numeric value or an array of
//     numeric values" (at most 100); Unit, when present, is one of the
//     units the specification's JSON schema lists.
//   - "Valid targets MUST be members on the root node and cannot be nested
//     objects."
package emfcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Units are the values the specification's JSON schema allows for a
// MetricDefinition's Unit.
var Units = []string{"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
	"Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
	"Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None"}

// Metric is one metric a document publishes.
type Metric struct {
	Namespace  string
	Name       string
	Unit       string
	Dimensions map[string]string // dimension name to value
	Value      float64
}

// Document is a checked EMF document.
type Document struct {
	Timestamp time.Time
	// Metrics holds one entry per metric, dimension set and directive.
	Metrics []Metric
	// Root is the whole line, decoded.
	Root map[string]any
}

// Check decodes line as one EMF document and checks it; the error lists
// every rule it breaks.
func Check(line []byte) (*Document, error) {
	line = bytes.TrimSuffix(line, []byte("\n"))
	if bytes.ContainsAny(line, "\n\r") {
		return nil, errors.New("the document spans more than one line")
	}
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	meta, ok := root["_aws"].(map[string]any)
	if !ok {
		return nil, errors.New("no _aws object")
	}
	doc := &Document{Root: root}
	if ts, ok := meta["Timestamp"].(json.Number); !ok {
		bad("_aws.Timestamp is not a number")
	} else if ms, err := ts.Int64(); err != nil {
		bad("_aws.Timestamp %s is not an integer number of milliseconds", ts)
	} else {
		doc.Timestamp = time.UnixMilli(ms)
	}
	directives, ok := meta["CloudWatchMetrics"].([]any)
	if !ok {
		return nil, errors.Join(append(errs, errors.New("_aws.CloudWatchMetrics is not an array"))...)
	}
	for i, d := range directives {
		dir, ok := d.(map[string]any)
		if !ok {
			bad("directive %d is not an object", i)
			continue
		}
		ns, _ := dir["Namespace"].(string)
		if n := len([]rune(ns)); n < 1 || n > 1024 {
			bad("directive %d: Namespace %q is not a string of 1 to 1024 characters", i, ns)
		}
		sets, ok := dir["Dimensions"].([]any)
		if !ok || len(sets) == 0 {
			bad("directive %d: Dimensions is not an array of at least one DimensionSet", i)
		}
		var dimSets []map[string]string
		for j, s := range sets {
			keys, ok := s.([]any)
			if !ok || len(keys) > 30 {
				bad("directive %d: DimensionSet %d is not an array of at most 30 keys", i, j)
				continue
			}
			dims := map[string]string{}
			for _, k := range keys {
				name, ok := k.(string)
				if !ok || name == "" || len(name) > 250 {
					bad("directive %d: DimensionSet %d has a key that is not a string of 1 to 250 characters: %v", i, j, k)
					continue
				}
				v, ok := root[name].(string)
				if !ok || len(v) > 1024 {
					bad("directive %d: dimension %s: the root member is not a string of at most 1024 characters: %v", i, name, root[name])
					continue
				}
				dims[name] = v
			}
			dimSets = append(dimSets, dims)
		}
		defs, ok := dir["Metrics"].([]any)
		if !ok || len(defs) > 100 {
			bad("directive %d: Metrics is not an array of at most 100 MetricDefinitions", i)
			continue
		}
		for _, m := range defs {
			def, ok := m.(map[string]any)
			if !ok {
				bad("directive %d: a MetricDefinition is not an object", i)
				continue
			}
			name, _ := def["Name"].(string)
			if name == "" {
				bad("directive %d: a MetricDefinition has no Name", i)
				continue
			}
			unit := "None"
			if u, present := def["Unit"]; present {
				s, ok := u.(string)
				if !ok || !slices.Contains(Units, s) {
					bad("directive %d: metric %s: Unit %v is not a CloudWatch unit", i, name, u)
				}
				unit = s
			}
			var values []json.Number
			switch v := root[name].(type) {
			case json.Number:
				values = []json.Number{v}
			case []any:
				if len(v) > 100 {
					bad("directive %d: metric %s has more than 100 values", i, name)
				}
				for _, e := range v {
					n, ok := e.(json.Number)
					if !ok {
						bad("directive %d: metric %s: %v is not a number", i, name, e)
					}
					values = append(values, n)
				}
			default:
				bad("directive %d: metric %s: the root member is not a number or an array of numbers: %v", i, name, root[name])
				continue
			}
			for _, dims := range dimSets {
				for _, n := range values {
					f, err := n.Float64()
					if err != nil {
						bad("directive %d: metric %s: %s: %v", i, name, n, err)
					}
					doc.Metrics = append(doc.Metrics, Metric{Namespace: ns, Name: name, Unit: unit, Dimensions: dims, Value: f})
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return doc, nil
}

// Find returns the metrics of a document with this name.
func (d *Document) Find(name string) []Metric {
	var out []Metric
	for _, m := range d.Metrics {
		if m.Name == name {
			out = append(out, m)
		}
	}
	return out
}
