package report

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
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
	// Severity is the configuration's severity of a rule, over its
	// documented default, for the level the rule is listed at.
	Severity map[string]checks.Severity
	// Suppressed keeps suppressed and baselined findings in the log, with
	// their suppressions. By default they are left out: code scanning would
	// open alerts for them.
	Suppressed bool
	// Fallback is the file (a path as findings carry, made relative to Root;
	// line 1) that results with no
	// place in the repository are located at: code scanning rejects the
	// whole log when one result has no physical location. A deployed
	// function without a template has none; verify uses the file the
	// operator names (--sarif-location) or the running workflow's. With no
	// fallback, such results are written as notifications instead.
	Fallback string
}

// TemplateError is the rule of the results that say a template could not
// be read or checked: a broken template is an alert in code scanning, not
// only a notification, so it cannot hide there.
var TemplateError = &checks.Check{
	ID:    "template-error",
	Title: "Templates can be read and checked",
	Doc: "A template that cannot be parsed, that has a problem lambdagate cannot read past (a duplicate key, an " +
		"unreadable suppression), or with a property that could not be checked, is reported on the line of the " +
		"problem. The gate cannot vouch for what it could not read, so these fail it like errors; fix the " +
		"template where the message says.",
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
	// AssociatedRule is the rule a verification could not check.
	AssociatedRule *sarifRuleRef `json:"associatedRule,omitempty"`
}

type sarifRuleRef struct {
	ID string `json:"id"`
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
	s := NewSARIFStream(w, opts)
	s.Add(evaluation.File{Findings: res.Findings})
	return s.Close(res)
}

// SARIFStream writes the SARIF log as the results come, byte for byte as
// SARIF would. The rules (whose default levels are read from the findings)
// come before the results, so the results are encoded as they come to a
// spool, with their severity, and follow the rules at the end.
type SARIFStream struct {
	w        io.Writer
	opts     SARIFOptions
	paths    *repoPaths
	rules    []*checks.Check
	index    map[string]int
	defaults map[string]checks.Severity // the highest severity of each rule's findings
	listed   int                        // rules of the list; the others are custom
	custom   map[string]checks.Severity // a custom rule's first finding's severity
	bySev    map[checks.Severity]int    // results spooled, by severity
	results  int
	spool    *spool
	buf      bytes.Buffer
	enc      *json.Encoder
	errors   []evaluation.FileError
	unplaced []sarifNotification // findings with no location and no fallback
	err      error
}

// NewSARIFStream starts the log on w.
func NewSARIFStream(w io.Writer, opts SARIFOptions) *SARIFStream {
	s := &SARIFStream{w: w, opts: opts, paths: newRepoPaths(opts.Root), rules: opts.Rules, index: map[string]int{},
		custom: map[string]checks.Severity{}, bySev: map[checks.Severity]int{}, spool: newSpool()}
	if s.rules == nil {
		s.rules = checks.All()
	}
	s.rules = append(slices.Clip(s.rules), TemplateError)
	s.listed = len(s.rules)
	for i, c := range s.rules {
		s.index[c.ID] = i
	}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetIndent(sarifResultIndent, "  ")
	s.enc.SetEscapeHTML(false)
	return s
}

// sarifResultIndent is where the results sit in the log: runs[0].results.
const sarifResultIndent = "        "

// Add encodes a unit's findings and keeps its errors.
func (s *SARIFStream) Add(f evaluation.File) {
	s.errors = append(s.errors, f.Errors...)
	for _, fd := range f.Findings {
		if s.err != nil {
			return
		}
		if fd.Suppression != nil && !s.opts.Suppressed {
			continue
		}
		i, ok := s.index[fd.Rule]
		if !ok {
			// A rule outside the list (a custom one): describe it on the fly.
			i = len(s.rules)
			s.index[fd.Rule] = i
			s.rules = append(s.rules, &checks.Check{ID: fd.Rule, Title: fd.Rule, Doc: fd.Rule})
			s.custom[fd.Rule] = fd.Severity
		}
		r := s.result(fd, i)
		if len(r.Locations) == 0 {
			s.unplaced = append(s.unplaced, sarifNotification{Level: r.Level, Message: sarifText{Text: fmt.Sprintf("%s: %s", fd.Rule, r.Message.Text)}})
			continue
		}
		s.spoolResult(fd.Severity, r)
	}
}

// spoolResult encodes a result to the spool, with its severity.
func (s *SARIFStream) spoolResult(sev checks.Severity, r sarifResult) {
	if s.err != nil {
		return
	}
	s.buf.Reset()
	if s.err = s.enc.Encode(r); s.err != nil {
		return
	}
	rec := bytes.TrimSuffix(s.buf.Bytes(), []byte("\n"))
	var head [1 + binary.MaxVarintLen64]byte
	head[0] = byte(sev)
	n := binary.PutUvarint(head[1:], uint64(len(rec)))
	s.spool.w.Write(head[:1+n])
	_, s.err = s.spool.w.Write(rec)
	s.bySev[sev]++
	s.results++
}

