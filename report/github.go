package report

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// MaxAnnotationsPerLevel is how many errors, warnings and notices of one step
// the runner turns into annotations; it drops the rest silently.
const MaxAnnotationsPerLevel = 10

// SummaryBudget bounds the job summary: the runner refuses a step summary
// over 1 MiB outright (and spends an error annotation saying so).
const SummaryBudget = 900 << 10

// GitHubOptions configure the GitHub output: annotations, the log, the job
// summary. The zero value annotates everything and writes no summary.
type GitHubOptions struct {
	// Root is the repository's top level: annotation paths and links are
	// made relative to it. "" keeps the paths as found.
	Root string
	// Counts reports whether a finding survives the filter (filter-mode):
	// only those are annotated and can fail the step. nil counts all.
	Counts func(checks.Finding) bool
	// CountsError is the same for files that could not be read. nil counts all.
	CountsError func(evaluation.FileError) bool
	// New reports whether a finding is on a line the change adds or
	// touches: those are annotated first and marked in the summary.
	New func(checks.Finding) bool
	// Notices are the run's own messages (a shallow checkout, ...). They are
	// annotated first, and use the notice budget.
	Notices []string
	// MaxPerLevel caps the annotations per level: 0 means
	// MaxAnnotationsPerLevel (values above it are lowered to it); negative
	// means no annotations.
	MaxPerLevel int
	// Threshold is fail-on; 0 never fails.
	Threshold checks.Severity
	// Log, when set, prints every finding in the text format in a folded
	// group of the log, with workflow commands stopped around it.
	Log bool
	// StopToken ends the stopped stretch of log; "" makes a random one.
	// Tests set it to get exact output.
	StopToken string
	// Summary, when set, receives the job summary Markdown.
	Summary io.Writer
	// SummaryBudget bounds the summary in bytes; 0 means SummaryBudget.
	SummaryBudget int
	// Links make file:line links in the summary; zero makes none.
	Links Links
	// Functions list every function scanned, so that clean ones show in the
	// summary's table too; nil lists the functions that have findings.
	Functions []evaluation.FunctionRow
	// Title names the run in the summary ("lambdagate scan").
	Title string
	// Filter describes the filter for the summary ("added"); "" for none.
	Filter string
}

// Links build https://github.com/OWNER/REPO/blob/SHA/PATH#L12.
type Links struct {
	ServerURL  string // https://github.com
	Repository string // OWNER/REPO
	SHA        string
}

// GitHubStats count what the GitHub output reported.
type GitHubStats struct {
	Findings   int // all findings, suppressed included
	Errors     int // unsuppressed, by severity
	Warnings   int
	Notices    int
	Suppressed int
	New        int // unsuppressed findings on changed lines
	Counted    int // unsuppressed findings that survive the filter
	Annotated  int // findings and file errors given an annotation
	FileErrors int // files that could not be read
	Templates  int
	Functions  int
	Failing    bool // a counted finding (or file error) reaches the threshold
}

// Result is "pass" or "fail", as the `result` output says.
func (s GitHubStats) Result() string {
	if s.Failing {
		return "fail"
	}
	return "pass"
}

// Output is one step output.
type Output struct{ Name, Value string }

// Outputs are the step outputs the stats give.
func (s GitHubStats) Outputs() []Output {
	return []Output{
		{"result", s.Result()},
		{"findings", strconv.Itoa(s.Findings)},
		{"errors", strconv.Itoa(s.Errors)},
		{"warnings", strconv.Itoa(s.Warnings)},
		{"notices", strconv.Itoa(s.Notices)},
		{"suppressed", strconv.Itoa(s.Suppressed)},
		{"new-findings", strconv.Itoa(s.New)},
		{"annotated", strconv.Itoa(s.Annotated)},
		{"templates-scanned", strconv.Itoa(s.Templates)},
		{"functions-scanned", strconv.Itoa(s.Functions)},
	}
}

