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
	// Touched reports whether the change touches a file (by repository
	// path): its findings are open in the summary, the others folded. nil
	// when there is no change: files with up to 10 findings are open.
	Touched func(repoPath string) bool
	// InChange reports whether the change is responsible for a function
	// (it adds or edits it); the summary marks the rows of the others. It is
	// asked as the rows come, and nil marks none.
	InChange func(evaluation.FunctionRow) bool
	// DocsURL is where the rules' documentation is, for the version that
	// runs; "" means checks.DocsURL.
	DocsURL string
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
	// Failures are the counted findings and file errors that reach the
	// threshold: what fails the check.
	Failures int
	// FindingsFailing: a counted finding reaches it (not only file errors).
	FindingsFailing bool
	// Deployed: a verification, whose file errors are things that could not
	// be verified: when only they fail it, the result is "error".
	Deployed bool
}

// Result is "pass" or "fail", as the `result` output says; of a
// verification, "error" when only what could not be verified fails it
// (action.yml: fail is findings reaching fail-on).
func (s GitHubStats) Result() string {
	if s.Failing && s.Deployed && !s.FindingsFailing {
		return "error" // nothing failed, but something could not be verified
	}
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
	seq      int  // the order it came in
}

// GitHub writes the run's annotations (and, with opts.Log, a full text
// listing) to w, the job summary to opts.Summary, and returns the counts for
// the outputs and the exit code.
func GitHub(w io.Writer, res *evaluation.Result, opts GitHubOptions) (GitHubStats, error) {
	s := NewGitHubStream(w, opts)
	s.Add(evaluation.File{Findings: res.Findings})
	err := s.Close(res)
	return s.Stats(), err
}

// GitHubStream is the GitHub output taking the results as they come. The
// annotations, written first, choose from all findings, but only the best few
// of each level can win a slot, so only those are kept; the listing of the
// log is spooled, and the summary keeps what its budget can show.
type GitHubStream struct {
	w       io.Writer
	opts    GitHubOptions
	paths   *repoPaths
	st      GitHubStats
	limit   int
	best    map[checks.Severity][]item // the first limit of each level, in annotation order
	level   map[checks.Severity]int    // items of each level
	items   int
	seq     int
	log     *TextStream
	summary *summary
	errors  []evaluation.FileError
}

// NewGitHubStream starts the GitHub output to w.
func NewGitHubStream(w io.Writer, opts GitHubOptions) *GitHubStream {
	limit := opts.MaxPerLevel
	if limit == 0 || limit > MaxAnnotationsPerLevel {
		limit = MaxAnnotationsPerLevel
	}
	s := &GitHubStream{w: w, opts: opts, paths: newRepoPaths(opts.Root), limit: max(limit, 0),
		best: map[checks.Severity][]item{}, level: map[checks.Severity]int{}}
	if opts.Log {
		s.log = NewTextStream(w) // it writes at the end, after the annotations
	}
	if opts.Summary != nil {
		s.summary = newSummary(opts)
		s.summary.addRows(opts.Functions)
	}
	return s
}

// AddRows adds functions to the summary's table, clean ones included, when
// they were not given in the options.
func (s *GitHubStream) AddRows(rows []evaluation.FunctionRow) {
	if s.summary != nil {
		s.summary.addRows(rows)
	}
}

// Add takes a unit's findings and errors.
func (s *GitHubStream) Add(f evaluation.File) {
	s.errors = append(s.errors, f.Errors...)
	if s.log != nil {
		s.log.Add(evaluation.File{Findings: f.Findings})
	}
	if s.summary != nil {
		s.summary.addFindings(f.Findings)
	}
	s.st.Findings += len(f.Findings)
	c := Count(f.Findings)
	s.st.Errors += c.Errors
	s.st.Warnings += c.Warnings
	s.st.Notices += c.Notices
	s.st.Suppressed += c.Suppressed
	for _, fd := range f.Findings {
		if fd.Suppression != nil {
			continue
		}
		isNew := s.opts.New != nil && s.opts.New(fd)
		if isNew {
			s.st.New++
		}
		if s.opts.Counts != nil && !s.opts.Counts(fd) {
			continue
		}
		s.st.Counted++
		if s.opts.Threshold != 0 && fd.Severity >= s.opts.Threshold {
			s.st.Failing, s.st.FindingsFailing = true, true
			s.st.Failures++
		}
		s.offer(item{
			sev: fd.Severity, isNew: isNew, file: s.paths.rel(fd.Pos.File), line: fd.Pos.Line, col: fd.Pos.Column,
			title:   "lambdagate " + fd.Rule,
			message: findingMessage(fd),
		})
	}
}

// offer counts an item and keeps it if it is among the first limit of its
// level in annotation order: no other can be annotated.
func (s *GitHubStream) offer(it item) {
	it.seq = s.seq
	s.seq++
	s.items++
	s.level[it.sev]++
	best := s.best[it.sev]
	i, _ := slices.BinarySearchFunc(best, it, compareItems)
	if i >= s.limit {
		return
	}
	best = slices.Insert(best, i, it)
	if len(best) > s.limit {
		best = best[:s.limit]
	}
	s.best[it.sev] = best
}

