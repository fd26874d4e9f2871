package template

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	goccy "github.com/goccy/go-yaml"
	goccyparser "github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v3"

	"github.com/lambdagate/lambdagate/source"
)

// Error is a problem in a template at a position. Parse returns one when the
// file cannot be read as a template, and Template.Problems holds the ones that
// do not stop the scan (duplicate keys, unknown tags).
type Error struct {
	Pos source.Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrNotTemplate is returned by Parse for a file that is not a CloudFormation
// template (a workflow file, package.json, Helm values...). Such files are
// skipped silently.
var ErrNotTemplate = errors.New("not a CloudFormation template")

// Limits bound what a hostile file can make the parser do.
type Limits struct {
	MaxDepth int // nesting of maps and lists
	MaxNodes int // values after YAML aliases are expanded
}

// DefaultLimits are generous for real templates (the largest real ones have a
// few hundred thousand values) and stop alias bombs and pathological nesting.
var DefaultLimits = Limits{MaxDepth: 512, MaxNodes: 5_000_000}

// shortTags maps the YAML short forms to their long names.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr", "!FindInMap": "Fn::FindInMap",
	"!GetAtt": "Fn::GetAtt", "!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue",
	"!Join": "Fn::Join", "!Select": "Fn::Select", "!Split": "Fn::Split", "!Sub": "Fn::Sub",
	"!Transform": "Fn::Transform", "!And": "Fn::And", "!Equals": "Fn::Equals",
	"!If": "Fn::If", "!Not": "Fn::Not", "!Or": "Fn::Or", "!Length": "Fn::Length",
	"!ToJsonString": "Fn::ToJsonString", "!ForEach": "Fn::ForEach",
	// Rules-section functions.
	"!Contains": "Fn::Contains", "!EachMemberEquals": "Fn::EachMemberEquals", "!EachMemberIn": "Fn::EachMemberIn",
	"!RefAll": "Fn::RefAll", "!ValueOf": "Fn::ValueOf", "!ValueOfAll": "Fn::ValueOfAll",
}

// Parse reads a YAML or JSON template. JSON is read by the YAML parser, which
// accepts it and gives the same positions. It returns ErrNotTemplate for a
// file that is not a template, and an *Error for a template that is broken.
func Parse(file string, data []byte, lim Limits) (*Template, error) {
	root, problems, err := parseValue(file, data, lim)
	if err != nil {
		if looksLikeTemplate(data) {
			return nil, err
		}
		var te *Error
		if errors.As(err, &te) {
			err = errors.New(te.Msg)
			if te.Pos.Line > 0 {
				err = fmt.Errorf("line %d: %s", te.Pos.Line, te.Msg)
			}
		}
		return nil, fmt.Errorf("%w: it does not parse (%v) and mentions neither AWSTemplateFormatVersion nor Resources with AWS:: types", ErrNotTemplate, err)
	}
	if root != nil && root.Kind != Map && looksLikeTemplate(data) {
		return nil, &Error{Pos: root.Pos, Msg: fmt.Sprintf("a template must be a map (AWSTemplateFormatVersion, Resources...), not a %s", root.Kind)}
	}
	if !isTemplate(root) {
		return nil, fmt.Errorf("%w: no AWSTemplateFormatVersion, Transform, or Resources with typed resources at its top level", ErrNotTemplate)
	}
	t, err := newTemplate(file, root, lim)
	if err != nil {
		return nil, err
	}
	t.Problems = append(problems, t.Problems...)
	return t, nil
}

// looksLikeTemplate decides whether a file that does not parse was meant to be
// a template, so that its error is worth reporting.
func looksLikeTemplate(data []byte) bool {
	if bytes.Contains(data, []byte("AWSTemplateFormatVersion")) {
		return true
	}
	return bytes.Contains(data, []byte("Resources")) && bytes.Contains(data, []byte("AWS::"))
}

