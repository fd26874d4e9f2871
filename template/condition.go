package template

import (
	"fmt"
	"slices"
	"strings"
)

// Conditions are read as logic, not as names: a condition is a formula of
// Fn::And, Fn::Or, Fn::Not and Condition over atoms, each an Fn::Equals of
// two evaluated values. A literal comparison evaluates; an atom over a
// parameter or a pseudo parameter ranges over the values it can take (the
// parameter's configured value, else its AllowedValues, else any), read as
// the values the formulas compare it with and one for the rest (see
// makeDomains); anything else is a free atom. A branch
// combination is checked only when some assignment makes it hold together
// with the resource's own Condition.

// maxAssignments bounds the assignments tried; past it a combination is
// taken as possible, so that it is checked rather than passed.
const maxAssignments = 4096

// Reduce reports whether the choices of p can hold together with the
// resource conditions conds (names from Conditions; "" is none), all taken
// as true, and returns p without the choices they already imply, which
// would only make messages longer. Several conditions are the resources a
// value lives through: a role read for a function holds where the role's
// Condition and the function's both do.
func (t *Template) Reduce(p Path, conds ...string) (Path, bool) {
	return t.plainEvaluator().Reduce(p, conds...)
}

// CanExist reports whether a resource's Condition can hold on some
// deployment; a resource that is never created is not checked.
func (t *Template) CanExist(r *Resource) bool { return t.plainEvaluator().CanExist(r) }

// Reduce is Template.Reduce with the parameter values the configuration
// gives: they fix the atoms over those parameters.
func (e *Evaluator) Reduce(p Path, conds ...string) (Path, bool) {
	conds = named(conds)
	if len(conds) == 0 && !p.hasCondition() {
		return p, true
	}
	if !e.satisfiable(p, conds) {
		return nil, false
	}
	if len(conds) == 0 {
		return p, true
	}
	// Drop one implied choice at a time, judged against what is left: two
	// choices that imply each other under cond are not both dropped.
	out := append(Path(nil), p...)
	for i := 0; i < len(out); {
		c := out[i]
		if c.Is != "" {
			i++
			continue
		}
		flipped := make(Path, 0, len(out))
		flipped = append(flipped, out[:i]...)
		flipped = append(flipped, Choice{Condition: c.Condition, Value: !c.Value})
		flipped = append(flipped, out[i+1:]...)
		if e.satisfiable(flipped, conds) {
			i++ // not implied: the message must say it
			continue
		}
		out = append(out[:i], out[i+1:]...)
	}
	return out, true
}

// CanExist is Template.CanExist with the configured parameter values.
func (e *Evaluator) CanExist(r *Resource) bool {
	if r.Condition == "" {
		return true
	}
	return e.satisfiable(nil, []string{r.Condition})
}

