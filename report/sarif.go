package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/baseline"
	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// The SARIF is written from our own small structs rather than with
// go-sarif: its Suppression always writes "status", "guid" and "location",
// null when unset, which the SARIF 2.1.0 schema rejects.

// SARIFOptions configure the SARIF log.
type SARIFOptions struct {
	// Root is the repository's top level; artifact URIs are relative to it,
	// as code scanning needs.
	Root string
	// Category is the automationDetails.id category ("lambdagate"); RunID,
	// if set, follows it ("lambdagate/1234").
	Category, RunID string
	// Version is the tool's version.
	Version string
	// Rules are the rules described in the log; nil means checks.All().
	Rules []*checks.Check
}

// MaxSARIFResults is the most results code scanning accepts in one run.
const MaxSARIFResults = 25000

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool          `json:"tool"`
	AutomationDetails *sarifAutomation   `json:"automationDetails,omitempty"`
	Invocations       []sarifInvocation  `json:"invocations"`
	Results           []sarifResult      `json:"results"`
	ColumnKind        string             `json:"columnKind"`
	OriginalURIBaseID map[string]sarifAL `json:"originalUriBaseIds,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]string  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifAL      `json:"artifactLocation"`
	Region           *sarifRegion `json:"region,omitempty"`
}

type sarifAL struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// sarifLevels maps severities to SARIF levels.
var sarifLevels = map[checks.Severity]string{checks.Error: "error", checks.Warning: "warning", checks.Notice: "note"}

// securitySeverity is what code scanning ranks a rule by: the four controls
// (errors by default) are high, the rest medium.
var securitySeverity = map[checks.Severity]string{checks.Error: "7.5", checks.Warning: "5.0", checks.Notice: "3.0"}

// SARIF writes the result as a SARIF 2.1.0 log for code scanning: every rule
// with its documentation, every finding (suppressed ones with their
// justification) with a repository-relative location and a fingerprint
// that survives edits elsewhere in the file, and the files that could not
// be read as notifications.
func SARIF(w io.Writer, res *evaluation.Result, opts SARIFOptions) error {
	rules := opts.Rules
	if rules == nil {
		rules = checks.All()
	}
	// Severities a rule's findings take by default, read from the results;
	// a rule never seen defaults to error for the four controls.
	defaults := map[string]checks.Severity{}
	for _, f := range res.Findings {
		defaults[f.Rule] = max(defaults[f.Rule], f.Severity)
	}
	paths := newRepoPaths(opts.Root)
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "lambdagate", Version: opts.Version, InformationURI: "https://github.com/lambdagate/lambdagate"}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results:     []sarifResult{},
		ColumnKind:  "unicodeCodePoints",
	}
	if opts.Category != "" {
		id := strings.TrimSuffix(opts.Category, "/") + "/"
		run.AutomationDetails = &sarifAutomation{ID: id + opts.RunID}
	}
	index := map[string]int{}
	for _, c := range rules {
		index[c.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(c, defaults[c.ID]))
	}
	findings := res.Findings
	if len(findings) > MaxSARIFResults {
		// Keep the worst: code scanning would reject the whole file.
		findings = slices.Clone(findings)
		slices.SortStableFunc(findings, func(a, b checks.Finding) int { return int(b.Severity) - int(a.Severity) })
		findings = findings[:MaxSARIFResults]
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{
			Level:   "warning",
			Message: sarifText{Text: fmt.Sprintf("%d findings, over the %d results code scanning accepts in one run; the %d least severe are left out", len(res.Findings), MaxSARIFResults, len(res.Findings)-MaxSARIFResults)},
		})
	}
	for _, f := range findings {
		i, ok := index[f.Rule]
		if !ok {
			// A rule outside the list (a custom one): describe it on the fly.
			i = len(run.Tool.Driver.Rules)
			index[f.Rule] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(&checks.Check{ID: f.Rule, Title: f.Rule, Doc: f.Rule}, f.Severity))
		}
		r := sarifResult{
			RuleID: f.Rule, RuleIndex: i, Level: sarifLevels[f.Severity],
			Message:             sarifText{Text: f.Resource + ": " + f.Message},
			PartialFingerprints: map[string]string{"lambdagate/v1": fingerprint(f, paths.rel(f.Pos.File))},
		}
		if loc, ok := sarifLocationOf(paths.rel(f.Pos.File), f.Pos.Line, f.Pos.Column); ok {
			r.Locations = []sarifLocation{loc}
		}
		if f.FunctionName != "" || f.FunctionARN != "" {
			r.Properties = map[string]string{"functionName": f.FunctionName, "functionArn": f.FunctionARN}
		}
		if s := f.Suppression; s != nil {
			kind := "inSource"
			if s.Source == "baseline" {
				kind = "external"
			}
			r.Suppressions = []sarifSuppression{{Kind: kind, Justification: fmt.Sprintf("%s %s: %s", s.Source, s.ID, s.Reason)}}
		}
		run.Results = append(run.Results, r)
	}
	for _, e := range res.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
		if loc, ok := sarifLocationOf(paths.rel(e.Pos.File), e.Pos.Line, e.Pos.Column); ok {
			n.Locations = []sarifLocation{loc}
		}
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, n)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifRuleOf(c *checks.Check, seen checks.Severity) sarifRule {
	sev := seen
	if sev == 0 {
		sev = checks.Error
	}
	doc := strings.TrimSpace(c.Doc)
	full, _, _ := strings.Cut(doc, "\n\n")
	return sarifRule{
		ID:                   c.ID,
		Name:                 ruleName(c.ID),
		ShortDescription:     sarifText{Text: truncate(c.Title, 1024)},
		FullDescription:      sarifText{Text: truncate(full, 1024)},
		Help:                 sarifText{Text: doc, Markdown: checks.Markdown(c)},
		HelpURI:              checks.DocsURL + c.ID + ".md",
		DefaultConfiguration: sarifConfig{Level: sarifLevels[sev]},
		Properties:           sarifRuleProps{Tags: []string{"security", "aws-lambda", "cloudformation"}, Precision: "high", SecuritySeverity: securitySeverity[sev]},
	}
}

// ruleName is the rule id in CamelCase ("KmsKey"), as SARIF names read.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-3], "") + "..."
}

func sarifLocationOf(uri string, line, col int) (sarifLocation, bool) {
	if uri == "" || strings.HasPrefix(uri, "../") {
		return sarifLocation{}, false
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifAL{URI: uriEscape(uri)}}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: max(col, 0)}
	}
	return loc, true
}

// uriEscape makes a relative path a URI reference: spaces and the like are
// percent-encoded, slashes kept.
func uriEscape(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// fingerprint is the baseline's fingerprint (what is wrong and where in the
// model, not the line) of the finding at its repository path.
func fingerprint(f checks.Finding, repoPath string) string {
	f.Pos.File = repoPath
	sum := sha256.Sum256([]byte(baseline.Fingerprint(f)))
	return hex.EncodeToString(sum[:16])
}
