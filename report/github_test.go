package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/source"
)

func finding(file string, line int, rule string, sev checks.Severity, resource, msg string) checks.Finding {
	return checks.Finding{Rule: rule, Severity: sev, Pos: source.Pos{File: file, Line: line, Column: 3}, Resource: resource, Message: msg}
}

// Forty findings: 10 errors on changed lines, 20 errors elsewhere, 5
// warnings and 5 notices. GitHub shows 10 per level; the errors on changed
// lines get the error slots, and the last notice slot says what is left.
func TestAnnotationBudgetSpendsTenPerLevelChangedLinesFirst(t *testing.T) {
	res := &evaluation.Result{}
	for i := range 30 {
		res.Findings = append(res.Findings, finding("app.yaml", 100+i, "kms-key", checks.Error, fmt.Sprintf("Fn%d", i), "no key"))
	}
	for i := range 5 {
		res.Findings = append(res.Findings, finding("app.yaml", 200+i, "log-retention", checks.Warning, "W", "no log group"))
		res.Findings = append(res.Findings, finding("app.yaml", 300+i, "public-invoke", checks.Notice, "N", "note"))
	}
	isNew := func(f checks.Finding) bool { return f.Pos.Line >= 120 && f.Pos.Line < 130 }
	var out bytes.Buffer
	st, err := GitHub(&out, res, GitHubOptions{New: isNew, Threshold: checks.Error})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	count := map[string]int{}
	var errLines []string
	for _, l := range lines {
		level, _, _ := strings.Cut(l, " ")
		count[level]++
		if level == "::error" {
			errLines = append(errLines, l)
		}
	}
	if count["::error"] != 10 || count["::warning"] != 5 || count["::notice"] != 6 {
		t.Fatalf("annotations per level = %v, want 10 errors, 5 warnings, 5 notices + 1 overflow notice:\n%s", count, out.String())
	}
	for i, l := range errLines {
		if want := fmt.Sprintf("line=%d,", 120+i); !strings.Contains(l, want) {
			t.Errorf("error annotation %d is not the changed line %d: %s", i, 120+i, l)
		}
	}
	last := lines[len(lines)-1]
	if want := "::notice title=lambdagate::20 more findings were not annotated (GitHub shows 10 per level): see the job summary / SARIF"; last != want {
		t.Errorf("last annotation:\n got %s\nwant %s", last, want)
	}
	if st.Annotated != 20 || st.New != 10 || !st.Failing {
		t.Errorf("stats = %+v, want 20 annotated, 10 new, failing", st)
	}
}

