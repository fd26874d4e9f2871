package template

import (
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/source"
)

// MaxAlternatives bounds how many Fn::If combinations one property expands
// to. Real templates stay far below it; past it the
// remaining combinations are dropped and every result that is kept says so
// (Truncated), so that the caller can report the property as unchecked
// rather than pass it on the branches it saw.
const MaxAlternatives = 256

// Choice is one Fn::If decision: the condition and the branch taken. A
// choice with Is is a value chosen at deployment instead: the Mappings row
// `!FindInMap [M, !Ref Stage, K]` reads (Condition "!Ref Stage", Is "prod"),
// or one of a parameter's AllowedValues.
type Choice struct {
	Condition string
	Value     bool
	Pos       source.Pos // the Fn::If
	Is        string
	Note      string // what Is chooses, for messages: "Mappings row"
}

func (c Choice) String() string {
	if c.Is != "" {
		if c.Note != "" {
			return fmt.Sprintf("%s is %s (%s)", c.Condition, c.Is, c.Note)
		}
		return fmt.Sprintf("%s is %s", c.Condition, c.Is)
	}
	return fmt.Sprintf("%s is %t", c.Condition, c.Value)
}

// Path is the list of Fn::If decisions that lead to a value; empty when the
// value is unconditional.
type Path []Choice

// String renders a path for a message: `when IsProd is false`.
func (p Path) String() string {
	if len(p) == 0 {
		return ""
	}
	parts := make([]string, len(p))
	for i, c := range p {
		parts[i] = c.String()
	}
	return "when " + strings.Join(parts, " and ")
}

// with adds a choice; it fails when the path already took the other branch of
// the same condition, which makes the combination impossible.
func (p Path) with(c Choice) (Path, bool) {
	for _, old := range p {
		if old.Condition == c.Condition && (old.Is != "") == (c.Is != "") {
			return p, old.Value == c.Value && old.Is == c.Is
		}
	}
	out := make(Path, len(p), len(p)+1)
	copy(out, p)
	return append(out, c), true
}

// Join combines the decisions of two paths; it fails when they take
// different branches of one condition, which no deployment can do.
func (p Path) Join(q Path) (Path, bool) {
	ok := true
	for _, c := range q {
		if p, ok = p.with(c); !ok {
			return nil, false
		}
	}
	return p, true
}

// Alt is one value a property can take, and the decisions that lead to it.
// A nil Value means the property is absent on that path (missing, or
// `Ref: AWS::NoValue`).
type Alt struct {
	Value *Value
	When  Path
	// Truncated is set on every result of an expansion that had more than
	// MaxAlternatives combinations: some were dropped.
	Truncated bool
}

// Alternatives expands the Fn::If at the top of v (recursively) into every
// value v can take, as written. Fn::If below the top is left alone; Lookup
// and ListAlternatives descend further. Every branch is kept: a condition is
// not evaluated, because the check must hold whichever way it goes. An
// absent branch (AWS::NoValue) is a nil Value.
func Alternatives(v *Value) []Alt {
	var out []Alt
	if branchWalk(v, nil, true, MaxAlternatives+1, &out) {
		out = truncate(out[:MaxAlternatives])
	}
	return out
}

func truncate(alts []Alt) []Alt {
	for i := range alts {
		alts[i].Truncated = true
	}
	return alts
}

// branchWalk appends the values the Fn::If at the top of v takes, with
// their paths, to out (absent ones as nil when absent is set); it stops
// past limit values (0: none) and reports so.
func branchWalk(v *Value, when Path, absent bool, limit int, out *[]Alt) bool {
	if v == nil || v.IsNoValue() || v.Kind == Null {
		if absent {
			*out = append(*out, Alt{When: when})
		}
		return limit > 0 && len(*out) >= limit
	}
	branches, ok := ifBranches(v, when)
	if !ok {
		*out = append(*out, Alt{Value: v, When: when})
		return limit > 0 && len(*out) >= limit
	}
	for _, b := range branches {
		if branchWalk(b.Value, b.When, absent, limit, out) {
			return true
		}
	}
	return false
}

