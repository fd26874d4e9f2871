package suppress

import (
	"testing"

	"github.com/lambdagate/lambdagate/checks"
)

// TestForeignTable: every foreign id maps to rules that exist, and no id is
// listed twice for one tool.
func TestForeignTable(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range foreign {
		key := f.Tool + " " + f.ID
		if seen[key] {
			t.Errorf("%s is listed twice", key)
		}
		seen[key] = true
		if len(f.Rules) == 0 {
			t.Errorf("%s maps to no rule", key)
		}
		for _, r := range f.Rules {
			if checks.ByID(r) == nil {
				t.Errorf("%s maps to %q, which is not a rule", key, r)
			}
		}
	}
}
