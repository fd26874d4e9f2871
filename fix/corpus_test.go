package fix

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/scan"
	"github.com/lambdagate/lambdagate/template"
)

// corpusDir is the shared third-party corpus, beside the checkout.
const corpusDir = "../../shared/corpus"

// need skips a test when an oracle is absent, unless CI requires the
// oracles (LAMBDAGATE_REQUIRE_ORACLES), where its absence is a failure.
func need(tb testing.TB, what string, ok bool) {
	tb.Helper()
	if ok {
		return
	}
	if os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") != "" {
		tb.Fatalf("%s is required here (LAMBDAGATE_REQUIRE_ORACLES is set) but absent", what)
	}
	tb.Skipf("%s is absent; skipping (CI sets LAMBDAGATE_REQUIRE_ORACLES so it cannot skip)", what)
}

// corpusFiles lists the corpus files that can hold a template, in order
// (File skips the others).
func corpusFiles(t *testing.T) []string {
	_, err := os.Stat(corpusDir)
	need(t, corpusDir, err == nil)
	var files []string
	err = filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json", ".template":
			if d.Type().IsRegular() && !strings.Contains(p, "/_tools/") {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// everything turns on every fix.
var everything = Options{KmsKeyParameter: true, SecurityGroupsParameter: true}

// TestCorpus fixes every template of the corpus (in memory: the corpus is
// never written): each result parses, re-scans with the fixed findings gone
// and no finding or error that was not there, and a second fix changes
// nothing. The figures are logged.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	var fixed, removed, added, changes int
	byRule := map[string]int{}
	reasons := map[string]int{}
	templates := 0
	for i, f := range files {
		if i%corpusStride != 0 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := File(f, data, everything)
		if r.Template {
			templates++
		}
		for _, nf := range r.NotFixed {
			reasons[nf.Finding.Rule+": "+shortReason(nf.Reason)]++
		}
		if !r.Changed() {
			continue
		}
		fixed++
		changes += len(r.Changes)
		if _, err := template.Parse(f, r.New, template.DefaultLimits); err != nil {
			t.Errorf("%s: the fixed template does not parse: %v", f, err)
			continue
		}
		before := scan.ScanBytes(f, data, everything.Scan)
		after := scan.ScanBytes(f, r.New, everything.Scan)
		if !subset(after, before) {
			t.Errorf("%s: the fix adds a finding or an error:\n%s", f, newOnes(after, before))
			added++
		}
		removed += len(before.Findings) - len(after.Findings)
		for _, c := range r.Changes {
			byRule[c.Rule] += len(c.findings)
		}
		// Idempotence on one file in five keeps the test's cost down.
		if i%(5*corpusStride) == 0 {
			if again := File(f, r.New, everything); again.Changed() {
				t.Errorf("%s: a second fix changes the file again: %v", f, again.Changes)
			}
		}
	}
	t.Logf("%d templates (one in %d of the corpus), %d fixed with %d changes; %d findings removed (%v), %d templates with a new finding", templates, corpusStride, fixed, changes, removed, byRule, added)
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return reasons[keys[i]] > reasons[keys[j]] })
	for _, k := range keys {
		t.Logf("%6d %s", reasons[k], k)
	}
}

func shortReason(s string) string {
	if i := strings.Index(s, " ("); i > 0 {
		s = s[:i]
	}
	return s
}

func newOnes(after, before *evaluation.Result) string {
	had := map[string]int{}
	for _, f := range before.Findings {
		had[identity(f)]++
	}
	var out []string
	for _, f := range after.Findings {
		if had[identity(f)] == 0 {
			out = append(out, fmt.Sprintf("  %s: %s: %s: %s", f.Pos, f.Rule, f.Resource, f.Message))
		}
		had[identity(f)]--
	}
	errs := map[string]int{}
	for _, e := range before.Errors {
		errs[errIdentity(e)]++
	}
	for _, e := range after.Errors {
		if errs[errIdentity(e)] == 0 {
			out = append(out, "  error "+e.Error())
		}
		errs[errIdentity(e)]--
	}
	return strings.Join(out, "\n")
}

// cfnLintSample is how many fixed templates cfn-lint reads (twice: before
// and after), about 0.3 s each.
const cfnLintSample = 24

// TestCfnLint runs cfn-lint on a sample of the corpus templates fix changes,
// before and after: the fixed one has no error (E rule) the original lacks.
func TestCfnLint(t *testing.T) {
	_, err := exec.LookPath("cfn-lint")
	need(t, "cfn-lint", err == nil)
	files := corpusFiles(t)
	dir := t.TempDir()
	var olds, news, sources []string
	// A deterministic sample spread over the sources: every n-th file fix changes.
	for i, f := range files {
		if len(olds) == cfnLintSample {
			break
		}
		if i%7 != 0 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := File(f, data, everything)
		if !r.Changed() {
			continue
		}
		name := fmt.Sprintf("%03d%s", len(olds), filepath.Ext(f))
		old, fixed := filepath.Join(dir, "old", name), filepath.Join(dir, "new", name)
		for p, b := range map[string][]byte{old: data, fixed: r.New} {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		olds, news, sources = append(olds, old), append(news, fixed), append(sources, f)
	}
	before, after := cfnLint(t, olds), cfnLint(t, news)
	nb, na := 0, 0
	for i := range olds {
		nb += len(before[filepath.Base(olds[i])])
		na += len(after[filepath.Base(olds[i])])
	}
	for i := range olds {
		name := filepath.Base(olds[i])
		for _, e := range after[name] {
			if !slices.Contains(before[name], e) {
				t.Errorf("%s (fixed from %s): cfn-lint reports a new error %s", name, sources[i], e)
			}
		}
	}
	t.Logf("cfn-lint read %d fixed templates and their originals: %d errors before, %d after", len(olds), nb, na)
}

// cfnLint runs cfn-lint once over the files and returns each file's error
// rule ids (with their messages' first words, so two errors of one rule on
// different resources stay apart).
func cfnLint(t *testing.T, files []string) map[string][]string {
	cmd := exec.Command("cfn-lint", append([]string{"--format", "json", "--"}, files...)...)
	out, err := cmd.Output()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("cfn-lint: %v", err)
	}
	var matches []struct {
		Rule     struct{ ID string } `json:"Rule"`
		Filename string
		Message  string
		Level    string
	}
	if err := json.Unmarshal(out, &matches); err != nil {
		t.Fatalf("cfn-lint output: %v\n%s", err, out)
	}
	m := map[string][]string{}
	for _, x := range matches {
		if x.Level != "Error" {
			continue
		}
		m[filepath.Base(x.Filename)] = append(m[filepath.Base(x.Filename)], x.Rule.ID+" "+x.Message)
	}
	return m
}
