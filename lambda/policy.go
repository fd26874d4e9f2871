package lambda

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// policyOf reads a policy document written in a template: a map, a JSON
// string, or a JSON text built with Fn::Sub or Fn::Join. Fn::If inside it is
// read on every branch at once, so a statement wrong on any branch is seen. A
// document produced by another intrinsic (a Ref, an import) cannot be read
// here: that is a warning, as for a role defined elsewhere.
func (b *builder) policyOf(name, origin string, doc *template.Value) (p iam.Policy, probs []iam.Problem) {
	p = iam.Policy{Name: name, Pos: doc.Pos, Origin: origin}
	// A value with more combinations than are checked is not verified,
	// never passed.
	saved := b.cut
	b.cut = false
	defer func() {
		if b.cut {
			probs = append(probs, iam.Problem{Pos: doc.Pos, Severity: iam.Warning, Kind: iam.KindUnverified, Origin: origin, Message: fmt.Sprintf(
				"%s has a value with more than %d combinations of Fn::If branches, Mappings rows and parameter values; lambdagate checks every one and cannot check these, so its permissions are not verified. Use fewer combinations (one condition that combines the others with Fn::And/Fn::Or)", name, template.MaxAlternatives)})
		}
		b.cut = saved // said here, once, for every function that uses it
	}()

	for _, da := range b.unionAlts(doc) {
		d := da.Value
		texts, built, isText := b.jsonText(d)
		switch {
		case isText:
			for _, text := range texts {
				src, refs := jsonSource(text)
				parsed, err := iam.ParseJSON(name, []byte(src))
				if err != nil && refs != nil {
					// Say what is wrong as people read the text.
					if _, e := iam.ParseJSON(name, []byte(text.Text)); e != nil {
						err = e
					} else {
						err = errors.New(unmark(err.Error(), refs))
					}
				}
				switch {
				case err != nil && built:
					// `"Resource": ${Arns}`: valid once substituted, unreadable here.
					probs = append(probs, iam.Problem{Pos: d.Pos, Severity: iam.Warning, Kind: iam.KindUnverified,
						Message: name + " is JSON built by " + template.Describe(d) + " that cannot be read before deployment (" + strings.TrimPrefix(err.Error(), name+": ") + "), so its permissions cannot be verified here; write the document as a map"})
					continue
				case err != nil:
					probs = append(probs, iam.Problem{Pos: d.Pos, Severity: iam.Error, Message: name + ": " + strings.TrimPrefix(err.Error(), name+": ")})
					continue
				}
				for i := range parsed.Statements {
					setPos(&parsed.Statements[i], d, refs)
				}
				p.Statements = append(p.Statements, parsed.Statements...)
			}
		case d.Kind != template.Map:
			probs = append(probs, iam.Problem{Pos: d.Pos, Severity: iam.Error,
				Message: name + ": a policy document must be a map with Statement, not a " + d.Kind.String()})
		default:
			if _, _, ok := d.Intrinsic(); ok {
				probs = append(probs, iam.Problem{Pos: d.Pos, Severity: iam.Warning, Kind: iam.KindUnverified,
					Message: name + " is " + template.Describe(d) + ", which is known only at deployment, so its permissions cannot be verified here; write the document in the template, or run `lambdagate verify` after deployment"})
				continue
			}
			for _, sa := range b.unionAlts(d.Get("Statement")) {
				st := sa.Value
				if st.Kind != template.Map {
					probs = append(probs, iam.Problem{Pos: st.Pos, Severity: iam.Error,
						Message: name + ": a statement must be a map with Effect, Action and Resource"})
					continue
				}
				s := b.statementOf(st)
				// The branch it is on: `Statement: [!If [IsDev, {...}, ...]]`.
				if w, ok := da.When.Join(sa.When); ok {
					s.When = w.String()
				}
				p.Statements = append(p.Statements, s)
			}
		}
	}
	for i := range probs {
		probs[i].Origin = origin
	}
	return p, probs
}

