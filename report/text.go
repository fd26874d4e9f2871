package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/evaluation"
)

// Text writes findings like a compiler: `file:line:col: severity: rule:
// message`, the source line and a caret under the column, then a count.
func Text(w io.Writer, r *evaluation.Result) error {
	lines := newLineCache()
	bw := bufio.NewWriter(w)
	for _, e := range r.Errors {
		fmt.Fprintf(bw, "%s: error: %s\n", Sanitize(e.Pos.String()), Sanitize(e.Message))
		lines.show(bw, e.Pos.File, e.Pos.Line, e.Pos.Column)
	}
	for _, f := range r.Findings {
		name := f.Resource
		if f.FunctionName != "" && f.FunctionName != f.Resource {
			name += " (" + f.FunctionName + ")"
		}
		sev := f.Severity.String()
		if f.Suppression != nil {
			sev = "suppressed " + sev
		}
		// File names are chosen as freely as template text (a pull request
		// can add "evil\x1b[2J.yaml"): both are shown, never obeyed.
		fmt.Fprintf(bw, "%s: %s: %s: %s: %s\n", Sanitize(f.Pos.String()), sev, f.Rule, Sanitize(name), Sanitize(f.Message))
		if s := f.Suppression; s != nil {
			fmt.Fprintf(bw, "    suppressed by %s %s at %s: %s\n", s.Source, Sanitize(s.ID), Sanitize(s.Pos.String()), Sanitize(s.Reason))
		}
		lines.show(bw, f.Pos.File, f.Pos.Line, f.Pos.Column)
	}
	for _, f := range r.Fixed {
		fmt.Fprintf(bw, "%s: fixed: %s: %s: %s\n", Sanitize(f.File), Sanitize(f.Rule), Sanitize(f.Resource), Sanitize(f.Message))
	}
	c := Count(r.Findings)
	fmt.Fprintf(bw, "%d findings (%d errors, %d warnings, %d notices, %d suppressed) in %d functions of %d templates",
		len(r.Findings), c.Errors, c.Warnings, c.Notices, c.Suppressed, r.Functions, r.Templates)
	if len(r.Errors) > 0 {
		fmt.Fprintf(bw, "; %d input errors (files or templates that could not be read, or functions that could not be verified), listed above", len(r.Errors))
	}
	fmt.Fprintln(bw)
	return bw.Flush()
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

// lineCache reads the source lines of the files findings point into.
type lineCache map[string][]string

func newLineCache() lineCache { return lineCache{} }

func (c lineCache) line(file string, n int) (string, bool) {
	lines, ok := c[file]
	if !ok {
		data, err := os.ReadFile(file)
		if err == nil && len(data) <= maxQuotedFile {
			lines = strings.Split(string(data), "\n")
		}
		c[file] = lines
	}
	if n < 1 || n > len(lines) {
		return "", false
	}
	return strings.TrimRight(lines[n-1], "\r"), true
}

func (c lineCache) show(w io.Writer, file string, line, col int) {
	src, ok := c.line(file, line)
	if !ok {
		return
	}
	src = Sanitize(strings.ReplaceAll(src, "\t", "    "))
	if utf8.RuneCountInString(src) > 200 {
		return
	}
	fmt.Fprintf(w, "    %s\n", src)
	if col >= 1 {
		fmt.Fprintf(w, "    %s^\n", strings.Repeat(" ", col-1))
	}
}

// maxQuotedFile bounds the files whose lines are quoted: four times the
// default size a scan reads, so a file read is always quoted.
const maxQuotedFile = 20 << 20
