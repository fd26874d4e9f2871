package template

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/source"
)

// Template is a parsed CloudFormation or SAM template.
type Template struct {
	File       string
	Root       *Value
	Resources  []*Resource // in source order
	Parameters map[string]*Parameter
	Conditions map[string]*Value
	Mappings   *Value
	// Globals is the SAM `Globals.Function` map, or nil.
	Globals *Value
	// SAM is true when the template declares the AWS::Serverless transform.
	SAM bool
	// Problems are errors that do not stop the scan: duplicate keys, unknown
	// tags, malformed sections.
	Problems []*Error

	byID         map[string]*Resource
	copies       map[string]*Resource   // logical ids of Fn::ForEach copies read as one resource
	loopBudget   int                    // values Fn::ForEach copies may still hold
	loopCopies   int                    // copies Fn::ForEach may still make
	byType       map[string][]*Resource // in source order
	globalValues map[*Value]bool
	plain        *Evaluator // no configured values: for Template's own Reduce, CanExist, Generated
}

// Resource is one entry of the Resources section.
type Resource struct {
	ID         string
	Pos        source.Pos // the logical id
	Type       string
	Properties *Value // nil when absent
	Metadata   *Value
	Condition  string
	// IgnoreGlobals is SAM's resource attribute: "*" or a list of property names.
	IgnoreGlobals *Value
	Node          *Value
	// Loop is the Fn::ForEach::Name that made this copy, or "".
	Loop string

	order int // in Template.Resources
}

// Parameter is one entry of the Parameters section.
type Parameter struct {
	Name    string
	Pos     source.Pos
	Type    string
	Default *Value // nil when there is none
	// Constrained reports a constraint that forbids the empty value
	// (AllowedPattern, MinLength >= 1, AllowedValues without "").
	Constrained bool
	// Allowed are the AllowedValues, when given.
	Allowed []string
	// Stored is set for the AWS::SSM::Parameter::Value<...> types: the
	// default or the given value names an SSM parameter, whose value, read
	// at deployment, is what the stack deploys.
	Stored bool
}

// Resource returns the resource with the given logical id, or nil. The id of
// a copy an Fn::ForEach makes leads to the resource read for it, which may
// stand for every copy (see foreach.go).
func (t *Template) Resource(id string) *Resource {
	if r, ok := t.byID[id]; ok {
		return r
	}
	return t.copies[id]
}

// ResourcesOfType lists the resources of one of the given types, in source
// order. It costs the number of resources found, not the number in the
// template: the checks call it for every function.
func (t *Template) ResourcesOfType(types ...string) []*Resource {
	if t.byType == nil { // a Template built by hand
		var out []*Resource
		for _, r := range t.Resources {
			if slices.Contains(types, r.Type) {
				out = append(out, r)
			}
		}
		return out
	}
	if len(types) == 1 {
		return slices.Clip(t.byType[types[0]])
	}
	var out []*Resource
	for i, ty := range types {
		if !slices.Contains(types[:i], ty) {
			out = append(out, t.byType[ty]...)
		}
	}
	slices.SortFunc(out, func(a, b *Resource) int { return a.order - b.order })
	return out
}

func newTemplate(file string, root *Value, lim Limits) (*Template, error) {
	t := &Template{
		File:       file,
		loopBudget: lim.MaxNodes,
		loopCopies: maxCopies,
		Root:       root,
		Parameters: map[string]*Parameter{},
		Conditions: map[string]*Value{},
		byID:       map[string]*Resource{},
		Mappings:   root.Get("Mappings"),
	}
	t.SAM = hasSAMTransform(root.Get("Transform"))
	if f, ok := root.Field("Resources"); ok && f.Value.Kind != Map {
		return nil, &Error{Pos: f.Value.Pos, Msg: fmt.Sprintf("Resources must be a map of logical ids to resources, not a %s", f.Value.Kind)}
	}
	for _, f := range fieldsOf(root.Get("Parameters")) {
		t.Parameters[f.Key] = newParameter(f)
	}
	// Parameters first: a loop over a list parameter expands over its default.
	for _, f := range fieldsOf(root.Get("Resources")) {
		t.addEntry(f)
	}
	if len(t.byID) != len(t.Resources) {
		// Once, not at each duplicate: a hostile file can hold thousands.
		t.Resources = slices.DeleteFunc(t.Resources, func(x *Resource) bool { return t.byID[x.ID] != x })
	}
	t.byType = map[string][]*Resource{}
	for i, r := range t.Resources {
		r.order = i
		t.byType[r.Type] = append(t.byType[r.Type], r)
	}
	for _, f := range fieldsOf(root.Get("Conditions")) {
		t.Conditions[f.Key] = f.Value
	}
	if g := root.Get("Globals"); g != nil {
		if fn := g.Get("Function"); fn != nil {
			if fn.Kind == Map {
				t.Globals = fn
			} else {
				t.Problems = append(t.Problems, &Error{Pos: fn.Pos, Msg: "Globals.Function must be a map of properties"})
			}
			t.globalsProblems()
		}
	}
	return t, nil
}