// jsonText returns the texts a document written as a JSON string deploys
// as: a literal, or a JSON text an intrinsic builds (built), whose parts
// known only at deployment stay as ${...} in the text and are listed in refs.
func (b *builder) jsonText(d *template.Value) (texts []*template.Value, built, ok bool) {
	_, _, intrinsic := d.Intrinsic()
	if d.Kind != template.String && !intrinsic {
		return nil, false, false
	}
	for _, o := range b.ev.Eval(d) {
		if o.Value == nil || o.Value.Kind != template.String || o.Value.OnlyRef() != nil {
			return nil, false, false // a Ref to a document, an import: not text
		}
		texts = append(texts, o.Value)
		built = built || o.Value.Unknown()
	}
	return texts, built, len(texts) > 0
}

// jsonSource is the text of a JSON document an intrinsic builds, each part
// known only at deployment written as a marker that cannot occur in
// template text (\uE000 index \uE001), so that the strings that hold one
// are told from literals by what they hold, not by how they read.
func jsonSource(v *template.Value) (string, []*template.Ref) {
	if v.Parts == nil {
		return v.Text, nil
	}
	var text strings.Builder
	var refs []*template.Ref
	for _, p := range v.Parts {
		if p.Ref == nil {
			text.WriteString(p.Text)
			continue
		}
		fmt.Fprintf(&text, "\uE000%d\uE001", len(refs))
		refs = append(refs, p.Ref)
	}
	return text.String(), refs
}

// unmark writes a text of jsonSource's with each marker as the part it
// stands for (`${Table.Arn}`), for people.
func unmark(s string, refs []*template.Ref) string {
	if len(refs) == 0 {
		return s
	}
	for i, r := range refs {
		s = strings.ReplaceAll(s, fmt.Sprintf("\uE000%d\uE001", i), r.String())
	}
	return s
}

// setPos places a statement read from JSON text on the text's value; a
// string that holds a part known only at deployment is not a literal.
func setPos(s *iam.Statement, at *template.Value, refs []*template.Ref) {
	s.Pos = at.Pos
	mark := func(x *iam.Str) {
		x.Pos = at.Pos
		if strings.ContainsRune(x.Value, '\uE000') {
			x.Shape = x.Value
			for i := range refs {
				x.Shape = strings.ReplaceAll(x.Shape, fmt.Sprintf("\uE000%d\uE001", i), "\x00")
			}
			x.Value, x.Intrinsic = unmark(x.Value, refs), true
		}
	}
	for _, l := range [][]iam.Str{s.Action, s.NotAction, s.Resource, s.NotResource} {
		for i := range l {
			mark(&l[i])
		}
	}
	for i := range s.Principal {
		mark(&s.Principal[i].Value)
	}
	mark(&s.Effect)
	s.NotActionPos, s.NotResourcePos = at.Pos, at.Pos
}

func (b *builder) statementOf(v *template.Value) iam.Statement {
	s := iam.Statement{Pos: v.Pos}
	if sid := v.Get("Sid"); sid != nil {
		s.Sid = sid.Text
	}
	if e := v.Get("Effect"); e != nil {
		s.Effect = b.effectOf(e)
	}
	s.Action = b.strsOf(v.Get("Action"))
	s.Resource = b.strsOf(v.Get("Resource"))
	if f, ok := v.Field("NotAction"); ok {
		s.HasNotAction, s.NotActionPos, s.NotAction = true, f.KeyPos, b.strsOf(f.Value)
	}
	if f, ok := v.Field("NotResource"); ok {
		s.HasNotResource, s.NotResourcePos, s.NotResource = true, f.KeyPos, b.strsOf(f.Value)
	}
	s.HasCondition = b.conditional(v.Get("Condition"))
	for _, pr := range b.union(v.Get("Principal")) {
		// `Principal: !If [Open, "*", {Service: lambda.amazonaws.com}]`: every branch.
		_, _, intrinsic := pr.Intrinsic()
		switch {
		case pr.IsScalar():
			for _, x := range b.strsOf(pr) {
				s.Principal = append(s.Principal, iam.Principal{Kind: "*", Value: x})
			}
		case intrinsic:
			// A whole principal known only at deploy time, on every value
			// it can deploy as: whoever it is.
			for _, x := range b.strsOf(pr) {
				s.Principal = append(s.Principal, iam.Principal{Kind: "AWS", Value: x})
			}
		default:
			for _, f := range pr.Fields {
				for _, x := range b.strsOf(f.Value) {
					s.Principal = append(s.Principal, iam.Principal{Kind: f.Key, Value: x})
				}
			}
		}
	}
	return s
}

