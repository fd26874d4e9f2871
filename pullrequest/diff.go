package pullrequest

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Changes are the files a diff touches and, in each, the lines of the new
// version that it adds or changes. When only the file list is known (a
// shallow history), Lines is false and every file is touched but no line is.
type Changes struct {
	Files map[string]*File // by path relative to the repository root, with /
	Lines bool             // line numbers are known
}

// File is one file's changes.
type File struct {
	Path string
	// Old is the file's path in the base ("" when the change adds it); it
	// differs from Path when the change renames or moves the file.
	Old   string
	Added []Range // lines added or changed, in the new version, in order
	// Removed are the new-version lines after which lines were deleted (0:
	// at the top), so that a deletion counts as a change next to them.
	Removed []int
	// Moved are the added lines whose text, but for indentation and a
	// trailing comma, the change removes elsewhere in the same file: code
	// moved or re-indented, or a JSON "}" that became "}," when something was
	// appended after it. They are in Added (a review can comment on them) but
	// not Changed.
	Moved map[int]bool
}

// Range is an inclusive range of lines.
type Range struct{ From, To int }

// Touches reports whether the diff changes the file at all.
func (c *Changes) Touches(path string) bool {
	_, ok := c.Files[path]
	return ok
}

// Added reports whether the line of the file is added or changed.
func (c *Changes) Added(path string, line int) bool {
	f := c.Files[path]
	if f == nil {
		return false
	}
	for _, r := range f.Added {
		if r.From <= line && line <= r.To {
			return true
		}
	}
	return false
}

// Changed reports whether the line of the file is added or changed by the
// change, rather than moved or re-indented (see File.Moved).
func (c *Changes) Changed(path string, line int) bool {
	return c.Added(path, line) && !c.Files[path].Moved[line]
}

// Renamed maps the paths of the base to those of the head for the files the
// change renames or moves.
func (c *Changes) Renamed() map[string]string {
	m := map[string]string{}
	for _, f := range c.Files {
		if f.Old != "" && f.Old != f.Path {
			m[f.Old] = f.Path
		}
	}
	return m
}

// Near reports whether a change falls within context lines of the range
// [from, to] of the file: an added or changed line, or a deletion (which
// sits between two lines, so it is near both).
func (c *Changes) Near(path string, from, to, context int) bool {
	f := c.Files[path]
	if f == nil {
		return false
	}
	lo, hi := from-context, to+context
	for _, r := range f.Added {
		if r.From <= hi && r.To >= lo {
			return true
		}
	}
	if context > 0 {
		lo-- // a deletion after line lo-1 is next to line lo
	}
	for _, at := range f.Removed {
		if lo <= at && at <= hi {
			return true
		}
	}
	return false
}

