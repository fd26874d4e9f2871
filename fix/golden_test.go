package fix

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/scan"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// TestGolden fixes each template of testdata/ and compares the result with
// its .golden file, and what was fixed and not with its .log file. Each
// result is scanned again: the findings fixed are gone, every other finding
// and error is unchanged, and a second fix changes nothing. Templates whose
// name holds "params" are fixed with --kms-key-parameter and
// --security-groups-parameter too.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range files {
		if ext := filepath.Ext(file); ext == ".golden" || ext == ".log" {
			continue
		}
		n++
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{}
			if strings.Contains(file, "params") {
				opts = everything
			}
			// deprecated-runtime judges as of a fixed day, never the clock.
			opts.Scan.Stage = evaluation.New(evaluation.Config{CheckOptions: checks.Options{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}})
			r := File(file, data, opts)
			compare(t, file+".golden", r.New)
			compare(t, file+".log", []byte(describe(r)))

			before := scan.ScanBytes(file, data, opts.Scan)
			after := scan.ScanBytes(file, r.New, opts.Scan)
			want := map[string]int{}
			for _, f := range before.Findings {
				want[identity(f)]++
			}
			for _, c := range r.Changes {
				for _, f := range c.findings {
					want[identity(f)]--
				}
			}
			for _, f := range after.Findings {
				if want[identity(f)] == 0 {
					t.Errorf("after the fix: %s: %s: %s: %s is new, or was to be fixed", f.Pos, f.Rule, f.Resource, f.Message)
					continue
				}
				want[identity(f)]--
			}
			renamed := map[string]bool{} // a rename fixes what the typo hid too
			for _, c := range r.Changes {
				if c.Rule == MisspelledProperty {
					renamed[c.Resources[0]] = true
				}
			}
			for _, f := range before.Findings {
				if renamed[f.Resource] {
					delete(want, identity(f))
				}
			}
			for k, left := range want {
				if left > 0 {
					t.Errorf("after the fix: a finding not fixed is gone: %q", k)
				}
			}
			if !subset(after, before) || len(after.Errors) != len(before.Errors) {
				t.Errorf("the errors changed: before %v, after %v", before.Errors, after.Errors)
			}
			if again := File(file, r.New, opts); again.Changed() {
				t.Errorf("a second fix changes the file again:\n%s", again.New)
			}
		})
	}
	if n < 8 {
		t.Fatalf("only %d golden templates", n)
	}
}

// describe lists the changes and the findings left, as fix reports them.
func describe(r *Result) string {
	var b strings.Builder
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "fixed %s on %s: %s (%d findings)\n", c.Rule, strings.Join(c.Resources, ", "), c.Summary, len(c.findings))
	}
	for _, nf := range r.NotFixed {
		fmt.Fprintf(&b, "%d:%d: %s: %s: %s\n", nf.Finding.Pos.Line, nf.Finding.Pos.Column, nf.Finding.Rule, nf.Finding.Resource, nf.Reason)
	}
	b.WriteString("left:")
	for _, f := range r.Remaining {
		if f.Severity >= checks.Warning {
			fmt.Fprintf(&b, " %s", f.Rule)
		}
	}
	b.WriteString("\n")
	return b.String()
}

func compare(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update ./fix/ to write it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", golden, want, got)
	}
}
