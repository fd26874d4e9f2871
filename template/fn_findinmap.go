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
	row := arg.Items[1]
	var out []Outcome
	for _, c := range e.args([]*Value{arg.Items[0], arg.Items[2]}, when, depth) {
		name, ok1 := c.vals[0].Known()
		key, ok2 := c.vals[1].Known()
		if !ok1 || !ok2 {
			out = append(out, opaque(call, c.when)...)
			continue
		}
		mapping := e.t.Mappings.Get(name)
		if r, given := e.givenRow(row); given {
			out = append(out, e.mapped(mapping.Get(r).Get(key), def, call, c.when, depth, true)...)
			continue
		}
		if rows, chosen, others := e.rows(row, mapping); chosen {
			for _, r := range rows {
				w, ok := c.when.with(Choice{Condition: Describe(row), Is: r, Value: true, Note: "Mappings row"})
				if !ok {
					continue
				}
				// A row without the key fails that deployment: nothing to judge.
				out = append(out, e.mapped(mapping.Get(r).Get(key), def, call, w, depth, false)...)
			}
			if others && def != nil {
				// A value that is no row written (another region) deploys
				// the DefaultValue.
				if w, ok := c.when.with(Choice{Condition: Describe(row), Is: otherRow, Value: true, Note: "no row of " + name + ", so the DefaultValue"}); ok {
					out = append(out, e.eval(def, w, depth)...)
				}
			}
			continue
		}
		for _, o := range e.eval(row, c.when, depth) {
			r, ok := o.Value.Known()
			if !ok {
				out = append(out, opaque(call, o.When)...)
				continue
			}
			out = append(out, e.mapped(mapping.Get(r).Get(key), def, call, o.When, depth, true)...)
		}
	}
	return e.capOutcomes(out)
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
	if e.Params && p.Default != nil {
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
