package lambda

import (
	"fmt"
	"maps"
	"regexp"
	"strings"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// Function types lambdagate checks.
const (
	TypeLambda     = "AWS::Lambda::Function"
	TypeServerless = "AWS::Serverless::Function"
)

// Options tune how a template is read.
type Options struct {
	// Parameters are the values the template will be deployed with; a Ref
	// to one of them reads as its value rather than the parameter's default.
	Parameters map[string]string
}

// FromTemplate reads every Lambda function of a template. Roles are read once
// and shared between the functions that use them.
func FromTemplate(t *template.Template, opts Options) []*Function {
	b := builder{t: t, opts: opts, roles: map[string]*Role{},
		ev:  t.Evaluator(opts.Parameters, true),
		cev: t.Evaluator(opts.Parameters, false)}
	var out []*Function
	for _, r := range t.ResourcesOfType(TypeLambda, TypeServerless) {
		if !t.CanExist(r) {
			continue // its Condition never holds: the function is never created
		}
		out = append(out, b.function(r))
	}
	return out
}

// NeverCreated lists the functions of a template whose Condition can never
// hold, which FromTemplate leaves out, each with why.
func NeverCreated(t *template.Template) []string {
	var out []string
	for _, r := range t.ResourcesOfType(TypeLambda, TypeServerless) {
		if !t.CanExist(r) {
			out = append(out, fmt.Sprintf("%s: function %s is not checked: its Condition %s can never hold, so it is never created", r.Pos, r.ID, r.Condition))
		}
	}
	return out
}

type builder struct {
	t         *template.Template
	opts      Options
	roles     map[string]*Role // by logical id, or by the text of an unresolved role
	attached  map[string][]*template.Resource
	roleNames map[string]string        // RoleName (see nameKey) -> logical id
	indexes   map[string]resourceIndex // see index.go
	// ev reads values as they deploy, parameters with their given or
	// default values (policies, names); cev keeps a parameter a reference,
	// as the controls read it.
	ev, cev *template.Evaluator
	// deployed is the Condition of the function being read, taken as true:
	// the function exists only when it holds.
	deployed string
}

func (b *builder) function(r *template.Resource) *Function {
	props := b.t.Properties(r)
	fn := &Function{Resource: r.ID, Type: r.Type, Pos: r.Pos}
	b.deployed = r.Condition
	fn.Misspelled = misspellings(r.Type, props)
	fn.KmsKey = b.settings(fn, props, "KmsKeyArn")
	if r.Type == TypeServerless {
		fn.Tracing = b.settings(fn, props, "Tracing")
	} else {
		fn.Tracing = b.settings(fn, props, "TracingConfig", "Mode")
	}
	fn.SecurityGroups = b.securityGroups(fn, props)
	fn.Roles = b.roleUses(fn, r, props)
	b.connectors(fn, r)
	fn.Around = b.surroundings(r, props)
	return fn
}

// settings reads a scalar control at the end of a property path.
func (b *builder) settings(fn *Function, props *template.Value, path ...string) []Setting {
	var out []Setting
	for _, f := range b.lookup(props, path...) {
		b.checkComplete(fn, f.Truncated, path...)
		for _, r := range b.mapRows(f) {
			s := b.setting(fn, r.Found, path[0])
			if r.row != "" {
				s.When = withRow(s.When, r.row)
			}
			out = append(out, s)
		}
	}
	return out
}

// mapRows expands `!FindInMap [Map, !Ref Stage, Key]`, whose row is chosen
// at deployment, into one value per row it can choose (the evaluator's
// Mappings rows), each with its row in row: a row that deploys an empty key
// or another tracing mode is a deployment like an Fn::If branch. Other
// values are returned as they are.
func (b *builder) mapRows(f template.Found) []mapRow {
	one := []mapRow{{Found: f}}
	if name, _, ok := f.Value.Intrinsic(); !ok || name != "Fn::FindInMap" {
		return one
	}
	outs := b.cev.Eval(f.Value)
	if len(outs) == 0 || len(outs[0].When) == 0 {
		return one // folded, or not chosen at deployment
	}
	out := make([]mapRow, 0, len(outs))
	for _, o := range outs {
		c := f
		c.Value = o.Value
		out = append(out, mapRow{Found: c, row: strings.TrimPrefix(o.When.String(), "when ")})
	}
	return out
}

// withRow adds a Mappings row to a branch's description.
func withRow(when, row string) string {
	if when == "" {
		return "when " + row
	}
	return when + " and " + row
}

// mapRow is one row a FindInMap can choose; row names it for messages.
type mapRow struct {
	template.Found
	row string
}

// lookup is template.Lookup without the branches the function's own
// Condition rules out: with `Condition: IsProd` on the function, the
// `IsProd is false` branch of its properties is never deployed. The
// condition itself is left out of the paths, which it holds on all.
func (b *builder) lookup(props *template.Value, keys ...string) []template.Found {
	all := template.Lookup(props, keys...)
	out := all[:0:0]
	for _, f := range all {
		if w, ok := b.possible(f.When); ok {
			f.When = w
			out = append(out, f)
		}
	}
	return out
}

// possible drops from a path the function's own Condition, and reports
// whether the path can be deployed with it.
func (b *builder) possible(p template.Path) (template.Path, bool) {
	return b.t.Reduce(p, b.deployed)
}

// checkComplete records a property whose Fn::If combinations were cut at
// template.MaxAlternatives.
func (b *builder) checkComplete(fn *Function, truncated bool, path ...string) {
	if !truncated {
		return
	}
	msg := fmt.Sprintf("%s of %s has more than %d Fn::If combinations; lambdagate checks every branch and cannot check these, so %s is not verified. Use fewer nested or listed Fn::If on it (one condition that combines the others with Fn::And/Fn::Or)",
		strings.Join(path, "."), fn.Resource, template.MaxAlternatives, fn.Resource)
	for _, u := range fn.Unchecked {
		if u.Message == msg {
			return
		}
	}
	fn.Unchecked = append(fn.Unchecked, Unchecked{Pos: fn.Pos, Message: msg})
}

// setting reads one branch of a control; top is the first key of its path.
func (b *builder) setting(fn *Function, f template.Found, top string) Setting {
	s := Setting{When: f.When.String()}
	if f.Value != nil {
		b.classify(&s, f.Value)
		if b.t.FromGlobals(f.Value) {
			s.Globals = globalsAt(f.Value)
			s.Pos = fn.Pos
		}
		return s
	}
	s.State = Absent
	s.Missing = f.Missing
	s.Pos = fn.Pos
	switch {
	case f.Key.KeyPos.Known():
		s.Pos = f.Key.KeyPos // written, but AWS::NoValue on this branch
	case f.Missing != top && f.ParentKey.Known():
		s.Pos = f.ParentKey // e.g. the VpcConfig key that lacks SecurityGroupIds
	}
	switch {
	case f.Key.Value != nil && b.t.FromGlobals(f.Key.Value):
		// `KmsKeyArn: !If [C, ..., !Ref AWS::NoValue]` written in Globals.
		s.Globals = globalsAt(f.Key.Value)
		s.Pos = fn.Pos
	case f.Parent != nil && b.t.FromGlobals(f.Parent):
		s.Globals = globalsAt(f.Parent)
		s.Pos = fn.Pos
	}
	return s
}

func globalsAt(v *template.Value) string {
	return fmt.Sprintf("Globals.Function at line %d", v.Pos.Line)
}

// classify fills State, Text, Pos and Param from a present value.
func (b *builder) classify(s *Setting, v *template.Value) {
	if f, ok := b.t.Fold(v); ok && f != v {
		v = f // `!Sub ""` is the empty string, whatever it looks like
	}
	s.Pos = v.Pos
	s.Text = template.Describe(v)
	switch {
	case v.Kind == template.Null:
		s.State = Absent
	case v.Kind == template.String && strings.TrimSpace(v.Text) == "", v.Kind == template.List && len(v.Items) == 0:
		s.State = Empty
	case v.IsScalar():
		s.State = Literal
		s.Text = v.Text
	default:
		if _, _, ok := v.Intrinsic(); !ok {
			s.State = Literal
			return
		}
		s.State = Deferred
		s.Param = b.param(v)
		if p := s.Param; p != nil && p.Given {
			// The configuration says what will be deployed: judge that.
			s.Text = p.Value
			s.State = Literal
			s.Count = len(splitList(p.Value))
			if p.Value == "" {
				s.State = Empty
			}
			return
		}
		s.Unresolved = b.unresolved(v)
		if one := b.cev.One(v); one != nil && one.OnlyRef() != nil {
			s.Refs = []*template.Ref{one.OnlyRef()}
		}
	}
}

// splitList splits a list parameter's value (CommaDelimitedList, List<...>).
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// unresolved says why a value is known only at deploy time: it depends on a
// parameter with neither a default nor a given value, or on an import.
func (b *builder) unresolved(v *template.Value) string {
	for _, o := range b.cev.Eval(v) {
		for _, r := range o.Value.AllRefs() {
			switch r.Kind {
			case template.RefImport:
				return r.Why()
			case template.RefParam:
				p := b.t.Parameters[r.Name]
				if _, given := b.opts.Parameters[r.Name]; p != nil && p.Default == nil && !given {
					return r.Why()
				}
			}
		}
	}
	return ""
}

// param returns the parameter v refers to with Ref, if any.
func (b *builder) param(v *template.Value) *Param {
	name, arg, ok := v.Intrinsic()
	if !ok {
		return nil
	}
	ref := ""
	switch {
	case name == "Ref" && arg.Kind == template.String:
		ref = arg.Text
	case name == "Fn::Sub":
		// `!Sub "${P}"` is the parameter's value, as `!Ref P` is.
		if r := b.cev.One(v).OnlyRef(); r != nil && r.Kind == template.RefParam {
			ref = r.Name
		}
	}
	p := b.t.Parameters[ref]
	if p == nil {
		return nil
	}
	out := &Param{Name: p.Name, Pos: p.Pos, Allowed: p.Allowed,
		List: p.Type == "CommaDelimitedList" || strings.HasPrefix(p.Type, "List<")}
	if val, ok := b.opts.Parameters[p.Name]; ok {
		out.Given, out.Value = true, val
	}
	if p.Default != nil {
		out.HasDefault = true
		out.Default = p.Default.Text
		if p.Default.Kind == template.List {
			out.Default = template.Describe(p.Default)
		}
	}
	// A parameter without a default must be given a value at deploy time:
	// that is how teams pass in a shared key or security group, so it is
	// declared. An empty default with no constraint is how a control ends up
	// deployed empty.
	out.CanBeEmpty = !out.Given && out.HasDefault && (out.Default == "" || out.Default == "[]") && !p.Constrained
	return out
}

// securityGroups reads VpcConfig.SecurityGroupIds on every branch, including
// Fn::If inside the list.
func (b *builder) securityGroups(fn *Function, props *template.Value) []Setting {
	var out []Setting
	var found []mapRow
	for _, f := range b.lookup(props, "VpcConfig", "SecurityGroupIds") {
		b.checkComplete(fn, f.Truncated, "VpcConfig", "SecurityGroupIds")
		found = append(found, b.mapRows(f)...)
	}
	for _, r := range found {
		f := r.Found
		s := b.setting(fn, f, "VpcConfig")
		if r.row != "" {
			s.When = withRow(s.When, r.row)
		}
		list := f.Value
		if v, ok := b.t.Fold(list); ok {
			list = v // `!Split [",", ""]`, `!FindInMap` to a written list
		}
		if list == nil || list.Kind != template.List || len(list.Items) == 0 {
			out = append(out, s)
			continue
		}
		// Expand lists item by item: `[!If [C, sg-1, !Ref AWS::NoValue]]` is empty on one branch.
		for _, la := range template.ListAlternatives(list) {
			b.checkComplete(fn, la.Truncated, "VpcConfig", "SecurityGroupIds")
			c := s
			w, ok := f.When.Join(la.When)
			if ok {
				w, ok = b.possible(w)
			}
			if !ok {
				continue // IsProd true for the key, false for an item: no deployment
			}
			c.When = w.String()
			if r.row != "" {
				c.When = withRow(c.When, r.row)
			}
			var items []*template.Value
			for _, it := range la.Items {
				if v, ok := b.t.Fold(it); ok {
					it = v // `!Select [0, ["", sg-1]]` is the empty string
				}
				if p := b.param(it); p != nil && p.Given && p.Value == "" {
					continue // given the empty value: nothing is deployed here
				}
				if it.Kind == template.String && strings.TrimSpace(it.Text) == "" {
					continue // an empty id names no security group
				}
				items = append(items, it)
				if c.Unresolved == "" {
					c.Unresolved = b.unresolved(it)
				}
				if p := b.param(it); p != nil && p.CanBeEmpty {
					c.Param = p
				}
			}
			c.Count = len(items)
			c.State = Literal
			if c.Count == 0 {
				c.State = Empty
				if f.Key.KeyPos.Known() && !c.isGlobal() {
					c.Pos = f.Key.KeyPos // the list's first line may be an item's
				}
			}
			out = append(out, c)
		}
	}
	return out
}

func (s Setting) isGlobal() bool { return s.Globals != "" }

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
		use.Role = b.roleFor(f.Value)
		out = append(out, use)
	}
	return out
}

