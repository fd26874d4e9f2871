package lambda

// This file follows a function's Role to the role of the template it names
// and to everything that grants that role permissions.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// roleUses finds the function's role on every branch.
func (b *builder) roleUses(fn *Function, r *template.Resource, props *template.Value) []RoleUse {
	var out []RoleUse
	for _, f := range b.lookup(props, "Role") {
		b.checkComplete(fn, f.Truncated, "Role")
		use := RoleUse{When: f.When.String(), Pos: fn.Pos}
		if f.Value == nil {
			if r.Type == TypeServerless {
				out = append(out, b.samRoles(fn, props, f.When)...)
				continue
			}
			// AWS::Lambda::Function requires Role; CloudFormation rejects it.
			out = append(out, use)
			continue
		}
		use.Pos = f.Value.Pos
		use.Expr = template.Describe(f.Value)
		out = append(out, b.rolesFor(fn, use, f.When, f.Value)...)
	}
	return out
}

// rolesFor resolves a Role value: one use when every value it deploys as
// names the same role (or none names a role of the template), else one use
// per value, each on its branch: `!Sub ["${R}", {R: !If [C, !GetAtt
// Role.Arn, !GetAtt Admin.Arn]}]` uses Admin when C is false.
func (b *builder) rolesFor(fn *Function, use RoleUse, when template.Path, v *template.Value) []RoleUse {
	outs := b.ev.Eval(v)
	ids := make([]string, len(outs))
	same := true
	for i, o := range outs {
		b.checkComplete(fn, o.Truncated, "Role")
		ids[i] = b.roleOf(o.Value)
		same = same && ids[i] == ids[0]
	}
	if same {
		switch {
		case len(outs) > 0 && ids[0] != "":
			use.Role = b.roleByID(ids[0])
		case len(outs) == 1:
			use.Role = b.unresolvedRole(outs[0].Value, v)
		default:
			use.Role = b.unresolvedRole(nil, v) // deploys as several values, none a role of the template
		}
		return []RoleUse{use}
	}
	var out []RoleUse
	for i, o := range outs {
		w, ok := when.Join(o.When)
		if ok {
			w, ok = b.possible(w)
		}
		if !ok {
			continue // a branch that never holds where the function exists
		}
		u := use
		u.When = w.String()
		switch {
		case o.Value == nil:
			// No role on that branch: CloudFormation rejects the function.
		case ids[i] != "":
			u.Role = b.roleByID(ids[i])
		default:
			u.Role = b.unresolvedRole(o.Value, v)
		}
		out = append(out, u)
	}
	return out
}

// roleByID reads the role of the template id names.
func (b *builder) roleByID(id string) *Role {
	if g := b.ev.Generated(id); g != nil {
		return b.generatedRole(g)
	}
	return b.templateRole(id)
}

// unresolvedRole is a role the template does not define: x is the value it
// deploys as (nil when that differs between deployments), v as written.
func (b *builder) unresolvedRole(x, v *template.Value) *Role {
	// The ARN it deploys as, when that is known: a literal, the value the
	// configuration gives a parameter, a Sub of those.
	key, written := x.Known()
	if !written {
		key = template.Describe(v)
	}
	if r, ok := b.roles["\x00"+key]; ok {
		return r
	}
	r := &Role{Kind: RoleUnresolved, ID: key, Written: written}
	if x != nil && x.Kind == template.String {
		// `arn:aws:iam::111122223333:role/fn-role` in another account, or
		// in an account given at deployment, may be the role of that name.
		if shape, last := arnShape(x); last == nil {
			if m := roleNameInARN.FindStringSubmatch(shape); m != nil {
				r.SameName = b.named("AWS::IAM::Role", &template.Value{Kind: template.String, Text: m[1]})
			}
		}
	}
	b.roles["\x00"+key] = r
	return r
}

// roleOf returns the role an evaluated value names (see arns.go).
func (b *builder) roleOf(v *template.Value) string {
	return b.namedIn(v, "AWS::IAM::Role")
}

// roleNameInARN is the name at the end of a role ARN's shape (see arnForm).
var roleNameInARN = regexp.MustCompile(`:role/(?:[^\x00\x01]*/)?([\w+=,.@-]+)$`)

// templateRole reads an AWS::IAM::Role resource once.
func (b *builder) templateRole(id string) *Role {
	res := b.t.Resource(id)
	// The role is shared: read it where it and the function reading it
	// both exist, so that a function that exists only when IsProd is not
	// judged on the role's IsDev branch. Functions under the same
	// Conditions share one reading.
	defer b.under(res.Condition)()
	key := b.readingKey(id)
	if r, ok := b.roles[key]; ok {
		return r
	}
	role := &Role{Kind: RoleTemplate, ID: id, Pos: res.Pos}
	b.roles[key] = role
	props := res.Properties
	for _, item := range b.unionItems(props.Get("Policies")) {
		name := "inline policy"
		if n := item.Get("PolicyName"); n != nil && n.IsScalar() {
			name = fmt.Sprintf("inline policy %q", n.Text)
		}
		b.addDocument(role, id, fmt.Sprintf("%s of role %s", name, id), item.Get("PolicyDocument"), item.Pos)
	}
	for _, item := range b.unionAlts(props.Get("ManagedPolicyArns")) {
		b.addManaged(role, id, item.Value, item.When)
	}
	if f, ok := props.Field("AssumeRolePolicyDocument"); ok {
		p, probs := b.policyOf("trust policy of role "+id, id, f.Value)
		p.Pos = f.KeyPos
		role.Trust = &p
		role.Problems = append(role.Problems, probs...)
	}
	b.addAttached(role, id)
	return role
}

