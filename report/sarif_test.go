package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/source"
)

// sarifSchema is the OASIS schema in ../shared beside the repository (CI has
// it; a lone checkout skips).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no SARIF schema at %s", path)
	}
	c := jsonschema.NewCompiler()
	s, err := c.Compile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sampleResult() *evaluation.Result {
	sup := checks.Finding{Rule: "security-groups", Severity: checks.Error, Pos: source.Pos{File: "infra/app.yaml", Line: 30, Column: 3},
		Resource: "Webhook", Message: "no security groups",
		Suppression: &checks.Suppression{Source: "cfn_nag", ID: "W89", Reason: "public webhook", Pos: source.Pos{File: "infra/app.yaml", Line: 33}}}
	return &evaluation.Result{
		Templates: 2, Functions: 3,
		Findings: []checks.Finding{
			{Rule: "kms-key", Severity: checks.Error, Pos: source.Pos{File: "infra/app.yaml", Line: 12, Column: 7}, Resource: "Orders", Message: "the function has no KmsKeyArn"},
			{Rule: "log-retention", Severity: checks.Warning, Pos: source.Pos{File: "infra/my app.yaml", Line: 3}, Resource: "Export", Message: "no log group"},
			{Rule: "active-tracing", Severity: checks.Error, Resource: "live-fn", FunctionName: "live-fn", FunctionARN: "arn:aws:lambda:eu-west-1:1:function:live-fn", Message: "tracing is PassThrough"},
			sup,
		},
		Errors: []evaluation.FileError{{Pos: source.Pos{File: "infra/broken.yaml", Line: 6, Column: 18}, Message: "cannot parse YAML"}},
	}
}

func TestSARIFValidatesAgainstTheSchema(t *testing.T) {
	schema := sarifSchema(t)
	var b bytes.Buffer
	if err := SARIF(&b, sampleResult(), SARIFOptions{Category: "lambdagate", RunID: "42", Version: "1.2.3"}); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("SARIF does not validate: %v\n%s", err, b.String())
	}
}

func TestSARIFCarriesWhatCodeScanningNeeds(t *testing.T) {
	var b bytes.Buffer
	wd, _ := os.Getwd()
	if err := SARIF(&b, sampleResult(), SARIFOptions{Root: wd, Category: "lambdagate", RunID: "42", Suppressed: true, Fallback: ".github/workflows/verify.yml"}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.AutomationDetails == nil || run.AutomationDetails.ID != "lambdagate/42" {
		t.Errorf("automationDetails = %+v", run.AutomationDetails)
	}
	if len(run.Tool.Driver.Rules) != len(checks.All())+1 {
		t.Errorf("%d rules, want every check and template-error", len(run.Tool.Driver.Rules))
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.Help.Text == "" || r.ShortDescription.Text == "" || r.FullDescription.Text == "" {
			t.Errorf("rule %s lacks help or descriptions", r.ID)
		}
		if r.Name == r.ID {
			t.Errorf("rule %s: its name is its id", r.ID)
		}
	}
	r0 := run.Results[0]
	if got := r0.Locations[0].PhysicalLocation; got.ArtifactLocation.URI != "infra/app.yaml" || got.Region.StartLine != 12 || got.Region.StartColumn != 7 {
		t.Errorf("location = %+v", got)
	}
	if run.Tool.Driver.Rules[r0.RuleIndex].ID != r0.RuleID {
		t.Errorf("ruleIndex %d does not point at %s", r0.RuleIndex, r0.RuleID)
	}
	if u := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "infra/my%20app.yaml" {
		t.Errorf("uri = %q, want it percent-encoded", u)
	}
	// A deployed function without a template is placed on the fallback
	// file, its ARN in the message: code scanning needs a location.
	if r := run.Results[2]; len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != ".github/workflows/verify.yml" ||
		r.Locations[0].PhysicalLocation.Region.StartLine != 1 || r.Properties["functionArn"] == "" ||
		!strings.Contains(r.Message.Text, "arn:aws:lambda:eu-west-1:1:function:live-fn") {
		t.Errorf("a deployed finding: %+v", r)
	}
	if s := run.Results[3].Suppressions; len(s) != 1 || s[0].Kind != "inSource" || !strings.Contains(s[0].Justification, "public webhook") {
		t.Errorf("suppressions = %+v", s)
	}
	if n := run.Invocations[0].ToolExecutionNotifications; len(n) != 1 || n[0].Level != "error" {
		t.Errorf("notifications = %+v", n)
	}
	// The broken template is a result too, on the line of the error.
	if r := run.Results[4]; r.RuleID != "template-error" || r.Level != "error" || run.Tool.Driver.Rules[r.RuleIndex].ID != "template-error" ||
		r.Locations[0].PhysicalLocation.ArtifactLocation.URI != "infra/broken.yaml" || r.Locations[0].PhysicalLocation.Region.StartLine != 6 || r.Message.Text != "cannot parse YAML" {
		t.Errorf("the broken template's result: %+v", r)
	}
}

// Suppressed and baselined findings are left out unless asked for: code
// scanning would open alerts for them.
func TestSARIFLeavesOutSuppressedFindings(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, sampleResult(), SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	for _, r := range log.Runs[0].Results {
		if len(r.Suppressions) > 0 || strings.Contains(r.Message.Text, "Webhook") {
			t.Errorf("a suppressed finding is in the log: %+v", r)
		}
	}
	// (The deployed function's finding has no place: a notification.)
	if n := len(log.Runs[0].Results); n != 3 {
		t.Errorf("%d results, want the 2 findings with a place and the broken template", n)
	}
}

// A rule's level and security-severity are its documented default (or the
// configuration's), not what its findings happened to be.
func TestSARIFRuleLevelsAreTheDocumentedDefaults(t *testing.T) {
	res := &evaluation.Result{Findings: []checks.Finding{
		// A warning of an error rule does not lower the rule.
		{Rule: "kms-key", Severity: checks.Warning, Pos: source.Pos{File: "a.yaml", Line: 3}, Resource: "Fn", Message: "from a parameter"},
	}}
	var b bytes.Buffer
	if err := SARIF(&b, res, SARIFOptions{Severity: map[string]checks.Severity{"log-retention": checks.Error}}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"kms-key": {"error", "7.5"}, "kms-key-rotation": {"warning", "5.0"}, "open-security-group": {"warning", "5.0"},
		"public-invoke": {"warning", "5.0"}, "log-retention": {"error", "7.5"}, "template-error": {"error", "7.5"},
	}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		if w, ok := want[r.ID]; ok && (r.DefaultConfiguration.Level != w[0] || r.Properties.SecuritySeverity != w[1]) {
			t.Errorf("rule %s: level %s, security-severity %s; want %s, %s", r.ID, r.DefaultConfiguration.Level, r.Properties.SecuritySeverity, w[0], w[1])
		}
	}
}

