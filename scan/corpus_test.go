package scan

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// corpusDir is the shared third-party corpus, beside the checkout.
const corpusDir = "../../shared/corpus"

// needCorpus skips a test when the corpus is absent, unless CI requires it
// (LAMBDAGATE_REQUIRE_ORACLES), where its absence is a failure.
func needCorpus(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err == nil {
		return
	}
	if os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") != "" {
		tb.Fatalf("%s is required here (LAMBDAGATE_REQUIRE_ORACLES is set) but absent", corpusDir)
	}
	tb.Skipf("%s is absent; skipping (CI sets LAMBDAGATE_REQUIRE_ORACLES so it cannot skip)", corpusDir)
}

// updateVerdicts rewrites the golden verdict counts of the corpus sweep:
// `go test ./scan -run TestCorpusSweep -update-verdicts`, then review the
// diff like any change of behaviour.
var updateVerdicts = flag.Bool("update-verdicts", false, "rewrite "+verdictsGolden+" with the corpus's verdicts")

const verdictsGolden = "testdata/corpus-verdicts.golden"

// corpusToday is the scan date of the corpus sweep.
var corpusToday = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// TestCorpusSweep scans every file of the shared corpus, one at a time: none
// may panic (a panic comes back as an internal error), the files that do not
// parse must be exactly the ones the corpus README lists, and the verdicts
// per rule must be those of the checked-in golden file, so that a change of
// verdicts is always seen in review. Speed is BenchmarkScanCorpus's business:
// no clock is read here.
func TestCorpusSweep(t *testing.T) {
	needCorpus(t)
	// The scan date is pinned, so that the verdicts of deprecated-runtime
	// do not move with the clock; every rule runs, those off by default
	// (reserved-concurrency) too, so that the golden counts them.
	opts := Options{Stage: evaluation.New(evaluation.Config{Checks: checks.All(), CheckOptions: checks.Options{Today: corpusToday}})}.withDefaults()
	res := &evaluation.Result{}
	files, err := discover([]string{corpusDir}, opts, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 || len(res.Skipped) > 0 {
		t.Fatalf("discovering the corpus: errors %v, skipped %v", res.Errors, res.Skipped)
	}
	var (
		templates, functions int
		findings             []checks.Finding
		unparsed             []string
	)
	for _, c := range files {
		f := c.path
		r := scanFile(f, opts)
		for _, e := range r.eval.Errors {
			if strings.HasPrefix(e.Message, internalError) {
				t.Errorf("%v", e)
			}
		}
		switch {
		case r.template:
			templates++
			functions += len(r.eval.Rows)
			findings = append(findings, r.eval.Findings...)
		case len(r.eval.Errors) > 0:
			rel, _ := filepath.Rel(corpusDir, f)
			unparsed = append(unparsed, filepath.ToSlash(rel))
		default:
			t.Errorf("%s: skipped as %q, but every corpus file is a template", f, r.skip)
		}
	}
	if want := corpusUnparsable(t); !slices.Equal(unparsed, want) {
		t.Errorf("files that do not parse:\n%s\nthe corpus README lists:\n%s", strings.Join(unparsed, "\n"), strings.Join(want, "\n"))
	}
	t.Logf("%d files, %d templates, %d functions, %d files do not parse (as the corpus README says)",
		len(files), templates, functions, len(unparsed))
	got := verdicts(functions, findings)
	t.Log(got)
	if *updateVerdicts {
		if err := os.WriteFile(verdictsGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(verdictsGolden)
	if err != nil {
		t.Fatalf("%v; run the test with -update-verdicts to write it", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("the corpus verdicts changed (-%s +now); if that is intended, run the test with -update-verdicts and commit the file:\n%s", verdictsGolden, diff)
	}
}

// corpusUnparsable reads the list of files that do not parse from the corpus
// README ("Files that do not parse with a standard YAML/JSON parser").
func corpusUnparsable(t *testing.T) []string {
	data, err := os.ReadFile(filepath.Join(corpusDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(data), "Files that do not parse with a standard YAML/JSON parser")
	if !ok {
		t.Fatal("the corpus README no longer lists the files that do not parse")
	}
	var out []string
	for _, line := range strings.Split(list, "\n")[1:] {
		path, ok := strings.CutPrefix(line, "* `")
		if !ok {
			break
		}
		out = append(out, strings.TrimSuffix(path, "`"))
	}
	slices.Sort(out)
	return out
}

// verdicts counts, per rule, how many functions pass, and how many have an
// error, a warning, a notice or only suppressed findings; then how many pass
// all four controls. A function's verdict on a rule is its worst finding.
func verdicts(functions int, findings []checks.Finding) string {
	type fn struct{ file, id string }
	const suppressed = checks.Severity(-1)
	worst := map[string]map[fn]checks.Severity{} // rule -> function -> verdict
	for _, f := range findings {
		sev := f.Severity
		if f.Suppression != nil {
			sev = suppressed
		}
		if worst[f.Rule] == nil {
			worst[f.Rule] = map[fn]checks.Severity{}
		}
		k := fn{f.Pos.File, f.Resource}
		if cur, ok := worst[f.Rule][k]; !ok || sev > cur {
			worst[f.Rule][k] = sev
		}
	}
	four := []string{"security-groups", "kms-key", "active-tracing", "least-privilege-role"}
	failsAny := map[fn]bool{}
	var b strings.Builder
	fmt.Fprintf(&b, "verdicts of %d functions (a function's worst finding per rule):\n", functions)
	fmt.Fprintf(&b, "%-25s %6s %6s %6s %6s %10s\n", "rule", "pass", "error", "warn", "notice", "suppressed")
	for _, c := range checks.All() {
		n := map[checks.Severity]int{}
		for k, sev := range worst[c.ID] {
			n[sev]++
			if slices.Contains(four, c.ID) && (sev == checks.Error || sev == checks.Warning) {
				failsAny[k] = true
			}
		}
		pass := functions - len(worst[c.ID])
		fmt.Fprintf(&b, "%-25s %6d %6d %6d %6d %10d\n", c.ID, pass, n[checks.Error], n[checks.Warning], n[checks.Notice], n[suppressed])
	}
	fmt.Fprintf(&b, "functions with no error or warning on any of the four controls: %d of %d\n", functions-len(failsAny), functions)
	return b.String()
}
