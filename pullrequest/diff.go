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
	Path  string
	Added []Range // lines added or changed, in the new version, in order
	// Removed are the new-version lines after which lines were deleted (0:
	// at the top), so that a deletion counts as a change next to them.
	Removed []int
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
// nothing in it can be annotated.
func ParseUnified(r io.Reader) (*Changes, error) {
	c := &Changes{Files: map[string]*File{}, Lines: true}
	var cur *File
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "diff --git "):
			cur = nil
			// Files without hunks (new empty files, binary files, mode
			// changes) have no +++ line; their path is on this one.
			if p, ok := gitHeaderPath(strings.TrimPrefix(line, "diff --git ")); ok {
				cur = c.file(p)
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
		case strings.HasPrefix(line, "@@ "):
			if cur == nil {
				continue
			}
			start, count, err := hunkNew(line)
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", n, err)
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
	for _, f := range c.Files {
		slices.SortFunc(f.Added, func(a, b Range) int { return a.From - b.From })
		slices.Sort(f.Removed)
	}
	return c, nil
}

func (c *Changes) file(p string) *File {
	f := c.Files[p]
	if f == nil {
		f = &File{Path: p}
		c.Files[p] = f
	}
	return f
}

// hunkNew reads the new side of a hunk header: "@@ -a,b +c,d @@".
func hunkNew(line string) (start, count int, err error) {
	fields := strings.Fields(line)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, fmt.Errorf("malformed hunk header %q", line)
	}
	spec := fields[2][1:]
	count = 1
	if s, cnt, ok := strings.Cut(spec, ","); ok {
		spec = s
		if count, err = strconv.Atoi(cnt); err != nil {
			return 0, 0, fmt.Errorf("malformed hunk header %q", line)
		}
	}
	if start, err = strconv.Atoi(spec); err != nil {
		return 0, 0, fmt.Errorf("malformed hunk header %q", line)
	}
	return start, count, nil
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
