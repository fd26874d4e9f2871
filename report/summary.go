package report

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// tableRules are the summary table's columns: the four controls a function
// must have; every other rule shares the last column.
var tableRules = []string{"security-groups", "least-privilege-role", "kms-key", "active-tracing"}

// marks are how a cell of the table reads, worst first.
var marks = []struct {
	mark, legend string
}{
	{"❌", "error"}, {"⚠️", "warning"}, {"ℹ️", "notice"}, {"🔕", "suppressed"}, {"✅", "pass"},
}

// Summary is the job summary's Markdown: a verdict, a table of the
// functions by the four controls, then the findings by template, within
// opts.SummaryBudget bytes whatever the number of findings.
func Summary(res *evaluation.Result, st GitHubStats, opts GitHubOptions) string {
	s := newSummary(opts)
	s.addRows(opts.Functions)
	s.addFindings(res.Findings)
	return s.render(res, st)
}

func newSummary(opts GitHubOptions) *summary {
	limit := opts.SummaryBudget
	if limit <= 0 {
		limit = SummaryBudget
	}
	return &summary{limit: limit, keep: limit, paths: newRepoPaths(opts.Root), opts: opts, rows: map[rowKey]*row{}, byFile: map[string]*fileLines{}}
}

// render writes the summary of what was added; res gives the counts and the
// files that could not be read.
func (s *summary) render(res *evaluation.Result, st GitHubStats) string {
	limit := s.limit
	s.head(res, st)
	// The table may use about a third of the budget; the findings the rest,
	// with room kept for the closing lines.
	s.table(s.b.Len() + limit/3)
	s.findings(limit - 2048)
	s.fileErrors(res, limit-1024)
	if s.dropped > 0 {
		fmt.Fprintf(&s.b, "\n**Truncated:** %d more entries are not shown: the job summary is limited to %d KiB. The SARIF file and the step's log list everything.\n", s.dropped, limit>>10)
	}
	return s.b.String()
}

// summary gathers, as the results come, what the job summary shows: a row
// per function, and the findings' lines by file, as many as the budget can
// show (the rest only counted); then renders it.
type summary struct {
	b       strings.Builder
	limit   int
	paths   *repoPaths
	opts    GitHubOptions
	dropped int

	rows  map[rowKey]*row
	order []*row

	unverified bool // a cell says not verified

	byFile    map[string]*fileLines // by repository path
	files     []string              // the paths of byFile, sorted
	kept      int                   // bytes of the lines kept
	keep      int                   // how many bytes of lines to keep: the budget
	nFindings int
}

// fileLines are a file's findings: how many, and the lines of the first.
type fileLines struct {
	n     int
	lines []string
}

// add writes text if it keeps the summary within max bytes.
func (s *summary) add(max int, text string) bool {
	if s.b.Len()+len(text) > max {
		return false
	}
	s.b.WriteString(text)
	return true
}

