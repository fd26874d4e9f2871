package lambda

// This file reads the SAM policy templates of a function's Policies
// (`S3ReadPolicy: {BucketName: !Ref B}`) as the SAM translator writes them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// samTemplateRefs reads a SAM policy template with its parameters. Its
// statements are the ones the SAM translator writes: the template's own,
// with each parameter's value, as the function writes it, in the place of
// the parameter's Ref (policy_template_processor/template.py to_statement).
// They are then read like any statement of the template, so a parameter
// that is an Fn::If, a Mappings row chosen at deployment or a parameter
// with allowed values is every value it deploys as, and the template's
// ${AWS::Region} is the pseudo parameter it is in the translation. One use
// per value of an Fn::If around the parameters themselves
// (`S3ReadPolicy: !If [A, {BucketName: b1}, {BucketName: b2}]`).
func (b *builder) samTemplateRefs(role *Role, fn *Function, f template.Field) []SAMTemplateRef {
	def, _ := iam.SAMTemplate(f.Key)
	declared := map[string]bool{}
	for _, p := range def.Parameters {
		declared[p.Name] = true
	}
	var out []SAMTemplateRef
	for _, params := range b.union(f.Value) {
		ref := SAMTemplateRef{Name: f.Key, Pos: f.KeyPos, Origin: fn.Resource, Args: map[string]iam.SAMArgument{}}
		given := map[string]*template.Value{}
		for _, pf := range fieldsOf(params) {
			a := iam.SAMArgument{Pos: pf.Value.Pos, Values: b.strsOf(pf.Value)}
			some := false
			for _, alt := range template.Alternatives(pf.Value) {
				if _, ok := b.possible(alt.When); ok {
					a.NotGiven = a.NotGiven || alt.Value == nil
					some = some || alt.Value != nil
				}
			}
			if !some {
				continue // `BucketName: !Ref AWS::NoValue`: not given
			}
			ref.Args[pf.Key] = a
			if declared[pf.Key] {
				given[pf.Key] = pf.Value
			}
		}
		// Without all its parameters SAM rejects the template, and there
		// are no statements to read: CheckSAMTemplate says what is missing.
		ref.Policy = iam.Policy{Name: "SAM policy template " + f.Key, Pos: f.KeyPos, Origin: fn.Resource}
		if len(given) == len(def.Parameters) {
			var probs []iam.Problem
			ref.Policy, probs = b.samTemplatePolicy(fn, def, given, f.KeyPos)
			role.Problems = append(role.Problems, probs...)
		}
		out = append(out, ref)
	}
	return out
}

// samTemplatePolicy writes a SAM policy template's statements with the
// given parameters and reads them.
func (b *builder) samTemplatePolicy(fn *Function, def iam.SAMTemplateDef, given map[string]*template.Value, at source.Pos) (iam.Policy, []iam.Problem) {
	stmts := &template.Value{Kind: template.List, Pos: at}
	for i, raw := range def.Statements {
		var x any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&x); err != nil {
			panic(fmt.Sprintf("lambda: SAM policy template %s, Statement[%d]: %v; restore iam/samtemplates/policy_templates.json", def.Name, i, err))
		}
		st := samValue(x, at, given)
		stmts.Items = append(stmts.Items, st)
		// Parameters with many values each: the ARNs combining them may be
		// more than the evaluator reads, and the function is not verified.
		for _, r := range b.unionItems(st.Get("Resource")) {
			if out := b.ev.Eval(r); len(out) > 0 && out[0].Truncated {
				b.checkComplete(fn, true, "Policies", def.Name)
			}
		}
	}
	doc := &template.Value{Kind: template.Map, Pos: at, Fields: []template.Field{{Key: "Statement", Value: stmts}}}
	return b.policyOf("SAM policy template "+def.Name, fn.Resource, doc)
}

// samValue is a value of SAM's policy template data at `at`, with the
// given value of a parameter in the place of its {"Ref": Parameter}.
func samValue(x any, at source.Pos, given map[string]*template.Value) *template.Value {
	switch x := x.(type) {
	case string:
		return str(x, at)
	case json.Number:
		return &template.Value{Kind: template.Number, Text: x.String(), Pos: at}
	case bool:
		return &template.Value{Kind: template.Bool, Text: fmt.Sprint(x), Pos: at}
	case []any:
		l := &template.Value{Kind: template.List, Pos: at}
		for _, it := range x {
			l.Items = append(l.Items, samValue(it, at, given))
		}
		return l
	case map[string]any:
		if p, ok := x["Ref"].(string); ok && len(x) == 1 && given[p] != nil {
			return given[p]
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m := &template.Value{Kind: template.Map, Pos: at}
		for _, k := range keys {
			m.Fields = append(m.Fields, template.Field{Key: k, KeyPos: at, Value: samValue(x[k], at, given)})
		}
		return m
	}
	return &template.Value{Kind: template.Null, Pos: at}
}