// errorResult is a template that could not be read or checked, as a
// result of TemplateError on the line of the problem.
func (s *SARIFStream) errorResult(e evaluation.FileError) (sarifResult, bool) {
	loc, ok := s.location(e.Pos.File, e.Pos.Line, e.Pos.Column)
	if !ok {
		return sarifResult{}, false
	}
	fp := sha256.Sum256([]byte(TemplateError.ID + "\x00" + s.paths.rel(e.Pos.File) + "\x00" + lineRef.ReplaceAllString(e.Message, "line N")))
	return sarifResult{
		RuleID: TemplateError.ID, RuleIndex: s.index[TemplateError.ID], Level: "error",
		Message:             sarifText{Text: e.Message},
		Locations:           []sarifLocation{loc},
		PartialFingerprints: map[string]string{"lambdagate/v1": hex.EncodeToString(fp[:16])},
	}, true
}

var lineRef = regexp.MustCompile(`\bline \d+`)

func (s *SARIFStream) result(f checks.Finding, rule int) sarifResult {
	r := sarifResult{
		RuleID: f.Rule, RuleIndex: rule, Level: sarifLevels[f.Severity],
		Message:             sarifText{Text: sarifSubject(f) + ": " + f.Message},
		PartialFingerprints: map[string]string{"lambdagate/v1": fingerprint(f, s.paths.rel(f.Pos.File))},
	}
	if loc, ok := s.location(f.Pos.File, f.Pos.Line, f.Pos.Column); ok {
		r.Locations = []sarifLocation{loc}
	} else {
		// Nowhere in the repository: name the function itself in the
		// message, and place the result on the fallback file, if any.
		if f.FunctionARN != "" {
			r.Message.Text = fmt.Sprintf("%s (%s): %s", sarifSubject(f), f.FunctionARN, f.Message)
		}
		if fb := s.opts.Fallback; fb != "" {
			loc, ok := s.location(fb, 1, 0)
			if !filepath.IsAbs(fb) {
				// Named relative to the repository (--sarif-location, the
				// workflow's file): as it is.
				loc, ok = sarifLocationOf(uriEscape(s.paths.rel(fb)), 1, 0)
			}
			if ok {
				r.Locations = []sarifLocation{loc}
			}
		}
	}
	if f.FunctionName != "" || f.FunctionARN != "" {
		r.Properties = map[string]string{"functionName": f.FunctionName, "functionArn": f.FunctionARN}
	}
	if sp := f.Suppression; sp != nil {
		kind := "inSource"
		if sp.Source == "baseline" {
			kind = "external"
		}
		r.Suppressions = []sarifSuppression{{Kind: kind, Justification: fmt.Sprintf("%s %s: %s", sp.Source, sp.ID, sp.Reason)}}
	}
	return r
}

// Close writes the log: the rules, the results spooled (the most severe
// first, when there are more than code scanning accepts), and the errors
// (the result's own, then those of the units) as notifications.
func (s *SARIFStream) Close(res *evaluation.Result) error {
	defer s.spool.close()
	if s.err != nil {
		return s.err
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "lambdagate", Version: sarifVersion(s.opts.Version), InformationURI: "https://github.com/lambdagate/lambdagate"}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results:     []sarifResult{},
		ColumnKind:  "unicodeCodePoints",
	}
	if s.opts.Category != "" {
		id := strings.TrimSuffix(s.opts.Category, "/") + "/"
		run.AutomationDetails = &sarifAutomation{ID: id + s.opts.RunID}
	}
	errs := append(slices.Clip(res.Errors), s.errors...)
	for _, e := range errs {
		if r, ok := s.errorResult(e); ok {
			s.spoolResult(checks.Error, r)
		}
	}
	if s.err != nil {
		return s.err
	}
	for i, c := range s.rules {
		// The rule's documented default, or the configuration's: never
		// what its findings happened to be.
		sev := c.DefaultSeverity()
		if c == TemplateError {
			sev = checks.Error
		}
		if v, ok := s.opts.Severity[c.ID]; ok {
			sev = v
		}
		if i >= s.listed {
			sev = s.custom[c.ID]
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(c, sev))
	}
	// Keep the worst: code scanning would reject the whole file. Stable by
	// severity, as a sort of all the results would leave them.
	keep := s.results
	var levels []checks.Severity
	if s.results > MaxSARIFResults {
		keep = MaxSARIFResults
		for sev := range s.bySev {
			levels = append(levels, sev)
		}
		slices.SortFunc(levels, func(a, b checks.Severity) int { return int(b) - int(a) })
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{
			Level:   "warning",
			Message: sarifText{Text: fmt.Sprintf("%d findings, over the %d results code scanning accepts in one run; the %d least severe are left out", s.results, MaxSARIFResults, s.results-MaxSARIFResults)},
		})
	}
	if len(s.unplaced) > 0 {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{
			Level:   "warning",
			Message: sarifText{Text: fmt.Sprintf("%d findings have no place in the repository (deployed functions without a template) and are listed here rather than as results; name a file to place them at (lambdagate verify --sarif-location)", len(s.unplaced))},
		})
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, s.unplaced...)
	}
	if d := res.Deployed; d != nil {
		// A verification's notes (a stack rolled back, an AWS managed key):
		// said beside the results, at their level; never results.
		for _, note := range d.Notes {
			level := "note"
			if note.Severity >= checks.Warning {
				level = "warning"
			}
			run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{Level: level, Message: sarifText{Text: note.Message()}})
		}
	}
	for _, e := range errs {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
		if e.Rule != "" {
			n.AssociatedRule = &sarifRuleRef{ID: e.Rule} // not verified: never a pass
		}
		if loc, ok := s.location(e.Pos.File, e.Pos.Line, e.Pos.Column); ok {
			n.Locations = []sarifLocation{loc}
		}
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, n)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return err
	}
	// The log with no results, cut where they go.
	const marker = "\n      \"results\": []"
	at := bytes.Index(b.Bytes(), []byte(marker))
	if at < 0 {
		return fmt.Errorf("report: the SARIF log has no %q", marker)
	}
	bw := bufio.NewWriter(s.w)
	bw.Write(b.Bytes()[:at+len(marker)-1])
	written := 0
	pass := func(sev checks.Severity, all bool) error {
		rd, err := s.spool.reader()
		if err != nil {
			return err
		}
		br := rd.(io.ByteReader)
		for written < keep {
			c, err := br.ReadByte()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("the SARIF output's spool: %w", err)
			}
			n, err := binary.ReadUvarint(br)
			if err != nil {
				return fmt.Errorf("the SARIF output's spool: %w", err)
			}
			rec := make([]byte, n)
			if _, err := io.ReadFull(rd, rec); err != nil {
				return fmt.Errorf("the SARIF output's spool: %w", err)
			}
			if !all && checks.Severity(c) != sev {
				continue
			}
			if written == 0 {
				bw.WriteString("\n" + sarifResultIndent)
			} else {
				bw.WriteString(",\n" + sarifResultIndent)
			}
			bw.Write(rec)
			written++
		}
		return nil
	}
	if levels == nil {
		if err := pass(0, true); err != nil {
			return err
		}
	}
	for _, sev := range levels {
		if err := pass(sev, false); err != nil {
			return err
		}
	}
	if written > 0 {
		bw.WriteString("\n      ")
	}
	bw.Write(b.Bytes()[at+len(marker)-1:])
	return bw.Flush()
}

