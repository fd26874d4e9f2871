package template

// evalJoin: `!Join [delimiter, [parts...]]`. A part known only at
// deployment stays a Ref inside the joined string.
func evalJoin(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	if arg.Kind != List || len(arg.Items) != 2 {
		return opaque(call, when)
	}
	var out []Outcome
	for _, c := range e.args(arg.Items, when, depth) {
		delim, ok := c.vals[0].Known()
		list := c.vals[1]
		if ok && list != nil && list.OnlyRef() != nil {
			// `!Join [",", !Ref Subnets]` of a list known only at
			// deployment: the text that list makes, named by its source.
			out = append(out, Outcome{Value: list, When: c.when})
			continue
		}
		if !ok || list == nil || list.Kind != List {
			out = append(out, opaque(call, c.when)...)
			continue
		}
		var parts []Part
		for i, it := range list.Items {
			if i > 0 {
				parts = append(parts, Part{Text: delim})
			}
			if it.IsScalar() {
				parts = append(parts, partsOf(it)...)
			} else {
				parts = append(parts, Part{Ref: &Ref{Kind: RefOther, Name: Describe(it), Pos: it.Pos}})
			}
		}
		out = append(out, Outcome{Value: stringOf(parts, call.Pos), When: c.when})
	}
	return e.capOutcomes(out)
}
