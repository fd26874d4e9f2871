package template

import "encoding/base64"

// evalBase64: `!Base64 text`.
func evalBase64(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	var out []Outcome
	for _, o := range e.eval(arg, when, depth) {
		text, ok := o.Value.Known()
		if !ok || len(text) > maxText {
			out = append(out, opaque(call, o.When)...)
			continue
		}
		out = append(out, Outcome{Value: &Value{Kind: String, Text: base64.StdEncoding.EncodeToString([]byte(text)), Pos: call.Pos}, When: o.When})
	}
	return out
}
