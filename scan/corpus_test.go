package scan

import (
	"fmt"
	"github.com/lambdagate/lambdagate/evaluation"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/checks"
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

// TestCorpusSweep scans every file of the shared corpus, one at a time: none
// may panic (a panic comes back as an internal error) or take more than a
// second, the files that do not parse must be exactly the ones the corpus
// README lists, and the verdicts per rule are logged.
func TestCorpusSweep(t *testing.T) {
	needCorpus(t)
	opts := Options{}.withDefaults()
	res := &evaluation.Result{}
	files, err := discover([]string{corpusDir}, opts, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 || len(res.Skipped) > 0 {
		t.Fatalf("discovering the corpus: errors %v, skipped %v", res.Errors, res.Skipped)
	}
	const bound = time.Second
	var (
		templates, functions int
		findings             []checks.Finding
		unparsed             []string
		slowest              time.Duration
		slowestFile          string
	)
	for _, c := range files {
		f := c.path
		start := time.Now()
		r := scanFile(f, opts)
		d := time.Since(start)
		if d > bound {
			t.Errorf("%s: scanned in %v, over the %v bound", f, d, bound)
		}
		if d > slowest {
			slowest, slowestFile = d, f
		}
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
	t.Logf("%d files, %d templates, %d functions, %d files do not parse (as the corpus README says); the slowest took %v: %s",
		len(files), templates, functions, len(unparsed), slowest.Round(time.Millisecond), slowestFile)
	logVerdicts(t, functions, findings)
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

// logVerdicts logs, per rule, how many functions pass, and how many have an
// error, a warning, a notice or only suppressed findings; then how many pass
// all four controls. A function's verdict on a rule is its worst finding.
func logVerdicts(t *testing.T, functions int, findings []checks.Finding) {
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
	fmt.Fprintf(&b, "%-22s %6s %6s %6s %6s %10s\n", "rule", "pass", "error", "warn", "notice", "suppressed")
	for _, c := range checks.All() {
		n := map[checks.Severity]int{}
		for k, sev := range worst[c.ID] {
			n[sev]++
			if slices.Contains(four, c.ID) && (sev == checks.Error || sev == checks.Warning) {
				failsAny[k] = true
			}
		}
		pass := functions - len(worst[c.ID])
		fmt.Fprintf(&b, "%-22s %6d %6d %6d %6d %10d\n", c.ID, pass, n[checks.Error], n[checks.Warning], n[checks.Notice], n[suppressed])
	}
	fmt.Fprintf(&b, "functions with no error or warning on any of the four controls: %d of %d", functions-len(failsAny), functions)
	t.Log(b.String())
}
