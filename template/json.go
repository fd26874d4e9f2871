package template

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/source"
)

// JSON templates are read straight into Values by a scanner of their own:
// a JSON file is about half of a repository's templates by size, and the
// YAML parser, which also reads JSON, spends most of a scan building a node
// tree that is then thrown away. The Values are the ones the YAML path
// builds, positions included (lines and columns in characters, a CR, LF or
// CRLF ending a line, as YAML counts them); TestJSONMatchesYAML holds the two
// paths to that. JSON that does not parse is reported by jsonError, with
// encoding/json's message.

type jsonParser struct {
	file     string
	data     []byte
	i        int // byte offset
	line     int
	lineAt   int // byte offset where the current line starts
	colAdj   int // characters minus bytes read so far on the current line (multi-byte runes)
	lim      Limits
	nodes    int
	problems []*Error
}

// errJSONSyntax stops the scanner; jsonError then says what is wrong.
type errJSONSyntax struct{}

func (errJSONSyntax) Error() string { return "invalid JSON" }

// parseJSON reads a JSON document into Values, or returns an error.
func parseJSON(file string, data []byte, lim Limits) (*Value, []*Error, error) {
	p := &jsonParser{file: file, data: data, line: 1, lim: lim}
	if len(data) >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf {
		p.i, p.lineAt = 3, 3 // a byte-order mark: not a character of the line
	}
	p.space()
	v, err := p.value(0)
	if err == nil {
		p.space()
		if p.i < len(p.data) {
			err = errJSONSyntax{}
		}
	}
	if _, ok := err.(errJSONSyntax); ok {
		if jerr := jsonError(file, data); jerr != nil {
			return nil, nil, jerr
		}
		return nil, nil, &Error{Pos: p.pos(), Msg: "invalid JSON"}
	}
	if err != nil {
		return nil, nil, err
	}
	if p.nodes > lim.MaxNodes {
		return nil, nil, &Error{Pos: source.Pos{File: file, Line: 1, Column: 1},
			Msg: fmt.Sprintf("the template holds more than %d values; split it", lim.MaxNodes)}
	}
	return v, p.problems, nil
}

func (p *jsonParser) pos() source.Pos {
	return source.Pos{File: p.file, Line: p.line, Column: p.i - p.lineAt + p.colAdj + 1}
}

// space skips white space, counting lines as YAML does.
func (p *jsonParser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t':
			p.i++
		case '\n':
			p.i++
			p.newLine()
		case '\r':
			p.i++
			if p.i < len(p.data) && p.data[p.i] == '\n' {
				p.i++
			}
			p.newLine()
		default:
			return
		}
	}
}

func (p *jsonParser) newLine() {
	p.line++
	p.lineAt = p.i
	p.colAdj = 0
}

func (p *jsonParser) value(depth int) (*Value, error) {
	if p.i >= len(p.data) {
		return nil, errJSONSyntax{}
	}
	pos := p.pos()
	if depth > p.lim.MaxDepth {
		return nil, &Error{Pos: pos, Msg: fmt.Sprintf("values are nested more than %d deep; flatten the template", p.lim.MaxDepth)}
	}
	p.nodes++
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(pos, depth)
	case c == '[':
		return p.array(pos, depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: String, Text: s, Pos: pos}, nil
	case c == 't':
		return p.word("true", Bool, pos)
	case c == 'f':
		return p.word("false", Bool, pos)
	case c == 'n':
		return p.word("null", Null, pos)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(pos)
	}
	return nil, errJSONSyntax{}
}

func (p *jsonParser) word(w string, k Kind, pos source.Pos) (*Value, error) {
	if len(p.data)-p.i < len(w) || string(p.data[p.i:p.i+len(w)]) != w {
		return nil, errJSONSyntax{}
	}
	p.i += len(w)
	return &Value{Kind: k, Text: w, Pos: pos}, nil
}

func (p *jsonParser) number(pos source.Pos) (*Value, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.data[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.data) && p.data[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, errJSONSyntax{}
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, errJSONSyntax{}
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, errJSONSyntax{}
		}
	}
	return &Value{Kind: Number, Text: string(p.data[start:p.i]), Pos: pos}, nil
}

// str reads a string at p.i, escapes decoded as encoding/json decodes them.
func (p *jsonParser) str() (string, error) {
	start := p.i
	p.i++
	escaped := false
	for {
		if p.i >= len(p.data) {
			return "", errJSONSyntax{}
		}
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			raw := p.data[start:p.i]
			if !escaped {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", errJSONSyntax{}
			}
			return s, nil
		case c == '\\':
			escaped = true
			p.i += 2
		case c < 0x20:
			return "", errJSONSyntax{}
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == '\u2028' || r == '\u2029' || r == '\u0085' {
				// YAML ends a line there, even inside a string.
				p.i += size
				p.newLine()
				continue
			}
			p.i += size
			p.colAdj += 1 - size
		}
	}
}

func (p *jsonParser) object(pos source.Pos, depth int) (*Value, error) {
	v := &Value{Kind: Map, Pos: pos}
	p.i++ // {
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return v, nil
	}
	var seen map[string]source.Pos
	for {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, errJSONSyntax{}
		}
		kpos := p.pos()
		p.nodes++
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if seen == nil {
			seen = make(map[string]source.Pos, 8)
		}
		if first, dup := seen[key]; dup {
			p.problems = append(p.problems, &Error{Pos: kpos, Msg: fmt.Sprintf("duplicate key %q (first at line %d); the last one wins, so remove the one you do not mean", key, first.Line)})
		}
		seen[key] = kpos
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, errJSONSyntax{}
		}
		p.i++
		p.space()
		fv, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Fields = append(v.Fields, Field{Key: key, KeyPos: kpos, Value: fv})
		if done, err := p.next('}'); done || err != nil {
			return v, err
		}
	}
}

func (p *jsonParser) array(pos source.Pos, depth int) (*Value, error) {
	v := &Value{Kind: List, Pos: pos, Items: []*Value{}}
	p.i++ // [
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		it, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, it)
		if done, err := p.next(']'); done || err != nil {
			return v, err
		}
	}
}

// next reads what follows an item: a comma (more to come) or the closing
// bracket (done).
func (p *jsonParser) next(closing byte) (done bool, err error) {
	p.space()
	if p.i >= len(p.data) {
		return false, errJSONSyntax{}
	}
	switch p.data[p.i] {
	case ',':
		p.i++
		p.space()
		return false, nil
	case closing:
		p.i++
		return true, nil
	}
	return false, errJSONSyntax{}
}
