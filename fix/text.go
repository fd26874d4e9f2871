package fix

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// text is a template's bytes with what is needed to edit them where the
// parser says its values are: line starts, the line ending, whether it is
// JSON. Positions count characters from 1, as the parser does, and leave out
// a UTF-8 byte-order mark.
type text struct {
	src   []byte
	lines []int // byte offset of each line
	bom   int
	nl    string
	json  bool
	colon string // what follows a key's colon in JSON: ": " or ":"
}

func newText(src []byte, json bool) *text {
	x := &text{src: src, nl: "\n", json: json, colon: ": "}
	if bytes.HasPrefix(src, []byte("\ufeff")) {
		x.bom = 3
	}
	x.lines = append(x.lines, 0)
	for i, c := range src {
		if c == '\n' {
			x.lines = append(x.lines, i+1)
		}
	}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		x.nl = "\r\n"
	}
	if json {
		if i := bytes.Index(src, []byte(`":`)); i >= 0 && (i+2 >= len(src) || src[i+2] != ' ') {
			x.colon = ":"
		}
	}
	return x
}

// offset turns a position into a byte offset.
func (x *text) offset(p source.Pos) (int, error) {
	if p.Line < 1 || p.Line > len(x.lines) || p.Column < 1 {
		return 0, fmt.Errorf("position %d:%d is outside the file", p.Line, p.Column)
	}
	off := x.lines[p.Line-1]
	if p.Line == 1 {
		off += x.bom
	}
	for range p.Column - 1 {
		if off >= len(x.src) || x.src[off] == '\n' {
			return 0, fmt.Errorf("position %d:%d is outside the file", p.Line, p.Column)
		}
		_, size := utf8.DecodeRune(x.src[off:])
		off += size
	}
	return off, nil
}