func (s *summary) head(res *evaluation.Result, st GitHubStats) {
	title := s.opts.Title
	if title == "" {
		title = "lambdagate"
	}
	where := ""
	if s.opts.Filter != "" && s.opts.Filter != "nofilter" {
		where = fmt.Sprintf(" (filter-mode `%s`)", s.opts.Filter)
	}
	threshold := "never"
	if s.opts.Threshold != 0 {
		threshold = s.opts.Threshold.String()
	}
	switch {
	case st.Failing && st.Deployed && !st.FindingsFailing:
		fmt.Fprintf(&s.b, "## ⚠️ %s: not verified\n\n%s could not be verified (listed below); no finding reaches `fail-on: %s`.\n\n", title, capitalize(plural(len(res.Errors), "thing")), threshold)
	case st.Failing:
		what := plural(st.Failures, "finding")
		verb := "fail"
		if st.Failures == 1 {
			verb = "fails"
		}
		fmt.Fprintf(&s.b, "## ❌ %s: failed\n\n%s at or above `%s`%s %s this check.\n\n", title, what, threshold, where, verb)
	default:
		fmt.Fprintf(&s.b, "## ✅ %s: passed\n\nNo finding%s reaches `fail-on: %s`.\n\n", title, where, threshold)
	}
	if d := res.Deployed; d != nil {
		fmt.Fprintf(&s.b, "Target: %s.\n\n", esc(d.Subject()))
		for _, n := range d.Notes {
			kind := "NOTE"
			if n.Severity >= checks.Warning {
				kind = "WARNING"
			}
			fmt.Fprintf(&s.b, "> [!%s]\n> %s\n\n", kind, esc(n.Message()))
		}
		fmt.Fprintf(&s.b, "%s (%s matched) · %s: %s, %s, %s, %d suppressed",
			Verified(res), plural(res.Templates, "template"), plural(st.Findings, "finding"),
			plural(st.Errors, "error"), plural(st.Warnings, "warning"), plural(st.Notices, "notice"), st.Suppressed)
	} else {
		fmt.Fprintf(&s.b, "%s in %s · %s: %s, %s, %s, %d suppressed",
			plural(res.Functions, "function"), plural(res.Templates, "template"), plural(st.Findings, "finding"),
			plural(st.Errors, "error"), plural(st.Warnings, "warning"), plural(st.Notices, "notice"), st.Suppressed)
	}
	if s.opts.New != nil {
		fmt.Fprintf(&s.b, " · %d new in the change", st.New)
	}
	switch {
	case len(res.Errors) > 0 && res.Deployed != nil:
		fmt.Fprintf(&s.b, " · %d not verified", len(res.Errors))
	case len(res.Errors) > 0:
		fmt.Fprintf(&s.b, " · %s could not be read", plural(len(res.Errors), "file"))
	}
	s.b.WriteString("\n\n")
	for _, n := range s.opts.Notices {
		fmt.Fprintf(&s.b, "> [!NOTE]\n> %s\n\n", esc(n))
	}
}

// rowKey is a function's row: by file and logical id, and by the deployed
// name, which tells apart the aliases and versions of one function.
type rowKey struct{ file, resource, name string }

type row struct {
	evaluation.FunctionRow
	cells   []checks.Severity // per tableRules, then "other"; -1 suppressed only
	worst   checks.Severity
	outside bool // the change is not responsible for the function
}

func (s *summary) row(fr evaluation.FunctionRow) *row {
	k := rowKey{fr.File, fr.Resource, fr.Name}
	r := s.rows[k]
	if r == nil {
		r = &row{FunctionRow: fr, cells: make([]checks.Severity, len(tableRules)+1)}
		r.outside = s.opts.InChange != nil && !s.opts.InChange(fr)
		s.rows[k] = r
		s.order = append(s.order, r)
	}
	return r
}

// addRows adds functions to the table, clean ones included.
func (s *summary) addRows(rows []evaluation.FunctionRow) {
	for _, fr := range rows {
		r := s.row(fr)
		for _, rule := range fr.Unverified {
			col := slices.Index(tableRules, rule)
			if col < 0 {
				col = len(tableRules)
			}
			if r.cells[col] <= 0 {
				r.cells[col] = notVerified // a finding, if any, still shows
			}
			s.unverified = true
		}
	}
}

// addFindings marks the findings in the table and keeps their lines.
func (s *summary) addFindings(fs []checks.Finding) {
	for _, f := range fs {
		r := s.row(evaluation.FunctionRow{File: f.Pos.File, Resource: f.Resource, Name: f.FunctionName})
		col := slices.Index(tableRules, f.Rule)
		if col < 0 {
			col = len(tableRules)
		}
		switch {
		case f.Suppression != nil:
			if r.cells[col] == 0 { // not verified stays so
				r.cells[col] = -1
			}
		default:
			r.cells[col] = max(r.cells[col], f.Severity)
			r.worst = max(r.worst, f.Severity)
		}
		s.keepLine(f)
	}
}

// keepLine keeps a finding's line for the findings section. Past the
// budget, the lines of the files listed last go: they could not be shown.
func (s *summary) keepLine(f checks.Finding) {
	s.nFindings++
	p := s.paths.rel(f.Pos.File)
	fl := s.byFile[p]
	if fl == nil {
		fl = &fileLines{}
		s.byFile[p] = fl
		i, _ := slices.BinarySearch(s.files, p)
		s.files = slices.Insert(s.files, i, p)
	}
	fl.n++
	line := s.findingLine(f)
	fl.lines = append(fl.lines, line)
	s.kept += len(line)
	if s.kept <= s.keep {
		return
	}
	for i := len(s.files) - 1; i >= 0 && s.kept > s.keep; i-- {
		fl := s.byFile[s.files[i]]
		for len(fl.lines) > 0 && s.kept > s.keep {
			s.kept -= len(fl.lines[len(fl.lines)-1])
			fl.lines = fl.lines[:len(fl.lines)-1]
		}
	}
}