// isTemplate: a top-level map with typed Resources, or a format version or
// transform.
func isTemplate(root *Value) bool {
	if root == nil || root.Kind != Map {
		return false
	}
	if root.Get("AWSTemplateFormatVersion") != nil || root.Get("Transform") != nil {
		return true
	}
	res := root.Get("Resources")
	if res == nil || res.Kind != Map {
		return false
	}
	for _, f := range res.Fields {
		if t := f.Value.Get("Type"); t != nil && t.Kind == String {
			return true
		}
	}
	return false
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parseValue turns the bytes into Values.
func parseValue(file string, data []byte, lim Limits) (*Value, []*Error, error) {
	data, err := toUTF8(file, data)
	if err != nil {
		return nil, nil, err
	}
	if isJSON(file, data) {
		// Read by a JSON scanner (json.go): faster, and a .json template must
		// be JSON, which YAML is not (trailing commas, comments in flow style).
		return parseJSON(file, data, lim)
	}
	return parseYAML(file, data, lim)
}

// parseYAML turns YAML (or JSON) into Values.
func parseYAML(file string, data []byte, lim Limits) (*Value, []*Error, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, yamlError(file, data, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil, nil
	}
	c := converter{file: file, lim: lim, seen: map[*yaml.Node]*Value{}, reported: map[problemKey]bool{}}
	n, aliases := c.plainSize(doc.Content[0], 0)
	if aliases {
		// Only aliases can make the values outgrow the nodes parsed: count
		// them expanded, memoised so that the count cannot explode.
		c.size = map[*yaml.Node]int{}
		n = c.expandedSize(doc.Content[0], 0)
	}
	if n > lim.MaxNodes {
		return nil, nil, &Error{Pos: source.Pos{File: file, Line: 1, Column: 1},
			Msg: fmt.Sprintf("the YAML aliases expand to more than %d values (an alias bomb?); write the values out", lim.MaxNodes)}
	}
	v, err := c.convert(doc.Content[0], 0)
	if err != nil {
		return nil, nil, err
	}
	return v, c.problems, nil
}

type converter struct {
	file     string
	lim      Limits
	seen     map[*yaml.Node]*Value // anchors converted once and shared
	size     map[*yaml.Node]int
	problems []*Error
	// reported: an anchored node is converted where it is written and again
	// for its aliases; its problems are reported once.
	reported map[problemKey]bool
}

type problemKey struct {
	n   *yaml.Node
	msg string
}

func (c *converter) pos(n *yaml.Node) source.Pos {
	return source.Pos{File: c.file, Line: n.Line, Column: n.Column}
}

func (c *converter) problem(n *yaml.Node, msg string) {
	if k := (problemKey{n, msg}); !c.reported[k] {
		c.reported[k] = true
		c.problems = append(c.problems, &Error{Pos: c.pos(n), Msg: msg})
	}
}

// plainSize counts the values under n as expandedSize does, for a tree with
// no alias, without a memo; it stops at the first alias, reporting it.
func (c *converter) plainSize(n *yaml.Node, depth int) (size int, alias bool) {
	if n == nil {
		return 0, false
	}
	if n.Kind == yaml.AliasNode {
		return 0, true
	}
	if depth > c.lim.MaxDepth {
		return 1, false
	}
	size = 1
	for _, k := range n.Content {
		s, alias := c.plainSize(k, depth+1)
		if alias {
			return 0, true
		}
		size += s
		if size > c.lim.MaxNodes {
			break
		}
	}
	return size, false
}

// expandedSize counts the values a node stands for once aliases are expanded,
// memoised so that the count itself cannot explode.
func (c *converter) expandedSize(n *yaml.Node, depth int) int {
	if n == nil {
		return 0
	}
	if s, ok := c.size[n]; ok {
		return s
	}
	if depth > c.lim.MaxDepth {
		return 1 // the depth error is reported by convert
	}
	c.size[n] = 1 // breaks alias cycles
	s := 1
	if n.Kind == yaml.AliasNode {
		s = c.expandedSize(n.Alias, depth+1)
	}
	for _, k := range n.Content {
		s += c.expandedSize(k, depth+1)
		if s > c.lim.MaxNodes {
			break
		}
	}
	c.size[n] = s
	return s
}

func (c *converter) convert(n *yaml.Node, depth int) (*Value, error) {
	if depth > c.lim.MaxDepth {
		return nil, &Error{Pos: c.pos(n), Msg: fmt.Sprintf("values are nested more than %d deep; flatten the template", c.lim.MaxDepth)}
	}
	if n.Kind == yaml.AliasNode {
		if v, ok := c.seen[n.Alias]; ok {
			if v == nil {
				return nil, &Error{Pos: c.pos(n), Msg: "a YAML alias refers to itself"}
			}
			return v, nil
		}
		c.seen[n.Alias] = nil
		v, err := c.convert(n.Alias, depth+1)
		c.seen[n.Alias] = v
		return v, err
	}
	v := &Value{Pos: c.pos(n)}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			v.Kind = Null
			return v, nil
		}
		return c.convert(n.Content[0], depth+1)
	case yaml.ScalarNode:
		v.Text = n.Value
		switch n.ShortTag() {
		case "!!null":
			v.Kind = Null
		case "!!bool":
			v.Kind = Bool
		case "!!int", "!!float":
			v.Kind = Number
		default:
			v.Kind = String
			if n.Style == 0 && n.Tag == "!!str" && yaml11Bools[n.Value] != "" {
				// CloudFormation reads YAML 1.1, where a plain yes, no, on
				// or off is a boolean (aws/aws-cli#5257); yaml.v3 reads 1.2.
				v.Kind = Bool
			}
		}
	case yaml.SequenceNode:
		v.Kind = List
		v.Items = make([]*Value, 0, len(n.Content))
		for _, item := range n.Content {
			iv, err := c.convert(item, depth+1)
			if err != nil {
				return nil, err
			}
			v.Items = append(v.Items, iv)
		}
	case yaml.MappingNode:
		v.Kind = Map
		v.Fields = make([]Field, 0, len(n.Content)/2)
		seen := make(map[string]source.Pos, len(n.Content)/2)
		var merges []*yaml.Node // the values of the merge keys, in source order
		mergeAt := 0            // where the merged keys go among the written ones
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				return nil, &Error{Pos: c.pos(k), Msg: "a map key must be a plain string"}
			}
			if k.ShortTag() == mergeTag {
				if len(merges) == 0 {
					mergeAt = len(v.Fields)
				}
				merges = append(merges, n.Content[i+1])
				continue
			}
			if first, dup := seen[k.Value]; dup {
				c.problem(k, fmt.Sprintf("duplicate key %q (first at line %d); the last one wins, so remove the one you do not mean", k.Value, first.Line))
			}
			seen[k.Value] = c.pos(k)
			fv, err := c.convert(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			v.Fields = append(v.Fields, Field{Key: k.Value, KeyPos: c.pos(k), Value: fv})
		}
		if len(merges) > 0 {
			if err := c.merge(v, merges, mergeAt, depth); err != nil {
				return nil, err
			}
		}
	}
	if localTag(n.Tag) {
		long, ok := tagFunction(n.Tag)
		if !ok {
			c.problem(n, fmt.Sprintf("unknown tag %s; CloudFormation knows only the short forms of its intrinsic functions such as !Ref and !Sub", n.Tag))
			return v, nil
		}
		if n.Kind == yaml.ScalarNode {
			v.Kind = String // `!Ref 123` still names something
		}
		return &Value{Kind: Map, Pos: v.Pos, Fields: []Field{{Key: long, KeyPos: v.Pos, Value: v}}}, nil
	}
	return v, nil
}

