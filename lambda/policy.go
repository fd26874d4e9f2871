package lambda

import (
	"strings"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/template"
)

// policyOf reads a policy document written in a template. Fn::If inside it is
// read on every branch at once, so a statement wrong on any branch is seen.
func policyOf(name string, doc *template.Value) (iam.Policy, []iam.Problem) {
	p := iam.Policy{Name: name, Pos: doc.Pos}
	if doc.Kind == template.String {
		// A document written as a JSON string.
		parsed, err := iam.ParseJSON(name, []byte(doc.Text))
		if err != nil {
			return p, []iam.Problem{{Pos: doc.Pos, Severity: iam.Error, Message: name + ": " + err.Error()}}
		}
		for i := range parsed.Statements {
			setPos(&parsed.Statements[i], doc)
		}
		parsed.Pos = doc.Pos
		return parsed, nil
	}
	var probs []iam.Problem
	for _, d := range unionItems(doc) {
		if d.Kind != template.Map {
			continue
		}
		for _, st := range unionItems(d.Get("Statement")) {
			if st.Kind != template.Map {
				probs = append(probs, iam.Problem{Pos: st.Pos, Severity: iam.Error,
					Message: name + ": a statement must be a map with Effect, Action and Resource"})
				continue
			}
			p.Statements = append(p.Statements, statementOf(st))
		}
	}
	return p, probs
}

func setPos(s *iam.Statement, at *template.Value) {
	s.Pos = at.Pos
	for _, l := range [][]iam.Str{s.Action, s.NotAction, s.Resource, s.NotResource} {
		for i := range l {
			l[i].Pos = at.Pos
		}
	}
	s.Effect.Pos = at.Pos
	s.NotActionPos, s.NotResourcePos = at.Pos, at.Pos
}

func statementOf(v *template.Value) iam.Statement {
	s := iam.Statement{Pos: v.Pos}
	if sid := v.Get("Sid"); sid != nil {
		s.Sid = sid.Text
	}
	if e := v.Get("Effect"); e != nil {
		s.Effect = strOf(e)
	}
	s.Action = strsOf(v.Get("Action"))
	s.Resource = strsOf(v.Get("Resource"))
	if f, ok := v.Field("NotAction"); ok {
		s.HasNotAction, s.NotActionPos, s.NotAction = true, f.KeyPos, strsOf(f.Value)
	}
	if f, ok := v.Field("NotResource"); ok {
		s.HasNotResource, s.NotResourcePos, s.NotResource = true, f.KeyPos, strsOf(f.Value)
	}
	s.HasCondition = v.Get("Condition") != nil
	if pr := v.Get("Principal"); pr != nil {
		if pr.IsScalar() {
			s.Principal = append(s.Principal, iam.Principal{Kind: "*", Value: strOf(pr)})
		}
		for _, f := range fieldsOf(pr) {
			for _, x := range strsOf(f.Value) {
				s.Principal = append(s.Principal, iam.Principal{Kind: f.Key, Value: x})
			}
		}
	}
	return s
}

func strsOf(v *template.Value) []iam.Str {
	var out []iam.Str
	for _, it := range unionItems(v) {
		out = append(out, strOf(it))
	}
	return out
}

// strOf reads a string; an intrinsic keeps a text form that still shows its
// literal parts, so `!Sub arn:aws:s3:::${B}/*` is seen as scoped to a bucket.
func strOf(v *template.Value) iam.Str {
	s := iam.Str{Value: v.Text, Pos: v.Pos}
	if name, arg, ok := v.Intrinsic(); ok {
		s.Intrinsic = true
		switch name {
		case "Fn::Sub":
			s.Value = subText(arg)
		case "Fn::Join":
			s.Value = joinText(arg)
		default:
			s.Value = template.Describe(v)
		}
	}
	return s
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