// roleFor resolves a Role value to a role of the template (an
// AWS::IAM::Role, or the role SAM generates for another function), or an
// unresolved role named by its text.
func (b *builder) roleFor(v *template.Value) *Role {
	if id := b.roleID(v); id != "" {
		if g := b.t.Generated(id); g != nil {
			return b.generatedRole(g)
		}
		return b.templateRole(id)
	}
	key := template.Describe(v)
	if v.IsScalar() {
		key = v.Text
	} else if p := b.param(v); p != nil && p.Given {
		key = p.Value // the ARN the configuration says will be deployed
	}
	if r, ok := b.roles["\x00"+key]; ok {
		return r
	}
	r := &Role{Kind: RoleUnresolved, ID: key}
	if m := roleNameInARN.FindStringSubmatch(key); m != nil {
		r.SameName = b.roleNamed(&template.Value{Kind: template.String, Text: m[1]})
	}
	b.roles["\x00"+key] = r
	return r
}

// roleID returns the logical id of the role of the template a value names,
// the same on every deployment, or "".
func (b *builder) roleID(v *template.Value) string {
	id := ""
	for i, o := range b.cev.Eval(v) {
		x := b.roleOf(o.Value)
		if x == "" || (i > 0 && x != id) {
			return ""
		}
		id = x
	}
	return id
}

