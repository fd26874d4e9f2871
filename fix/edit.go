package fix

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// Edit replaces the bytes [Start, End) of the file with Text.
type Edit struct {
	Start, End int
	Text       string
	// depth orders inserts at one offset: the end of a function's
	// Properties is also the end of the function, and its new property must
	// come before the resource added after it.
	depth int
}

// Apply makes the edits on src, as File did: edits given twice are made
// once, and inserts at one offset go innermost first.
func Apply(src []byte, edits []Edit) []byte {
	var es []Edit
	for _, e := range edits {
		if !slices.Contains(es, e) {
			es = append(es, e)
		}
	}
	return apply(src, es)
}

// apply makes the edits, which must not overlap (inserts at one offset are
// made innermost first, then in the order given).
func apply(src []byte, edits []Edit) []byte {
	es := slices.Clone(edits)
	slices.SortStableFunc(es, func(a, b Edit) int { return cmp.Or(a.Start-b.Start, b.depth-a.depth) })
	var b strings.Builder
	at := 0
	for _, e := range es {
		b.Write(src[at:e.Start])
		b.WriteString(e.Text)
		at = e.End
	}
	b.Write(src[at:])
	return []byte(b.String())
}

// overlaps reports whether two sets of edits touch the same bytes (two
// inserts at one offset do not: they are made one after the other).
func overlaps(a, b []Edit) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				continue
			}
			if x.Start < y.End && y.Start < x.End {
				return true
			}
			if x.Start == x.End && y.Start < x.Start && x.Start < y.End ||
				y.Start == y.End && x.Start < y.Start && y.Start < x.End {
				return true
			}
		}
	}
	return false
}

// replaceScalar rewrites the scalar v as s, keeping its quotes.
func (x *text) replaceScalar(v *template.Value, s string) (Edit, error) {
	off, err := x.offset(v.Pos)
	if err != nil {
		return Edit{}, err
	}
	end, err := x.scalarEnd(off, v.Text)
	if err != nil {
		return Edit{}, err
	}
	switch q := x.src[off]; q {
	case '"':
		s = jsonString(s)
	case '\'':
		s = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	default:
		if x.json {
			s = jsonString(s)
		}
	}
	return Edit{off, end, s, 0}, nil
}

// replaceValue rewrites the flow or scalar value v (`[]`, `""`) as n.
func (x *text) replaceValue(v *template.Value, n node) (Edit, error) {
	off, err := x.offset(v.Pos)
	if err != nil {
		return Edit{}, err
	}
	end, err := x.flowEnd(off)
	if err != nil {
		return Edit{}, err
	}
	st := style{json: x.json, flow: true, colon: x.colon, nl: x.nl}
	if x.json {
		return Edit{off, end, st.jsonValue(n, ""), 0}, nil
	}
	return Edit{off, end, st.yamlFlow(n), 0}, nil
}

// renameKey rewrites the key of f as name, keeping its quotes.
func (x *text) renameKey(f template.Field, name string) (Edit, error) {
	off, err := x.offset(f.KeyPos)
	if err != nil {
		return Edit{}, err
	}
	end, quoted, err := x.keyEnd(off, f.Key)
	if err != nil {
		return Edit{}, err
	}
	if quoted {
		return Edit{off + 1, end - 1, name, 0}, nil
	}
	return Edit{off, end, name, 0}, nil
}

// within checks that every field of m is written inside m (no YAML merge
// brought one in from elsewhere).
func (x *text) within(m *template.Value) error {
	start, err := x.offset(m.Pos)
	if err != nil {
		return err
	}
	for _, f := range m.Fields {
		off, err := x.offset(f.KeyPos)
		if err != nil {
			return err
		}
		if off < start {
			return fmt.Errorf("%s comes from a YAML merge", f.Key)
		}
	}
	return nil
}

