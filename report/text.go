package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
)

// TextOptions configure the text output.
type TextOptions struct {
	// Color marks the severity, the rule id and the caret with ANSI colours
	// (for a terminal).
	Color bool
}

// ANSI styles of the text output.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiCyan   = "\x1b[1;36m"
	ansiGreen  = "\x1b[1;32m"
)

var severityStyle = map[checks.Severity]string{checks.Error: ansiRed, checks.Warning: ansiYellow, checks.Notice: ansiCyan}

func (o TextOptions) paint(style, s string) string {
	if !o.Color || style == "" {
		return s
	}
	return style + s + ansiReset
}

// Text writes findings like a compiler: `file:line:col: severity: rule:
// message`, the source line and a caret under the column, then a count.
// Findings on one line share its excerpt, with a caret under each column.
func Text(w io.Writer, r *evaluation.Result) error { return TextWith(w, r, TextOptions{}) }

// TextWith is Text with options.
func TextWith(w io.Writer, r *evaluation.Result, o TextOptions) error {
	lines := newLineCache()
	bw := bufio.NewWriter(w)
	textNotes(bw, r.Deployed, o)
	textErrors(bw, lines, r.Errors, o, r.Deployed != nil)
	ex := excerpt{lines: lines, o: o}
	for _, f := range r.Findings {
		textFinding(bw, &ex, f)
	}
	ex.flush(bw)
	textEnd(bw, r, len(r.Findings), Count(r.Findings), len(r.Errors))
	return bw.Flush()
}

// textNotes writes a verification's notes, at their severity: `warning:
// stack shop is UPDATE_ROLLBACK_COMPLETE: ...`.
func textNotes(bw *bufio.Writer, d *evaluation.Deployed, o TextOptions) {
	if d == nil {
		return
	}
	for _, n := range d.Notes {
		fmt.Fprintf(bw, "%s: %s\n", o.paint(severityStyle[n.Severity], n.Severity.String()), Sanitize(n.Message()))
	}
}

func textErrors(bw *bufio.Writer, lines *lineCache, errs []evaluation.FileError, o TextOptions, deployed bool) {
	for _, e := range errs {
		switch {
		case deployed && e.Pos.File == "":
			fmt.Fprintf(bw, "not verified: %s\n", Sanitize(e.Message))
		case deployed:
			fmt.Fprintf(bw, "%s: not verified: %s\n", Sanitize(e.Pos.String()), Sanitize(e.Message))
		default:
			fmt.Fprintf(bw, "%s: %s: %s\n", Sanitize(e.Pos.String()), o.paint(ansiRed, "error"), Sanitize(e.Message))
		}
		lines.show(bw, e.Pos.File, e.Pos.Line, []int{e.Pos.Column}, o)
	}
}

// excerpt is the source line the findings being written point at, shown
// once after the last of them with a caret under each of their columns.
type excerpt struct {
	lines   *lineCache
	o       TextOptions
	file    string
	line    int
	cols    []int
	pending bool
}

// at notes a finding's position, writing the excerpt of the line before
// when it is another.
func (e *excerpt) at(w io.Writer, file string, line, col int) {
	if e.pending && (e.file != file || e.line != line) {
		e.flush(w)
	}
	if !e.pending {
		e.file, e.line, e.cols, e.pending = file, line, nil, true
	}
	if col >= 1 && !slices.Contains(e.cols, col) {
		e.cols = append(e.cols, col)
	}
}

func (e *excerpt) flush(w io.Writer) {
	if !e.pending {
		return
	}
	e.pending = false
	slices.Sort(e.cols)
	e.lines.show(w, e.file, e.line, e.cols, e.o)
}

func textFinding(bw io.Writer, ex *excerpt, f checks.Finding) {
	name := f.Resource
	if f.FunctionName != "" && f.FunctionName != f.Resource {
		name += " (" + f.FunctionName + ")"
	}
	o := ex.o
	sev := o.paint(severityStyle[f.Severity], f.Severity.String())
	if f.Suppression != nil {
		sev = o.paint(ansiDim, "suppressed "+f.Severity.String())
	}
	// Another line's excerpt goes before this finding.
	if ex.pending && (ex.file != f.Pos.File || ex.line != f.Pos.Line) {
		ex.flush(bw)
	}
	// File names are chosen as freely as template text (a pull request
	// can add "evil\x1b[2J.yaml"): both are shown, never obeyed.
	// A deployed function with no template has no place: the line starts
	// with the severity, as a problem with none does, not with "-".
	at := ""
	if f.Pos.File != "" {
		at = Sanitize(f.Pos.String()) + ": "
	}
	fmt.Fprintf(bw, "%s%s: %s: %s: %s\n", at, sev, o.paint(ansiBold, f.Rule), Sanitize(name), Sanitize(f.Message))
	if s := f.Suppression; s != nil {
		fmt.Fprintf(bw, "    suppressed by %s %s at %s: %s\n", s.Source, Sanitize(s.ID), Sanitize(s.Pos.String()), Sanitize(s.Reason))
	}
	ex.at(bw, f.Pos.File, f.Pos.Line, f.Pos.Column)
}

