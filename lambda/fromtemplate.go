package lambda

import (
	"fmt"
	"slices"
	"strings"

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
		aev: t.Evaluator(opts.Parameters, true),
		cev: t.Evaluator(opts.Parameters, false)}
	b.aev.Allowed = true
	var out []*Function
	for _, r := range t.ResourcesOfType(TypeLambda, TypeServerless) {
		if !b.cev.CanExist(r) {
			continue // its Condition never holds: the function is never created
		}
		out = append(out, b.function(r))
	}
	return out
}

// NeverCreated lists the functions of a template whose Condition can never
// hold, which FromTemplate leaves out, each with why.
func NeverCreated(t *template.Template, opts Options) []string {
	var out []string
	ev := t.Evaluator(opts.Parameters, false)
	for _, r := range t.ResourcesOfType(TypeLambda, TypeServerless) {
		if !ev.CanExist(r) {
			out = append(out, fmt.Sprintf("function %s (line %d) is not checked: its Condition %s can never hold, so it is never created", r.ID, r.Pos.Line, r.Condition))
		}
	}
	return out
}

type builder struct {
	t        *template.Template
	opts     Options
	roles    map[string]*Role // by logical id, or by the text of an unresolved role
	attached map[string][]*template.Resource
	names    map[string]map[string]string // type -> name (see nameKey) -> logical id
	indexes  map[string]resourceIndex     // see index.go
	// ev reads values as they deploy, parameters with their given or
	// default values (policies, names); cev keeps a parameter a reference,
	// as the controls read it.
	ev, cev *template.Evaluator
	// aev reads parameters on every value they allow (see deployable).
	aev *template.Evaluator
	// cut is set when a value read had more combinations than are checked
	// (see policyOf).
	cut bool
	// deployed are the Conditions of the resources the value being read
	// lives through, taken as true: a function exists only when its
	// Condition holds, and a role read for it only where both the role's
	// and the function's do.
	deployed []string
}

func (b *builder) function(r *template.Resource) *Function {
	props := b.t.Properties(r)
	fn := &Function{Resource: r.ID, Type: r.Type, Pos: r.Pos}
	b.deployed = []string{r.Condition}
	b.cut = false
	fn.Misspelled = misspellings(r.Type, props)
	fn.KmsKey = b.settings(fn, props, "KmsKeyArn")
	for i, s := range fn.KmsKey {
		fn.KmsKey[i].AWSManaged = s.State == Literal && AWSManagedKey(s.Text)
	}
	if r.Type == TypeServerless {
		fn.Tracing = b.settings(fn, props, "Tracing")
	} else {
		fn.Tracing = b.settings(fn, props, "TracingConfig", "Mode")
	}
	fn.SecurityGroups = b.securityGroups(fn, props)
	fn.Roles = b.roleUses(fn, r, props)
	b.controls(fn, r, props)
	b.connectors(fn, r)
	fn.Around = b.surroundings(r, props)
	if b.cut {
		fn.Unchecked = append(fn.Unchecked, Unchecked{Pos: fn.Pos, Message: fmt.Sprintf(
			"a value around %s (a permission, a URL, a key, a security group, a log group) has more than %d combinations of Fn::If branches, Mappings rows and parameter values; lambdagate checks every one and cannot check these, so %s is not verified. Use fewer combinations", fn.Resource, template.MaxAlternatives, fn.Resource)})
	}
	return fn
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

// under reads what follows also where cond holds (a resource's Condition,
// or ""), until the function it returns puts b.deployed back.
func (b *builder) under(cond string) (restore func()) {
	saved := b.deployed
	b.deployed = append(slices.Clone(saved), cond)
	return func() { b.deployed = saved }
}

// anywhere reads what follows for the whole template, under no resource's
// Condition, until the function it returns puts b.deployed back.
func (b *builder) anywhere() (restore func()) {
	saved := b.deployed
	b.deployed = nil
	return func() { b.deployed = saved }
}

// canExist reports whether a resource whose Condition is cond can exist
// where the resource being read does.
func (b *builder) canExist(cond string) bool {
	_, ok := b.cev.Reduce(nil, append(slices.Clone(b.deployed), cond)...)
	return ok
}

// possible reports whether a path can hold where the resource being read
// exists (its Condition, read as logic), and drops the choices that
// Condition already implies.
func (b *builder) possible(p template.Path) (template.Path, bool) {
	return b.cev.Reduce(p, b.deployed...)
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
	for _, a := range b.unionAlts(v) {
		out = append(out, a.Value)
	}
	return out
}

// unionAlts is unionItems with the branch each item is first found on,
// without the choices the resource's Conditions imply.
func (b *builder) unionAlts(v *template.Value) []template.Alt {
	var out []template.Alt
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
				it.When, _ = b.possible(it.When)
				out = append(out, it)
			}
		}
	}
	return out
}

// leaves is template.LeafAlts without the branches that cannot hold where
// the resource being read exists.
func (b *builder) leaves(v *template.Value, when template.Path) []template.Alt {
	all := template.LeafAlts(v, when)
	out := all[:0:0]
	for _, a := range all {
		if _, ok := b.cev.Reduce(a.When, b.deployed...); ok {
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
