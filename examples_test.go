package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// testdata/examples, which the README's first command scans, are for
// people: no `# want:` markers. Their self-checking copies, with the
// markers, are in testdata/checks/examples (checks' TestWant runs them);
// the two must not drift apart.
func TestExamplesAreTheirCheckedCopiesWithoutMarkers(t *testing.T) {
	marker := regexp.MustCompile(`(?m)[ \t]+# want: [a-z, -]+$`)
	n := 0
	err := filepath.WalkDir("testdata/examples", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		if strings.HasSuffix(p, ".want") {
			t.Errorf("%s: a want file among the examples", p)
			return nil
		}
		example, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(example), "want:") {
			t.Errorf("%s has a want marker", p)
		}
		rel, _ := filepath.Rel("testdata/examples", p)
		checked, err := os.ReadFile(filepath.Join("testdata/checks/examples", rel))
		if err != nil {
			t.Errorf("%s has no self-checking copy: %v", p, err)
			return nil
		}
		if got := marker.ReplaceAllString(string(checked), ""); got != string(example) {
			t.Errorf("%s differs from testdata/checks/examples/%s beyond its markers", p, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no examples")
	}
}
