package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/source"
)

// TestTextStreamIsText: streamed unit by unit, the text output is Text's,
// byte for byte: errors first (with their source lines), then the findings,
// the fixed ones and the count.
func TestTextStreamIsText(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	for _, f := range []string{a, b} {
		if err := os.WriteFile(f, []byte("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := sampleResult()
	r.Findings = append(r.Findings,
		checks.Finding{Rule: "kms-key", Severity: checks.Error, Pos: source.Pos{File: a, Line: 2, Column: 3}, Resource: "Fn", Message: "no key"},
		checks.Finding{Rule: "kms-key", Severity: checks.Error, Pos: source.Pos{File: b, Line: 3, Column: 5}, Resource: "Fn", Message: "no key"})
	r.Errors = append(r.Errors, evaluation.FileError{Pos: source.Pos{File: b, Line: 1, Column: 1}, Message: "duplicate key"})
	r.Fixed = []evaluation.Fixed{{Rule: "kms-key", File: "old.yaml", Resource: "Gone", Message: "no key"}}
	var want bytes.Buffer
	if err := Text(&want, r); err != nil {
		t.Fatal(err)
	}
	for _, result := range []*evaluation.Result{r, {}} {
		var whole bytes.Buffer
		Text(&whole, result)
		var got bytes.Buffer
		s := NewTextStream(&got)
		own := *result
		own.Errors = nil
		for i, f := range result.Findings {
			var errs []evaluation.FileError
			if i == 0 {
				errs = result.Errors
			}
			s.Add(evaluation.File{Findings: []checks.Finding{f}, Errors: errs})
		}
		if len(result.Findings) == 0 {
			own.Errors = result.Errors
		}
		if err := s.Close(&own); err != nil {
			t.Fatal(err)
		}
		if got.String() != whole.String() {
			t.Errorf("streamed:\n%s\nText:\n%s", got.String(), whole.String())
		}
	}
	if !bytes.Contains(want.Bytes(), []byte("    Resources:\n")) {
		t.Errorf("the error's source line is missing:\n%s", want.String())
	}
}

// Findings on one line share one excerpt, with a caret under each column,
// in the batch output and the streamed one alike.
func TestTextFindingsOnOneLineShareTheExcerpt(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(file, []byte("Resources:\n  Fn: {Type: AWS::Lambda::Function, Properties: {TracingConfg: x}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := &evaluation.Result{Findings: []checks.Finding{
		{Rule: "kms-key", Severity: checks.Error, Pos: source.Pos{File: file, Line: 2, Column: 3}, Resource: "Fn", Message: "a"},
		{Rule: "misspelled-property", Severity: checks.Error, Pos: source.Pos{File: file, Line: 2, Column: 53}, Resource: "Fn", Message: "b"},
		{Rule: "security-groups", Severity: checks.Error, Pos: source.Pos{File: file, Line: 2, Column: 3}, Resource: "Fn", Message: "c"},
	}}
	var batch, streamed strings.Builder
	if err := Text(&batch, res); err != nil {
		t.Fatal(err)
	}
	s := NewTextStream(&streamed)
	s.Add(evaluation.File{Findings: res.Findings})
	if err := s.Close(&evaluation.Result{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(batch.String(), "\n")
	if len(lines) < 5 || lines[3] != "      Fn: {Type: AWS::Lambda::Function, Properties: {TracingConfg: x}}" ||
		lines[4] != "      ^"+strings.Repeat(" ", 49)+"^" {
		t.Errorf("output:\n%s", batch.String())
	}
	if !strings.HasPrefix(streamed.String(), strings.Join(lines[:5], "\n")) {
		t.Errorf("streamed:\n%s\nbatch:\n%s", streamed.String(), batch.String())
	}
}
