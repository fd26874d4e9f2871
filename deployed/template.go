package deployed

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
)

// matchTemplates pairs each stack with the template that defines the most
// of its functions' logical ids (on a tie, the one with the fewest other
// functions, then the first given): nested stacks find their own templates
// the same way.
func (r *run) matchTemplates(stacks []*stack) {
	if len(r.o.Templates) == 0 {
		return
	}
	byID := make([]map[string]*lambda.Function, len(r.o.Templates))
	for i, u := range r.o.Templates {
		byID[i] = map[string]*lambda.Function{}
		for _, fn := range u.Functions {
			byID[i][fn.Resource] = fn
		}
	}
	used := make([]bool, len(r.o.Templates))
	for _, s := range stacks {
		best, score, extra := -1, 0, 0
		for i, fns := range byID {
			n := 0
			for _, e := range s.functions {
				if fns[e.logical] != nil {
					n++
				}
			}
			if n == 0 {
				continue
			}
			if x := len(fns) - n; n > score || (n == score && x < extra) {
				best, score, extra = i, n, x
			}
		}
		if best < 0 {
			continue
		}
		used[best] = true
		for _, e := range s.functions {
			e.tf = byID[best][e.logical]
			e.tpl = r.o.Templates[best].Template
		}
	}
	for i, t := range r.o.Templates {
		if used[i] {
			r.templates = append(r.templates, t)
		}
	}
}

// attach gives a deployed function its template's positions, so findings
// land on the template's lines, and the template's view of it for drift.
func attach(e *entry, fn, tf *lambda.Function, s *stack, r *run) {
	fn.Resource, fn.Type, fn.Pos = tf.Resource, tf.Type, tf.Pos
	place := func(dep, tpl []lambda.Setting) {
		if len(tpl) == 0 {
			return
		}
		for i := range dep {
			dep[i].Pos = tpl[0].Pos
		}
	}
	place(fn.SecurityGroups, tf.SecurityGroups)
	place(fn.KmsKey, tf.KmsKey)
	place(fn.Tracing, tf.Tracing)
	if len(tf.Roles) > 0 {
		for i := range fn.Roles {
			fn.Roles[i].Pos = tf.Roles[0].Pos
		}
	}
	placeGroups(fn, tf, s)
	fn.Template = resolve(e, tf, s, r)
}

// placeGroups puts the open-security-group findings of a deployed group
// that is one of the template's (the stack's physical id of the
// AWS::EC2::SecurityGroup the function names) on that resource's line.
func placeGroups(fn, tf *lambda.Function, s *stack) {
	if fn.Around == nil || tf.Around == nil || s == nil {
		return
	}
	for i, g := range fn.Around.Groups {
		for _, tg := range tf.Around.Groups {
			if res, ok := s.resources[tg.ID]; ok && res.typ == typeSecurityGroup && res.physical == g.ID {
				g.Pos, g.Ingress = tg.Pos, slices.Clone(g.Ingress)
				for j := range g.Ingress {
					g.Ingress[j].Pos = tg.Pos
				}
				fn.Around.Groups[i] = g
			}
		}
	}
}

// resolve copies the template's function with the values the stack
// determines written as literals: a key or role of the stack becomes its
// ARN or name, so that drift compares values, not expressions.
func resolve(e *entry, tf *lambda.Function, s *stack, r *run) *lambda.Function {
	out := *tf
	if s == nil {
		return &out
	}
	out.KmsKey = slices.Clone(tf.KmsKey)
	for i, k := range out.KmsKey {
		if k.State != lambda.Deferred {
			continue
		}
		if res, ok := s.resources[k.Names()]; ok && res.typ == typeKey && res.physical != "" {
			r.mu.Lock()
			account := r.account
			r.mu.Unlock()
			out.KmsKey[i].State = lambda.Literal
			out.KmsKey[i].Text = fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", r.part, r.c.Region, account, res.physical)
			out.KmsKey[i].Unresolved = ""
		}
	}
	if e != nil && e.tpl != nil {
		if sets, ok := templateGroups(e.tpl, e.logical, s); ok {
			var pos source.Pos
			if len(tf.SecurityGroups) > 0 {
				pos = tf.SecurityGroups[0].Pos
			}
			out.SecurityGroups = nil
			for _, ids := range sets {
				st := lambda.Setting{State: lambda.Literal, Count: len(ids), Text: strings.Join(ids, ", "), IDs: ids, Pos: pos}
				if len(ids) == 0 {
					st.State, st.IDs = lambda.Empty, []string{}
				}
				out.SecurityGroups = append(out.SecurityGroups, st)
			}
		}
	}
	out.Roles = slices.Clone(tf.Roles)
	for i, use := range out.Roles {
		if use.Role == nil || (use.Role.Kind != lambda.RoleTemplate && use.Role.Kind != lambda.RoleSAMDefault) {
			continue
		}
		if res, ok := s.resources[use.Role.ID]; ok && res.typ == typeRole && res.physical != "" {
			out.Roles[i].Role = &lambda.Role{Kind: lambda.RoleUnresolved, ID: res.physical, Written: true, Pos: use.Role.Pos}
		}
	}
	return &out
}
