package template

import (
	"bytes"
	"encoding/json"
)

// evalToJSONString: `Fn::ToJsonString` (AWS::LanguageExtensions), compact
// JSON with keys in the order written. A part known only at deployment stays
// a Ref inside the text, quoted as the string it stands for.
func evalToJSONString(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	var out []Outcome
	for _, o := range e.eval(arg, when, depth) {
		if o.Value == nil || (o.Value.Kind != Map && o.Value.Kind != List) {
			out = append(out, opaque(call, o.When)...)
			continue
		}
		w := jsonWriter{}
		if !w.write(o.Value) {
			out = append(out, opaque(call, o.When)...)
			continue
		}
		w.flush()
		out = append(out, Outcome{Value: stringOf(w.parts, call.Pos), When: o.When})
	}
	return out
}

type jsonWriter struct {
	b     bytes.Buffer
	parts []Part
}

func (w *jsonWriter) flush() {
	if w.b.Len() > 0 {
		w.parts = append(w.parts, Part{Text: w.b.String()})
		w.b.Reset()
	}
}

// write writes an evaluated value; it reports false for a scalar JSON cannot
// hold as written (a YAML number such as 0x1F).
func (w *jsonWriter) write(v *Value) bool {
	switch v.Kind {
	case Null:
		w.b.WriteString("null")
	case Bool:
		switch BoolText(v) {
		case "true":
			w.b.WriteString("true")
		case "false":
			w.b.WriteString("false")
		default:
			return false
		}
	case Number:
		if !json.Valid([]byte(v.Text)) {
			return false
		}
		w.b.WriteString(v.Text)
	case String:
		if !v.Unknown() {
			writeJSONString(&w.b, v.Text)
			break
		}
		w.b.WriteByte('"')
		for _, p := range v.Parts {
			if p.Ref != nil {
				w.flush()
				w.parts = append(w.parts, p)
				continue
			}
			q := bytes.Buffer{}
			writeJSONString(&q, p.Text)
			w.b.Write(q.Bytes()[1 : q.Len()-1])
		}
		w.b.WriteByte('"')
	case List:
		w.b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				w.b.WriteByte(',')
			}
			if !w.write(it) {
				return false
			}
		}
		w.b.WriteByte(']')
	case Map:
		w.b.WriteByte('{')
		// A repeated key (the parser reported it) is written once, at its
		// first place, with its last value, as a JSON object holds it.
		last := make(map[string]*Value, len(v.Fields))
		for _, f := range v.Fields {
			last[f.Key] = f.Value
		}
		first := true
		for _, f := range v.Fields {
			fv, ok := last[f.Key]
			if !ok {
				continue
			}
			delete(last, f.Key)
			if !first {
				w.b.WriteByte(',')
			}
			first = false
			writeJSONString(&w.b, f.Key)
			w.b.WriteByte(':')
			if !w.write(fv) {
				return false
			}
		}
		w.b.WriteByte('}')
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
