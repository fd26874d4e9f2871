package template

import "strings"

// evalGetAtt: an attribute of a resource, known only at deployment.
// `!GetAtt R.Arn` and `!GetAtt [R, Arn]` (whose attribute may be a Ref).
func evalGetAtt(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	switch {
	case arg.Kind == String:
		id, attr, ok := strings.Cut(arg.Text, ".")
		if !ok {
			return opaque(call, when)
		}
		return e.getAtt(id, attr, call, when)
	case arg.Kind == List && len(arg.Items) == 2 && arg.Items[0].Kind == String:
		var out []Outcome
		for _, o := range e.eval(arg.Items[1], when, depth) {
			attr, ok := o.Value.Known()
			if !ok {
				out = append(out, opaque(call, o.When)...)
				continue
			}
			out = append(out, e.getAtt(arg.Items[0].Text, attr, call, o.When)...)
		}
		return out
	}
	return opaque(call, when)
}

func (e *Evaluator) getAtt(id, attr string, call *Value, when Path) []Outcome {
	// SAM's `Fn.Alias.Arn` and `[Fn.Alias, Arn]`: an attribute of the
	// alias (or version) SAM generates.
	if alias, ok := e.samRef(id); ok {
		id = alias
	} else if head, rest, ok := strings.Cut(attr, "."); ok {
		if alias, ok := e.samRef(id + "." + head); ok {
			id, attr = alias, rest
		}
	}
	if r := e.t.Resource(id); r != nil {
		id = r.ID // a copy of a loop that is read once is the resource read (see ref)
	}
	return []Outcome{{Value: refValue(&Ref{Kind: RefAttr, Name: id, Attr: attr, Pos: call.Pos}, call.Pos), When: when}}
}
