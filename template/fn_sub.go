package template

import "strings"

// evalSub: `!Sub text` and `!Sub [text, {Var: value}]`. CloudFormation
// substitutes in one pass: a bound value that holds ${B} is not substituted
// again, ${!X} is the literal ${X}, ${Name.Attr} is a GetAtt and ${Name} a
// Ref unless a variable of the map binds it.
func evalSub(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	text, vars := arg, (*Value)(nil)
	if arg.Kind == List && len(arg.Items) > 0 {
		text = arg.Items[0]
		if len(arg.Items) > 1 {
			vars = arg.Items[1]
		}
		if len(arg.Items) > 2 || (vars != nil && vars.Kind != Map) {
			return opaque(call, when)
		}
	}
	if text.Kind != String {
		return opaque(call, when)
	}
	var names []string
	var values []*Value
	for _, f := range fieldsOf(vars) {
		names = append(names, f.Key)
		values = append(values, f.Value)
	}
	var out []Outcome
	for _, c := range e.args(values, when, depth) {
		bindings := make(map[string]*Value, len(names))
		for i, n := range names {
			bindings[n] = c.vals[i]
		}
		out = append(out, e.substitute(text.Text, bindings, call, c.when, depth)...)
	}
	return e.capOutcomes(out)
}

// segment is literal text, or the name of a ${...} placeholder.
type segment struct {
	text, name string
}

func subSegments(text string) []segment {
	var out []segment
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		inner := text[i+2 : i+j]
		out = append(out, segment{text: text[:i]})
		if strings.HasPrefix(inner, "!") {
			out = append(out, segment{text: "${" + inner[1:] + "}"})
		} else {
			out = append(out, segment{name: strings.TrimSpace(inner)})
		}
		text = text[i+j+1:]
	}
	return append(out, segment{text: text})
}

func (e *Evaluator) substitute(text string, vars map[string]*Value, call *Value, when Path, depth int) []Outcome {
	outs := []struct {
		parts []Part
		when  Path
	}{{when: when}}
	for _, s := range subSegments(text) {
		if s.name == "" {
			for i := range outs {
				outs[i].parts = append(outs[i].parts, Part{Text: s.text})
			}
			continue
		}
		var next = outs[:0:0]
		for _, o := range outs {
			var vals []Outcome
			if v, ok := vars[s.name]; ok {
				vals = []Outcome{{Value: v, When: o.when}}
			} else if _, sam := e.samRef(s.name); sam {
				vals = e.ref(s.name, call, o.when, depth)
			} else if id, attr, ok := strings.Cut(s.name, "."); ok && e.t.Parameters[s.name] == nil {
				vals = e.getAtt(id, attr, call, o.when)
			} else {
				vals = e.ref(s.name, call, o.when, depth)
			}
			for _, v := range vals {
				parts := o.parts[:len(o.parts):len(o.parts)]
				switch {
				case v.Value == nil: // AWS::NoValue in a Sub: CloudFormation rejects it
					parts = append(parts, Part{Ref: &Ref{Kind: RefOther, Name: s.name, Pos: call.Pos}})
				case v.Value.IsScalar():
					parts = append(parts, partsOf(v.Value)...)
				default: // a list or map in a string: CloudFormation rejects it
					parts = append(parts, Part{Ref: &Ref{Kind: RefOther, Name: s.name, Pos: call.Pos}})
				}
				next = append(next, struct {
					parts []Part
					when  Path
				}{parts, v.When})
			}
		}
		if len(next) > MaxAlternatives+1 {
			e.cut = true
			next = next[:MaxAlternatives+1]
		}
		outs = next
	}
	res := make([]Outcome, len(outs))
	for i, o := range outs {
		res[i] = Outcome{Value: stringOf(o.parts, call.Pos), When: o.when}
	}
	return res
}