// addField adds f to the map m, after its last field. holder is the key m
// is the value of (for the indentation unit); the zero Pos for the root.
func (x *text) addField(m *template.Value, holder source.Pos, f field) (Edit, error) {
	return x.addFields(m, holder, []field{f})
}

// addFields adds fs to the map m, after its last field, in one edit.
func (x *text) addFields(m *template.Value, holder source.Pos, fs []field) (Edit, error) {
	if m == nil || m.Kind != template.Map {
		return Edit{}, fmt.Errorf("not a map")
	}
	if _, _, ok := m.Intrinsic(); ok {
		return Edit{}, fmt.Errorf("the map is an intrinsic function")
	}
	for _, f := range fs {
		if _, ok := m.Field(f.key); ok {
			return Edit{}, fmt.Errorf("%s is already there", f.key)
		}
	}
	start, err := x.offset(m.Pos)
	if err != nil {
		return Edit{}, err
	}
	// Keys a YAML merge (<<: *base) brings in are written elsewhere: the
	// new key goes after the map's own last key.
	own := m.Fields
	for len(own) > 0 {
		off, err := x.offset(own[len(own)-1].KeyPos)
		if err != nil {
			return Edit{}, err
		}
		if off >= start {
			break
		}
		own = own[:len(own)-1]
	}
	if len(own) == 0 && len(m.Fields) > 0 {
		return Edit{}, fmt.Errorf("every key of the map comes from a YAML merge")
	}
	if len(m.Fields) == 0 {
		if start >= len(x.src) || x.src[start] != '{' {
			return Edit{}, fmt.Errorf("an empty map not written as {}")
		}
		end, err := x.flowEnd(start)
		if err != nil {
			return Edit{}, err
		}
		if strings.TrimSpace(string(x.src[start+1:end-1])) != "" {
			return Edit{}, fmt.Errorf("an empty map with comments")
		}
		st := style{json: x.json, flow: true, colon: x.colon, nl: x.nl}
		parts := make([]string, len(fs))
		for i, f := range fs {
			parts[i] = st.fieldText(f)
		}
		return Edit{start + 1, end - 1, strings.Join(parts, ", "), 0}, nil
	}
	last := own[len(own)-1]
	if err := x.owned(last); err != nil {
		return Edit{}, err
	}
	koff, err := x.offset(last.KeyPos)
	if err != nil {
		return Edit{}, err
	}
	unit := x.unit(m, holder)
	if x.isFlow(m) {
		voff, err := x.offset(last.Value.Pos)
		if err != nil {
			return Edit{}, err
		}
		vend, err := x.flowEnd(voff)
		if err != nil {
			return Edit{}, err
		}
		sep, multi, indent := x.flowSep(start, koff)
		st := style{json: x.json, flow: !multi || !x.json || x.inlineMaps(m), indent: indent, unit: unit, nl: x.nl, colon: x.colon}
		var b strings.Builder
		for _, f := range fs {
			b.WriteString("," + sep + st.fieldText(f))
		}
		return Edit{vend, vend, b.String(), 0}, nil
	}
	if !x.startsLine(koff) {
		return Edit{}, fmt.Errorf("%s does not start its line", last.Key)
	}
	kline := x.lineOf(koff)
	kindent, _ := x.indentOf(kline)
	end := x.blockEnd(kline, kindent)
	prefix := ""
	if end == len(x.src) && (end == 0 || x.src[end-1] != '\n') {
		prefix = x.nl
	}
	indent := strings.Repeat(" ", kindent)
	st := style{indent: indent, unit: unit, nl: x.nl, flow: x.inlineMaps(m)}
	var b strings.Builder
	b.WriteString(prefix)
	for _, f := range fs {
		b.WriteString(indent + st.fieldText(f) + x.nl)
	}
	return Edit{end, end, b.String(), kindent}, nil
}

