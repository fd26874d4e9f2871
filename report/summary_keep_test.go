package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// The summary keeps only the findings' lines its budget can show; what it
// renders is what it would with every line kept, whatever order the
// findings come in.
func TestSummaryKeepsOnlyWhatItCanShow(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var fs []checks.Finding
	for i := range 3000 {
		file := fmt.Sprintf("t%03d.yaml", r.IntN(150))
		fs = append(fs, finding(file, i+1, "kms-key", checks.Severity(1+r.IntN(3)), fmt.Sprintf("Fn%d", r.IntN(40)), fmt.Sprintf("message %d", i)))
	}
	res := &evaluation.Result{Findings: fs, Templates: 150, Functions: 6000}
	for _, budget := range []int{4 << 10, 40 << 10, 400 << 10} {
		opts := GitHubOptions{SummaryBudget: budget, Title: "t"}
		st := GitHubStats{Findings: len(fs)}
		render := func(keep int) string {
			s := newSummary(opts)
			s.keep = keep
			s.addFindings(fs)
			return s.render(res, st)
		}
		got, want := render(budget), render(math.MaxInt)
		if got != want {
			t.Errorf("budget %d: the summary differs from the one with every line kept (%d and %d bytes)", budget, len(got), len(want))
		}
	}
}
