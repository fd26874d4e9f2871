package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/lambdagate/lambdagate/evaluation"
)

// whole is the JSON document built whole and indented: what the stream
// must write byte for byte.
func whole(t *testing.T, r *evaluation.Result) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ToJSON(r)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestJSONStreamIsTheWholeDocument: the findings streamed unit by unit,
// the errors of the run and of the units, the summary and the fixed ones
// make the same bytes as the document built whole; so do an empty run and
// one with findings but no errors.
func TestJSONStreamIsTheWholeDocument(t *testing.T) {
	full := sampleResult()
	full.Fixed = []evaluation.Fixed{{Rule: "kms-key", File: "old.yaml", Resource: "Gone", Message: "no key <&>"}}
	full.Findings[0].Message += " <html> & \"quotes\""
	noErrors := sampleResult()
	noErrors.Errors = nil
	for name, r := range map[string]*evaluation.Result{"full": full, "empty": {}, "no errors": noErrors} {
		want := whole(t, r)
		// Streamed: the findings in two units, the last error from a unit,
		// the others the run's own.
		var b bytes.Buffer
		s := NewJSONStream(&b)
		half := len(r.Findings) / 2
		s.Add(evaluation.File{Findings: r.Findings[:half]})
		own := *r
		if n := len(r.Errors); n > 0 {
			own.Errors = r.Errors[:n-1]
			s.Add(evaluation.File{Findings: r.Findings[half:], Errors: r.Errors[n-1:]})
		} else {
			s.Add(evaluation.File{Findings: r.Findings[half:]})
		}
		if err := s.Close(&own); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%s: streamed\n%s\nwant\n%s", name, b.String(), want)
		}
		b.Reset()
		if err := WriteJSON(&b, r); err != nil || b.String() != want {
			t.Errorf("%s: WriteJSON %v\n%s\nwant\n%s", name, err, b.String(), want)
		}
	}
}