// When the notices themselves fill their ten slots, one of them gives way
// to the overflow notice, so the total stays at ten.
func TestAnnotationBudgetOverflowTakesTheLastNoticeSlot(t *testing.T) {
	res := &evaluation.Result{}
	for i := range 12 {
		res.Findings = append(res.Findings, finding("a.yaml", i+1, "public-invoke", checks.Notice, "N", "note"))
	}
	var out bytes.Buffer
	st, err := GitHub(&out, res, GitHubOptions{Notices: []string{"shallow checkout"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "::notice "); n != 10 {
		t.Errorf("%d notices, want 10:\n%s", n, out.String())
	}
	if st.Annotated != 8 || !strings.Contains(out.String(), "::notice title=lambdagate::4 more findings") {
		t.Errorf("annotated %d, want 8 (10 - own notice - overflow notice):\n%s", st.Annotated, out.String())
	}
}

// A template controls logical ids, property values (and so messages) and
// file names. None of it can start a workflow command: the exact bytes.
func TestHostileTemplateTextCannotInjectWorkflowCommands(t *testing.T) {
	res := &evaluation.Result{Findings: []checks.Finding{{
		Rule: "kms-key", Severity: checks.Error,
		Pos:      source.Pos{File: "evil,file=x:y.yaml", Line: 7, Column: 2},
		Resource: "Fn\n::add-mask::secret",
		Message:  "100% bad\r\n::stop-commands::tok\n::error file=a::pwned",
	}}}
	var out bytes.Buffer
	if _, err := GitHub(&out, res, GitHubOptions{Log: true, StopToken: "TOKEN"}); err != nil {
		t.Fatal(err)
	}
	want := "::error col=2,endLine=7,file=evil%2Cfile=x%3Ay.yaml,line=7,title=lambdagate kms-key::" +
		"Fn%0A::add-mask::secret: 100%25 bad%0D%0A::stop-commands::tok%0A::error file=a::pwned%0A" +
		"Rule: https://github.com/lambdagate/lambdagate/blob/main/docs/rules/kms-key.md\n" +
		"::group::lambdagate: all findings\n" +
		"::stop-commands::TOKEN\n" +
		`evil,file=x:y.yaml:7:2: error: kms-key: Fn\x0a::add-mask::secret: 100% bad\x0d\x0a::stop-commands::tok\x0a::error file=a::pwned` + "\n" +
		"1 finding (1 errors, 0 warnings, 0 notices, 0 suppressed) in 0 functions of 0 templates\n" +
		"::TOKEN::\n" +
		"::endgroup::\n"
	if got := out.String(); got != want {
		t.Errorf("printed:\n%q\nwant:\n%q", got, want)
	}
	for _, l := range strings.Split(out.String(), "\n") {
		l = strings.TrimLeft(l, " \t")
		if strings.HasPrefix(l, "::") && !strings.HasPrefix(l, "::error col=2") && !strings.HasPrefix(l, "::group::") &&
			!strings.HasPrefix(l, "::stop-commands::TOKEN") && l != "::TOKEN::" && l != "::endgroup::" {
			t.Errorf("a line a template controls reads as a command: %q", l)
		}
	}
}

func TestSummaryEscapesTemplateText(t *testing.T) {
	res := &evaluation.Result{Findings: []checks.Finding{
		finding("a.yaml", 3, "kms-key", checks.Error, "Fn|<img src=x>", "use `x` **now** @org/team [l](javascript:x)\n# heading"),
	}}
	md := Summary(res, GitHubStats{}, GitHubOptions{})
	for _, bad := range []string{"<img", "**now**", "@org", "[l]", "\n# heading", "Fn|"} {
		if strings.Contains(md, bad) {
			t.Errorf("summary keeps %q unescaped:\n%s", bad, md)
		}
	}
}

// 20,000 findings over 2,000 functions stay under the 900 KiB budget, with
// the verdict and the table first and a line saying what was left out.
func TestSummaryStaysUnderBudgetWithTwentyThousandFindings(t *testing.T) {
	res := &evaluation.Result{Templates: 200, Functions: 2000}
	for i := range 20000 {
		file := fmt.Sprintf("stacks/service-%03d/template.yaml", i%200)
		res.Findings = append(res.Findings, finding(file, i+1, checks.All()[i%4].ID, checks.Error,
			fmt.Sprintf("Function%04d", i%2000), strings.Repeat("a long explanation of what is wrong and how to fix it; ", 3)))
	}
	st := GitHubStats{Findings: 20000, Errors: 20000, Failing: true}
	md := Summary(res, st, GitHubOptions{Threshold: checks.Error, Links: Links{ServerURL: "https://github.com", Repository: "o/r", SHA: "abc"}})
	if len(md) > SummaryBudget {
		t.Fatalf("summary is %d bytes, over the %d budget", len(md), SummaryBudget)
	}
	if !strings.HasPrefix(md, "## ❌ lambdagate: failed") {
		t.Errorf("summary does not start with the verdict: %.80q", md)
	}
	if !strings.Contains(md, "| Function | Template |") {
		t.Error("summary has no functions table")
	}
	if !strings.Contains(md, "**Truncated:**") || !strings.Contains(md, "more entries are not shown") {
		t.Error("summary over budget says nothing about truncation")
	}
	if strings.Count(md, "<details") != strings.Count(md, "</details>") {
		t.Error("unbalanced <details> blocks")
	}
}

func TestSummaryTableMarksEachControlPerFunction(t *testing.T) {
	res := &evaluation.Result{Templates: 1, Functions: 2, Findings: []checks.Finding{
		finding("app.yaml", 12, "kms-key", checks.Error, "Orders", "no key"),
		finding("app.yaml", 14, "log-retention", checks.Warning, "Orders", "no log group"),
	}}
	sup := finding("app.yaml", 30, "security-groups", checks.Error, "Webhook", "no security groups")
	sup.Suppression = &checks.Suppression{Source: "lambdagate", ID: "security-groups", Reason: "public webhook"}
	res.Findings = append(res.Findings, sup)
	md := Summary(res, GitHubStats{Findings: 3, Errors: 1, Warnings: 1, Suppressed: 1}, GitHubOptions{
		Functions: []evaluation.FunctionRow{{File: "app.yaml", Line: 10, Resource: "Orders"}, {File: "app.yaml", Line: 28, Resource: "Webhook"}, {File: "app.yaml", Line: 40, Resource: "Clean"}},
	})
	for _, row := range []string{
		"| <code>Orders</code> | app.yaml | ✅ | ✅ | ❌ | ✅ | ⚠️ |",
		"| <code>Webhook</code> | app.yaml | 🔕 | ✅ | ✅ | ✅ | ✅ |",
		"| <code>Clean</code> | app.yaml | ✅ | ✅ | ✅ | ✅ | ✅ |",
	} {
		if !strings.Contains(md, row) {
			t.Errorf("summary lacks the row\n%s\n in:\n%s", row, md)
		}
	}
}

func TestWriteOutputsUsesARandomDelimiterPerValue(t *testing.T) {
	var b bytes.Buffer
	if err := WriteOutputs(&b, []Output{{"result", "fail"}, {"sarif-file", "a b.sarif"}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "result<<ghadelimiter_") || lines[1] != "fail" || lines[2] != strings.TrimPrefix(lines[0], "result<<") {
		t.Fatalf("outputs file:\n%s", b.String())
	}
	if lines[0][len("result<<"):] == lines[3][len("sarif-file<<"):] {
		t.Error("two outputs share a delimiter")
	}
	if err := WriteOutputs(&b, []Output{{"bad\nname", "x"}}); err == nil {
		t.Error("a name with a newline was accepted")
	}
}
