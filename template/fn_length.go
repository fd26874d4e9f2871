package template

import "strconv"

// evalLength: `Fn::Length` (AWS::LanguageExtensions), the number of items
// of a list.
func evalLength(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	var out []Outcome
	for _, o := range e.eval(arg, when, depth) {
		if o.Value == nil || o.Value.Kind != List {
			out = append(out, opaque(call, o.When)...)
			continue
		}
		out = append(out, Outcome{Value: &Value{Kind: Number, Text: strconv.Itoa(len(o.Value.Items)), Pos: call.Pos}, When: o.When})
	}
	return out
}