// addBefore adds f to the map m just before its field i: a new section
// before Resources, a resource after another.
func (x *text) addBefore(m *template.Value, holder source.Pos, i int, f field, blankAfter bool) (Edit, error) {
	if err := x.within(m); err != nil {
		return Edit{}, err
	}
	next := m.Fields[i]
	koff, err := x.offset(next.KeyPos)
	if err != nil {
		return Edit{}, err
	}
	unit := x.unit(m, holder)
	if x.isFlow(m) {
		start, _ := x.offset(m.Pos)
		sep, multi, indent := x.flowSep(start, koff)
		st := style{json: x.json, flow: !multi || !x.json, indent: indent, unit: unit, nl: x.nl, colon: x.colon}
		return Edit{koff, koff, st.fieldText(f) + "," + sep, 0}, nil
	}
	if !x.startsLine(koff) {
		return Edit{}, fmt.Errorf("%s does not start its line", next.Key)
	}
	line := x.lineOf(koff)
	// Comments right above the key are about it: go above them.
	for line > 0 {
		l := strings.TrimSpace(x.line(line - 1))
		if !strings.HasPrefix(l, "#") {
			break
		}
		line--
	}
	kindent, _ := x.indentOf(x.lineOf(koff))
	indent := strings.Repeat(" ", kindent)
	st := style{indent: indent, unit: unit, nl: x.nl}
	t := indent + st.fieldText(f) + x.nl
	if blankAfter {
		t += x.nl
	}
	at := x.lines[line]
	return Edit{at, at, t, kindent}, nil
}

// inlineMaps reports whether the maps among m's values are all written on
// one line (`Code: {ZipFile: x}`), so that a new one is written so too.
func (x *text) inlineMaps(m *template.Value) bool {
	maps := 0
	for _, f := range m.Fields {
		if f.Value.Kind != template.Map {
			continue
		}
		if _, _, ok := f.Value.Intrinsic(); ok {
			continue
		}
		off, err := x.offset(f.Value.Pos)
		if err != nil || off >= len(x.src) || x.src[off] != '{' {
			return false
		}
		end, err := x.flowEnd(off)
		if err != nil || strings.Contains(string(x.src[off:end]), "\n") {
			return false
		}
		maps++
	}
	return maps > 0
}

// flowSep is what separates the fields of the flow map that starts at
// start, read before the key at koff: a line break and indentation, a space,
// or nothing (compact JSON).
func (x *text) flowSep(start, koff int) (sep string, multi bool, indent string) {
	ws := koff
	for ws > start && strings.ContainsRune(" \t\r\n", rune(x.src[ws-1])) {
		ws--
	}
	sep = string(x.src[ws:koff])
	if strings.Contains(sep, "\n") {
		indent = sep[strings.LastIndexByte(sep, '\n')+1:]
		return x.nl + indent, true, indent
	}
	if x.src[ws-1] == '{' {
		if x.json && x.colon == ":" {
			return "", false, ""
		}
		return " ", false, ""
	}
	if sep == "" {
		return "", false, ""
	}
	return " ", false, ""
}

// unit is one level of indentation where m is written: how much deeper
// m's keys are than the key holding m, or the file's usual step.
func (x *text) unit(m *template.Value, holder source.Pos) string {
	step := func(m *template.Value, holder source.Pos) (string, bool) {
		if len(m.Fields) > 0 && holder.Line > 0 {
			if d := m.Fields[0].KeyPos.Column - holder.Column; d > 0 && d <= 8 && m.Fields[0].KeyPos.Line > holder.Line {
				return strings.Repeat(" ", d), true
			}
		}
		return "", false
	}
	if u, ok := step(m, holder); ok {
		return u
	}
	// The root, or a map on one line: the step of the first block map below.
	for _, f := range m.Fields {
		if f.Value.Kind == template.Map && !x.isFlow(f.Value) {
			if u, ok := step(f.Value, f.KeyPos); ok {
				return u
			}
		}
	}
	return "  "
}