// localTag reports a tag such as !Ref, as opposed to YAML's own (!!str).
func localTag(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

// tagFunction returns the function a local tag stands for: `!Ref X` is read
// as `{Ref: X}`.
func tagFunction(tag string) (string, bool) {
	if !localTag(tag) {
		return "", false
	}
	if long, ok := shortTags[tag]; ok {
		return long, true
	}
	if strings.Contains(tag, "::") {
		// A pre-processor's namespaced tag (Rain's !Rain::Embed...): a value
		// known only once that tool has run, like an intrinsic.
		return "Fn::" + strings.TrimPrefix(tag, "!"), true
	}
	return "", false
}

// mergeTag is the tag YAML gives a plain `<<` key (a quoted "<<" is a string).
const mergeTag = "!!merge"

// merge inserts into v the keys of the maps its merge keys name, as YAML 1.1
// defines them and as PyYAML, which the SAM CLI and aws cloudformation
// package read templates with, expands them before upload: a key written in
// the map wins over a merged one, a later merge key over an earlier one, and
// in `<<: [*A, *B]` A over B. CloudFormation itself rejects merge keys (as it
// does aliases), but templates that use them are deployed through those
// packagers; like aliases, they are expanded without complaint (cfn-lint's
// W1100 says the rest), so the checks see what the packaged template deploys
// and a control that comes through a merge is neither missed nor invented.
// Merged keys keep the positions they were written at.
func (c *converter) merge(v *Value, values []*yaml.Node, at, depth int) error {
	has := make(map[string]bool, len(v.Fields))
	for _, f := range v.Fields {
		has[f.Key] = true
	}
	var merged []Field
	for i := len(values) - 1; i >= 0; i-- {
		sources, err := c.mergeSources(values[i], depth+1)
		if err != nil {
			return err
		}
		for _, src := range sources {
			// A key repeated in the source map (reported there) counts by
			// its last occurrence, as everywhere.
			last := make(map[string]int, len(src.Fields))
			for j, f := range src.Fields {
				last[f.Key] = j
			}
			for j, f := range src.Fields {
				if !has[f.Key] && last[f.Key] == j {
					has[f.Key] = true
					merged = append(merged, f)
				}
			}
		}
	}
	v.Fields = slices.Concat(v.Fields[:at], merged, v.Fields[at:])
	return nil
}

// mergeSources converts the value of a merge key: a map or a list of maps,
// written in place or through aliases. As in PyYAML, a map is merged whatever
// its tag (`<<: !Transform {...}` merges the map's keys).
func (c *converter) mergeSources(n *yaml.Node, depth int) ([]*Value, error) {
	target := func(n *yaml.Node) *yaml.Node {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			return n.Alias
		}
		return n
	}
	items := []*yaml.Node{n}
	if t := target(n); t.Kind != yaml.MappingNode {
		if t.Kind != yaml.SequenceNode {
			return nil, &Error{Pos: c.pos(n), Msg: "the merge key << takes a map or a list of maps, e.g. <<: *Common or <<: [*Common, *Network]; write the keys out instead"}
		}
		items, depth = t.Content, depth+1
	}
	out := make([]*Value, 0, len(items))
	for _, it := range items {
		t := target(it)
		if t.Kind != yaml.MappingNode {
			return nil, &Error{Pos: c.pos(it), Msg: "each entry of a merge key's list must be a map, e.g. <<: [*Common, *Network]; write the keys out instead"}
		}
		mv, err := c.convert(it, depth)
		if err != nil {
			return nil, err
		}
		if _, call := tagFunction(t.Tag); call {
			mv = mv.Fields[0].Value // the map under the function the tag made
		}
		out = append(out, mv)
	}
	return out, nil
}

