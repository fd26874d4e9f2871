package fix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamples: on the bundled examples, fix (with the parameters asked
// for) leaves only the findings that need a person, each saying why.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("../testdata/examples/*/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := File(f, data, everything)
		if !r.Template {
			continue
		}
		n++
		if !r.Changed() {
			t.Errorf("%s: nothing fixed", f)
		}
		why := map[string]string{}
		for _, nf := range r.NotFixed {
			why[identity(nf.Finding)] = nf.Reason
		}
		for _, left := range r.Remaining {
			reason := why[identity(left)]
			if !strings.HasPrefix(reason, "needs a person") && reason != "not fixed: set at deploy time" {
				t.Errorf("%s:%d: %s %s is left with reason %q: %s", f, left.Pos.Line, left.Rule, left.Resource, reason, left.Message)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d example templates, want 2", n)
	}
}
