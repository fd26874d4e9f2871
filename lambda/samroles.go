package lambda

// This file reads the role SAM generates for a function from its Policies.

import (
	"fmt"

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
		var items []template.Alt
		if f.Value != nil {
			items = []template.Alt{{Value: f.Value}}
		}
		if f.Value != nil && f.Value.Kind == template.List {
			items = b.unionAlts(f.Value)
		}
		for _, it := range items {
			b.samPolicy(role, fn, it.Value, it.When)
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
func (b *builder) samPolicy(role *Role, fn *Function, v *template.Value, when template.Path) {
	switch {
	case v.IsScalar():
		b.addManaged(role, fn.Resource, v, when) // a name, an ARN, or a dynamic reference
		return
	case v.Kind != template.Map:
		return
	}
	if _, _, ok := v.Intrinsic(); ok {
		b.addManaged(role, fn.Resource, v, when)
		return
	}
	if v.Get("Statement") != nil {
		b.addDocument(role, fn.Resource, "inline policy of "+fn.Resource, v, v.Pos)
		return
	}
	if len(v.Fields) == 1 {
		f := v.Fields[0]
		if _, ok := iam.SAMTemplate(f.Key); ok {
			role.SAMTemplates = append(role.SAMTemplates, b.samTemplateRefs(role, fn, f)...)
			return
		}
		role.Problems = append(role.Problems, iam.Problem{Pos: f.KeyPos, Severity: iam.Error, Kind: iam.KindSAMTemplate, Origin: fn.Resource,
			Message: fmt.Sprintf("%s is not a SAM policy template; SAM rejects the template. Check the name against the SAM policy template list", f.Key)})
	}
}
