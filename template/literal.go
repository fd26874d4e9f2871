package template

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// Fold returns the value an intrinsic function evaluates to when its
// arguments are all written out (`!Sub ""`, `!Join ["", [Pass, Through]]`,
// `!Select [1, [a, b]]`, `!FindInMap [M, K, V]` with literal keys), with the
// position of the call. Anything that depends on the deployment (a Ref, a
// GetAtt, a ${Var}) is not folded: ok is false.
func (t *Template) Fold(v *Value) (*Value, bool) {
	f, ok := t.fold(v)
	if ok && f != v {
		c := *f
		c.Pos = v.Pos // the finding belongs on the call, not in Mappings
		return &c, true
	}
	return f, ok
}

// subPlaceholder is a ${...} of an Fn::Sub string, escaped (${!X}) or not.
var subPlaceholder = regexp.MustCompile(`\$\{[^}]*\}`)

func (t *Template) fold(v *Value) (*Value, bool) {
	if v == nil {
		return nil, false
	}
	name, arg, ok := v.Intrinsic()
	if !ok {
		return v, v.IsScalar() || v.Kind == List
	}
	switch name {
	case "Fn::Sub":
		text := arg
		if arg.Kind == List && len(arg.Items) > 0 {
			text = arg.Items[0]
		}
		if text.Kind != String {
			return nil, false
		}
		bound := map[string]string{}
		if arg.Kind == List && len(arg.Items) == 2 && arg.Items[1].Kind == Map {
			// `!Sub ["${A}", {A: ""}]`: variables bound to written values.
			for _, f := range arg.Items[1].Fields {
				if fv, ok := t.fold(f.Value); ok && fv.IsScalar() {
					bound[f.Key] = fv.Text
				}
			}
		}
		// One pass, as CloudFormation substitutes: a bound value that holds
		// ${B} is not substituted again; ${!X} is the literal ${X}.
		known := true
		out := subPlaceholder.ReplaceAllStringFunc(text.Text, func(m string) string {
			if strings.HasPrefix(m, "${!") {
				return "${" + m[3:]
			}
			if val, ok := bound[m[2:len(m)-1]]; ok {
				return val
			}
			known = false
			return m
		})
		if !known {
			return nil, false // depends on the deployment
		}
		return &Value{Kind: String, Text: out, Pos: v.Pos}, true
	case "Fn::Join":
		if arg.Kind != List || len(arg.Items) != 2 || arg.Items[0].Kind != String {
			return nil, false
		}
		list, ok := t.fold(arg.Items[1])
		if !ok || list.Kind != List {
			return nil, false
		}
		parts := make([]string, 0, len(list.Items))
		for _, it := range list.Items {
			f, ok := t.fold(it)
			if !ok || !f.IsScalar() {
				return nil, false
			}
			parts = append(parts, f.Text)
		}
		return &Value{Kind: String, Text: strings.Join(parts, arg.Items[0].Text), Pos: v.Pos}, true
	case "Fn::Split":
		if arg.Kind != List || len(arg.Items) != 2 || arg.Items[0].Kind != String || arg.Items[0].Text == "" {
			return nil, false
		}
		text, ok := t.fold(arg.Items[1])
		if !ok || !text.IsScalar() {
			return nil, false
		}
		list := &Value{Kind: List, Pos: v.Pos}
		for _, part := range strings.Split(text.Text, arg.Items[0].Text) {
			list.Items = append(list.Items, &Value{Kind: String, Text: part, Pos: v.Pos})
		}
		return list, true
	case "Fn::Select":
		if arg.Kind != List || len(arg.Items) != 2 {
			return nil, false
		}
		idx, ok := t.fold(arg.Items[0])
		list, ok2 := t.fold(arg.Items[1])
		if !ok || !ok2 || list.Kind != List {
			return nil, false
		}
		i, err := strconv.Atoi(idx.Text)
		if err != nil || i < 0 || i >= len(list.Items) {
			return nil, false
		}
		return t.fold(list.Items[i])
	case "Fn::FindInMap":
		if arg.Kind != List || len(arg.Items) < 3 {
			return nil, false
		}
		cur := t.Mappings
		for _, k := range arg.Items[:3] {
			kv, ok := t.fold(k)
			if !ok || !kv.IsScalar() {
				return nil, false
			}
			cur = cur.Get(kv.Text)
		}
		if cur == nil && len(arg.Items) == 4 {
			// The AWS::LanguageExtensions form: `{DefaultValue: x}` stands in
			// when the mapping has no such keys, at any of the three levels.
			if d := arg.Items[3].Get("DefaultValue"); d != nil {
				return t.fold(d)
			}
		}
		if _, _, intrinsic := cur.Intrinsic(); cur == nil || intrinsic {
			// Mappings hold written-out values only; CloudFormation rejects an
			// intrinsic there, and following one could loop (a row that
			// looks itself up) or grow without bound.
			return nil, false
		}
		return cur, true
	case "Fn::ToJsonString":
		var b bytes.Buffer
		if (arg.Kind != Map && arg.Kind != List) || !t.writeJSON(&b, arg) {
			return nil, false
		}
		return &Value{Kind: String, Text: b.String(), Pos: v.Pos}, true
	}
	return nil, false
}

// writeJSON writes v as Fn::ToJsonString does: compact JSON, keys in the
// order written. It reports false when a part of v is known only at
// deployment (a Ref, a GetAtt, an Fn::If) or is a scalar JSON cannot hold as
// written (a YAML number such as 0x1F).
func (t *Template) writeJSON(b *bytes.Buffer, v *Value) bool {
	if _, _, ok := v.Intrinsic(); ok {
		f, ok := t.fold(v)
		if !ok || f == v {
			return false
		}
		return t.writeJSON(b, f)
	}
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool:
		switch strings.ToLower(v.Text) {
		case "true":
			b.WriteString("true")
		case "false":
			b.WriteString("false")
		default:
			return false
		}
	case Number:
		if !json.Valid([]byte(v.Text)) {
			return false
		}
		b.WriteString(v.Text)
	case String:
		writeJSONString(b, v.Text)
	case List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			if !t.writeJSON(b, it) {
				return false
			}
		}
		b.WriteByte(']')
	case Map:
		b.WriteByte('{')
		// A repeated key (the parser reported it) is written once, at its
		// first place, with its last value, as a JSON object holds it.
		last := make(map[string]*Value, len(v.Fields))
		for _, f := range v.Fields {
			last[f.Key] = f.Value
		}
		for i, f := range v.Fields {
			fv, ok := last[f.Key]
			if !ok {
				continue
			}
			delete(last, f.Key)
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, f.Key)
			b.WriteByte(':')
			if !t.writeJSON(b, fv) {
				return false
			}
		}
		b.WriteByte('}')
	default:
		return false
	}
	return true
}

// writeJSONString quotes s as JSON does, leaving <, > and & as they are.
func writeJSONString(b *bytes.Buffer, s string) {
	e := json.NewEncoder(b)
	e.SetEscapeHTML(false)
	_ = e.Encode(s)         // a string always encodes
	b.Truncate(b.Len() - 1) // Encode ends with a newline
}