// Close writes the annotations (of the findings, then of the errors: the
// result's own, then the units'), the log's listing and the summary.
func (s *GitHubStream) Close(res *evaluation.Result) error {
	errs := append(slices.Clip(res.Errors), s.errors...)
	s.st.Templates, s.st.Functions, s.st.FileErrors = res.Templates, res.Functions, len(errs)
	s.st.Deployed = res.Deployed != nil
	title, why := "lambdagate: template not checked", " (the gate cannot vouch for a template it cannot read)"
	if s.st.Deployed {
		title, why = "lambdagate verify: not verified", ""
	}
	for _, e := range errs {
		if s.opts.CountsError != nil && !s.opts.CountsError(e) {
			continue
		}
		if s.opts.Threshold != 0 && s.opts.Threshold <= checks.Error {
			s.st.Failing = true
			s.st.Failures++
		}
		s.offer(item{
			sev: checks.Error, isNew: true, file: s.paths.rel(e.Pos.File), line: e.Pos.Line, col: e.Pos.Column,
			title: title, message: e.Message + why, fromFile: true,
		})
	}
	if s.opts.MaxPerLevel >= 0 {
		var items []item
		for _, best := range s.best {
			items = append(items, best...)
		}
		slices.SortFunc(items, compareItems)
		var own []ownNote
		for _, n := range s.opts.Notices {
			own = append(own, ownNote{sev: checks.Notice, title: "lambdagate", message: n})
		}
		if d := res.Deployed; d != nil {
			title := cmp.Or(s.opts.Title, "lambdagate")
			for _, n := range d.Notes {
				own = append(own, ownNote{sev: n.Severity, title: title, message: n.Message()})
			}
		}
		n, err := annotate(s.w, items, s.level, s.items, s.opts, own)
		if err != nil {
			return err
		}
		s.st.Annotated = n
	}
	if s.log != nil {
		// Every finding as text, in a folded group, with workflow commands
		// stopped: the listing quotes template lines, and a template must
		// not be able to issue commands (the runner trims leading spaces
		// before it looks for "::", so indenting is no protection).
		token := s.opts.StopToken
		if token == "" {
			token = randomToken()
		}
		if _, err := fmt.Fprintf(s.w, "::group::lambdagate: all findings\n::stop-commands::%s\n", token); err != nil {
			return err
		}
		whole := *res
		whole.Errors = errs
		if err := s.log.Close(&whole); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(s.w, "::%s::\n::endgroup::\n", token); err != nil {
			return err
		}
	}
	if s.summary != nil {
		whole := *res
		whole.Errors = errs
		if _, err := io.WriteString(s.opts.Summary, s.summary.render(&whole, s.st)); err != nil {
			return fmt.Errorf("writing the job summary: %w", err)
		}
	}
	return nil
}

// Stats are the counts for the outputs and the exit code, once closed.
func (s *GitHubStream) Stats() GitHubStats { return s.st }

// compareItems is the annotation order: findings on changed lines first,
// then by severity and place, then as they came.
func compareItems(a, b item) int {
	return cmp.Or(
		-cmpBool(a.isNew, b.isNew),
		-cmp.Compare(a.sev, b.sev),
		cmp.Compare(a.file, b.file),
		cmp.Compare(a.line, b.line),
		cmp.Compare(a.col, b.col),
		cmp.Compare(a.seq, b.seq),
	)
}

func findingMessage(f checks.Finding) string {
	name := f.Resource
	if f.FunctionName != "" && f.FunctionName != f.Resource {
		name += " (" + f.FunctionName + ")"
	}
	return fmt.Sprintf("%s: %s\nRule: %s%s.md", name, f.Message, checks.DocsURL, f.Rule)
}

// ownNote is a message of the run itself, annotated before the findings:
// a notice of the scan (a shallow checkout), a note of a verification (a
// stack rolled back, at warning level).
type ownNote struct {
	sev            checks.Severity
	title, message string
}

// annotate spends the per-level budget: the run's own notes first, then
// findings on changed lines, then by severity and place; when something is
// left over, the last notice says how much and where to find it.
//
// items are the candidates in annotation order; perLevel and total count all
// the items, candidates or not.
func annotate(w io.Writer, items []item, perLevel map[checks.Severity]int, total int, opts GitHubOptions, own []ownNote) (int, error) {
	limit := opts.MaxPerLevel
	if limit == 0 || limit > MaxAnnotationsPerLevel {
		limit = MaxAnnotationsPerLevel
	}
	budget := map[checks.Severity]int{checks.Error: limit, checks.Warning: limit, checks.Notice: limit}
	var shown []ownNote
	for _, n := range own {
		if budget[n.sev] > 0 {
			budget[n.sev]--
			shown = append(shown, n)
		}
	}
	overflow := perLevel[checks.Error] > budget[checks.Error] || perLevel[checks.Warning] > budget[checks.Warning] || perLevel[checks.Notice] > budget[checks.Notice]
	if overflow {
		budget[checks.Notice] = max(budget[checks.Notice]-1, 0)
	}

	a := githubactions.New(githubactions.WithWriter(w))
	for _, n := range shown {
		annotateAt(a.WithFieldsMap(map[string]string{"title": n.title}), n.sev, n.message)
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
		annotateAt(a.WithFieldsMap(fields), it.sev, it.message)
	}
	if left := total - annotated; left > 0 && overflow {
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

// annotateAt writes one annotation at its level (the message as an
// argument: Errorf mangles a % in its format).
func annotateAt(a *githubactions.Action, sev checks.Severity, msg string) {
	switch sev {
	case checks.Error:
		a.Errorf("%s", msg)
	case checks.Warning:
		a.Warningf("%s", msg)
	default:
		a.Noticef("%s", msg)
	}
}
