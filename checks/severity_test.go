package checks

import (
	"os"
	"regexp"
	"testing"
)

// The README's table of rules and DefaultSeverity agree, rule by rule.
func TestDefaultSeverityIsTheDocumentedOne(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| \\[`([a-z-]+)`\\]\\([^)]*\\) \\|.*\\| (error|warning|notice) \\|$")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		documented[m[1]] = m[2]
	}
	for _, c := range All() {
		if got, want := c.DefaultSeverity().String(), documented[c.ID]; got != want {
			t.Errorf("%s: DefaultSeverity %s, the README says %q", c.ID, got, want)
		}
	}
}
