package deployed

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// matchTemplates pairs each stack with the template it was deployed from.
// A nested stack takes the template its parent's names in TemplateURL (or
// a SAM application's Location) when that file is one of those given;
// otherwise each stack takes the template that best covers it: first the
// one whose nested stacks (AWS::CloudFormation::Stack, SAM applications)
// are the stack's, then the one defining the most of the stack's logical
// ids (of every type: a key, a role, a group, a nested stack, not only the
// functions), then the one with the fewest resources the stack lacks. A
// template that defines none of the stack's functions is never used, and a
// tie is a problem, not a guess: a wrongly matched template's suppressions
// would hide deployed findings, and its drift would be false.
func (r *run) matchTemplates(stacks []*stack) {
	if len(r.o.Templates) == 0 {
		return
	}
	var cands []*candidate
	byFile := map[string]*candidate{}
	for _, u := range r.o.Templates {
		if u.Template == nil || byFile[filepath.Clean(u.Template.File)] != nil {
			continue
		}
		c := newCandidate(u)
		byFile[filepath.Clean(u.Template.File)] = c
		cands = append(cands, c)
	}
	matched := map[string]*candidate{} // by stack path
	for _, s := range stacks {
		c := followNested(s, matched, byFile)
		if c == nil {
			var tied []*candidate
			c, tied = bestTemplate(s, cands)
			if len(tied) > 1 {
				files := make([]string, len(tied))
				for i, t := range tied {
					files[i] = t.unit.Template.File
				}
				r.problem(pendingProblem{stack: s, subject: "stack " + s.path + " against a template", rule: "drift",
					msg: fmt.Sprintf("%s define its logical ids equally well, so none is used: the findings name the deployed functions, drift is not checked and no template's suppressions apply; name the template it was deployed from with --template", joinAnd(files))})
				continue
			}
		}
		if c == nil {
			continue
		}
		matched[s.path] = c
		c.used = true
		for _, e := range s.functions {
			e.tf = c.functions[e.logical]
			e.tpl = c.unit.Template
		}
	}
	for _, c := range cands {
		if c.used {
			r.templates = append(r.templates, c.unit)
		}
	}
}

// candidate is a template a stack may have been deployed from.
type candidate struct {
	unit      evaluation.Unit
	functions map[string]*lambda.Function // by logical id
	// nested are its nested stacks' logical ids, with the local file each
	// is deployed from ("" when it is not a local path).
	nested map[string]string
	used   bool
}

func newCandidate(u evaluation.Unit) *candidate {
	c := &candidate{unit: u, functions: map[string]*lambda.Function{}, nested: map[string]string{}}
	for _, fn := range u.Functions {
		c.functions[fn.Resource] = fn
	}
	for _, res := range u.Template.Resources {
		var loc *template.Value
		switch res.Type {
		case typeStack:
			loc = res.Properties.Get("TemplateURL")
		case "AWS::Serverless::Application":
			loc = res.Properties.Get("Location")
		default:
			continue
		}
		c.nested[res.ID] = ""
		if text, ok := loc.Known(); ok && localPath(text) {
			c.nested[res.ID] = filepath.Join(filepath.Dir(u.Template.File), filepath.FromSlash(text))
		}
	}
	return c
}

// localPath reports whether a TemplateURL is a file of the repository (as
// `sam deploy` and `aws cloudformation package` take it) rather than an
// uploaded object.
func localPath(url string) bool {
	return url != "" && !strings.Contains(url, "://") && !strings.HasPrefix(url, "/")
}

// followNested is the template a nested stack's parent names for it, when
// the parent was matched and the file is one of those given.
func followNested(s *stack, matched map[string]*candidate, byFile map[string]*candidate) *candidate {
	i := strings.LastIndexByte(s.path, '/')
	if i < 0 {
		return nil
	}
	parent := matched[s.path[:i]]
	if parent == nil {
		return nil
	}
	file := parent.nested[s.path[i+1:]]
	if file == "" {
		return nil
	}
	return byFile[filepath.Clean(file)]
}

// bestTemplate is the candidate that best covers the stack (see
// matchTemplates), or nil; tied lists the candidates that cover it equally
// well when there are several.
func bestTemplate(s *stack, cands []*candidate) (best *candidate, tied []*candidate) {
	type score struct{ nestedMismatch, defined, lacking int }
	better := func(a, b score) int {
		return cmp.Or(cmp.Compare(b.nestedMismatch, a.nestedMismatch), cmp.Compare(a.defined, b.defined), cmp.Compare(b.lacking, a.lacking))
	}
	var top score
	for _, c := range cands {
		fns := 0
		for _, e := range s.functions {
			if c.functions[e.logical] != nil {
				fns++
			}
		}
		if fns == 0 {
			continue
		}
		t := c.unit.Template
		var sc score
		for id, res := range s.resources {
			if t.Resource(id) != nil || t.Generated(id) != nil {
				sc.defined++
			}
			if _, ok := c.nested[id]; res.typ == typeStack && !ok {
				sc.nestedMismatch++
			}
		}
		for id := range c.nested {
			if res, ok := s.resources[id]; !ok || res.typ != typeStack {
				sc.nestedMismatch++
			}
		}
		for _, res := range t.Resources {
			if _, ok := s.resources[res.ID]; !ok && res.Condition == "" {
				sc.lacking++ // a resource under a condition may rightly be absent
			}
		}
		d := 1
		if best != nil {
			d = better(sc, top)
		}
		switch {
		case d > 0:
			best, top, tied = c, sc, []*candidate{c}
		case d == 0:
			tied = append(tied, c)
		}
	}
	return best, tied
}

// joinAnd is "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
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
			out.KmsKey[i].Text = fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", r.partition(), r.c.Region, account, res.physical)
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
