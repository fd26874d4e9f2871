package fix

import (
	"regexp"
	"strings"
)

// node is a value a fix writes: a scalar, a Ref, or a map of fields.
type node struct {
	scalar string // a string, or a number when number is set
	number bool
	ref    string  // a Ref to this logical id or parameter
	fields []field // a map, in this order
}

type field struct {
	key string
	val node
}

func str(s string) node          { return node{scalar: s} }
func num(s string) node          { return node{scalar: s, number: true} }
func ref(id string) node         { return node{ref: id} }
func mapOf(fs ...field) node     { return node{fields: fs} }
func kv(k string, v node) field  { return field{k, v} }
func (n node) isMap() bool       { return n.fields != nil }
func (n node) isScalarish() bool { return !n.isMap() }

// plainSafe are strings YAML reads back as the same string when unquoted.
var plainSafe = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_ ./:<>()-]*[A-Za-z0-9_./<>()-]$`)

func yamlScalar(n node) string {
	switch {
	case n.ref != "":
		return "!Ref " + n.ref
	case n.number:
		return n.scalar
	case plainSafe.MatchString(n.scalar) && !strings.Contains(n.scalar, ": ") &&
		!strings.Contains(n.scalar, " #") && !reserved[strings.ToLower(n.scalar)]:
		return n.scalar
	}
	return "'" + strings.ReplaceAll(n.scalar, "'", "''") + "'"
}

// reserved are the plain scalars YAML reads as something else than a string.
var reserved = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true, "null": true, "y": true, "n": true}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// style says how to write a new field where it goes.
type style struct {
	json   bool
	flow   bool   // YAML flow style, or JSON on one line
	indent string // of the field's key (block YAML, multi-line JSON)
	unit   string // one level of indentation
	nl     string
	colon  string // JSON: ": " or ":"
}

// fieldText renders k: v. Block YAML and multi-line JSON take several lines,
// joined with the file's line ending; the first line carries no indentation.
func (st style) fieldText(f field) string {
	if st.json {
		return jsonString(f.key) + st.colon + st.jsonValue(f.val, st.indent)
	}
	if st.flow || f.val.isScalarish() {
		return f.key + ": " + st.yamlFlow(f.val)
	}
	var b strings.Builder
	b.WriteString(f.key + ":")
	for _, sub := range f.val.fields {
		b.WriteString(st.nl + st.indent + st.unit)
		b.WriteString(style{indent: st.indent + st.unit, unit: st.unit, nl: st.nl}.fieldText(sub))
	}
	return b.String()
}

func (st style) yamlFlow(n node) string {
	if !n.isMap() {
		return yamlScalar(n)
	}
	parts := make([]string, len(n.fields))
	for i, f := range n.fields {
		parts[i] = f.key + ": " + st.yamlFlow(f.val)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (st style) jsonValue(n node, indent string) string {
	switch {
	case n.ref != "":
		return st.jsonValue(mapOf(kv("Ref", str(n.ref))), indent)
	case n.number:
		return n.scalar
	case !n.isMap():
		return jsonString(n.scalar)
	}
	if st.flow {
		parts := make([]string, len(n.fields))
		for i, f := range n.fields {
			parts[i] = jsonString(f.key) + st.colon + st.jsonValue(f.val, indent)
		}
		sep := ", "
		if st.colon == ":" {
			sep = ","
		}
		return "{" + strings.Join(parts, sep) + "}"
	}
	inner := indent + st.unit
	parts := make([]string, len(n.fields))
	for i, f := range n.fields {
		parts[i] = inner + jsonString(f.key) + st.colon + st.jsonValue(f.val, inner)
	}
	return "{" + st.nl + strings.Join(parts, ","+st.nl) + st.nl + indent + "}"
}