// Lookup follows keys from v, expanding Fn::If at every step, and returns
// every value found at the end of the path. A nil Value in an Alt means the
// path ends early on that branch; Parent tells the last map reached, so a
// finding about a missing key can land on it.
func Lookup(v *Value, keys ...string) []Found {
	cur := []Found{{Alt: Alt{Value: v}}}
	truncated := false
	for _, k := range keys {
		var next []Found
		for _, f := range cur {
			if f.Value == nil {
				f.Missing = f.missingOr(k) // absent higher up: Missing names the first key
				next = append(next, f)
				continue
			}
			for _, a := range Alternatives(f.Value) {
				truncated = truncated || a.Truncated
				w, ok := f.When.Join(a.When)
				if !ok {
					continue
				}
				if a.Value == nil || a.Value.Kind != Map {
					next = append(next, Found{Alt: Alt{When: w}, Parent: f.Parent, ParentKey: f.ParentKey, Missing: f.missingOr(k)})
					continue
				}
				fld, has := a.Value.Field(k)
				if !has {
					next = append(next, Found{Alt: Alt{When: w}, Parent: a.Value, ParentKey: f.Key.KeyPos, Missing: k})
					continue
				}
				for _, b := range Alternatives(fld.Value) {
					truncated = truncated || b.Truncated
					w2, ok := w.Join(b.When)
					if !ok {
						continue
					}
					found := Found{Alt: Alt{Value: b.Value, When: w2}, Parent: a.Value, ParentKey: f.Key.KeyPos, Key: fld}
					if b.Value == nil {
						found.Missing = k
					}
					next = append(next, found)
				}
			}
		}
		if len(next) > MaxAlternatives {
			next, truncated = next[:MaxAlternatives], true
		}
		cur = next
	}
	if truncated {
		for i := range cur {
			cur[i].Truncated = true
		}
	}
	return cur
}

// Found is one result of Lookup.
type Found struct {
	Alt
	Parent    *Value     // the map the last key was looked up in (nil when none was reached)
	ParentKey source.Pos // the key that holds Parent (zero for the top map)
	Key       Field      // the field found, when it exists
	Missing   string     // the first key that was absent on this path, if any
}

func (f Found) missingOr(k string) string {
	if f.Missing != "" {
		return f.Missing
	}
	return k
}

// ListAlternatives expands a list whose items use Fn::If (or are
// AWS::NoValue) into every concrete list it can become.
func ListAlternatives(list *Value) []ListAlt {
	out := []ListAlt{{}}
	truncated := false
	for _, item := range list.Items {
		var next []ListAlt
		for _, l := range out {
			for _, a := range Alternatives(item) {
				truncated = truncated || a.Truncated
				w, ok := l.When.Join(a.When)
				if !ok {
					continue
				}
				items := l.Items
				if a.Value != nil {
					items = append(items[:len(items):len(items)], a.Value)
				}
				next = append(next, ListAlt{Items: items, When: w})
			}
		}
		if len(next) > MaxAlternatives {
			next, truncated = next[:MaxAlternatives], true
		}
		out = next
	}
	if truncated {
		for i := range out {
			out[i].Truncated = true
		}
	}
	return out
}

// ListAlt is one concrete form of a list.
type ListAlt struct {
	Items     []*Value
	When      Path
	Truncated bool // see Alt.Truncated
}

// LeafAlts returns every value the Fn::If at the top of v can take, as
// written, with the decisions that lead to each, so that a union can leave
// out the branches no deployment reaches; without the bound of
// Alternatives, since a union grows with the template, not with the number
// of combinations. Branches that are absent (AWS::NoValue), or contradict
// when, are left out.
func LeafAlts(v *Value, when Path) []Alt {
	var out []Alt
	branchWalk(v, when, false, 0, &out)
	return out
}
