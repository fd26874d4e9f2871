// Package review turns lambdagate's fixes into a pull request review whose
// comments are GitHub suggested changes, on the lines the change adds, and
// posts it through the REST API without repeating itself on a re-run.
// Deciding the fixes is left to package fix; finding the change's lines, the
// pull request and the token to the Action.
package review

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/fix"
)

// Suggestion replaces lines StartLine..Line of a file of the pull request's
// head with Replacement.
type Suggestion struct {
	Path            string // relative to the repository root, with /
	StartLine, Line int
	Replacement     string   // the new lines, without the final line break
	Rules           []string // the rules the fixes are for
	Resources       []string
	Summaries       []string // what each fix does
	// Together is set when a fix spans this suggestion and others: they
	// must be committed together.
	Together bool
}

// Key names what a suggestion fixes, whatever its lines: a re-run finds the
// comment it posted for the same fix by it.
func (s Suggestion) Key() string {
	return digest(s.Path + "\x00" + strings.Join(s.Rules, ",") + "\x00" + strings.Join(s.Resources, ",") + "\x00" + strings.Join(s.Summaries, "\x00"))
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// marker ends every comment lambdagate posts, so that a re-run knows its own.
const markerPrefix = "<!-- lambdagate-suggestion "

// Body is the comment's Markdown: what is fixed, the suggestion block, and
// the marker with the key and a digest of the replacement.
func (s Suggestion) Body() string {
	var b strings.Builder
	for i, r := range s.Rules {
		fmt.Fprintf(&b, "lambdagate can fix [`%s`](docs/rules/%s.md) on `%s`: %s.\n", r, r, s.Resources[i], s.Summaries[i])
	}
	if s.Together {
		b.WriteString("This fix spans several suggestions: add them to one batch and commit them together.\n")
	}
	fence := "```"
	for strings.Contains(s.Replacement, fence) {
		fence += "`"
	}
	fmt.Fprintf(&b, "\n%ssuggestion\n%s\n%s\n", fence, s.Replacement, fence)
	fmt.Fprintf(&b, "%skey=%s content=%s -->\n", markerPrefix, s.Key(), digest(s.Replacement))
	return b.String()
}

// parseMarker reads the key and content digest of a comment lambdagate posted.
func parseMarker(body string) (key, content string, ok bool) {
	i := strings.LastIndex(body, markerPrefix)
	if i < 0 {
		return "", "", false
	}
	rest := strings.TrimSuffix(strings.TrimSpace(body[i+len(markerPrefix):]), "-->")
	for _, f := range strings.Fields(rest) {
		if v, found := strings.CutPrefix(f, "key="); found {
			key = v
		}
		if v, found := strings.CutPrefix(f, "content="); found {
			content = v
		}
	}
	return key, content, key != ""
}

// FromFix turns the fixes of one file into suggestions. path is the file's
// path relative to the repository root; added reports whether a line of
// the file (1-based) is one the change adds. A fix is suggested only when
// every line it touches is added: the other fixes stay annotations. Fixes
// whose lines meet are suggested in one comment, since GitHub cannot apply
// two suggestions to one line.
func FromFix(path string, r *fix.Result, added func(line int) bool) []Suggestion {
	src := r.Old
	starts := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	lineOf := func(off int) int { // 0-based
		i, found := slices.BinarySearch(starts, off)
		if !found {
			i--
		}
		return max(i, 0)
	}
	end := func(line int) int {
		if line+1 < len(starts) {
			return starts[line+1]
		}
		return len(src)
	}
	type span struct {
		from, to int // 0-based lines
		edits    []fix.Edit
		changes  []int
	}
	var spans []span
	for ci, c := range r.Changes {
		var own []span
		ok := true
		for _, e := range c.Edits {
			from := lineOf(e.Start)
			to := max(from, lineOf(max(e.Start, e.End-1)))
			if e.Start == e.End && e.Start == starts[from] && from > 0 {
				from-- // an insert before a line: suggested as the line above and the new lines
				to = from
			} else if e.Start == e.End && e.Start == len(src) && len(src) > 0 {
				from = lineOf(len(src) - 1)
				to = from
			}
			for l := from; l <= to; l++ {
				if !added(l + 1) {
					ok = false
				}
			}
			own = append(own, span{from, to, []fix.Edit{e}, []int{ci}})
		}
		if ok {
			spans = append(spans, own...)
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int { return a.from - b.from })
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && s.from <= merged[n-1].to {
			m := &merged[n-1]
			m.to = max(m.to, s.to)
			m.edits = append(m.edits, s.edits...)
			for _, c := range s.changes {
				if !slices.Contains(m.changes, c) {
					m.changes = append(m.changes, c)
				}
			}
			continue
		}
		merged = append(merged, s)
	}
	parts := map[int]int{} // change -> how many suggestions carry it
	for _, m := range merged {
		for _, c := range m.changes {
			parts[c]++
		}
	}
	var out []Suggestion
	for _, m := range merged {
		base := starts[m.from]
		seg := string(src[base:end(m.to)])
		var es []fix.Edit
		for _, e := range m.edits {
			e.Start, e.End = e.Start-base, e.End-base
			es = append(es, e)
		}
		repl := string(fix.Apply([]byte(seg), es))
		repl = strings.ReplaceAll(repl, "\r\n", "\n")
		repl = strings.TrimSuffix(repl, "\n")
		s := Suggestion{Path: path, StartLine: m.from + 1, Line: m.to + 1, Replacement: repl}
		for _, ci := range m.changes {
			c := r.Changes[ci]
			s.Rules = append(s.Rules, c.Rule)
			s.Resources = append(s.Resources, strings.Join(c.Resources, ", "))
			s.Summaries = append(s.Summaries, c.Summary)
			if parts[ci] > 1 {
				s.Together = true
			}
		}
		out = append(out, s)
	}
	return out
}
