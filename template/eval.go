package template

import (
	"strings"
)

// This file is the evaluator: the one place that knows what intrinsic
// functions deploy as. Each function lives in a file of its own (fn_*.go).
// Given a value, the evaluator answers every value it can deploy as, each
// with the branch (Fn::If conditions, Mappings rows, parameter values) under
// which it does. A part known only at deployment stays a typed Ref inside the
// string (see str.go), so `arn:aws:iam::${AWS::AccountId}:role/${R}` still
// names role R; the readers match on those Refs, never on display text.

// Outcome is one value an expression deploys as. A nil Value means absent
// (AWS::NoValue) on that branch.
type Outcome struct {
	Value *Value
	When  Path
	// Truncated is set on every outcome of an evaluation that had more than
	// MaxAlternatives combinations: some were dropped.
	Truncated bool
}

// Evaluator evaluates values of one template.
type Evaluator struct {
	t *Template
	// Given are the parameter values the configuration says the template
	// deploys with.
	Given map[string]string
	// Params makes a Ref to a parameter evaluate to the value it deploys
	// with: the given one, else its default, else one outcome per allowed
	// value. Without it, a parameter stays a Ref (RefParam), as the
	// controls read it: `KmsKeyArn: !Ref Key` is declared, whatever the
	// default.
	Params bool
	// Allowed makes a parameter with AllowedValues (and no configured
	// value) deploy as each of them, also when it has a default: what the
	// template lets a stack be deployed with, not only what it is by
	// default (`AuthType: !Ref Auth` with AllowedValues [AWS_IAM, NONE]).
	// It needs Params.
	Allowed bool

	cut         bool            // combinations were dropped in the evaluation under way
	satCache    map[string]bool // see condition.go
	generated   map[string]*Generated
	generatedBy map[string][]*Generated
	samRefs     map[string]string
	atoms       *Evaluator // see atomEvaluator
}

// plainEvaluator is the template's evaluator without configured values.
func (t *Template) plainEvaluator() *Evaluator {
	if t.plain == nil {
		t.plain = &Evaluator{t: t}
	}
	return t.plain
}

// Evaluator returns an evaluator over the template.
func (t *Template) Evaluator(given map[string]string, params bool) *Evaluator {
	return &Evaluator{t: t, Given: given, Params: params}
}

// maxDepth bounds nesting, above what the parser accepts (Limits.MaxDepth),
// so that it only stops a Value built by hand from recursing without end;
// a value past it is not evaluated, and the evaluation says it was cut.
const maxDepth = 1024

// Eval returns every value v can deploy as.
func (e *Evaluator) Eval(v *Value) []Outcome {
	e.cut = false
	out := e.eval(v, nil, 0)
	if len(out) > MaxAlternatives {
		out = out[:MaxAlternatives]
		e.cut = true
	}
	for _, o := range out {
		e.cut = e.cut || o.Truncated
	}
	if e.cut {
		// Combinations were dropped somewhere below: every value kept says
		// so, and when none is left, one that is not known says it.
		if len(out) == 0 {
			out = opaque(v, nil)
		}
		for i := range out {
			out[i].Truncated = true
		}
	}
	return out
}

// Strings returns the strings (or other scalars) v can deploy as, without
// the branches: a union, as policies are read. Lists are flattened into
// their items; absent values are left out.
func (e *Evaluator) Strings(v *Value) []*Value {
	var out []*Value
	for _, o := range e.Eval(v) {
		switch {
		case o.Value == nil:
		case o.Value.Kind == List:
			for _, it := range o.Value.Items {
				if it != nil {
					out = append(out, it)
				}
			}
		default:
			out = append(out, o.Value)
		}
	}
	return out
}

// One returns the single value v deploys as when every deployment gives the
// same one, or nil.
func (e *Evaluator) One(v *Value) *Value {
	out := e.Eval(v)
	if len(out) != 1 || out[0].Value == nil {
		return nil
	}
	return out[0].Value
}

