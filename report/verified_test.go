package report

import (
	"testing"

	"github.com/lambdagate/lambdagate/evaluation"
)

// TestVerifiedCountsAliasesAndVersionsApart: the count line names what was
// read, an alias and the version it routes to are not more functions.
func TestVerifiedCountsAliasesAndVersionsApart(t *testing.T) {
	var r evaluation.Result
	r.Add("", evaluation.File{Rows: []evaluation.FunctionRow{{Name: "fn"}, {Name: "fn:live", Serves: "alias"}, {Name: "fn:live (version 3, 10% of the traffic)", Serves: "version"}, {Name: "other"}}})
	for _, c := range []struct {
		r    evaluation.Result
		want string
	}{
		{r, "2 functions, 1 alias and 1 version"},
		{evaluation.Result{Functions: 1}, "1 function"},
		{evaluation.Result{Functions: 1, Aliases: 2}, "1 function and 2 aliases"},
		{evaluation.Result{Aliases: 1}, "0 functions and 1 alias"},
	} {
		if got := Verified(&c.r); got != c.want {
			t.Errorf("Verified(%d, %d, %d) = %q, want %q", c.r.Functions, c.r.Aliases, c.r.Versions, got, c.want)
		}
	}
}
