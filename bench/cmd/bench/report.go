package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// row is one line of the summary table.
type row struct {
	measure string
	project string
	floor   string
	ratio   float64 // project/floor; 0 when there is no floor
	target  string
	met     string // "yes", "no" or "-" (no target)
}

// addRow appends a row; met is judged by the caller.
func (e *env) addRow(r row) { e.rows = append(e.rows, r) }

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func renderReport(m machine, rows []row, notes []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Benchmarks (`make bench`)\n\n")
	fmt.Fprintf(&b, "| measure | this project | floor | ratio | target | met |\n")
	fmt.Fprintf(&b, "| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		ratio := "-"
		if r.ratio > 0 {
			ratio = fmt.Sprintf("%.2f×", r.ratio)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.measure, r.project, r.floor, ratio, r.target, r.met)
	}
	fmt.Fprintf(&b, "\nMeasured %s on %d CPUs (%s), load average %s at the start and %s at the end; "+
		"%s, Node.js %s, CDK CLI %s, awscdk %s; the whole run took %s.\n",
		m.date.Format("2006-01-02 15:04 MST"), m.cpus, orUnknown(m.cpuModel), orUnknown(m.loadStart), orUnknown(m.loadEnd),
		orUnknown(m.goVersion), orUnknown(m.node), orUnknown(m.cdkCLI), orUnknown(m.awscdk), m.elapsed.Round(1e9))
	if len(notes) > 0 {
		fmt.Fprintf(&b, "\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// jsonField returns the string field name of the JSON object in b, or "".
func jsonField(b []byte, name string) string {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	s, _ := m[name].(string)
	return s
}