// named drops the empty names and repeats from a list of conditions.
func named(conds []string) []string {
	var out []string
	for _, c := range conds {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func (p Path) hasCondition() bool {
	for _, c := range p {
		if c.Is == "" {
			return true
		}
	}
	return false
}

// logic holds what one satisfiability question needs.
type logic struct {
	t       *Template
	ev      *Evaluator
	domains map[string][]string // variable -> values it can take
	order   []string
	// compared holds, for each parameter or pseudo parameter, the values
	// the formulas compare it with, in order; the domains are made of them.
	compared map[string][]string
	pairs    [][2]string // variables compared with each other
	atoms    map[*Value]sides
}

// atomEvaluator is e reading parameters as references, as atoms compare
// them; made once, so that its caches last.
func (e *Evaluator) atomEvaluator() *Evaluator {
	if !e.Params {
		return e
	}
	if e.atoms == nil {
		e.atoms = &Evaluator{t: e.t, Given: e.Given}
	}
	return e.atoms
}

func (e *Evaluator) satisfiable(p Path, conds []string) bool {
	t := e.t
	key := strings.Join(conds, "\x01") + "\x00" + p.String()
	if e.satCache == nil {
		e.satCache = map[string]bool{}
	}
	if v, ok := e.satCache[key]; ok {
		return v
	}
	// Atoms read parameters as references, fixed where a value is given.
	l := &logic{t: t, ev: e.atomEvaluator(), domains: map[string][]string{}, compared: map[string][]string{}}
	var formulas []*Value
	var wants []bool
	fixed := map[string]string{}
	for _, c := range p {
		if c.Is != "" {
			if name, ok := strings.CutPrefix(c.Condition, "!Ref "); ok && (t.Parameters[name] != nil || pseudoParameters[name]) {
				fixed[name] = c.Is
				l.compare(name, c.Is)
			}
			continue
		}
		f := t.Conditions[c.Condition]
		if f == nil {
			continue // an undefined condition: CloudFormation rejects it; nothing to reason on
		}
		formulas = append(formulas, &Value{Kind: Map, Fields: []Field{{Key: "Condition", Value: &Value{Kind: String, Text: c.Condition}}}})
		wants = append(wants, c.Value)
	}
	for _, cond := range conds {
		if t.Conditions[cond] != nil {
			formulas = append(formulas, &Value{Kind: Map, Fields: []Field{{Key: "Condition", Value: &Value{Kind: String, Text: cond}}}})
			wants = append(wants, true)
		}
	}
	collected := map[string]bool{}
	for _, f := range formulas {
		l.collect(f, collected)
	}
	l.makeDomains(fixed)
	ok := l.search(formulas, wants)
	e.satCache[key] = ok
	return ok
}

// variable names what an evaluated side of an Fn::Equals stands for: a
// parameter or pseudo parameter, or "" for a value known before deployment.
func (l *logic) side(v *Value) (vr, val string, free bool) {
	if text, ok := v.Known(); ok {
		if v.Kind == Bool {
			// CloudFormation reads a YAML boolean (True, yes, OFF) as the
			// string "true" or "false".
			text = BoolText(v)
		}
		return "", text, false
	}
	if r := v.OnlyRef(); r != nil && (r.Kind == RefParam || r.Kind == RefPseudo) {
		if given, ok := l.ev.Given[r.Name]; ok {
			return "", given, false
		}
		return r.Name, "", false
	}
	return "", "", true
}

// atom splits an Fn::Equals into its sides, evaluated once.
func (l *logic) atom(arg *Value) (a, b *Value, ok bool) {
	if s, done := l.atoms[arg]; done {
		return s.a, s.b, s.ok
	}
	defer func() {
		if l.atoms == nil {
			l.atoms = map[*Value]sides{}
		}
		l.atoms[arg] = sides{a, b, ok}
	}()
	if arg.Kind != List || len(arg.Items) != 2 {
		return nil, nil, false
	}
	x, y := l.ev.One(arg.Items[0]), l.ev.One(arg.Items[1])
	if x == nil || y == nil || !x.IsScalar() || !y.IsScalar() {
		return nil, nil, false
	}
	return x, y, true
}

type sides struct {
	a, b *Value
	ok   bool
}

// compare records that the formulas compare variable vr with vals (with
// none: with another variable).
func (l *logic) compare(vr string, vals ...string) {
	have, seen := l.compared[vr]
	if !seen {
		l.order = append(l.order, vr)
	}
	for _, x := range vals {
		if !slices.Contains(have, x) {
			have = append(have, x)
		}
	}
	l.compared[vr] = have
}

// makeDomains gives each variable the values that tell its assignments
// apart, and no more: a formula only asks whether a variable equals a value
// it is compared with, or another variable. Every other value a variable
// can take is one representative, so that eight parameters with three
// AllowedValues each, compared with one value each, are 2^8 assignments,
// not 3^8. Variables compared with each other are read together (see
// component); a value the path fixes (fixed) is the variable's only one.
func (l *logic) makeDomains(fixed map[string]string) {
	parent := map[string]string{}
	var root func(v string) string
	root = func(v string) string {
		if p, ok := parent[v]; ok && p != v {
			r := root(p)
			parent[v] = r
			return r
		}
		return v
	}
	for _, pr := range l.pairs {
		if a, b := root(pr[0]), root(pr[1]); a != b {
			parent[b] = a
		}
	}
	groups := map[string][]string{}
	var roots []string
	for _, v := range l.order {
		if _, ok := l.compared[v]; !ok {
			continue // a free atom: its domain is made with it
		}
		r := root(v)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], v)
	}
	for _, r := range roots {
		l.component(groups[r])
	}
	for name, v := range fixed {
		l.domains[name] = []string{v}
	}
}

