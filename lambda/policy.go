package lambda

import (
	"strings"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/template"
)

// policyOf reads a policy document written in a template: a map, a JSON
// string, or a JSON text built with Fn::Sub or Fn::Join. Fn::If inside it is
// read on every branch at once, so a statement wrong on any branch is seen. A
// document produced by another intrinsic (a Ref, an import) cannot be read
// here: that is a warning, as for a role defined elsewhere.
func (b *builder) policyOf(name, origin string, doc *template.Value) (iam.Policy, []iam.Problem) {
	p := iam.Policy{Name: name, Pos: doc.Pos, Origin: origin}
	var probs []iam.Problem

	for _, d := range unionItems(doc) {
		text, built, isText := b.jsonText(d)
		switch {
		case isText:
			parsed, err := iam.ParseJSON(name, []byte(text))
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
				setPos(&parsed.Statements[i], d, built)
			}
			p.Statements = append(p.Statements, parsed.Statements...)
		case d.Kind != template.Map:
			probs = append(probs, iam.Problem{Pos: d.Pos, Severity: iam.Error,
				Message: name + ": a policy document must be a map with Statement, not a " + d.Kind.String()})
		default:
			if _, _, ok := d.Intrinsic(); ok {
				probs = append(probs, iam.Problem{Pos: d.Pos, Severity: iam.Warning, Kind: iam.KindUnverified,
					Message: name + " is " + template.Describe(d) + ", which is known only at deployment, so its permissions cannot be verified here; write the document in the template, or run `lambdagate verify` after deployment"})
				continue
			}
			for _, st := range unionItems(d.Get("Statement")) {
				if st.Kind != template.Map {
					probs = append(probs, iam.Problem{Pos: st.Pos, Severity: iam.Error,
						Message: name + ": a statement must be a map with Effect, Action and Resource"})
					continue
				}
				p.Statements = append(p.Statements, b.statementOf(st))
			}
		}
	}
	for i := range probs {
		probs[i].Origin = origin
	}
	return p, probs
}

// jsonText returns the text of a document written as a JSON string, or
// (built) as a JSON text that Fn::Sub or Fn::Join builds, whose ${...} stay
// in the text.
func (b *builder) jsonText(d *template.Value) (text string, built, ok bool) {
	if f, ok := b.t.Fold(d); ok && f.Kind == template.String {
		return f.Text, false, true
	}
	name, arg, ok := d.Intrinsic()
	switch {
	case !ok:
		return "", false, false
	case name == "Fn::Sub":
		return subText(arg), true, true
	case name == "Fn::Join":
		return joinText(arg), true, true
	}
	return "", false, false
}

// setPos places a statement read from JSON text on the text's value; in a
// built text, a string with ${...} is known only at deployment.
func setPos(s *iam.Statement, at *template.Value, built bool) {
	s.Pos = at.Pos
	for _, l := range [][]iam.Str{s.Action, s.NotAction, s.Resource, s.NotResource} {
		for i := range l {
			l[i].Pos = at.Pos
			l[i].Intrinsic = built && strings.Contains(l[i].Value, "${")
		}
	}
	s.Effect.Pos = at.Pos
	s.NotActionPos, s.NotResourcePos = at.Pos, at.Pos
}