// Artifact URIs are relative to the repository root, or absolute file://
// URIs outside it; never a bare absolute path.
func TestSARIFURIsOutsideTheRepositoryAreFileURIs(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	res := &evaluation.Result{Findings: []checks.Finding{
		{Rule: "kms-key", Severity: checks.Error, Pos: source.Pos{File: filepath.Join(root, "infra", "app.yaml"), Line: 3}, Resource: "In", Message: "m"},
		{Rule: "kms-key", Severity: checks.Error, Pos: source.Pos{File: filepath.Join(outside, "x y.yaml"), Line: 3}, Resource: "Out", Message: "m"},
	}}
	for _, tc := range []struct {
		root string
		want []string
	}{
		{root, []string{"infra/app.yaml", "file://" + filepath.ToSlash(outside) + "/x%20y.yaml"}},
		{"", []string{"file://" + filepath.ToSlash(root) + "/infra/app.yaml", "file://" + filepath.ToSlash(outside) + "/x%20y.yaml"}},
	} {
		var b bytes.Buffer
		if err := SARIF(&b, res, SARIFOptions{Root: tc.root}); err != nil {
			t.Fatal(err)
		}
		var log sarifLog
		if err := json.Unmarshal(b.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range log.Runs[0].Results {
			got = append(got, r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("root %q: URIs %q, want %q", tc.root, got, tc.want)
		}
	}
}

// Without a fallback file, a finding with no place in the repository is a
// notification, never a result without a location (which makes code
// scanning reject the whole log).
func TestSARIFResultsWithoutAPlaceAreNotifications(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, sampleResult(), SARIFOptions{Category: "lambdagate"}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != 3 {
		t.Errorf("%d results, want the 3 with a place", len(run.Results))
	}
	for _, r := range run.Results {
		if len(r.Locations) == 0 {
			t.Errorf("a result without a location: %+v", r)
		}
	}
	var listed bool
	for _, n := range run.Invocations[0].ToolExecutionNotifications {
		listed = listed || strings.Contains(n.Message.Text, "active-tracing: live-fn (arn:aws:lambda:eu-west-1:1:function:live-fn): tracing is PassThrough")
	}
	if !listed {
		t.Errorf("the deployed finding is not among the notifications: %+v", run.Invocations[0].ToolExecutionNotifications)
	}
}

// The fingerprint ignores the line, so code scanning keeps an alert open
// (not closed and reopened) when lines above it move.
func TestSARIFFingerprintSurvivesMovedLines(t *testing.T) {
	fp := func(line int) string {
		res := &evaluation.Result{Findings: []checks.Finding{{Rule: "kms-key", Severity: checks.Error, Pos: source.Pos{File: "a.yaml", Line: line}, Resource: "Fn", Message: "no key"}}}
		var b bytes.Buffer
		if err := SARIF(&b, res, SARIFOptions{}); err != nil {
			t.Fatal(err)
		}
		var log sarifLog
		if err := json.Unmarshal(b.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		return log.Runs[0].Results[0].PartialFingerprints["lambdagate/v1"]
	}
	if a, b := fp(10), fp(25); a == "" || a != b {
		t.Errorf("fingerprints %q and %q differ", a, b)
	}
}

// Over the results code scanning accepts, the most severe are kept, each
// severity in the order found, and a notification says how many are left out.
func TestSARIFKeepsTheMostSevereResults(t *testing.T) {
	res := &evaluation.Result{}
	add := func(n int, sev checks.Severity, msg string) {
		for i := range n {
			res.Findings = append(res.Findings, checks.Finding{Rule: "kms-key", Severity: sev, Pos: source.Pos{File: "a.yaml", Line: i + 1}, Resource: "Fn", Message: msg})
		}
	}
	add(3, checks.Error, "first errors")
	add(MaxSARIFResults-1, checks.Warning, "warnings")
	add(10, checks.Error, "last errors")
	var b bytes.Buffer
	if err := SARIF(&b, res, SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != MaxSARIFResults {
		t.Fatalf("%d results, want %d", len(run.Results), MaxSARIFResults)
	}
	for i, r := range run.Results {
		want := "Fn: warnings"
		switch {
		case i < 3:
			want = "Fn: first errors"
		case i < 13:
			want = "Fn: last errors"
		}
		if r.Message.Text != want {
			t.Fatalf("result %d: %q, want %q", i, r.Message.Text, want)
		}
	}
	if n := run.Invocations[0].ToolExecutionNotifications; len(n) != 1 || !strings.Contains(n[0].Message.Text, "the 12 least severe are left out") {
		t.Errorf("notifications = %+v", n)
	}
	if got := run.Tool.Driver.Rules[0].DefaultConfiguration.Level; run.Tool.Driver.Rules[0].ID != "security-groups" || got == "" {
		t.Errorf("rules[0] = %+v", run.Tool.Driver.Rules[0])
	}
}

// Streamed unit by unit, the log is the one SARIF writes.
func TestSARIFStreamIsSARIF(t *testing.T) {
	r := sampleResult()
	var want bytes.Buffer
	if err := SARIF(&want, r, SARIFOptions{Category: "c", Version: "1"}); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	s := NewSARIFStream(&got, SARIFOptions{Category: "c", Version: "1"})
	own := *r
	own.Errors = nil
	for i, f := range r.Findings {
		u := evaluation.File{Findings: []checks.Finding{f}}
		if i == 1 {
			u.Errors = r.Errors
		}
		s.Add(u)
	}
	if err := s.Close(&own); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("streamed:\n%s\nwant:\n%s", got.String(), want.String())
	}
}

func TestSARIFVersionStartsWithANumber(t *testing.T) {
	for v, want := range map[string]string{"v1.4.0": "1.4.0", "v2.0.0-rc.1": "2.0.0-rc.1", "1.2": "1.2", "dev": "0.0.0-dev",
		"dev (0123456789ab-dirty)": "0.0.0-dev+0123456789ab-dirty", "": ""} {
		if got := sarifVersion(v); got != want {
			t.Errorf("sarifVersion(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestSARIFNamesTheAliasAFindingWasReadThrough: a finding on an alias or a
// version it routes to lands on the template's line like $LATEST's, so its
// message names what was read, as the text output does.
func TestSARIFNamesTheAliasAFindingWasReadThrough(t *testing.T) {
	res := &evaluation.Result{Templates: 1, Functions: 1, Aliases: 1, Findings: []checks.Finding{
		{Rule: "active-tracing", Severity: checks.Error, Pos: source.Pos{File: "infra/app.yaml", Line: 9, Column: 7}, Resource: "Fn",
			FunctionName: "app-Fn-1:live (version 4, 10% of the traffic)", FunctionARN: "arn:aws:lambda:eu-west-1:1:function:app-Fn-1:4", Message: "tracing is PassThrough"},
		{Rule: "active-tracing", Severity: checks.Error, Pos: source.Pos{File: "infra/app.yaml", Line: 9, Column: 7}, Resource: "Fn", Message: "tracing is PassThrough"},
	}}
	var b bytes.Buffer
	wd, _ := os.Getwd()
	if err := SARIF(&b, res, SARIFOptions{Root: wd, Category: "lambdagate"}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	got := []string{log.Runs[0].Results[0].Message.Text, log.Runs[0].Results[1].Message.Text}
	want := []string{"Fn (app-Fn-1:live (version 4, 10% of the traffic)): tracing is PassThrough", "Fn: tracing is PassThrough"}
	if !slices.Equal(got, want) {
		t.Errorf("messages %q, want %q", got, want)
	}
}