func isJSON(file string, data []byte) bool {
	if strings.HasSuffix(strings.ToLower(file), ".json") {
		return true
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(trimmed) > 0 && trimmed[0] == '{' && strings.HasSuffix(strings.ToLower(file), ".template")
}

// jsonError checks JSON syntax and names the line and column of a mistake.
func jsonError(file string, data []byte) error {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if json.Valid(data) { // no allocation; decoding is only for the error
		return nil
	}
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return nil // valid, or a type error that cannot happen with any
	}
	// Offset counts the bytes read, the offending one included.
	line, col := lineCol(data, int(se.Offset)-1)
	return &Error{Pos: source.Pos{File: file, Line: line, Column: col}, Msg: "invalid JSON: " + se.Error()}
}

func lineCol(data []byte, offset int) (int, int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1 // characters, as YAML counts
	return line, col
}

// toUTF8 decodes a file written in UTF-16 with a byte-order mark (some
// Windows editors save so) and checks that anything else is UTF-8, naming
// the line of the first byte that is not. Lines and columns count characters,
// so they are the same in the decoded text.
func toUTF8(file string, data []byte) ([]byte, error) {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		order = binary.LittleEndian
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		order = binary.BigEndian
	}
	if order != nil {
		units := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			units = append(units, order.Uint16(data[i:]))
		}
		return []byte(string(utf16.Decode(units))), nil
	}
	if utf8.Valid(data) {
		return data, nil
	}
	off := 0
	for off < len(data) {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	line := bytes.Count(data[:off], []byte("\n")) + 1
	col := utf8.RuneCount(data[bytes.LastIndexByte(data[:off], '\n')+1:off]) + 1
	return nil, &Error{Pos: source.Pos{File: file, Line: line, Column: col},
		Msg: fmt.Sprintf("the file is not valid UTF-8 (byte 0x%02x); save it as UTF-8", data[off])}
}

// yamlError turns the YAML parser's error into one with a position. yaml.v3
// reports the line where the enclosing construct started, off by one and
// without a column; goccy/go-yaml's parser names the token at fault, so it is
// asked for the position when it also rejects the file.
func yamlError(file string, data []byte, err error) error {
	pos := source.Pos{File: file}
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	var se *goccy.SyntaxError
	if _, gerr := goccyparser.ParseBytes(data, 0); errors.As(gerr, &se) && se.Token != nil && se.Token.Position != nil {
		pos.Line, pos.Column = se.Token.Position.Line, se.Token.Position.Column
		msg = se.Message
	}
	if strings.Contains(msg, "character '\t'") {
		msg = strings.Replace(msg, "character '\t'", "a tab", 1) + "; YAML is indented with spaces, never tabs"
	}
	return &Error{Pos: pos, Msg: "cannot parse YAML: " + msg}
}

// yaml11Bools are the booleans of YAML 1.1 that YAML 1.2 reads as text, with
// the value CloudFormation gives them.
var yaml11Bools = map[string]string{
	"yes": "true", "Yes": "true", "YES": "true", "on": "true", "On": "true", "ON": "true",
	"no": "false", "No": "false", "NO": "false", "off": "false", "Off": "false", "OFF": "false",
}

// BoolText is the text CloudFormation makes of a YAML boolean: "true" or
// "false", whichever way it is written (True, yes, OFF).
func BoolText(v *Value) string {
	if t, ok := yaml11Bools[v.Text]; ok {
		return t
	}
	return strings.ToLower(v.Text)
}