// addResource reads one resource: an entry of Resources, or a copy an
// Fn::ForEach makes (addEntry).
func (t *Template) addResource(f Field) *Resource {
	r := &Resource{ID: f.Key, Pos: f.KeyPos, Node: f.Value}
	if f.Value.Kind != Map {
		t.Problems = append(t.Problems, &Error{Pos: f.Value.Pos, Msg: fmt.Sprintf("resource %s must be a map with Type and Properties, not a %s", f.Key, f.Value.Kind)})
		return nil
	}
	if ty := f.Value.Get("Type"); ty != nil && ty.Kind == String {
		r.Type = ty.Text
	}
	if p, ok := f.Value.Field("Properties"); ok {
		if p.Value.Kind != Map && !isIntrinsicIf(p.Value) {
			t.Problems = append(t.Problems, &Error{Pos: p.Value.Pos, Msg: fmt.Sprintf("Properties of %s must be a map, not a %s", f.Key, p.Value.Kind)})
		} else {
			r.Properties = p.Value
		}
	}
	r.Metadata = f.Value.Get("Metadata")
	if c := f.Value.Get("Condition"); c != nil && c.Kind == String {
		r.Condition = c.Text
	}
	r.IgnoreGlobals = f.Value.Get("IgnoreGlobals")
	// On a duplicate id (the parser reported it) the last one wins, as in
	// the parser; newTemplate drops the earlier ones.
	t.byID[r.ID] = r
	t.Resources = append(t.Resources, r)
	return r
}

func fieldsOf(v *Value) []Field {
	if v == nil || v.Kind != Map {
		return nil
	}
	return v.Fields
}

func isIntrinsicIf(v *Value) bool {
	name, _, ok := v.Intrinsic()
	return ok && name == "Fn::If"
}

func hasSAMTransform(v *Value) bool {
	if v == nil {
		return false
	}
	switch v.Kind {
	case String:
		return v.Text == "AWS::Serverless-2016-10-31"
	case List:
		for _, it := range v.Items {
			if hasSAMTransform(it) {
				return true
			}
		}
	}
	return false
}

func newParameter(f Field) *Parameter {
	p := &Parameter{Name: f.Key, Pos: f.KeyPos}
	v := f.Value
	if t := v.Get("Type"); t != nil {
		p.Type = t.Text
	}
	p.Default = v.Get("Default")
	p.Stored = strings.HasPrefix(p.Type, "AWS::SSM::Parameter::Value<")
	if ap := v.Get("AllowedPattern"); ap != nil && ap.IsScalar() && ap.Text != "" {
		p.Constrained = !matchesEmpty(ap.Text)
	}
	if ml := v.Get("MinLength"); ml != nil && ml.IsScalar() && ml.Text != "0" && ml.Text != "" {
		p.Constrained = true
	}
	if av := v.Get("AllowedValues"); av != nil && av.Kind == List && len(av.Items) > 0 {
		allowsEmpty := false
		for _, it := range av.Items {
			text := it.Text
			if it.Kind == Bool {
				text = BoolText(it) // [yes, no] are the values "true" and "false"
			}
			p.Allowed = append(p.Allowed, text)
			if it.IsScalar() && it.Text == "" {
				allowsEmpty = true
			}
		}
		if !allowsEmpty {
			p.Constrained = true
		}
	}
	return p
}
