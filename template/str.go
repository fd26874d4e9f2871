package template

import (
	"strings"

	"github.com/lambdagate/lambdagate/source"
)

// RefKind says where a part known only at deployment comes from.
type RefKind int

// The sources of a value known only at deployment.
const (
	RefParam    RefKind = iota + 1 // a parameter with neither a given value nor a default
	RefResource                    // Ref to a resource: its physical id (a role's name, a function's name)
	RefAttr                        // Fn::GetAtt of a resource
	RefPseudo                      // a pseudo parameter: AWS::AccountId, AWS::Region, ...
	RefImport                      // Fn::ImportValue
	RefDynamic                     // a dynamic reference: {{resolve:ssm:...}}
	RefOther                       // anything else lambdagate does not evaluate (Fn::GetAZs, Fn::Cidr, a Transform)
)

// Ref is a part of a value known only at deployment, named by its source.
type Ref struct {
	Kind RefKind
	// Name is the parameter, the resource's logical id, the pseudo
	// parameter, the export's name, or the dynamic reference as written.
	Name string
	Attr string // the attribute of a GetAtt ("Arn")
	// Stored is set on a parameter of an AWS::SSM::Parameter::Value type,
	// whose value is read from SSM Parameter Store at deployment.
	Stored bool
	Pos    source.Pos
}

// String renders the reference as Fn::Sub would write it, for messages and
// for the text of a value that holds it: ${Role.Arn}, ${AWS::AccountId}.
func (r *Ref) String() string {
	switch r.Kind {
	case RefAttr:
		return "${" + r.Name + "." + r.Attr + "}"
	case RefImport:
		return "${!ImportValue " + r.Name + "}"
	case RefDynamic:
		return r.Name
	case RefOther:
		return "${" + r.Name + "}"
	}
	return "${" + r.Name + "}"
}

// Service is, for a dynamic reference, the service it resolves from
// (secretsmanager, ssm, ssm-secure); "" for any other reference.
func (r *Ref) Service() string {
	if r.Kind != RefDynamic {
		return ""
	}
	rest, _ := strings.CutPrefix(r.Name, "{{resolve:")
	service, _, _ := strings.Cut(rest, ":")
	return service
}

// Why says, for a message, why the reference is known only at deployment.
func (r *Ref) Why() string {
	switch r.Kind {
	case RefParam:
		if r.Stored {
			return "parameter " + r.Name + " is read from SSM Parameter Store at deployment"
		}
		return "parameter " + r.Name + " has no default"
	case RefImport:
		return "it is imported (!ImportValue " + r.Name + ")"
	case RefDynamic:
		return "it is a dynamic reference (" + r.Name + ")"
	}
	return ""
}

// Part is one piece of a string: literal text, or a reference known only at
// deployment.
type Part struct {
	Text string
	Ref  *Ref
	// Param is set on text that a parameter gives (its configured value or
	// its default), so a reader can still say where it came from.
	Param string
}

// Known reports whether a string value is known before deployment, and its
// text. A value that is not a string is not.
func (v *Value) Known() (string, bool) {
	if v == nil || !v.IsScalar() || v.Unknown() {
		return "", false
	}
	return v.Text, true
}

// Unknown reports whether the value (a string) holds a part known only at
// deployment.
func (v *Value) Unknown() bool {
	for _, p := range v.Parts {
		if p.Ref != nil {
			return true
		}
	}
	return false
}

// Refs lists the references a string value holds.
func (v *Value) Refs() []*Ref {
	var out []*Ref
	for _, p := range v.Parts {
		if p.Ref != nil {
			out = append(out, p.Ref)
		}
	}
	return out
}

// OnlyRef returns the reference when the value is exactly one reference and
// nothing around it (`!GetAtt R.Arn`, `!Sub "${R}"`), or nil.
func (v *Value) OnlyRef() *Ref {
	if v == nil || v.Kind != String {
		return nil
	}
	var ref *Ref
	for _, p := range v.Parts {
		switch {
		case p.Ref != nil && ref == nil:
			ref = p.Ref
		case p.Ref != nil, p.Text != "":
			return nil
		}
	}
	return ref
}

// maxText bounds the strings the evaluator builds.
const maxText = 1 << 20