// textEnd writes the fixed findings and the count.
func textEnd(bw *bufio.Writer, r *evaluation.Result, findings int, c Counts, errors int) {
	for _, f := range r.Fixed {
		fmt.Fprintf(bw, "%s: fixed: %s: %s: %s\n", Sanitize(f.File), Sanitize(f.Rule), Sanitize(f.Resource), Sanitize(f.Message))
	}
	if d := r.Deployed; d != nil {
		fmt.Fprintf(bw, "%s (%d errors, %d warnings, %d notices, %d suppressed) in %s (%s matched) of %s",
			plural(findings, "finding"), c.Errors, c.Warnings, c.Notices, c.Suppressed, Verified(r), plural(r.Templates, "template"), Sanitize(d.Subject()))
		if errors > 0 {
			fmt.Fprintf(bw, "; %d not verified, listed above", errors)
		}
		fmt.Fprintln(bw)
		return
	}
	fmt.Fprintf(bw, "%s (%d errors, %d warnings, %d notices, %d suppressed) in %s of %s",
		plural(findings, "finding"), c.Errors, c.Warnings, c.Notices, c.Suppressed, plural(r.Functions, "function"), plural(r.Templates, "template"))
	if errors > 0 {
		fmt.Fprintf(bw, "; %d input errors (files or templates that could not be read, or functions that could not be verified), listed above", errors)
	}
	fmt.Fprintln(bw)
}

// TextStream writes the text output as the results come, byte for byte as
// Text would. The errors are listed first but known last, so the findings
// are rendered, as they come, to a spool file (memory if none can be made)
// that follows the errors at the end: memory stays flat in the number of
// findings.
type TextStream struct {
	w        io.Writer
	o        TextOptions
	spool    *spool
	excerpt  excerpt
	errors   []evaluation.FileError
	findings int
	counts   Counts
}

// NewTextStream starts the output to w.
func NewTextStream(w io.Writer) *TextStream { return NewTextStreamWith(w, TextOptions{}) }

// NewTextStreamWith is NewTextStream with options.
func NewTextStreamWith(w io.Writer, o TextOptions) *TextStream {
	return &TextStream{w: w, o: o, spool: newSpool(), excerpt: excerpt{lines: newLineCache(), o: o}}
}

// Add renders a unit's findings and keeps its errors.
func (s *TextStream) Add(f evaluation.File) {
	s.errors = append(s.errors, f.Errors...)
	for _, fd := range f.Findings {
		textFinding(s.spool.w, &s.excerpt, fd)
	}
	s.excerpt.flush(s.spool.w)
	c := Count(f.Findings)
	s.findings += len(f.Findings)
	s.counts.Errors += c.Errors
	s.counts.Warnings += c.Warnings
	s.counts.Notices += c.Notices
	s.counts.Suppressed += c.Suppressed
}

// Close writes the errors (the result's own, then those of the units), the
// findings spooled, the fixed ones and the count.
func (s *TextStream) Close(r *evaluation.Result) error {
	defer s.spool.close()
	out := bufio.NewWriter(s.w)
	errs := append(slices.Clip(r.Errors), s.errors...)
	textNotes(out, r.Deployed, s.o)
	textErrors(out, newLineCache(), errs, s.o, r.Deployed != nil)
	rd, err := s.spool.reader()
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, rd); err != nil {
		return fmt.Errorf("the text output's spool: %w", err)
	}
	textEnd(out, r, s.findings, s.counts, len(errs))
	return out.Flush()
}

// Sanitize makes template text safe for a terminal: control characters
// (escape sequences, carriage returns) are shown, not obeyed.
func Sanitize(s string) string {
	if !strings.ContainsFunc(s, isControl) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// lineCache reads the source lines of the files findings point into. It
// holds one file, the last read: findings come grouped by file, and the
// output must not hold every file scanned.
type lineCache struct {
	file  string
	lines []string
	read  bool
}

func newLineCache() *lineCache { return &lineCache{} }

func (c *lineCache) line(file string, n int) (string, bool) {
	if !c.read || c.file != file {
		c.file, c.lines, c.read = file, nil, true
		data, err := os.ReadFile(file)
		if err == nil && len(data) <= maxQuotedFile {
			c.lines = strings.Split(string(data), "\n")
		}
	}
	if n < 1 || n > len(c.lines) {
		return "", false
	}
	return strings.TrimRight(c.lines[n-1], "\r"), true
}

// show writes the source line and a caret under each column (in order).
func (c *lineCache) show(w io.Writer, file string, line int, cols []int, o TextOptions) {
	src, ok := c.line(file, line)
	if !ok {
		return
	}
	src = Sanitize(strings.ReplaceAll(src, "\t", "    "))
	if utf8.RuneCountInString(src) > 200 {
		return
	}
	fmt.Fprintf(w, "    %s\n", src)
	var carets strings.Builder
	at := 1
	for _, col := range cols {
		if col < at {
			continue
		}
		carets.WriteString(strings.Repeat(" ", col-at) + "^")
		at = col + 1
	}
	if carets.Len() > 0 {
		all := carets.String()
		marks := strings.TrimLeft(all, " ")
		fmt.Fprintf(w, "    %s%s\n", all[:len(all)-len(marks)], o.paint(ansiGreen, marks))
	}
}

// maxQuotedFile bounds the files whose lines are quoted: four times the
// default size a scan reads, so a file read is always quoted.
const maxQuotedFile = 20 << 20
