package config

import (
	"fmt"
	"strings"
)

// MarkdownTable renders Keys as the README's configuration reference table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| key | type | default | example | meaning |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, k := range Keys() {
		def := k.Default
		if k.Required {
			def = "**required**"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` | %s |\n",
			k.Name, k.Type, cell(def), k.Example, cell(k.Description))
	}
	return b.String()
}

// cell escapes a table cell's pipes and keeps it on one line.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