// readingKey is the key of a resource read under the Conditions b.deployed.
func (b *builder) readingKey(id string) string {
	conds := slices.Clone(b.deployed)
	slices.Sort(conds)
	return id + "\x01" + strings.Join(slices.Compact(conds), "\x01")
}

// addAttached adds the policy resources that attach to the role id, those
// that can exist where the role is read: a policy whose Condition never
// holds there attaches nothing.
func (b *builder) addAttached(role *Role, id string) {
	for _, pr := range b.attachedTo(id) {
		if !b.canExist(pr.Condition) {
			continue
		}
		pp := pr.Properties
		switch pr.Type {
		case "AWS::IAM::Policy", "AWS::IAM::RolePolicy":
			b.addDocument(role, pr.ID, fmt.Sprintf("policy %s attached to role %s", pr.ID, id), pp.Get("PolicyDocument"), pr.Pos)
		case "AWS::IAM::ManagedPolicy":
			b.addDocument(role, pr.ID, fmt.Sprintf("managed policy %s attached to role %s", pr.ID, id), pp.Get("PolicyDocument"), pr.Pos)
		}
	}
}

// attachedTo lists the policy resources that attach to a role through Roles
// (AWS::IAM::Policy, AWS::IAM::ManagedPolicy) or RoleName (AWS::IAM::RolePolicy).
func (b *builder) attachedTo(roleID string) []*template.Resource {
	if b.attached == nil {
		b.attached = map[string][]*template.Resource{}
		defer b.anywhere()() // an index of the whole template, read once
		// Every role a value names on some branch: `Roles: [!Join ["",
		// [!If [C, !Ref Other, !Ref Role]]]]` attaches to Role when C is
		// false.
		targets := func(v *template.Value) []string {
			var ids []string
			for _, o := range b.ev.Eval(v) {
				id := b.roleOf(o.Value)
				if id == "" && o.Value != nil && o.Value.IsScalar() {
					id = b.namedKey("AWS::IAM::Role", partsKey(o.Value))
				}
				if id != "" && !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			return ids
		}
		for _, p := range b.t.ResourcesOfType("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy") {
			if p.Properties == nil {
				continue
			}
			var names []*template.Value
			if p.Type == "AWS::IAM::RolePolicy" {
				names = b.unionItems(p.Properties.Get("RoleName"))
			} else {
				names = b.unionItems(p.Properties.Get("Roles"))
			}
			for _, n := range names {
				for _, id := range targets(n) {
					if !slices.Contains(b.attached[id], p) {
						b.attached[id] = append(b.attached[id], p)
					}
				}
			}
		}
	}
	return b.attached[roleID]
}

// nameKey is what a name is compared by: the name it deploys as, its parts
// known only at deployment as what they are (`!Sub ${AWS::StackName}-fn` and
// `!Join ["-", [!Ref AWS::StackName, fn]]` are one name in one stack), or,
// when it deploys as several, the intrinsic as written.
func (b *builder) nameKey(v *template.Value) string {
	if x := b.ev.One(v); x != nil && x.IsScalar() {
		return partsKey(x)
	}
	return "\x00" + template.Describe(v)
}

// addManaged records a ManagedPolicyArns entry; a Ref to a managed policy of
// the template brings its document. An ARN built with the partition pseudo
// parameter (as CDK writes every managed policy ARN) is read as the ARN it
// names: which policy it is does not depend on the partition.
func (b *builder) addManaged(role *Role, origin string, v *template.Value, when template.Path) {
	for _, o := range b.ev.Eval(v) {
		x := o.Value
		if x == nil {
			continue // AWS::NoValue: nothing attached
		}
		w, ok := when.Join(o.When)
		if ok {
			w, ok = b.possible(w)
		}
		if !ok {
			continue // a branch that never holds where the role is read
		}
		// `!Ref Pol`, or the ARN of its name in the stack's own account.
		if id := b.namedIn(x, "AWS::IAM::ManagedPolicy"); id != "" {
			res := b.t.Resource(id)
			b.addDocument(role, res.ID, "managed policy "+res.ID, res.Properties.Get("PolicyDocument"), res.Pos)
			continue
		}
		ref := ManagedRef{Pos: v.Pos, Origin: origin, When: w.String()}
		if !x.IsScalar() || x.OnlyRef() != nil {
			ref.ARN, ref.Intrinsic = template.Describe(v), true
			role.Managed = append(role.Managed, ref)
			continue
		}
		var text strings.Builder
		for _, p := range x.Parts {
			switch {
			case p.Ref == nil:
				text.WriteString(p.Text)
			case p.Ref.Kind == template.RefPseudo && p.Ref.Name == "AWS::Partition":
				text.WriteString("aws")
			default:
				text.WriteString(p.Ref.String())
				ref.Intrinsic = true
			}
		}
		ref.ARN = text.String()
		if x.Parts == nil {
			ref.ARN = x.Text
		}
		role.Managed = append(role.Managed, ref)
	}
}

func (b *builder) addDocument(r *Role, origin, name string, doc *template.Value, at source.Pos) {
	if doc == nil {
		r.Problems = append(r.Problems, iam.Problem{Pos: at, Severity: iam.Warning, Kind: iam.KindUnverified, Origin: origin,
			Message: name + " has no PolicyDocument"})
		return
	}
	p, probs := b.policyOf(name, origin, doc)
	r.Policies = append(r.Policies, p)
	r.Problems = append(r.Problems, probs...)
}
