package suppress

import (
	"testing"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/iam"
)

// TestForeignTable: every foreign id maps to a rule that exists, is read on
// some resource type, and no id is listed twice for one tool. Kinds only
// narrow least-privilege-role, the one rule whose findings have kinds.
func TestForeignTable(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range foreign {
		key := f.Tool + " " + f.ID
		if seen[key] {
			t.Errorf("%s is listed twice", key)
		}
		seen[key] = true
		if checks.ByID(f.Rule) == nil {
			t.Errorf("%s maps to %q, which is not a rule", key, f.Rule)
		}
		if len(f.Types) == 0 {
			t.Errorf("%s is read on no resource type", key)
		}
		if f.Rule == "least-privilege-role" && len(f.Kinds) == 0 {
			t.Errorf("%s covers every least-privilege finding; name the kinds its rule checks", key)
		}
		if f.Rule != "least-privilege-role" && f.Kinds != nil {
			t.Errorf("%s narrows %s by kind, whose findings have none", key, f.Rule)
		}
		for _, k := range f.Kinds {
			if k == iam.KindOther || k == iam.KindUnverified {
				t.Errorf("%s covers %s findings, which no other tool reports", key, k)
			}
		}
	}
}