// ParseUnified reads `git diff --unified=0` output. Paths are taken from the
// "+++ b/" line (the new version); a deleted file is not listed, since
// nothing in it can be annotated. A file the change only renames is listed,
// with no lines.
func ParseUnified(r io.Reader) (*Changes, error) {
	c := &Changes{Files: map[string]*File{}, Lines: true}
	var cur *File
	old := ""                // the base path of the file whose header is being read
	var oldLeft, newLeft int // lines of the current hunk still to read
	newLine := 0             // the new-version line of the next "+" line
	type text struct {
		f    *File
		line int
		s    string
	}
	var added []text
	removed := map[*File]map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if oldLeft > 0 || newLeft > 0 {
			// Inside a hunk: its lines, which may look like headers.
			switch {
			case strings.HasPrefix(line, "-") && oldLeft > 0:
				oldLeft--
				if cur != nil {
					if removed[cur] == nil {
						removed[cur] = map[string]int{}
					}
					removed[cur][normalized(line[1:])]++
				}
				continue
			case strings.HasPrefix(line, "+") && newLeft > 0:
				newLeft--
				if cur != nil {
					added = append(added, text{cur, newLine, normalized(line[1:])})
				}
				newLine++
				continue
			case strings.HasPrefix(line, `\`): // \ No newline at end of file
				continue
			}
			return nil, fmt.Errorf("diff line %d: the hunk ends early", n)
		}
		switch {
		case strings.HasPrefix(line, `\`):
		case strings.HasPrefix(line, "diff --git "):
			cur, old = nil, ""
			// Files without hunks (new empty files, binary files, mode
			// changes) have no +++ line; their path is on this one.
			if p, ok := gitHeaderPath(strings.TrimPrefix(line, "diff --git ")); ok {
				cur = c.file(p)
				cur.Old = p
			}
		case strings.HasPrefix(line, "new file mode "):
			if cur != nil {
				cur.Old = ""
			}
		case strings.HasPrefix(line, "rename from "), strings.HasPrefix(line, "copy from "):
			p, err := unquote(line[strings.Index(line, " from ")+len(" from "):])
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", n, err)
			}
			old = p
		case strings.HasPrefix(line, "rename to "), strings.HasPrefix(line, "copy to "):
			p, err := unquote(line[strings.Index(line, " to ")+len(" to "):])
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", n, err)
			}
			cur = c.file(p)
			cur.Old = old
			if strings.HasPrefix(line, "copy ") {
				cur.Old = "" // a copy's base is another file's
			}
		case strings.HasPrefix(line, "--- "):
			if name := strings.TrimPrefix(line, "--- "); name != "/dev/null" {
				p, err := unquote(name)
				if err != nil {
					return nil, fmt.Errorf("diff line %d: %w", n, err)
				}
				if strings.HasPrefix(p, "a/") && old == "" {
					old = p[2:]
				}
			} else {
				old = "/dev/null"
			}
		case strings.HasPrefix(line, "+++ "):
			name := strings.TrimPrefix(line, "+++ ")
			if name == "/dev/null" {
				if cur != nil && len(cur.Added) == 0 && len(cur.Removed) == 0 {
					delete(c.Files, cur.Path)
				}
				cur = nil
				continue
			}
			p, err := unquote(name)
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", n, err)
			}
			if !strings.HasPrefix(p, "b/") {
				return nil, fmt.Errorf("diff line %d: unexpected path %q", n, name)
			}
			if cur != nil && cur.Path != p[2:] {
				delete(c.Files, cur.Path)
			}
			cur = c.file(p[2:])
			switch old {
			case "/dev/null":
				cur.Old = ""
			case "":
			default:
				cur.Old = old
			}
		case strings.HasPrefix(line, "@@ "):
			start, count, before, err := hunk(line)
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", n, err)
			}
			oldLeft, newLeft, newLine = before, count, start
			if cur == nil {
				continue
			}
			if count == 0 {
				cur.Removed = append(cur.Removed, start)
			} else {
				cur.Added = append(cur.Added, Range{start, start + count - 1})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the diff: %w", err)
	}
	for _, a := range added {
		if a.s != "" && removed[a.f][a.s] > 0 {
			removed[a.f][a.s]--
			if a.f.Moved == nil {
				a.f.Moved = map[int]bool{}
			}
			a.f.Moved[a.line] = true
		}
	}
	for _, f := range c.Files {
		slices.SortFunc(f.Added, func(a, b Range) int { return a.From - b.From })
		slices.Sort(f.Removed)
	}
	return c, nil
}

// normalized is a line's text as far as a move is concerned: without its
// indentation, surrounding blanks and a trailing comma.
func normalized(s string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ","))
}

func (c *Changes) file(p string) *File {
	f := c.Files[p]
	if f == nil {
		f = &File{Path: p}
		c.Files[p] = f
	}
	return f
}

// hunk reads a hunk header, "@@ -a,b +c,d @@": the new side's start and
// count, and the old side's count.
func hunk(line string) (start, count, before int, err error) {
	fields := strings.Fields(line)
	if len(fields) < 3 || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q", line)
	}
	_, before, err1 := side(fields[1][1:])
	start, count, err2 := side(fields[2][1:])
	if err1 != nil || err2 != nil {
		return 0, 0, 0, fmt.Errorf("malformed hunk header %q", line)
	}
	return start, count, before, nil
}

// side reads "a,b" (or "a", a count of 1).
func side(spec string) (start, count int, err error) {
	count = 1
	if s, cnt, ok := strings.Cut(spec, ","); ok {
		spec = s
		if count, err = strconv.Atoi(cnt); err != nil {
			return 0, 0, err
		}
	}
	start, err = strconv.Atoi(spec)
	return start, count, err
}

// gitHeaderPath reads the new path of "a/X b/X" (or quoted forms); it gives
// up, harmlessly, when the two halves cannot be told apart.
func gitHeaderPath(s string) (string, bool) {
	if strings.HasPrefix(s, `"`) {
		// "a/x" "b/y": the second quoted string, or an unquoted b/ path.
		end := closingQuote(s)
		if end < 0 {
			return "", false
		}
		rest := strings.TrimSpace(s[end+1:])
		p, err := unquote(rest)
		if err != nil || !strings.HasPrefix(p, "b/") {
			return "", false
		}
		return p[2:], true
	}
	if strings.HasSuffix(s, `"`) {
		i := strings.Index(s, ` "b/`)
		if i < 0 {
			return "", false
		}
		p, err := unquote(s[i+1:])
		if err != nil {
			return "", false
		}
		return p[2:], true
	}
	// a/X b/X: the halves are the same length when the path did not change.
	if len(s)%2 == 1 {
		half := (len(s) - 1) / 2
		a, b := s[:half], s[half+1:]
		if strings.HasPrefix(a, "a/") && strings.HasPrefix(b, "b/") && a[2:] == b[2:] {
			return b[2:], true
		}
	}
	return "", false
}

func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// unquote reads a path git may have C-quoted ("tab\there" or octal bytes).
func unquote(s string) (string, error) {
	if !strings.HasPrefix(s, `"`) {
		return s, nil
	}
	p, err := strconv.Unquote(s)
	if err != nil {
		return "", fmt.Errorf("cannot read the quoted path %s", s)
	}
	return p, nil
}