// sarifVersion is the tool's version as SARIF wants it, starting with a
// number (SARIF2005): a release's v1.2.3 is 1.2.3; a build that is no
// release, "dev (0123abcd)", is 0.0.0-dev+0123abcd.
func sarifVersion(v string) string {
	if v == "" {
		return ""
	}
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		return v[1:]
	}
	if v[0] >= '0' && v[0] <= '9' {
		return v
	}
	name, build, _ := strings.Cut(v, " ")
	out := "0.0.0-" + name
	if build = strings.Trim(build, "()"); build != "" {
		out += "+" + build
	}
	return out
}

func sarifRuleOf(c *checks.Check, sev checks.Severity) sarifRule {
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
		HelpURI:              helpURI(c),
		DefaultConfiguration: sarifConfig{Level: sarifLevels[sev]},
		Properties:           sarifRuleProps{Tags: []string{"security", "aws-lambda", "cloudformation"}, Precision: "high", SecuritySeverity: securitySeverity[sev]},
	}
}

// helpURI is where a rule is documented: its page under docs/rules, or, for
// template-error (no check of its own), the README's Scan section.
func helpURI(c *checks.Check) string {
	if c == TemplateError {
		return "https://github.com/lambdagate/lambdagate#scan"
	}
	return checks.DocsURL + c.ID + ".md"
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

// location is where a file's line is: a URI relative to the repository
// root, or an absolute file:// URI for a file outside the repository (or
// when there is none), never a bare path.
func (s *SARIFStream) location(file string, line, col int) (sarifLocation, bool) {
	if file == "" {
		return sarifLocation{}, false
	}
	uri := s.paths.rel(file)
	if s.opts.Root == "" || filepath.IsAbs(filepath.FromSlash(uri)) || uri == ".." || strings.HasPrefix(uri, "../") {
		abs, err := filepath.Abs(file)
		if err != nil {
			return sarifLocation{}, false
		}
		uri = fileURI(abs)
	} else {
		uri = uriEscape(uri)
	}
	return sarifLocationOf(uri, line, col)
}

// fileURI is an absolute path as a file:// URI (file:///C:/... on Windows).
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return "file://" + uriEscape(p)
}

func sarifLocationOf(uri string, line, col int) (sarifLocation, bool) {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifAL{URI: uri}}}
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

// sarifSubject names what a result is about as the text output does: the
// logical id, and the deployed function, alias or version it was read as
// when that is another name (`Fn (app-Fn-1:live (version 4, 10% of the
// traffic))`), so that code scanning tells an alias from $LATEST.
func sarifSubject(f checks.Finding) string {
	if f.FunctionName != "" && f.FunctionName != f.Resource {
		return f.Resource + " (" + f.FunctionName + ")"
	}
	return f.Resource
}