// isRole reports whether id is a role of the template: an AWS::IAM::Role,
// or the role SAM generates for a function.
func (b *builder) isRole(id string) bool {
	if r := b.t.Resource(id); r != nil {
		return r.Type == "AWS::IAM::Role"
	}
	g := b.t.Generated(id)
	return g != nil && g.Type == "AWS::IAM::Role"
}

// A role's ARN, with the parts known only at deployment written as \x00
// (and the partition and account pseudo parameters as \x01P and \x01A):
// `arn:<partition>:iam::<account>:role/[path/]` before the role's name. Text
// around the name makes it another role's ARN, so the name must end it.
var (
	roleARNPrefix = regexp.MustCompile(`^arn:[^:]*:iam::[^:]*:role/(?:[^\x00]*/)?$`)
	ownRoleARN    = regexp.MustCompile(`^arn:(?:\x01P|aws[a-z-]*):iam::\x01A:role/(?:[^\x00\x01]*/)?([\w+=,.@-]+)$`)
)

// roleOf returns the role an evaluated value names: `${R.Arn}`, `${R}` at
// the end of a role ARN, or, by name, an ARN of the stack's own account
// (`arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn-role`; a literal
// account may be another account, whose role of that name is not this one).
func (b *builder) roleOf(v *template.Value) string {
	if v == nil || v.Kind != template.String {
		return ""
	}
	if r := v.OnlyRef(); r != nil {
		if (r.Kind == template.RefAttr && r.Attr == "Arn" || r.Kind == template.RefResource) && b.isRole(r.Name) {
			return r.Name
		}
		return ""
	}
	if !v.Unknown() {
		return ""
	}
	parts := v.Parts
	var text strings.Builder
	for _, p := range parts[:len(parts)-1] {
		switch {
		case p.Ref == nil:
			text.WriteString(p.Text)
		case p.Ref.Kind == template.RefPseudo && p.Ref.Name == "AWS::Partition":
			text.WriteString("\x01P")
		case p.Ref.Kind == template.RefPseudo && p.Ref.Name == "AWS::AccountId":
			text.WriteString("\x01A")
		default:
			text.WriteString("\x00")
		}
	}
	last := parts[len(parts)-1]
	if last.Ref != nil {
		if last.Ref.Kind == template.RefResource && b.isRole(last.Ref.Name) &&
			roleARNPrefix.MatchString(strings.NewReplacer("\x01P", "\x00", "\x01A", "\x00").Replace(text.String())) {
			return last.Ref.Name
		}
		return ""
	}
	if m := ownRoleARN.FindStringSubmatch(text.String() + last.Text); m != nil {
		return b.roleNamed(&template.Value{Kind: template.String, Text: m[1]})
	}
	return ""
}

