package template

// evalImportValue: another stack's export, known only at deployment; its
// name is evaluated so that messages can say which.
func evalImportValue(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	if _, _, intrinsic := arg.Intrinsic(); !arg.IsScalar() && !intrinsic {
		return opaque(call, when) // CloudFormation takes an export's name, a string
	}
	var out []Outcome
	for _, o := range e.eval(arg, when, depth) {
		name := Describe(arg)
		if o.Value != nil && o.Value.IsScalar() {
			name = o.Value.Text
		}
		out = append(out, Outcome{Value: refValue(&Ref{Kind: RefImport, Name: name, Pos: call.Pos}, call.Pos), When: o.When})
	}
	return out
}