type function func(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome

var functions map[string]function

func init() {
	functions = map[string]function{
		"Ref":              evalRef,
		"Fn::GetAtt":       evalGetAtt,
		"Fn::Sub":          evalSub,
		"Fn::Join":         evalJoin,
		"Fn::Split":        evalSplit,
		"Fn::Select":       evalSelect,
		"Fn::FindInMap":    evalFindInMap,
		"Fn::If":           evalIf,
		"Fn::Base64":       evalBase64,
		"Fn::GetAZs":       evalGetAZs,
		"Fn::Cidr":         evalCidr,
		"Fn::ImportValue":  evalImportValue,
		"Fn::ToJsonString": evalToJSONString,
		"Fn::Length":       evalLength,
	}
}

func (e *Evaluator) eval(v *Value, when Path, depth int) []Outcome {
	if v == nil || v.IsNoValue() {
		return []Outcome{{When: when}}
	}
	if depth > maxDepth {
		e.cut = true
		return []Outcome{{Value: refValue(&Ref{Kind: RefOther, Name: Describe(v)}, v.Pos), When: when, Truncated: true}}
	}
	if name, arg, ok := v.Intrinsic(); ok {
		if fn := functions[name]; fn != nil {
			return fn(e, v, arg, when, depth+1)
		}
		// Condition functions, Fn::Transform, functions of other transforms:
		// not values lambdagate can know.
		return []Outcome{{Value: refValue(&Ref{Kind: RefOther, Name: Describe(v)}, v.Pos), When: when}}
	}
	switch v.Kind {
	case String:
		if strings.Contains(v.Text, "{{resolve:") {
			return []Outcome{{Value: dynamic(v), When: when}}
		}
		return []Outcome{{Value: v, When: when}}
	case List:
		return e.list(v, when, depth)
	case Map:
		return e.mapping(v, when, depth)
	}
	return []Outcome{{Value: v, When: when}}
}

// dynamic reads a string holding dynamic references ({{resolve:ssm:x}}),
// which CloudFormation replaces at deployment, as a string with those parts
// unknown.
func dynamic(v *Value) *Value {
	return stringOf([]Part{{Text: v.Text}}, v.Pos)
}

// list evaluates every item; an item absent on a branch is left out there.
func (e *Evaluator) list(v *Value, when Path, depth int) []Outcome {
	if !e.hasIntrinsic(v, depth) {
		return []Outcome{{Value: v, When: when}}
	}
	return e.parts(v, len(v.Items), when, depth, func(i int) *Value { return v.Items[i] },
		func(acc *Value, i int, x *Value) {
			acc.Items = append(acc.Items, x)
		})
}

// mapping evaluates every field; a field absent on a branch is left out there.
func (e *Evaluator) mapping(v *Value, when Path, depth int) []Outcome {
	if !e.hasIntrinsic(v, depth) {
		return []Outcome{{Value: v, When: when}}
	}
	return e.parts(v, len(v.Fields), when, depth, func(i int) *Value { return v.Fields[i].Value },
		func(acc *Value, i int, x *Value) {
			acc.Fields = append(acc.Fields, Field{Key: v.Fields[i].Key, KeyPos: v.Fields[i].KeyPos, Value: x})
		})
}

// parts evaluates the n parts of a list or map (part(i)) and puts every
// combination of their values together with add, on a copy: a part absent
// on a branch (AWS::NoValue) is left out of it.
func (e *Evaluator) parts(v *Value, n int, when Path, depth int, part func(int) *Value, add func(acc *Value, i int, x *Value)) []Outcome {
	outs := []Outcome{{Value: &Value{Kind: v.Kind, Pos: v.Pos}, When: when}}
	for i := range n {
		var next []Outcome
		for _, o := range outs {
			for _, x := range e.eval(part(i), o.When, depth+1) {
				c := &Value{Kind: v.Kind, Pos: v.Pos,
					Items:  o.Value.Items[:len(o.Value.Items):len(o.Value.Items)],
					Fields: o.Value.Fields[:len(o.Value.Fields):len(o.Value.Fields)]}
				if x.Value != nil {
					add(c, i, x.Value)
				}
				next = append(next, Outcome{Value: c, When: x.When, Truncated: x.Truncated || o.Truncated})
			}
		}
		outs = e.capOutcomes(next)
	}
	return outs
}

func (e *Evaluator) hasIntrinsic(v *Value, depth int) bool {
	if v == nil || depth > maxDepth {
		return false
	}
	if _, _, ok := v.Intrinsic(); ok {
		return true
	}
	if v.Kind == String {
		return strings.Contains(v.Text, "{{resolve:")
	}
	for _, it := range v.Items {
		if e.hasIntrinsic(it, depth+1) {
			return true
		}
	}
	for _, f := range v.Fields {
		if e.hasIntrinsic(f.Value, depth+1) {
			return true
		}
	}
	return false
}

// capOutcomes cuts a list of outcomes at one more than MaxAlternatives: Eval marks
// what is kept as truncated.
func (e *Evaluator) capOutcomes(outs []Outcome) []Outcome {
	if len(outs) > MaxAlternatives {
		e.cut = true
		outs = outs[:MaxAlternatives+1]
		outs[MaxAlternatives].Truncated = true
	}
	return outs
}

// combo is one combination of the values of a function's arguments.
type combo struct {
	vals []*Value
	when Path
}

// args evaluates the arguments of a function together: one combination of
// their values per deployment.
func (e *Evaluator) args(items []*Value, when Path, depth int) []combo {
	outs := []combo{{when: when}}
	for _, it := range items {
		var next []combo
		for _, c := range outs {
			for _, x := range e.eval(it, c.when, depth) {
				next = append(next, combo{vals: append(c.vals[:len(c.vals):len(c.vals)], x.Value), when: x.When})
			}
		}
		if len(next) > MaxAlternatives+1 {
			e.cut = true
			next = next[:MaxAlternatives+1]
		}
		outs = next
	}
	return outs
}

// opaque is a value lambdagate cannot evaluate (a malformed call, a value of
// the wrong kind): known only at deployment, if at all.
func opaque(call *Value, when Path) []Outcome {
	return []Outcome{{Value: refValue(&Ref{Kind: RefOther, Name: Describe(call)}, call.Pos), When: when}}
}
