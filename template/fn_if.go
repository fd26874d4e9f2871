package template

// evalIf: `!If [Condition, then, else]`: both branches, each under its
// choice. A branch that contradicts the choices made so far is no
// deployment.
func evalIf(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	if arg.Kind != List || len(arg.Items) != 3 || arg.Items[0].Kind != String {
		return opaque(call, when)
	}
	var out []Outcome
	for i, branch := range []bool{true, false} {
		w, ok := when.with(Choice{Condition: arg.Items[0].Text, Value: branch, Pos: call.Pos})
		if !ok {
			continue
		}
		out = append(out, e.eval(arg.Items[1+i], w, depth)...)
	}
	return e.capOutcomes(out)
}
