package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsUpToDate fails when docs/rules differs from the documentation in
// the checks' files: run `go generate ./checks`.
func TestDocsUpToDate(t *testing.T) {
	want := map[string]string{"README.md": Index()}
	for _, c := range All() {
		want[c.ID+".md"] = Markdown(c)
	}
	files, _ := filepath.Glob("../docs/rules/*.md")
	for _, f := range files {
		if _, ok := want[filepath.Base(f)]; !ok {
			t.Errorf("%s documents no rule; delete it and run `go generate ./checks`", f)
		}
	}
	for name, text := range want {
		got, err := os.ReadFile(filepath.Join("../docs/rules", name))
		if err != nil || string(got) != text {
			t.Errorf("docs/rules/%s is stale; run `go generate ./checks`", name)
		}
	}
}

// TestDocsComplete: every rule's documentation says why, shows a failing
// and a passing example, and how to fix it.
func TestDocsComplete(t *testing.T) {
	for _, c := range All() {
		for _, part := range []string{"**Why.**", "**Fails**", "**Passes**", "**Fix.**"} {
			if !strings.Contains(c.Doc, part) {
				t.Errorf("%s: the documentation lacks %s", c.ID, part)
			}
		}
	}
}
