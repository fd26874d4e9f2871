package template

// evalIf: `!If [Condition, then, else]`: both branches, each under its
// choice. A branch that contradicts the choices made so far is no
// deployment.
func evalIf(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	branches, ok := ifBranches(call, when)
	if !ok {
		return opaque(call, when)
	}
	var out []Outcome
	for _, b := range branches {
		out = append(out, e.eval(b.Value, b.When, depth)...)
	}
	return e.capOutcomes(out)
}

// ifBranches reads an Fn::If: its two branches, each with the path that
// takes it, leaving out a branch that contradicts when. It is the one
// reader of Fn::If, for the evaluator and for the walks of branch.go that
// keep the values as written. ok is false when v is no Fn::If of the form
// CloudFormation accepts.
func ifBranches(v *Value, when Path) ([]Alt, bool) {
	name, arg, ok := v.Intrinsic()
	if !ok || name != "Fn::If" || arg.Kind != List || len(arg.Items) != 3 || arg.Items[0].Kind != String {
		return nil, false
	}
	var out []Alt
	for i, branch := range []bool{true, false} {
		if w, ok := when.with(Choice{Condition: arg.Items[0].Text, Value: branch, Pos: v.Pos}); ok {
			out = append(out, Alt{Value: arg.Items[1+i], When: w})
		}
	}
	return out, true
}
