package template

// evalFindInMap: `!FindInMap [Map, Row, Key]`, with AWS::LanguageExtensions'
// `{DefaultValue: x}` as a fourth argument. A row chosen at deployment
// (`!Ref Stage` with no configured value) is read on every row it can
// choose: the parameter's AllowedValues, else every row of the map, each
// under its choice. Mappings hold written-out values only: CloudFormation
// rejects an intrinsic there, and following one could loop (a row that looks
// itself up) or grow without bound, so none is followed.
func evalFindInMap(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	if arg.Kind != List || len(arg.Items) < 3 || len(arg.Items) > 4 {
		return opaque(call, when)
	}
	var def *Value
	if len(arg.Items) == 4 {
		def = arg.Items[3].Get("DefaultValue")
	}
	var out []Outcome
	for _, c := range e.args([]*Value{arg.Items[0]}, when, depth) {
		name, ok := c.vals[0].Known()
		if !ok {
			out = append(out, opaque(call, c.when)...)
			continue
		}
		mapping := e.t.Mappings.Get(name)
		for _, r := range e.picks(arg.Items[1], mapping, "Mappings row", "no row of "+name, c.when, depth) {
			switch {
			case r.unknown:
				out = append(out, opaque(call, r.when)...)
				continue
			case r.other:
				if def != nil {
					out = append(out, e.eval(def, r.when, depth)...)
				}
				continue
			}
			row := mapping.Get(r.text)
			for _, k := range e.picks(arg.Items[2], row, "parameter value", "no such key in "+name+"."+r.text, r.when, depth) {
				switch {
				case k.unknown:
					out = append(out, opaque(call, k.when)...)
				case k.other:
					if def != nil {
						out = append(out, e.eval(def, k.when, depth)...)
					}
				default:
					// A row or key chosen at deployment that is not written
					// fails that deployment: nothing to judge. One written
					// as the argument and missing is opaque.
					out = append(out, e.mapped(row.Get(k.text), def, call, k.when, depth, !r.chosen && !k.chosen)...)
				}
			}
		}
	}
	return e.capOutcomes(out)
}

// pick is one value a row or key argument of Fn::FindInMap takes.
type pick struct {
	text    string
	when    Path
	chosen  bool // one of the values a parameter chosen at deployment can take
	other   bool // a value chosen at deployment that is none of those written: the DefaultValue
	unknown bool // known only at deployment, and not one of a set
}

// picks lists the values a row or key argument takes in the map m (a
// mapping, or one of its rows): a configured parameter's value; every key
// of m (or the parameter's AllowedValues) for one chosen at deployment
// (`!Ref Stage`, `!Ref AWS::Region`), each under its choice; else what the
// argument evaluates to.
func (e *Evaluator) picks(arg, m *Value, note, otherNote string, when Path, depth int) []pick {
	if v, given := e.givenRow(arg); given {
		return []pick{{text: v, when: when}}
	}
	if vals, chosen, others := e.rows(arg, m); chosen {
		var out []pick
		for _, v := range vals {
			if w, ok := when.with(Choice{Condition: Describe(arg), Is: v, Value: true, Note: note}); ok {
				out = append(out, pick{text: v, when: w, chosen: true})
			}
		}
		if others {
			// Another region, or a value no row is written for.
			if w, ok := when.with(Choice{Condition: Describe(arg), Is: otherRow, Value: true, Note: otherNote + ", so the DefaultValue"}); ok {
				out = append(out, pick{when: w, other: true})
			}
		}
		return out
	}
	var out []pick
	for _, o := range e.eval(arg, when, depth) {
		text, ok := o.Value.Known()
		out = append(out, pick{text: text, when: o.When, unknown: !ok})
	}
	return out
}

// otherRow is the value of a row chosen at deployment that is none of the
// rows written.
const otherRow = "another value"

// givenRow returns the row a configured parameter value chooses.
func (e *Evaluator) givenRow(row *Value) (string, bool) {
	name, arg, ok := row.Intrinsic()
	if !ok || name != "Ref" || arg.Kind != String || e.t.Parameters[arg.Text] == nil {
		return "", false
	}
	v, ok := e.Given[arg.Text]
	return v, ok
}

// rows lists the rows a row argument chosen at deployment can pick, or
// reports false when the row is not chosen that way; others reports that
// it can also be a value that is no row (then a DefaultValue deploys).
func (e *Evaluator) rows(row, mapping *Value) (rows []string, chosen, others bool) {
	name, arg, ok := row.Intrinsic()
	if !ok || name != "Ref" || arg.Kind != String || mapping == nil || mapping.Kind != Map {
		return nil, false, false
	}
	if pseudoParameters[arg.Text] {
		return mapping.Keys(), true, true // `!Ref AWS::Region`: a row per region written
	}
	p := e.t.Parameters[arg.Text]
	if p == nil {
		return nil, false, false
	}
	if e.Params && p.Default != nil && !(e.Allowed && len(p.Allowed) > 0) {
		return nil, false, false // the default's row, as !Ref reads it
	}
	if len(p.Allowed) > 0 {
		return p.Allowed, true, false
	}
	return mapping.Keys(), true, true
}

// mapped is the value found in Mappings, or the DefaultValue.
func (e *Evaluator) mapped(v, def, call *Value, when Path, depth int, missingIsOpaque bool) []Outcome {
	if v == nil && def != nil {
		return e.eval(def, when, depth)
	}
	if _, _, intrinsic := v.Intrinsic(); v == nil || intrinsic {
		if missingIsOpaque || v != nil {
			return opaque(call, when)
		}
		return nil
	}
	c := *v
	c.Pos = call.Pos // the finding belongs on the call, not in Mappings
	return []Outcome{{Value: &c, When: when}}
}
