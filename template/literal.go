package template

// Fold returns the value an intrinsic function evaluates to when its
// arguments are all written out (`!Sub ""`, `!Join ["", [Pass, Through]]`,
// `!Select [1, [a, b]]`, `!FindInMap [M, K, V]` with literal keys), with the
// position of the call. Anything that depends on the deployment (a Ref, a
// GetAtt, a parameter, an Fn::If) is not folded: ok is false. A value that
// is not an intrinsic is returned as it is, ok when it is a scalar or a list.
func (t *Template) Fold(v *Value) (*Value, bool) {
	if v == nil {
		return nil, false
	}
	if _, _, ok := v.Intrinsic(); !ok {
		return v, v.IsScalar() || v.Kind == List
	}
	outs := t.plainEvaluator().Eval(v)
	if len(outs) != 1 || len(outs[0].When) > 0 || outs[0].Value == nil || !known(outs[0].Value) {
		return nil, false
	}
	c := *outs[0].Value
	c.Pos = v.Pos // the finding belongs on the call, not in Mappings
	c.Parts = nil
	return &c, true
}

// known reports whether a value evaluated holds nothing known only at
// deployment.
func known(v *Value) bool {
	if v == nil {
		return true
	}
	if v.Unknown() {
		return false
	}
	if _, _, ok := v.Intrinsic(); ok {
		return false
	}
	for _, it := range v.Items {
		if !known(it) {
			return false
		}
	}
	for _, f := range v.Fields {
		if !known(f.Value) {
			return false
		}
	}
	return true
}
