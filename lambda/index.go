package lambda

import (
	"cmp"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/template"
)

// The builder looks around every function for the resources that name it
// (permissions, URLs, aliases, log groups, ingress rules). Reading every such
// resource for every function costs the square of the template: a template
// of thousands of functions, each with its log group and permission, would
// take minutes. So each kind is indexed once per template by the keys it can
// be found under, and the lookups then read only the few candidates; the
// original tests still decide, the index only narrows.

// resourceIndex maps a key ("ref:<logical id>" or "text:<literal>") to the
// resources found under it.
type resourceIndex map[string][]*template.Resource

// index builds (once) the index of the resources of the given types by the
// keys of their property prop.
func (b *builder) index(prop string, keys func(*template.Value) []string, types ...string) resourceIndex {
	name := prop + "\x00" + strings.Join(types, "\x00")
	if ix, ok := b.indexes[name]; ok {
		return ix
	}
	ix := resourceIndex{}
	for _, r := range b.t.ResourcesOfType(types...) {
		if r.Properties == nil {
			continue
		}
		for _, k := range keys(r.Properties.Get(prop)) {
			if l := ix[k]; len(l) == 0 || l[len(l)-1] != r {
				ix[k] = append(l, r)
			}
		}
	}
	if b.indexes == nil {
		b.indexes = map[string]resourceIndex{}
	}
	b.indexes[name] = ix
	return ix
}

// find lists the resources under any of the keys, once each, in source order.
func (ix resourceIndex) find(keys ...string) []*template.Resource {
	var out []*template.Resource
	for _, k := range keys {
		out = append(out, ix[k]...)
	}
	slices.SortFunc(out, func(a, b *template.Resource) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
	return slices.Compact(out)
}

func refKey(id string) string { return "ref:" + id }
func textKey(s string) string { return "text:" + s }
func refKeys(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = refKey(id)
	}
	return out
}

// referencedIDs lists the logical ids a value refers to on any deployment
// (Ref, GetAtt, and the parts of a Sub or Join built from them), as the
// evaluator reads them: `!Ref Fn.Alias` refers to the alias SAM generates.
func (b *builder) referencedIDs(v *template.Value) []string {
	var out []string
	for _, o := range b.ev.Eval(v) {
		for _, r := range o.Value.AllRefs() {
			if r.Kind == template.RefResource || r.Kind == template.RefAttr {
				out = append(out, r.Name)
			}
		}
	}
	return out
}

// refersTo reports whether v refers to the resource id.
func (b *builder) refersTo(v *template.Value, id string) bool {
	return slices.Contains(b.referencedIDs(v), id)
}

// functionNameKeys are the keys a FunctionName-like value is found under:
// the ids it refers to, the name it deploys as, and the name after
// :function: in an ARN.
func (b *builder) functionNameKeys(v *template.Value) []string {
	keys := refKeys(b.referencedIDs(v))
	for _, o := range b.ev.Eval(v) {
		if o.Value == nil || o.Value.Kind != template.String {
			continue
		}
		if text, ok := o.Value.Known(); ok {
			keys = append(keys, textKey(text))
			if name, qualified := strings.CutSuffix(text, ":"+qualifier(text)); qualified && !strings.Contains(name, ":") {
				keys = append(keys, textKey(name)) // my-fn:prod, an alias of my-fn
			}
		}
		if name := functionInARN(o.Value); name != "" {
			keys = append(keys, textKey(name))
		}
	}
	return keys
}

// qualifier is what follows the last colon, or "".
func qualifier(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return ""
}

// functionInARN returns the function name a (partial) function ARN ends in,
// when the parts after :function: are known, whatever the region and
// account parts before it: `arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:my-fn[:alias]`.
func functionInARN(v *template.Value) string {
	parts := v.Parts
	if parts == nil {
		parts = []template.Part{{Text: v.Text}}
	}
	for i := len(parts) - 1; i >= 0; i-- {
		p := parts[i]
		if p.Ref != nil {
			return "" // a part known only at deployment after :function:
		}
		if _, after, ok := strings.Cut(p.Text, ":function:"); ok {
			var tail strings.Builder
			tail.WriteString(after)
			for _, q := range parts[i+1:] {
				tail.WriteString(q.Text)
			}
			name, _, _ := strings.Cut(tail.String(), ":") // a qualifier names the same function
			return name
		}
	}
	return ""
}

// logGroupNameKeys are the keys a LogGroupName is found under: the name it
// deploys as, "fn:<id>" for `/aws/lambda/${Fn}` exactly (a function's Ref is
// its name), and "lambda:<name>" for `/aws/lambda/<name>`.
func (b *builder) logGroupNameKeys(v *template.Value) []string {
	var keys []string
	for _, o := range b.ev.Eval(v) {
		x := o.Value
		if x == nil || x.Kind != template.String {
			continue
		}
		// A name with parts known only at deployment is compared as written:
		// the same parts deploy the same name.
		keys = append(keys, textKey(x.Text))
		if rest, ok := strings.CutPrefix(x.Text, "/aws/lambda/"); ok {
			keys = append(keys, lambdaKey(rest))
		}
		if len(x.Parts) == 2 && x.Parts[0].Ref == nil && x.Parts[0].Text == "/aws/lambda/" && x.Parts[1].Ref.Kind == template.RefResource {
			keys = append(keys, fnKey(x.Parts[1].Ref.Name))
		}
	}
	return keys
}

// lambdaKey is the key of a log group named /aws/lambda/<name>.
func lambdaKey(name string) string { return "lambda:" + name }

// fnKey is the key of a log group named for the function id by reference.
func fnKey(id string) string { return "fn:" + id }
