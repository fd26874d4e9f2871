package template

import "strconv"

// evalSelect: `!Select [index, list]`.
func evalSelect(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	if arg.Kind != List || len(arg.Items) != 2 {
		return opaque(call, when)
	}
	var out []Outcome
	for _, c := range e.args(arg.Items, when, depth) {
		idx, ok := c.vals[0].Known()
		list := c.vals[1]
		i, err := strconv.Atoi(idx)
		if !ok || err != nil || list == nil || list.Kind != List || i < 0 || i >= len(list.Items) {
			out = append(out, opaque(call, c.when)...)
			continue
		}
		it := *list.Items[i]
		if it.Kind == String && it.Parts == nil {
			it.Pos = call.Pos // the finding belongs on the call
		}
		out = append(out, Outcome{Value: &it, When: c.when})
	}
	return out
}
