package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// A finding with no template (a deployed function verified without one)
// starts with its severity, as a problem with no place does, never "-:".
func TestTextAFindingWithoutAPlaceStartsWithItsSeverity(t *testing.T) {
	res := &evaluation.Result{Findings: []checks.Finding{{Rule: "active-tracing", Severity: checks.Error, Resource: "app-Fn-1", Message: "Tracing is PassThrough, not Active"}}}
	var out bytes.Buffer
	if err := Text(&out, res); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "error: active-tracing: app-Fn-1: Tracing is PassThrough") {
		t.Errorf("output:\n%s", out.String())
	}
}