// lineOf is the 0-based line holding a byte offset.
func (x *text) lineOf(off int) int {
	lo, hi := 0, len(x.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if x.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// lineEnd is the offset just after line i's line break (or the end of the file).
func (x *text) lineEnd(i int) int {
	if i+1 < len(x.lines) {
		return x.lines[i+1]
	}
	return len(x.src)
}

// line is the content of line i without its line break.
func (x *text) line(i int) string {
	return strings.TrimRight(string(x.src[x.lines[i]:x.lineEnd(i)]), "\r\n")
}

// indentOf is the number of leading spaces of line i, and whether the line
// holds only a comment or nothing.
func (x *text) indentOf(i int) (int, bool) {
	l := x.line(i)
	t := strings.TrimLeft(l, " ")
	return len(l) - len(t), t == "" || strings.HasPrefix(t, "#")
}

// startsLine reports whether only spaces come before off on its line.
func (x *text) startsLine(off int) bool {
	start := x.lines[x.lineOf(off)]
	return strings.TrimLeft(string(x.src[start:off]), " ") == ""
}

// isFlow reports whether the map v is written in flow style (or JSON).
func (x *text) isFlow(v *template.Value) bool {
	off, err := x.offset(v.Pos)
	return err == nil && off < len(x.src) && x.src[off] == '{'
}

// scalarEnd finds the end of the scalar token that starts at off: a quoted
// string, or plain text equal to want.
func (x *text) scalarEnd(off int, want string) (int, error) {
	if off >= len(x.src) {
		return 0, fmt.Errorf("no value at the end of the file")
	}
	switch x.src[off] {
	case '"':
		for i := off + 1; i < len(x.src); i++ {
			switch x.src[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			case '\n':
				return 0, fmt.Errorf("a quoted string over several lines")
			}
		}
	case '\'':
		for i := off + 1; i < len(x.src); i++ {
			if x.src[i] == '\'' {
				if i+1 < len(x.src) && x.src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
			if x.src[i] == '\n' {
				return 0, fmt.Errorf("a quoted string over several lines")
			}
		}
	case '&', '*', '!', '|', '>':
		return 0, fmt.Errorf("the value is anchored, an alias, tagged or a block scalar")
	default:
		end := off + len(want)
		if want == "" || !bytes.HasPrefix(x.src[off:], []byte(want)) {
			return 0, fmt.Errorf("the value is not written as %q", want)
		}
		if end < len(x.src) && !strings.ContainsRune(" \t\r\n,]}#:", rune(x.src[end])) {
			return 0, fmt.Errorf("the value continues after %q", want)
		}
		return end, nil
	}
	return 0, fmt.Errorf("an unterminated quoted string")
}

// flowEnd finds the end of the flow-style (or JSON) value that starts at off,
// tags and nested collections included.
func (x *text) flowEnd(off int) (int, error) {
	s := x.src
	for off < len(s) && s[off] == '!' { // a tag, then the value it applies to
		for off < len(s) && !strings.ContainsRune(" \t\r\n", rune(s[off])) {
			off++
		}
		for off < len(s) && (s[off] == ' ' || s[off] == '\t') {
			off++
		}
	}
	if off >= len(s) {
		return 0, fmt.Errorf("no value at the end of the file")
	}
	switch s[off] {
	case '"', '\'':
		return x.scalarEnd(off, "")
	case '{', '[':
		depth := 0
		for i := off; i < len(s); i++ {
			switch c := s[i]; c {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			case '"', '\'':
				if c == '\'' && i > 0 && !strings.ContainsRune(" \t\r\n{[,:", rune(s[i-1])) {
					continue // an apostrophe inside a plain scalar
				}
				end, err := x.scalarEnd(i, "")
				if err != nil {
					return 0, err
				}
				i = end - 1
			case '#':
				if i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
					return 0, fmt.Errorf("a comment inside a flow collection")
				}
			}
		}
		return 0, fmt.Errorf("an unterminated flow collection")
	case '&', '*', '|', '>':
		return 0, fmt.Errorf("the value is anchored, an alias or a block scalar")
	}
	end := off
	for end < len(s) && !strings.ContainsRune(",]}\r\n", rune(s[end])) {
		if s[end] == '#' && (s[end-1] == ' ' || s[end-1] == '\t') {
			break
		}
		end++
	}
	for end > off && (s[end-1] == ' ' || s[end-1] == '\t') {
		end--
	}
	return end, nil
}

// blockEnd is the offset just after the last line of the block-style value
// of the key on line keyLine, indented at keyIndent: the lines after it that
// are indented deeper, not counting trailing blank and comment lines.
func (x *text) blockEnd(keyLine, keyIndent int) int {
	last := keyLine
	for i := keyLine + 1; i < len(x.lines); i++ {
		if i == len(x.lines)-1 && x.lines[i] == len(x.src) {
			break // the empty line after a final line break
		}
		ind, blank := x.indentOf(i)
		if blank {
			continue
		}
		if ind < keyIndent || ind == keyIndent && !isSeqItem(x.line(i)[ind:]) {
			break
		}
		last = i
	}
	return x.lineEnd(last)
}

// isSeqItem: a line that starts a sequence item. A block sequence may sit
// at the indentation of the key that holds it.
func isSeqItem(s string) bool { return s == "-" || strings.HasPrefix(s, "- ") }

// keyEnd is the end of the key token at off (plain or quoted), and checks
// that it spells key.
func (x *text) keyEnd(off int, key string) (int, bool, error) {
	if off < len(x.src) && (x.src[off] == '"' || x.src[off] == '\'') {
		end, err := x.scalarEnd(off, "")
		if err != nil {
			return 0, false, err
		}
		if string(x.src[off+1:end-1]) != key {
			return 0, false, fmt.Errorf("the key is not written as %q", key)
		}
		return end, true, nil
	}
	if !bytes.HasPrefix(x.src[off:], []byte(key)) {
		return 0, false, fmt.Errorf("the key is not written as %q", key)
	}
	end := off + len(key)
	if end < len(x.src) && !strings.ContainsRune(" \t:", rune(x.src[end])) {
		return 0, false, fmt.Errorf("the key continues after %q", key)
	}
	return end, false, nil
}

// owned checks that the value of field f is written right after its key,
// so that editing it edits only this field: not an alias to a value written
// elsewhere, not an anchored value that aliases elsewhere would share, not
// a key brought in by a YAML merge.
func (x *text) owned(f template.Field) error {
	koff, err := x.offset(f.KeyPos)
	if err != nil {
		return err
	}
	kend, _, err := x.keyEnd(koff, f.Key)
	if err != nil {
		return err
	}
	voff, err := x.offset(f.Value.Pos)
	if err != nil {
		return err
	}
	if voff < kend {
		return fmt.Errorf("%s is written elsewhere (a YAML alias or merge)", f.Key)
	}
	if voff < len(x.src) && (x.src[voff] == '&' || x.src[voff] == '*') {
		return fmt.Errorf("%s is shared through a YAML anchor; edit it by hand", f.Key)
	}
	gap := x.src[kend:voff]
	colon := false
	for i := 0; i < len(gap); i++ {
		switch c := gap[i]; {
		case c == ':' && !colon:
			colon = true
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c == '#':
			for i < len(gap) && gap[i] != '\n' {
				i++
			}
		default:
			return fmt.Errorf("%s is anchored, an alias, or not next to its key", f.Key)
		}
	}
	if !colon {
		return fmt.Errorf("%s is not next to its key", f.Key)
	}
	return nil
}