func (b *builder) statementOf(v *template.Value) iam.Statement {
	s := iam.Statement{Pos: v.Pos}
	if sid := v.Get("Sid"); sid != nil {
		s.Sid = sid.Text
	}
	if e := v.Get("Effect"); e != nil {
		s.Effect = b.strOf(e)
	}
	s.Action = b.strsOf(v.Get("Action"))
	s.Resource = b.strsOf(v.Get("Resource"))
	if f, ok := v.Field("NotAction"); ok {
		s.HasNotAction, s.NotActionPos, s.NotAction = true, f.KeyPos, b.strsOf(f.Value)
	}
	if f, ok := v.Field("NotResource"); ok {
		s.HasNotResource, s.NotResourcePos, s.NotResource = true, f.KeyPos, b.strsOf(f.Value)
	}
	s.HasCondition = conditional(v.Get("Condition"))
	for _, pr := range template.Leaves(v.Get("Principal")) {
		// `Principal: !If [Open, "*", {Service: lambda.amazonaws.com}]`: every branch.
		_, _, intrinsic := pr.Intrinsic()
		switch {
		case pr.IsScalar():
			s.Principal = append(s.Principal, iam.Principal{Kind: "*", Value: b.strOf(pr)})
		case intrinsic:
			// A whole principal known only at deploy time: whoever it is.
			s.Principal = append(s.Principal, iam.Principal{Kind: "AWS", Value: b.strOf(pr)})
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
// branch: `Condition: !If [HasOrg, {...}, !Ref AWS::NoValue]` does not, when
// HasOrg is false.
func conditional(c *template.Value) bool {
	alts := template.Alternatives(c)
	for _, a := range alts {
		if a.Value == nil || (a.Value.Kind == template.Map && len(a.Value.Fields) == 0) || a.Truncated {
			return false
		}
	}
	return len(alts) > 0
}

func (b *builder) strsOf(v *template.Value) []iam.Str {
	var out []iam.Str
	for _, it := range unionItems(v) {
		if f, ok := b.t.Fold(it); ok && f.Kind == template.List && f != it {
			// `!FindInMap` to a list, `!Split` of a literal: its items,
			// reported at the call (the Mappings row may serve many).
			for _, x := range b.strsOf(f) {
				x.Pos = it.Pos
				out = append(out, x)
			}
			continue
		}
		if rows := b.mapRows(template.Found{Alt: template.Alt{Value: it}}); rows[0].row != "" {
			// `!FindInMap [Perms, !Ref Stage, Actions]`: what every row grants.
			for _, r := range rows {
				for _, x := range b.strsOf(r.Value) {
					x.Pos = it.Pos
					out = append(out, x)
				}
			}
			continue
		}
		if p, val, ok := b.paramValue(it); ok && p.List {
			for _, x := range splitList(val) {
				out = append(out, iam.Str{Value: x, Pos: it.Pos})
			}
			continue
		}
		out = append(out, b.strOf(it))
	}
	return out
}

// paramValue returns the value a Ref to a parameter deploys with: the one
// the configuration gives, or else the default.
func (b *builder) paramValue(v *template.Value) (*Param, string, bool) {
	p := b.param(v)
	switch {
	case p == nil:
		return nil, "", false
	case p.Given:
		return p, p.Value, true
	case p.HasDefault:
		return p, p.Default, true
	}
	return p, "", false
}

// strOf reads a string; an intrinsic keeps a text form that still shows its
// literal parts, so `!Sub arn:aws:s3:::${B}/*` is seen as scoped to a bucket.
func (b *builder) strOf(v *template.Value) iam.Str {
	if text, ok := b.literal(v); ok {
		return iam.Str{Value: text, Pos: v.Pos}
	}
	s := iam.Str{Value: v.Text, Pos: v.Pos}
	if name, arg, ok := v.Intrinsic(); ok {
		s.Intrinsic = true
		switch name {
		case "Fn::Sub":
			s.Value = subText(arg)
			s.Intrinsic = strings.Contains(s.Value, "${") // `!Sub "*"` is the literal "*"
		case "Fn::Join":
			s.Value = joinText(arg)
			s.Intrinsic = strings.Contains(s.Value, "${")
		default:
			s.Value = template.Describe(v)
		}
	}
	return s
}

// literal returns the string v deploys as when the template says it: a
// scalar, an intrinsic with written-out arguments (`!Select [0, ["*"]]` is
// "*"), or a parameter's given or default value (`!Ref Res` defaulting to
// "*" deploys "*").
func (b *builder) literal(v *template.Value) (string, bool) {
	if f, ok := b.t.Fold(v); ok && f.IsScalar() {
		return f.Text, true
	}
	if _, val, ok := b.paramValue(v); ok {
		return val, true
	}
	return "", false
}

// subText is the template string of a Fn::Sub.
func subText(arg *template.Value) string {
	if arg.Kind == template.List && len(arg.Items) > 0 {
		return arg.Items[0].Text
	}
	return arg.Text
}

// joinText renders a Fn::Join with its literal parts and ${...} for the rest.
func joinText(arg *template.Value) string {
	if arg.Kind != template.List || len(arg.Items) != 2 || arg.Items[1].Kind != template.List {
		return template.Describe(arg)
	}
	parts := make([]string, len(arg.Items[1].Items))
	for i, it := range arg.Items[1].Items {
		if it.IsScalar() {
			parts[i] = it.Text
		} else {
			parts[i] = "${" + template.Describe(it) + "}"
		}
	}
	return strings.Join(parts, arg.Items[0].Text)
}
