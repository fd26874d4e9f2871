package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/lambdagate/lambdagate/evaluation"
)

// TestOutputIndependentOfScheduling scans the same folders many times with
// different numbers of workers (run it with -race): the results must be
// identical, findings, errors, skipped files and counts in the same order.
//
// The testdata alone are too few templates to shake out a scheduling bug, so
// the test needs the corpus: without it, it skips (or fails, where
// LAMBDAGATE_REQUIRE_ORACLES requires the corpus).
func TestOutputIndependentOfScheduling(t *testing.T) {
	needCorpus(t)
	paths := []string{"../testdata"}
	for _, sub := range []string{"peer-checkov", "peer-cfn_nag", "sessions-with-aws-sam"} {
		dir := filepath.Join(corpusDir, sub)
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("the corpus has no %s (%v): pick other folders of it for this test", sub, err)
		}
		paths = append(paths, dir)
	}
	want, err := Scan(paths, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want.Templates < 50 || len(want.Findings) < 100 {
		t.Fatalf("too little to compare: %d templates, %d findings", want.Templates, len(want.Findings))
	}
	for run := range 3 {
		for _, workers := range []int{2, 3, 4, 8, 32} {
			t.Run(fmt.Sprintf("run %d, %d workers", run, workers), func(t *testing.T) {
				got, err := Scan(paths, Options{Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("the result differs from the one-worker scan:\n%s", firstDifference(got, want))
				}
				// Streamed, the units come in the same order.
				streamed := &evaluation.Result{}
				counts, err := Scan(paths, Options{Workers: workers, Emit: func(f evaluation.File) {
					streamed.Findings = append(streamed.Findings, f.Findings...)
					streamed.Errors = append(streamed.Errors, f.Errors...)
				}})
				if err != nil {
					t.Fatal(err)
				}
				if len(counts.Findings) > 0 || counts.Templates != want.Templates || counts.Functions != want.Functions {
					t.Errorf("streamed: the result keeps %d findings, counts %d templates and %d functions; want none kept, %d and %d",
						len(counts.Findings), counts.Templates, counts.Functions, want.Templates, want.Functions)
				}
				if !reflect.DeepEqual(streamed.Findings, want.Findings) || !reflect.DeepEqual(append(counts.Errors, streamed.Errors...), want.Errors) {
					t.Errorf("the streamed units differ from the one-worker scan:\n%s", firstDifference(streamed, want))
				}
			})
		}
	}
}

func firstDifference(got, want *evaluation.Result) string {
	for i := range min(len(got.Findings), len(want.Findings)) {
		if !reflect.DeepEqual(got.Findings[i], want.Findings[i]) {
			return fmt.Sprintf("finding %d: got %+v, want %+v", i, got.Findings[i], want.Findings[i])
		}
	}
	return fmt.Sprintf("findings %d/%d, errors %v/%v, skipped %v/%v, files %d/%d",
		len(got.Findings), len(want.Findings), got.Errors, want.Errors, got.Skipped, want.Skipped, len(got.Files), len(want.Files))
}