// component makes the domains of variables connected by comparisons with
// each other. The values that matter are the ones any of them is compared
// with (cmp): `!Equals [!Ref A, x]` and `!Equals [!Ref A, !Ref B]` let B be
// x too. Any other value matters only for which variables may take it
// (its AllowedValues) and for which of them are equal: values allowed to
// the same variables are interchangeable, so as many of them are kept as
// there are variables to tell apart; a variable without AllowedValues (a
// pseudo parameter too) can take all of those and a value of its own, one
// no formula names.
func (l *logic) component(vars []string) {
	var cmp []string
	for _, v := range vars {
		for _, x := range l.compared[v] {
			if !slices.Contains(cmp, x) {
				cmp = append(cmp, x)
			}
		}
	}
	allowed := func(v string) []string {
		if p := l.t.Parameters[v]; p != nil && len(p.Allowed) > 0 {
			return p.Allowed
		}
		return nil
	}
	// The rest: each value no formula names, by the variables that allow it.
	var rest []string
	perClass := map[string]int{}
	classOf := map[string]string{}
	for _, v := range vars {
		for _, x := range allowed(v) {
			if slices.Contains(cmp, x) || classOf[x] != "" {
				continue
			}
			var class strings.Builder
			for i, w := range vars {
				if slices.Contains(allowed(w), x) {
					fmt.Fprintf(&class, "%d,", i)
				}
			}
			classOf[x] = class.String()
			if perClass[class.String()] < len(vars) {
				perClass[class.String()]++
				rest = append(rest, x)
			}
		}
	}
	// Values of their own for the variables without AllowedValues: as many
	// as there are of them, none of them a value of the template.
	var own []string
	for _, v := range vars {
		if allowed(v) != nil {
			continue
		}
		x := fmt.Sprintf("\x00other %d", len(own))
		for slices.Contains(cmp, x) || slices.Contains(rest, x) {
			x += "\x00" // a template that compares with this very text
		}
		own = append(own, x)
	}
	for _, v := range vars {
		a := allowed(v)
		if a == nil {
			l.domains[v] = slices.Concat(cmp, rest, own)
			continue
		}
		var d []string
		for _, x := range slices.Concat(cmp, rest) {
			if slices.Contains(a, x) {
				d = append(d, x)
			}
		}
		l.domains[v] = d
	}
}

// collect finds the variables of a formula and the values they are compared with.
func (l *logic) collect(f *Value, seen map[string]bool) {
	name, arg, ok := f.Intrinsic()
	if !ok {
		return
	}
	switch name {
	case "Condition":
		// Each condition once: its variables do not change with the path
		// that reaches it (and a cycle stops here too).
		if arg.Kind == String && !seen[arg.Text] {
			seen[arg.Text] = true
			if c := l.t.Conditions[arg.Text]; c != nil {
				l.collect(c, seen)
			}
		}
	case "Fn::And", "Fn::Or", "Fn::Not":
		for _, it := range arg.Items {
			l.collect(it, seen)
		}
	case "Fn::Equals":
		a, b, ok := l.atom(arg)
		if !ok {
			l.free(f)
			return
		}
		va, xa, fa := l.side(a)
		vb, xb, fb := l.side(b)
		switch {
		case fa || fb || (va != "" && vb != ""):
			if va != "" && vb != "" && !fa && !fb {
				l.compare(va)
				l.compare(vb)
				l.pairs = append(l.pairs, [2]string{va, vb})
				return
			}
			l.free(f)
		case va != "":
			l.compare(va, xb)
		case vb != "":
			l.compare(vb, xa)
		}
	default:
		l.free(f)
	}
}