// roleNameInARN is the name at the end of a role ARN.
var roleNameInARN = regexp.MustCompile(`:role/(?:[^${}]*/)?([\w+=,.@-]+)$`)

// templateRole reads an AWS::IAM::Role resource once.
func (b *builder) templateRole(id string) *Role {
	if r, ok := b.roles[id]; ok {
		return r
	}
	res := b.t.Resource(id)
	role := &Role{Kind: RoleTemplate, ID: id, Pos: res.Pos}
	b.roles[id] = role
	// The role is shared: read it where it exists, not where one of its
	// functions does.
	saved := b.deployed
	b.deployed = res.Condition
	defer func() { b.deployed = saved }()
	props := res.Properties
	for _, item := range b.unionItems(props.Get("Policies")) {
		name := "inline policy"
		if n := item.Get("PolicyName"); n != nil && n.IsScalar() {
			name = fmt.Sprintf("inline policy %q", n.Text)
		}
		b.addDocument(role, id, fmt.Sprintf("%s of role %s", name, id), item.Get("PolicyDocument"), item.Pos)
	}
	for _, item := range b.unionItems(props.Get("ManagedPolicyArns")) {
		b.addManaged(role, id, item)
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

// addAttached adds the policy resources that attach to the role id.
func (b *builder) addAttached(role *Role, id string) {
	for _, pr := range b.attachedTo(id) {
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
		saved := b.deployed // an index of the whole template, read once
		b.deployed = ""
		defer func() { b.deployed = saved }()
		target := func(v *template.Value) string {
			if id := b.roleID(v); id != "" {
				return id
			}
			return b.roleNamed(v)
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
				if id := target(n); id != "" {
					b.attached[id] = append(b.attached[id], p)
				}
			}
		}
	}
	return b.attached[roleID]
}

// roleNamed finds the AWS::IAM::Role whose RoleName is v: the same literal,
// or the same intrinsic written the same way (`!Sub ${AWS::StackName}-fn`).
func (b *builder) roleNamed(v *template.Value) string {
	if b.roleNames == nil {
		b.roleNames = map[string]string{}
		saved := b.deployed // an index of the whole template, read once
		b.deployed = ""
		defer func() { b.deployed = saved }()
		for _, r := range b.t.ResourcesOfType("AWS::IAM::Role") {
			for _, n := range b.union(r.Properties.Get("RoleName")) {
				b.roleNames[b.nameKey(n)] = r.ID
			}
		}
	}
	if v == nil {
		return ""
	}
	return b.roleNames[b.nameKey(v)]
}

// nameKey is the text a name is compared by: a literal (also one that Sub or
// Join spell out), or the intrinsic as written.
func (b *builder) nameKey(v *template.Value) string {
	if f, ok := b.t.Fold(v); ok && f.IsScalar() {
		return f.Text
	}
	return "\x00" + template.Describe(v)
}

// addManaged records a ManagedPolicyArns entry; a Ref to a managed policy of
// the template brings its document. An ARN built with the partition pseudo
// parameter (as CDK writes every managed policy ARN) is read as the ARN it
// names: which policy it is does not depend on the partition.
func (b *builder) addManaged(role *Role, origin string, v *template.Value) {
	for _, o := range b.ev.Eval(v) {
		x := o.Value
		if x == nil {
			continue // AWS::NoValue: nothing attached
		}
		if r := x.OnlyRef(); r != nil && (r.Kind == template.RefResource || r.Kind == template.RefAttr) {
			if res := b.t.Resource(r.Name); res != nil && res.Type == "AWS::IAM::ManagedPolicy" {
				b.addDocument(role, res.ID, "managed policy "+res.ID, res.Properties.Get("PolicyDocument"), res.Pos)
				continue
			}
		}
		ref := ManagedRef{Pos: v.Pos, Origin: origin}
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
		role := &Role{Kind: RoleTemplate, ID: fn.Resource + "Role", Pos: fn.Pos}
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
		b.addManaged(role, fn.Resource, v) // a name, an ARN, or a dynamic reference
		return
	case v.Kind != template.Map:
		return
	}
	if _, _, ok := v.Intrinsic(); ok {
		b.addManaged(role, fn.Resource, v)
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
					c := ref
					c.Params = maps.Clone(ref.Params)
					c.Params[pf.Key] = b.strOf(leaf)
					next = append(next, c)
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

func fieldsOf(v *template.Value) []template.Field {
	if v == nil || v.Kind != template.Map {
		return nil
	}
	return v.Fields
}

// unionItems returns the items of a list on every Fn::If branch together, or
// the value itself when it is not a list. Policies are analysed on the union
// of their branches: a statement that is wrong on any branch is wrong. A
// union needs no product of the items' branches, so it is never truncated.
// Branches that cannot hold where the resource being read exists (its
// Condition, b.deployed) are left out: `Policies: [!If [IsDev, Admin, ...]]`
// on a function that exists only when IsProd grants no Admin.
func (b *builder) unionItems(v *template.Value) []*template.Value {
	var out []*template.Value
	seen := map[*template.Value]bool{}
	for _, x := range b.leaves(v, nil) {
		items := []template.Alt{x}
		if x.Value.Kind == template.List {
			items = nil
			for _, it := range x.Value.Items {
				items = append(items, b.leaves(it, x.When)...)
			}
		}
		for _, it := range items {
			if !seen[it.Value] {
				seen[it.Value] = true
				out = append(out, it.Value)
			}
		}
	}
	return out
}

// leaves is template.LeafAlts without the branches that cannot hold where
// the resource being read exists.
func (b *builder) leaves(v *template.Value, when template.Path) []template.Alt {
	all := template.LeafAlts(v, when)
	if b.deployed == "" {
		return all
	}
	out := all[:0:0]
	for _, a := range all {
		if _, ok := b.t.Reduce(a.When, b.deployed); ok {
			out = append(out, a)
		}
	}
	return out
}

// union is leaves without the decisions.
func (b *builder) union(v *template.Value) []*template.Value {
	var out []*template.Value
	for _, a := range b.leaves(v, nil) {
		out = append(out, a.Value)
	}
	return out
}
