package template

import (
	"fmt"
	"strings"
	"unicode"
)

// An Fn::ForEach of the AWS::LanguageExtensions transform in Resources,
// `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: fragment}]`, makes
// one copy of each resource of the fragment per value of the collection: in
// the OutputKey, ${Identifier} becomes the value and &{Identifier} the value
// without its non-alphanumeric characters; in the fragment, `Ref: Identifier`
// becomes the value and so does ${Identifier} in an Fn::Sub string.
//
// The copies are made when the collection is written out (or folds to a
// list, see Fold) and the fragment names the identifier: each copy is then
// checked with its own values (one copy may turn tracing off). A fragment
// that never names an identifier makes copies the checks cannot tell apart;
// it is read once, under its logical id as written, so that a finding is
// reported once on its line rather than once per copy, and the ids of the
// copies lead to it (Template.Resource). A collection known only at
// deployment (`!Ref Names`) leaves its identifier unknown: the fragment is
// read once, as written, the same way.
//
// Copies share the nodes the identifier does not reach, as YAML aliases do:
// nothing changes a Value once it is parsed. The substituted nodes keep the
// positions of the nodes they replace, so a finding lands on the line of
// the fragment.

// maxCopies bounds the resources the loops of one template make, copies
// read as one included: CloudFormation deploys at most 500 resources, and a
// hostile file should not make millions.
const maxCopies = 10_000

// binding is a loop identifier and the value it stands for in one copy.
type binding struct {
	name  string
	value *Value // a scalar
}

// expansion reads one top-level entry of Resources, expanding the loops in
// it.
type expansion struct {
	t      *Template
	expand bool // false: every loop is read once, as written
	budget int  // the values the copies may still hold
	copies int  // the copies that may still be made
	over   bool
	made   map[string]made // copies by logical id, in this entry
	order  []string
	alias  map[string]string // the logical id of a copy -> the id it is read under
	used   map[use]bool
}

// made is one resource of an expansion and the loop that made it.
type made struct {
	field Field
	loop  string
}

// addEntry reads one entry of Resources: a resource, or an Fn::ForEach.
func (t *Template) addEntry(f Field) {
	if !strings.HasPrefix(f.Key, "Fn::ForEach::") {
		t.addResource(f)
		return
	}
	x := t.newExpansion(true)
	x.entry(f, nil, "")
	if x.over {
		t.Problems = append(t.Problems, &Error{Pos: f.KeyPos, Msg: fmt.Sprintf(
			"%s makes more copies than are read (over %d resources, or %d values, in all; CloudFormation deploys at most 500 resources); its fragment is checked once, as written, with its identifiers unknown",
			f.Key, maxCopies, t.loopBudget)})
		x = t.newExpansion(false)
		x.entry(f, nil, "")
	}
	t.loopBudget, t.loopCopies = x.budget, x.copies
	for _, id := range x.order {
		m := x.made[id]
		if r := t.addResource(m.field); r != nil {
			r.Loop = m.loop
		}
	}
	for copyID, id := range x.alias {
		if r := t.byID[id]; r != nil {
			if t.copies == nil {
				t.copies = map[string]*Resource{}
			}
			t.copies[copyID] = r
		}
	}
}

func (t *Template) newExpansion(expand bool) *expansion {
	return &expansion{t: t, expand: expand, budget: t.loopBudget, copies: t.loopCopies,
		made: map[string]made{}, alias: map[string]string{}, used: map[use]bool{}}
}

// entry reads an entry of a fragment, or of Resources (loop is "").
func (x *expansion) entry(f Field, env []binding, loop string) {
	if x.over {
		return
	}
	if strings.HasPrefix(f.Key, "Fn::ForEach::") {
		x.loop(f, env)
		return
	}
	x.resource(f, env, loop)
}

func (x *expansion) loop(f Field, env []binding) {
	v := f.Value
	if v.Kind != List || len(v.Items) != 3 || v.Items[2].Kind != Map {
		x.problem(&Error{Pos: v.Pos, Msg: fmt.Sprintf("%s must be a list of an identifier, a collection and a map of resources", f.Key)})
		return
	}
	ident, fragment := v.Items[0], v.Items[2]
	values, ok := x.collection(v.Items[1], env)
	if !x.expand || !ok || ident.Kind != String || ident.Text == "" {
		for _, inner := range fragment.Fields {
			x.entry(inner, env, f.Key)
		}
		return
	}
	for _, val := range values {
		inner := append(env[:len(env):len(env)], binding{ident.Text, val})
		for _, g := range fragment.Fields {
			// Every visit costs, whether or not it makes a resource: a loop
			// of empty fragments must not run without bound either.
			if x.budget--; x.budget < 0 {
				x.over = true
			}
			if x.over {
				return
			}
			x.entry(g, inner, f.Key)
		}
	}
}