// free makes an atom lambdagate cannot read a variable of its own.
func (l *logic) free(f *Value) {
	k := "\x00atom " + Describe(f)
	if _, ok := l.domains[k]; !ok {
		l.order = append(l.order, k)
		l.domains[k] = []string{"true", "false"}
	}
}

func (l *logic) search(formulas []*Value, wants []bool) bool {
	assign := make(map[string]string, len(l.order))
	// Each variable assigned is checked against the formulas at once: a
	// formula already decided the wrong way prunes every assignment below,
	// so independent conditions cost their sum, not their product. The
	// budget counts the assignments tried.
	tried := 0
	var try func(i int) (ok, out bool)
	try = func(i int) (ok, out bool) {
		for j, f := range formulas {
			if v, known := l.holds(f, assign, map[string]bool{}, map[string]truth{}); known && v != wants[j] {
				return false, false
			}
		}
		if i == len(l.order) {
			return true, false
		}
		for _, x := range l.domains[l.order[i]] {
			if tried++; tried > maxAssignments {
				return true, true // past the budget: possible, so checked
			}
			assign[l.order[i]] = x
			ok, out := try(i + 1)
			if ok || out {
				return true, out
			}
		}
		delete(assign, l.order[i])
		return false, false
	}
	ok, _ := try(0)
	return ok
}

// holds evaluates a formula under an assignment; ok is false when it cannot
// (a cycle of conditions), which counts as either value.
// truth is a condition's value under one assignment, kept so that a
// condition many others use is evaluated once.
type truth struct{ value, known bool }

func (l *logic) holds(f *Value, assign map[string]string, seen map[string]bool, memo map[string]truth) (bool, bool) {
	name, arg, ok := f.Intrinsic()
	if !ok {
		if text, ok := f.Known(); ok {
			return text == "true", true
		}
		return false, false
	}
	switch name {
	case "Condition":
		if arg.Kind != String || seen[arg.Text] || l.t.Conditions[arg.Text] == nil {
			return false, false
		}
		if t, ok := memo[arg.Text]; ok {
			return t.value, t.known
		}
		seen[arg.Text] = true
		v, known := l.holds(l.t.Conditions[arg.Text], assign, seen, memo)
		delete(seen, arg.Text)
		memo[arg.Text] = truth{v, known}
		return v, known
	case "Fn::And", "Fn::Or":
		and := name == "Fn::And"
		result, known := and, true
		for _, it := range arg.Items {
			v, ok := l.holds(it, assign, seen, memo)
			switch {
			case !ok:
				known = false
			case and && !v:
				return false, true
			case !and && v:
				return true, true
			}
		}
		return result, known
	case "Fn::Not":
		if arg.Kind != List || len(arg.Items) != 1 {
			return false, false
		}
		v, ok := l.holds(arg.Items[0], assign, seen, memo)
		return !v, ok
	case "Fn::Equals":
		a, b, ok := l.atom(arg)
		if !ok {
			return l.freeAtom(f, assign)
		}
		va, xa, fa := l.side(a)
		vb, xb, fb := l.side(b)
		if fa || fb {
			return l.freeAtom(f, assign)
		}
		if va != "" {
			if xa, ok = assign[va]; !ok {
				return false, false // not assigned yet: either
			}
		}
		if vb != "" {
			if xb, ok = assign[vb]; !ok {
				return false, false
			}
		}
		return xa == xb, true
	}
	return l.freeAtom(f, assign)
}

// freeAtom is the value a free atom takes under an assignment; ok is false
// while it has none yet.
func (l *logic) freeAtom(f *Value, assign map[string]string) (bool, bool) {
	x, ok := assign["\x00atom "+Describe(f)]
	return x == "true", ok
}
