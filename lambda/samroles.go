package lambda

// This file reads the role SAM generates for a function from its Policies.

import (
	"fmt"
	"maps"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/template"
)

// samRoles reads the role SAM creates for a function without Role: from its
// Policies, or the basic execution role when there are none.
func (b *builder) samRoles(fn *Function, props *template.Value, when template.Path) []RoleUse {
	var out []RoleUse
	for _, f := range b.lookup(props, "Policies") {
		b.checkComplete(fn, f.Truncated, "Policies")
		w, ok := when.Join(f.When)
		if !ok {
			continue
		}
		use := RoleUse{Pos: fn.Pos, When: w.String()}
		roleID := fn.Resource + "Role"
		role := &Role{Kind: RoleTemplate, ID: fn.Resource + "Role", Pos: fn.Pos, Generated: true}
		added := b.samAdded(role, fn, props)
		if f.Value == nil && !added && props.Get("AssumeRolePolicyDocument") == nil && len(b.attachedTo(roleID)) == 0 {
			use.Role = &Role{Kind: RoleSAMDefault, ID: fn.Resource + "Role"}
			out = append(out, use)
			continue
		}
		var items []*template.Value
		if f.Value != nil {
			items = []*template.Value{f.Value}
		}
		if f.Value != nil && f.Value.Kind == template.List {
			items = b.unionItems(f.Value)
		}
		for _, it := range items {
			b.samPolicy(role, fn, it)
		}
		if f, ok := props.Field("AssumeRolePolicyDocument"); ok {
			p, probs := b.policyOf("trust policy (AssumeRolePolicyDocument) of "+fn.Resource, fn.Resource, f.Value)
			p.Pos = f.KeyPos
			role.Trust = &p
			role.Problems = append(role.Problems, probs...)
		}
		b.addAttached(role, roleID) // `Roles: [!Ref FnRole]` names the role SAM generates
		use.Role = role
		out = append(out, use)
	}
	return out
}

// samPolicy reads one entry of SAM Policies: a managed policy name or ARN, a
// SAM policy template, or an inline policy document.
func (b *builder) samPolicy(role *Role, fn *Function, v *template.Value) {
	switch {
	case v.IsScalar():
		b.addManaged(role, fn.Resource, v, nil) // a name, an ARN, or a dynamic reference
		return
	case v.Kind != template.Map:
		return
	}
	if _, _, ok := v.Intrinsic(); ok {
		b.addManaged(role, fn.Resource, v, nil)
		return
	}
	if v.Get("Statement") != nil {
		b.addDocument(role, fn.Resource, "inline policy of "+fn.Resource, v, v.Pos)
		return
	}
	if len(v.Fields) == 1 {
		f := v.Fields[0]
		if _, ok := iam.SAMTemplate(f.Key); ok {
			role.SAMTemplates = append(role.SAMTemplates, b.samTemplateRefs(fn, f)...)
			return
		}
		role.Problems = append(role.Problems, iam.Problem{Pos: f.KeyPos, Severity: iam.Error, Kind: iam.KindSAMTemplate, Origin: fn.Resource,
			Message: fmt.Sprintf("%s is not a SAM policy template; SAM rejects the template. Check the name against the SAM policy template list", f.Key)})
	}
}

// samTemplateRefs reads a SAM policy template with its parameters, once per
// value its Fn::If branches give them: `BucketName: !If [C, "*", b]` is
// checked with "*" and with b.
func (b *builder) samTemplateRefs(fn *Function, f template.Field) []SAMTemplateRef {
	var out []SAMTemplateRef
	for _, params := range b.union(f.Value) {
		refs := []SAMTemplateRef{{Name: f.Key, Pos: f.KeyPos, Origin: fn.Resource, Params: map[string]iam.Str{}}}
		for _, pf := range fieldsOf(params) {
			var next []SAMTemplateRef
			for _, ref := range refs {
				for _, a := range template.Alternatives(pf.Value) {
					leaf := a.Value
					if leaf == nil {
						next = append(next, ref) // AWS::NoValue: the parameter is not given
						continue
					}
					// Every value the parameter deploys as (a Mappings row,
					// an allowed value), as the translation gets each.
					xs := b.strsOf(leaf)
					if len(xs) == 0 {
						next = append(next, ref)
					}
					for _, x := range xs {
						c := ref
						c.Params = maps.Clone(ref.Params)
						c.Params[pf.Key] = x
						next = append(next, c)
					}
				}
			}
			if len(next) > template.MaxAlternatives {
				b.checkComplete(fn, true, "Policies", f.Key)
				next = next[:template.MaxAlternatives]
			}
			refs = next
		}
		out = append(out, refs...)
	}
	return out
}
