package lambda

// This file reads the three value controls (KmsKeyArn, tracing, security
// groups) on every branch, through the evaluator.

import (
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/template"
)

// settings reads a scalar control at the end of a property path.
func (b *builder) settings(fn *Function, props *template.Value, path ...string) []Setting {
	var out []Setting
	for _, f := range b.lookup(props, path...) {
		b.checkComplete(fn, f.Truncated, path...)
		for _, r := range b.mapRows(f) {
			out = append(out, b.setting(fn, r, path[0]))
		}
	}
	return out
}

// mapRows expands `!FindInMap [Map, !Ref Stage, Key]`, whose row is chosen
// at deployment, into one value per row it can choose (the evaluator's
// Mappings rows), each with its row in row: a row that deploys an empty key
// or another tracing mode is a deployment like an Fn::If branch. Other
// values are returned as they are.
func (b *builder) mapRows(f template.Found) []template.Found {
	one := []template.Found{f}
	if _, _, ok := f.Value.Intrinsic(); !ok {
		return one // a written list: its items' branches are read item by item
	}
	outs := b.cev.Eval(f.Value)
	if !chosenAtDeployment(outs) {
		return one // folded, a branch below the top, or nothing chosen at deployment
	}
	out := make([]template.Found, 0, len(outs))
	for _, o := range outs {
		// The row joins the branch it is read on, and both must hold
		// where the function exists: a function only in us-east-1 has no
		// eu-west-1 row.
		w, ok := f.When.Join(o.When)
		if ok {
			w, ok = b.possible(w)
		}
		if !ok {
			continue
		}
		c := f
		c.Value, c.When = o.Value, w
		out = append(out, c)
	}
	return out
}

// chosenAtDeployment reports whether outcomes differ by a choice made at
// deployment: an Fn::If inside another function (`!Sub ["${k}", {k: !If
// [C, "", ...]}]`), a Mappings row, a parameter's allowed value.
func chosenAtDeployment(outs []template.Outcome) bool {
	for _, o := range outs {
		if len(o.When) > 0 {
			return true
		}
	}
	return false
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
	case v.IsScalar() && !v.Unknown():
		s.State = Literal
		s.Text = v.Text
	default:
		if _, _, ok := v.Intrinsic(); !ok && !v.Unknown() {
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

// param returns the parameter v is, as a whole (`!Ref P`, `!Sub "${P}"`),
// if any.
func (b *builder) param(v *template.Value) *Param {
	r := b.cev.One(v).OnlyRef()
	if r == nil || r.Kind != template.RefParam {
		return nil
	}
	ref := r.Name
	p := b.t.Parameters[ref]
	if p == nil {
		return nil
	}
	out := &Param{Name: p.Name, Pos: p.Pos, Allowed: p.Allowed,
		List: p.Type == "CommaDelimitedList" || strings.HasPrefix(p.Type, "List<")}
	if val, ok := b.opts.Parameters[p.Name]; ok && !p.Stored {
		// (An SSM parameter type is given the name of what it deploys.)
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
	var found []template.Found
	for _, f := range b.lookup(props, "VpcConfig", "SecurityGroupIds") {
		b.checkComplete(fn, f.Truncated, "VpcConfig", "SecurityGroupIds")
		found = append(found, b.mapRows(f)...)
	}
	for _, f := range found {
		s := b.setting(fn, f, "VpcConfig")
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

// AWSManagedKey reports whether a key ARN (or alias) written out is one of
// the aliases of AWS managed keys (alias/aws/...).
func AWSManagedKey(arn string) bool {
	if rest, ok := strings.CutPrefix(arn, "alias/aws/"); ok {
		return rest != ""
	}
	f := strings.SplitN(arn, ":", 6)
	return len(f) == 6 && f[0] == "arn" && f[2] == "kms" && strings.HasPrefix(f[5], "alias/aws/")
}