// conditional reports whether a statement's Condition limits it on every
// value it deploys as: `Condition: !If [HasOrg, {...}, !Ref AWS::NoValue]`
// does not when HasOrg is false, and neither does `{StringEquals: !If [C,
// {...}, !Ref AWS::NoValue]}`, whose only operator is gone then.
func (b *builder) conditional(c *template.Value) bool {
	if c == nil {
		return false
	}
	outs := b.outcomes(b.ev, c)
	for _, o := range outs {
		if !limits(o.Value) {
			return false
		}
	}
	return len(outs) > 0
}

// limits reports whether an evaluated Condition block holds an operator
// with a condition key: `{}`, and an operator whose keys are all gone,
// limit nothing.
func limits(c *template.Value) bool {
	if c == nil {
		return false
	}
	if c.Kind != template.Map {
		return true // known only at deployment: it may limit
	}
	for _, op := range c.Fields {
		if op.Value == nil {
			continue
		}
		if op.Value.Kind != template.Map || len(op.Value.Fields) > 0 {
			return true
		}
	}
	return false
}

// strsOf reads the strings a policy element deploys as, on every branch at
// once: `!FindInMap` to a list, `!Split` of a literal, a list parameter and
// a Mappings row chosen at deployment give their items, reported at the
// call (a Mappings row may serve many).
func (b *builder) strsOf(v *template.Value) []iam.Str {
	var out []iam.Str
	for _, it := range b.unionItems(v) {
		for _, x := range b.strings(it) {
			out = append(out, iamStr(x, it.Pos))
		}
	}
	return out
}

// outcomes is ev.Eval without the branches that cannot hold where the
// resource being read exists, each with the choices that existence already
// implies dropped; an evaluation cut at the budget is recorded (b.cut), so
// that it is reported as not verified rather than passed.
func (b *builder) outcomes(ev *template.Evaluator, v *template.Value) []template.Outcome {
	var out []template.Outcome
	for _, o := range ev.Eval(v) {
		b.cut = b.cut || o.Truncated
		if w, ok := b.cev.Reduce(o.When, b.deployed...); ok {
			o.When = w
			out = append(out, o)
		}
	}
	return out
}

// strings is Evaluator.Strings without the values of branches that cannot
// hold where the resource being read exists.
func (b *builder) strings(v *template.Value) []*template.Value {
	var out []*template.Value
	for _, o := range b.outcomes(b.ev, v) {
		if o.Value == nil {
			continue
		}
		if o.Value.Kind == template.List {
			for _, it := range o.Value.Items {
				if it != nil {
					out = append(out, it)
				}
			}
			continue
		}
		out = append(out, o.Value)
	}
	return out
}

// iamStr is an evaluated string as the policy analysis reads it.
func iamStr(v *template.Value, pos source.Pos) iam.Str {
	if !v.IsScalar() {
		return iam.Str{Value: template.Describe(v), Intrinsic: true, Pos: pos}
	}
	s := iam.Str{Value: v.Text, Intrinsic: v.Unknown(), Pos: pos}
	if s.Intrinsic {
		var shape strings.Builder
		for _, p := range v.Parts {
			if p.Ref != nil {
				shape.WriteByte(0)
				continue
			}
			shape.WriteString(p.Text)
		}
		s.Shape = shape.String()
	}
	return s
}

// effectOf reads a statement's Effect on every value it can deploy as: it
// is an Allow when any of them is (`!Ref E` with AllowedValues [Deny,
// Allow], a Mappings row), or one known only at deployment.
func (b *builder) effectOf(v *template.Value) iam.Str {
	xs := b.strsOf(v)
	for _, x := range xs {
		if x.Value == "Allow" && !x.Intrinsic {
			return x
		}
	}
	for _, x := range xs {
		if x.Intrinsic {
			return x
		}
	}
	if len(xs) > 0 {
		return xs[0]
	}
	return iam.Str{Value: template.Describe(v), Intrinsic: true, Pos: v.Pos}
}

// literal returns the string v deploys as when the template says it: a
// scalar, an intrinsic with written-out arguments (`!Select [0, ["*"]]` is
// "*"), or a parameter's given or default value (`!Ref Res` defaulting to
// "*" deploys "*").
func (b *builder) literal(v *template.Value) (string, bool) {
	if one := b.ev.One(v); one != nil {
		return one.Known()
	}
	return "", false
}