// stringOf builds a string value from parts, merging neighbouring texts.
func stringOf(parts []Part, pos source.Pos) *Value {
	var merged []Part
	unknown := false
	for _, p := range parts {
		if p.Ref == nil && p.Text == "" {
			continue
		}
		if n := len(merged); n > 0 && p.Ref == nil && merged[n-1].Ref == nil && merged[n-1].Param == "" && p.Param == "" {
			merged[n-1].Text += p.Text
			continue
		}
		merged = append(merged, p)
		unknown = unknown || p.Ref != nil
	}
	merged, dyn := dynamicParts(merged, pos)
	unknown = unknown || dyn
	var b strings.Builder
	for _, p := range merged {
		if p.Ref != nil {
			b.WriteString(p.Ref.String())
		} else {
			b.WriteString(p.Text)
		}
	}
	if b.Len() > maxText {
		// Nested Base64 or Joins of themselves grow without bound: past a
		// size no template writes, the text is not built.
		return &Value{Kind: String, Text: "${a text of more than 1 MB}", Pos: pos,
			Parts: []Part{{Ref: &Ref{Kind: RefOther, Name: "a text of more than 1 MB", Pos: pos}}}}
	}
	v := &Value{Kind: String, Text: b.String(), Pos: pos}
	if unknown || (len(merged) == 1 && merged[0].Param != "") {
		v.Parts = merged
	}
	return v
}

// partsOf returns a string value's parts (one text part when it is known).
func partsOf(v *Value) []Part {
	if v.Parts != nil {
		return v.Parts
	}
	return []Part{{Text: v.Text}}
}

// refValue is a value known only at deployment, standing for a whole value.
func refValue(r *Ref, pos source.Pos) *Value {
	if r.Pos == (source.Pos{}) {
		r.Pos = pos
	}
	return stringOf([]Part{{Ref: r}}, pos)
}

// FromParam returns the parameter a string value's text comes from, when
// the whole value is a parameter's value.
func (v *Value) FromParam() string {
	if v != nil && len(v.Parts) == 1 && v.Parts[0].Ref == nil {
		return v.Parts[0].Param
	}
	return ""
}

// AllRefs lists the references an evaluated value holds, at any depth.
func (v *Value) AllRefs() []*Ref {
	if v == nil {
		return nil
	}
	out := v.Refs()
	for _, it := range v.Items {
		out = append(out, it.AllRefs()...)
	}
	for _, f := range v.Fields {
		out = append(out, f.Value.AllRefs()...)
	}
	return out
}

// dynamicParts makes each {{resolve:...}} in a built string a RefDynamic:
// CloudFormation resolves dynamic references after the intrinsic functions,
// so `!Sub "{{resolve:ssm:/${Env}/key}}"` deploys what is stored there. A
// reference may take in parts known only at deployment (its name then holds
// them as ${...}).
func dynamicParts(parts []Part, pos source.Pos) ([]Part, bool) {
	found := false
	for _, p := range parts {
		if p.Ref == nil && strings.Contains(p.Text, "{{resolve:") {
			found = true
		}
	}
	if !found {
		return parts, false
	}
	var out []Part
	var name strings.Builder // the reference being read, when inside one
	inside := false
	text := func(t string, param string) {
		for t != "" {
			if !inside {
				i := strings.Index(t, "{{resolve:")
				if i < 0 {
					out = append(out, Part{Text: t, Param: param})
					return
				}
				if i > 0 {
					out = append(out, Part{Text: t[:i], Param: param})
				}
				inside = true
				name.Reset()
				t = t[i:]
			}
			j := strings.Index(t, "}}")
			if j < 0 {
				name.WriteString(t)
				return
			}
			name.WriteString(t[:j+2])
			out = append(out, Part{Ref: &Ref{Kind: RefDynamic, Name: name.String(), Pos: pos}})
			inside = false
			t = t[j+2:]
		}
	}
	for _, p := range parts {
		switch {
		case p.Ref == nil:
			text(p.Text, p.Param)
		case inside:
			name.WriteString(p.Ref.String())
		default:
			out = append(out, p)
		}
	}
	if inside { // no closing }}: not a dynamic reference after all
		out = append(out, Part{Text: name.String()})
	}
	return out, true
}