// paramList reads `!Ref Modes`, a list parameter, as the list its default
// deploys, so that each copy the default makes is checked. (A value given at
// deployment may make others; the copies of the default are the ones a
// reviewer can see.)
func (t *Template) paramList(v *Value) (*Value, bool) {
	name, arg, ok := v.Intrinsic()
	if !ok || name != "Ref" || arg.Kind != String {
		return nil, false
	}
	p := t.Parameters[arg.Text]
	if p == nil || p.Default == nil || !p.Default.IsScalar() || strings.TrimSpace(p.Default.Text) == "" {
		return nil, false
	}
	list := &Value{Kind: List, Pos: v.Pos}
	for _, part := range strings.Split(p.Default.Text, ",") {
		list.Items = append(list.Items, &Value{Kind: String, Text: strings.TrimSpace(part), Pos: p.Default.Pos})
	}
	return list, true
}

// collection returns the values of a loop's collection when they are
// written out, or fold once the outer loops' identifiers are known.
func (x *expansion) collection(v *Value, env []binding) ([]*Value, bool) {
	if !x.expand {
		return nil, false
	}
	if len(env) > 0 { // written anew for each copy of the outer loops
		x.budget -= size(v, x.budget+1)
		if x.budget < 0 {
			x.over = true
			return nil, false
		}
	}
	list, ok := x.t.Fold(x.substitute(v, env))
	if !ok {
		list, ok = x.t.paramList(v)
	}
	if !ok || list.Kind != List {
		return nil, false
	}
	// What the collection folds to (`!Split` of a long text) costs, not
	// what is written.
	if x.budget -= len(list.Items); x.budget < 0 {
		x.over = true
		return nil, false
	}
	out := make([]*Value, 0, len(list.Items))
	for _, it := range list.Items {
		f, ok := x.t.Fold(it)
		if !ok || !f.IsScalar() {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

// resource makes the copy of one resource of a fragment for the values of
// env, or finds that an earlier copy stands for it.
func (x *expansion) resource(f Field, env []binding, loop string) {
	var named []binding
	if len(env) > 0 {
		if x.copies--; x.copies < 0 {
			x.over = true
			return
		}
		for i := len(env) - 1; i >= 0; i-- { // an inner loop's identifier hides an outer one's
			b := env[i]
			if placeholder(f.Key, b.name) && !bound(named, b.name) && x.uses(f.Value, b.name) {
				named = append(named, b)
			}
		}
	}
	id, full := substituteKey(f.Key, named), substituteKey(f.Key, env)
	if full != id {
		x.alias[full] = id
	}
	if _, ok := x.made[id]; ok {
		return
	}
	body := f.Value
	if len(named) > 0 {
		x.budget -= size(body, x.budget+1)
		if x.budget < 0 {
			x.over = true
			return
		}
		body = x.substitute(body, named)
	}
	x.made[id] = made{Field{Key: id, KeyPos: f.KeyPos, Value: body}, loop}
	x.order = append(x.order, id)
}

func (x *expansion) problem(e *Error) {
	for _, p := range x.t.Problems {
		if *p == *e {
			return // once, not once per copy of an outer loop
		}
	}
	x.t.Problems = append(x.t.Problems, e)
}

// uses reports whether v names the identifier name: a Ref to it, or a
// ${name} or &{name} in the string of an Fn::Sub or in a key. It asks the
// substitution itself, with a value of its own for the identifier, so that
// it finds exactly what a copy would replace (`${Fn${N}}` names N; `${!N}`
// and a variable of the Fn::Sub's own map do not), and no other reader of
// ${...} is needed.
func (x *expansion) uses(v *Value, name string) bool {
	k := use{v, name}
	if u, ok := x.used[k]; ok {
		return u
	}
	u := x.substitute(v, []binding{{name, &Value{Kind: String}}}) != v
	x.used[k] = u
	return u
}

type use struct {
	v    *Value
	name string
}

func placeholder(key, name string) bool {
	return strings.Contains(key, "${"+name+"}") || strings.Contains(key, "&{"+name+"}")
}

func bound(env []binding, name string) bool {
	for _, b := range env {
		if b.name == name {
			return true
		}
	}
	return false
}

// substituteKey writes the values of env into an OutputKey (or a string of
// Fn::Sub).
func substituteKey(s string, env []binding) string {
	for i := len(env) - 1; i >= 0; i-- {
		b := env[i]
		s = strings.ReplaceAll(s, "${"+b.name+"}", b.value.Text)
		s = strings.ReplaceAll(s, "&{"+b.name+"}", alphanumeric(b.value.Text))
	}
	return s
}

func alphanumeric(s string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, s)
}

// substitute returns v with the values of env written in: new nodes on the
// way to a change, at the positions of the nodes they replace, and v's own
// nodes elsewhere.
func (x *expansion) substitute(v *Value, env []binding) *Value {
	if v == nil || len(env) == 0 {
		return v
	}
	if name, arg, ok := v.Intrinsic(); ok {
		switch name {
		case "Ref":
			if arg.Kind == String {
				for i := len(env) - 1; i >= 0; i-- {
					if env[i].name == arg.Text {
						c := *env[i].value
						c.Pos = v.Pos
						return &c
					}
				}
			}
			return v
		case "Fn::Sub":
			return x.substituteSub(v, arg, env)
		}
	}
	switch v.Kind {
	case List:
		if items, changed := copyOnWrite(v.Items, func(it *Value) *Value { return x.substitute(it, env) }); changed {
			c := *v
			c.Items = items
			return &c
		}
	case Map:
		if fields, changed := copyOnWrite(v.Fields, func(f Field) Field {
			return Field{Key: substituteKey(f.Key, env), KeyPos: f.KeyPos, Value: x.substitute(f.Value, env)}
		}); changed {
			c := *v
			c.Fields = fields
			return &c
		}
	}
	return v
}

// copyOnWrite applies f to every element; it returns a new slice only when
// some element changed, so that unchanged parts stay shared between copies.
func copyOnWrite[T comparable](xs []T, f func(T) T) ([]T, bool) {
	var out []T
	for i, x := range xs {
		y := f(x)
		if y != x && out == nil {
			out = append(make([]T, 0, len(xs)), xs[:i]...)
		}
		if out != nil {
			out = append(out, y)
		}
	}
	return out, out != nil
}

// substituteSub writes the values of env into the string of an Fn::Sub,
// except for the variables its own map binds.
func (x *expansion) substituteSub(v, arg *Value, env []binding) *Value {
	text, vars := arg, (*Value)(nil)
	if arg.Kind == List && len(arg.Items) > 0 {
		text = arg.Items[0]
		if len(arg.Items) > 1 {
			vars = arg.Items[1]
		}
	}
	if text.Kind != String {
		return x.substituteFields(v, env)
	}
	var free []binding
	for _, b := range env {
		if vars.Get(b.name) == nil {
			free = append(free, b)
		}
	}
	t := text
	if s := substituteKey(text.Text, free); s != text.Text {
		c := *text
		c.Text = s
		t = &c
	}
	newArg := t
	if arg.Kind == List {
		newArg = arg
		items, changed := copyOnWrite(arg.Items, func(it *Value) *Value {
			if it == text {
				return t
			}
			return x.substitute(it, env)
		})
		if changed {
			c := *arg
			c.Items = items
			newArg = &c
		}
	}
	if newArg == arg {
		return v
	}
	c := *v
	c.Fields = []Field{{Key: v.Fields[0].Key, KeyPos: v.Fields[0].KeyPos, Value: newArg}}
	return &c
}

func (x *expansion) substituteFields(v *Value, env []binding) *Value {
	arg := v.Fields[0].Value
	s := x.substitute(arg, env)
	if s == arg {
		return v
	}
	c := *v
	c.Fields = []Field{{Key: v.Fields[0].Key, KeyPos: v.Fields[0].KeyPos, Value: s}}
	return &c
}

// size counts the values of v, up to limit.
func size(v *Value, limit int) int {
	n := 0
	var walk func(*Value)
	walk = func(v *Value) {
		if v == nil || n >= limit {
			return
		}
		n++
		for _, it := range v.Items {
			walk(it)
		}
		for _, f := range v.Fields {
			walk(f.Value)
		}
	}
	walk(v)
	return n
}