// WriteOutputs appends outputs to w in the GITHUB_OUTPUT file format, each
// as a heredoc with a random delimiter (go-githubactions uses a fixed one,
// which a value could forge).
func WriteOutputs(w io.Writer, outs []Output) error {
	var b strings.Builder
	for _, o := range outs {
		delim := "ghadelimiter_" + randomToken()
		if strings.Contains(o.Name, delim) || strings.Contains(o.Value, delim) {
			return fmt.Errorf("output %q contains its delimiter", o.Name)
		}
		if o.Name == "" || strings.ContainsAny(o.Name, "\r\n=<") {
			return fmt.Errorf("bad output name %q", o.Name)
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, o.Value, delim)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// item is one thing that may be annotated: a finding or a file error.
type item struct {
	sev      checks.Severity
	isNew    bool
	file     string // relative to the root
	line     int
	col      int
	title    string
	message  string
	fromFile bool // a file error rather than a finding
}

// GitHub writes the run's annotations (and, with opts.Log, a full text
// listing) to w, the job summary to opts.Summary, and returns the counts for
// the outputs and the exit code.
func GitHub(w io.Writer, res *evaluation.Result, opts GitHubOptions) (GitHubStats, error) {
	paths := newRepoPaths(opts.Root)
	st := GitHubStats{Findings: len(res.Findings), Templates: res.Templates, Functions: res.Functions, FileErrors: len(res.Errors)}
	c := Count(res.Findings)
	st.Errors, st.Warnings, st.Notices, st.Suppressed = c.Errors, c.Warnings, c.Notices, c.Suppressed

	var items []item
	for _, f := range res.Findings {
		if f.Suppression != nil {
			continue
		}
		isNew := opts.New != nil && opts.New(f)
		if isNew {
			st.New++
		}
		if opts.Counts != nil && !opts.Counts(f) {
			continue
		}
		st.Counted++
		if opts.Threshold != 0 && f.Severity >= opts.Threshold {
			st.Failing = true
		}
		items = append(items, item{
			sev: f.Severity, isNew: isNew, file: paths.rel(f.Pos.File), line: f.Pos.Line, col: f.Pos.Column,
			title:   "lambdagate " + f.Rule,
			message: findingMessage(f),
		})
	}
	for _, e := range res.Errors {
		if opts.CountsError != nil && !opts.CountsError(e) {
			continue
		}
		if opts.Threshold != 0 && opts.Threshold <= checks.Error {
			st.Failing = true
		}
		items = append(items, item{
			sev: checks.Error, isNew: true, file: paths.rel(e.Pos.File), line: e.Pos.Line, col: e.Pos.Column,
			title: "lambdagate: template not checked", message: e.Message + " (the gate cannot vouch for a template it cannot read)", fromFile: true,
		})
	}
	if opts.MaxPerLevel >= 0 {
		n, err := annotate(w, items, opts)
		if err != nil {
			return st, err
		}
		st.Annotated = n
	}
	if opts.Log {
		if err := logListing(w, res, opts.StopToken); err != nil {
			return st, err
		}
	}
	if opts.Summary != nil {
		if _, err := io.WriteString(opts.Summary, Summary(res, st, opts)); err != nil {
			return st, fmt.Errorf("writing the job summary: %w", err)
		}
	}
	return st, nil
}

func findingMessage(f checks.Finding) string {
	name := f.Resource
	if f.FunctionName != "" && f.FunctionName != f.Resource {
		name += " (" + f.FunctionName + ")"
	}
	return fmt.Sprintf("%s: %s\nRule: %s%s.md", name, f.Message, checks.DocsURL, f.Rule)
}

// annotate spends the per-level budget: the run's own notices first, then
// findings on changed lines, then by severity and place; when something is
// left over, the last notice says how much and where to find it.
func annotate(w io.Writer, items []item, opts GitHubOptions) (int, error) {
	limit := opts.MaxPerLevel
	if limit == 0 || limit > MaxAnnotationsPerLevel {
		limit = MaxAnnotationsPerLevel
	}
	slices.SortStableFunc(items, func(a, b item) int {
		return cmp.Or(
			-cmpBool(a.isNew, b.isNew),
			-cmp.Compare(a.sev, b.sev),
			cmp.Compare(a.file, b.file),
			cmp.Compare(a.line, b.line),
			cmp.Compare(a.col, b.col),
		)
	})
	perLevel := map[checks.Severity]int{}
	for _, it := range items {
		perLevel[it.sev]++
	}
	own := min(len(opts.Notices), limit)
	budget := map[checks.Severity]int{checks.Error: limit, checks.Warning: limit, checks.Notice: limit - own}
	overflow := perLevel[checks.Error] > limit || perLevel[checks.Warning] > limit || perLevel[checks.Notice] > limit-own
	if overflow {
		budget[checks.Notice] = max(limit-own-1, 0)
	}

	a := githubactions.New(githubactions.WithWriter(w))
	for _, n := range opts.Notices[:own] {
		a.WithFieldsMap(map[string]string{"title": "lambdagate"}).Noticef("%s", n)
	}
	annotated := 0
	for _, it := range items {
		if budget[it.sev] == 0 {
			continue
		}
		budget[it.sev]--
		annotated++
		fields := map[string]string{"title": it.title}
		if it.file != "" {
			fields["file"] = it.file
			if it.line > 0 {
				fields["line"] = strconv.Itoa(it.line)
				fields["endLine"] = strconv.Itoa(it.line)
				if it.col > 0 {
					fields["col"] = strconv.Itoa(it.col)
				}
			}
		}
		aa := a.WithFieldsMap(fields)
		switch it.sev {
		case checks.Error:
			aa.Errorf("%s", it.message)
		case checks.Warning:
			aa.Warningf("%s", it.message)
		default:
			aa.Noticef("%s", it.message)
		}
	}
	if left := len(items) - annotated; left > 0 && overflow {
		a.WithFieldsMap(map[string]string{"title": "lambdagate"}).Noticef(
			"%d more findings were not annotated (GitHub shows %d per level): see the job summary / SARIF", left, limit)
	}
	return annotated, nil
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// logListing prints every finding as text, in a folded group, with workflow
// commands stopped: the listing quotes template lines, and a template must
// not be able to issue commands (the runner trims leading spaces before it
// looks for "::", so indenting is no protection).
func logListing(w io.Writer, res *evaluation.Result, token string) error {
	if token == "" {
		token = randomToken()
	}
	if _, err := fmt.Fprintf(w, "::group::lambdagate: all findings\n::stop-commands::%s\n", token); err != nil {
		return err
	}
	if err := Text(w, res); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "::%s::\n::endgroup::\n", token)
	return err
}