func (s *summary) table(limit int) {
	order := s.order
	if len(order) == 0 {
		return
	}
	// Functions with problems first, worst first; then in template order.
	slices.SortStableFunc(order, func(a, b *row) int {
		return cmp.Or(-cmp.Compare(a.worst, b.worst), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Resource, b.Resource))
	})
	fold := len(order) > 30
	if fold {
		failing := 0
		for _, r := range order {
			if r.worst != 0 {
				failing++
			}
		}
		fmt.Fprintf(&s.b, "<details open><summary>%s, %d with findings</summary>\n\n", plural(len(order), "function"), failing)
	}
	s.b.WriteString("| Function | Template |")
	for _, id := range tableRules {
		// Non-breaking hyphens: a narrow column must not wrap mid-word.
		fmt.Fprintf(&s.b, " `%s` |", strings.ReplaceAll(id, "-", "\u2011"))
	}
	s.b.WriteString(" other rules |\n|---|---|")
	for range len(tableRules) + 1 {
		s.b.WriteString(":-:|")
	}
	s.b.WriteString("\n")
	for i, r := range order {
		name := "<code>" + esc(r.Resource) + "</code>"
		if r.Name != "" && r.Name != r.Resource {
			name += " (" + esc(r.Name) + ")"
		}
		if r.outside {
			name += " <sub>outside the change</sub>"
		}
		var line strings.Builder
		fmt.Fprintf(&line, "| %s | %s |", name, s.link(r.File, r.Line, esc(s.paths.rel(r.File))))
		for _, c := range r.cells {
			line.WriteString(" " + mark(c) + " |")
		}
		line.WriteString("\n")
		if !s.add(limit, line.String()) {
			fmt.Fprintf(&s.b, "\n… and %d more functions, listed in the SARIF file and the log.\n", len(order)-i)
			break
		}
	}
	s.b.WriteString("\n")
	legend := make([]string, len(marks))
	for i, m := range marks {
		legend[i] = m.mark + " " + m.legend
	}
	if s.unverified {
		legend = append(legend, notVerifiedMark+": the check could not run (see below)")
	}
	s.b.WriteString(strings.Join(legend, " · ") + "\n\n")
	if fold {
		s.b.WriteString("</details>\n\n")
	}
}

func mark(sev checks.Severity) string {
	switch sev {
	case checks.Error:
		return marks[0].mark
	case checks.Warning:
		return marks[1].mark
	case checks.Notice:
		return marks[2].mark
	case -1:
		return marks[3].mark
	case notVerified:
		return notVerifiedMark
	}
	return marks[4].mark
}

// notVerified marks a cell whose check could not run (a role whose
// policies could not be read): never a pass.
const (
	notVerified     checks.Severity = -2
	notVerifiedMark                 = "❔ not verified"
)

func (s *summary) findings(max int) {
	if s.nFindings == 0 {
		return
	}
	files := s.files
	s.b.WriteString("### Findings\n\n")
	for i, file := range files {
		fl := s.byFile[file]
		open := " open"
		switch {
		case s.opts.Touched != nil:
			// What the change touches is open, the rest folded, whatever
			// their size.
			if !s.opts.Touched(file) {
				open = ""
			}
		case fl.n > 10:
			open = ""
		}
		name := file
		if name == "" {
			name = "deployed functions"
		}
		head := fmt.Sprintf("<details%s><summary><code>%s</code>: %s</summary>\n\n", open, esc(name), plural(fl.n, "finding"))
		if !s.add(max, head) {
			s.dropRest(files[i:])
			return
		}
		for j := range fl.n {
			// A line not kept is past the budget, and would not fit.
			if j >= len(fl.lines) || !s.add(max, fl.lines[j]) {
				s.b.WriteString("\n</details>\n")
				s.dropped += fl.n - j
				s.dropRest(files[i+1:])
				return
			}
		}
		s.b.WriteString("\n</details>\n\n")
	}
}

func (s *summary) dropRest(files []string) {
	for _, f := range files {
		s.dropped += s.byFile[f].n
	}
}

func (s *summary) findingLine(f checks.Finding) string {
	var b strings.Builder
	sev := mark(f.Severity) + " " + f.Severity.String()
	if f.Suppression != nil {
		sev = mark(-1) + " suppressed " + f.Severity.String()
	}
	where := "—"
	if f.Pos.Line > 0 {
		where = s.link(f.Pos.File, f.Pos.Line, fmt.Sprintf("L%d", f.Pos.Line))
	}
	name := esc(f.Resource)
	if f.FunctionName != "" && f.FunctionName != f.Resource {
		name += " (" + esc(f.FunctionName) + ")"
	}
	docs := s.opts.DocsURL
	if docs == "" {
		docs = checks.DocsURL
	}
	fmt.Fprintf(&b, "- %s %s [`%s`](%s%s.md) **%s**: %s", sev, where, f.Rule, docs, f.Rule, name, escMessage(f.Message))
	if f.Suppression == nil && s.opts.New != nil && s.opts.New(f) {
		b.WriteString(" 🆕")
	}
	if f.Suppression == nil && s.opts.Counts != nil && !s.opts.Counts(f) {
		b.WriteString(" _(outside the change: does not fail the check)_")
	}
	if sp := f.Suppression; sp != nil {
		fmt.Fprintf(&b, " _(suppressed by %s %s: %s)_", esc(sp.Source), esc(sp.ID), esc(sp.Reason))
	}
	b.WriteString("\n")
	return b.String()
}

func (s *summary) fileErrors(res *evaluation.Result, max int) {
	if len(res.Errors) == 0 {
		return
	}
	heading := "### Files that could not be checked\n\n"
	if res.Deployed != nil {
		heading = "### Not verified\n\n"
	}
	if !s.add(max, heading) {
		s.dropped += len(res.Errors)
		return
	}
	for i, e := range res.Errors {
		where := esc(s.paths.rel(e.Pos.File))
		if e.Pos.Line > 0 {
			where = s.link(e.Pos.File, e.Pos.Line, fmt.Sprintf("%s:%d", where, e.Pos.Line))
		}
		line := fmt.Sprintf("- ❌ %s: %s\n", where, esc(e.Message))
		if where == "" {
			line = fmt.Sprintf("- ❌ %s\n", esc(e.Message)) // a stack, a function without a template
		}
		if !s.add(max, line) {
			s.dropped += len(res.Errors) - i
			return
		}
	}
	s.b.WriteString("\n")
}

// link is a Markdown link to a line of a file at the commit, or the text
// alone when there is nothing to link to.
func (s *summary) link(file string, line int, text string) string {
	l := s.opts.Links
	p := s.paths.rel(file)
	if l.ServerURL == "" || l.Repository == "" || l.SHA == "" || p == "" || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return text
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	u := fmt.Sprintf("%s/%s/blob/%s/%s", strings.TrimSuffix(l.ServerURL, "/"), l.Repository, url.PathEscape(l.SHA), strings.Join(segs, "/"))
	if line > 0 {
		u += fmt.Sprintf("#L%d", line)
	}
	return "[" + text + "](" + u + ")"
}

// esc makes text from a template inert in Markdown, in HTML and in a
// table cell: ASCII punctuation that means something becomes a numeric
// character reference, control characters and line breaks a space.
func esc(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case isControl(r) || r == '\t':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_{}[]()<>#+!|~&@\"'$", r):
			fmt.Fprintf(&b, "&#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// escMessage is esc for a finding's message, whose paired backquotes are
// code spans (`lambdagate verify`): they render as code, their text inert.
func escMessage(s string) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // an unpaired backquote: all text
		return esc(s)
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 && p != "" {
			b.WriteString("<code>" + esc(p) + "</code>")
			continue
		}
		if i%2 == 1 {
			b.WriteString(esc("``"))
			continue
		}
		b.WriteString(esc(p))
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Verified says what a verification read: "2 functions, 1 alias and 1
// version"; the functions alone when it read no alias or version.
func Verified(r *evaluation.Result) string {
	parts := []string{plural(r.Functions, "function")}
	if r.Aliases > 0 {
		parts = append(parts, plural(r.Aliases, "alias"))
	}
	if r.Versions > 0 {
		parts = append(parts, plural(r.Versions, "version"))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	if strings.HasSuffix(what, "s") {
		return fmt.Sprintf("%d %ses", n, what) // aliases
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Markdown is text made inert in the job summary's Markdown, as template
// text is.
func Markdown(s string) string { return esc(s) }
