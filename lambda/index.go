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

// referencedIDs lists every id for which refersTo(v, id) holds.
func referencedIDs(v *template.Value) []string {
	var out []string
	var walk func(v *template.Value)
	walk = func(v *template.Value) {
		if v == nil {
			return
		}
		if name, arg, ok := v.Intrinsic(); ok {
			switch name {
			case "Ref":
				out = append(out, arg.Text)
			case "Fn::GetAtt":
				if arg.Kind == template.String {
					for i := range len(arg.Text) {
						if arg.Text[i] == '.' {
							out = append(out, arg.Text[:i])
						}
					}
				} else if arg.Kind == template.List && len(arg.Items) > 0 {
					out = append(out, arg.Items[0].Text)
				}
			case "Fn::Sub":
				for _, m := range subVar.FindAllStringSubmatch(subText(arg), -1) {
					head, _, _ := strings.Cut(m[1], ".")
					out = append(out, head)
				}
			}
		}
		for _, it := range v.Items {
			walk(it)
		}
		for _, f := range v.Fields {
			walk(f.Value)
		}
	}
	walk(v)
	return out
}

// functionNameKeys are the keys a FunctionName-like value is found under:
// the ids it refers to, its literal text, and the names after :function: in a literal ARN.
func functionNameKeys(v *template.Value) []string {
	keys := refKeys(referencedIDs(v))
	if v != nil && v.Kind == template.String {
		keys = append(keys, textKey(v.Text))
		for rest := v.Text; ; {
			_, after, ok := strings.Cut(rest, ":function:")
			if !ok {
				break
			}
			keys = append(keys, textKey(after))
			rest = after
		}
	}
	return keys
}

// logGroupNameKeys are the keys a LogGroupName is found under: the ids it
// refers to, its literal text, and what follows /aws/lambda/ in it.
func logGroupNameKeys(v *template.Value) []string {
	keys := refKeys(referencedIDs(v))
	if v == nil {
		return keys
	}
	text := v.Text
	if name, arg, ok := v.Intrinsic(); ok && name == "Fn::Sub" {
		text = subText(arg)
	} else if ok && name == "Fn::Join" {
		text = joinText(arg)
	}
	keys = append(keys, textKey(v.Text))
	if rest, ok := strings.CutPrefix(text, "/aws/lambda/"); ok {
		keys = append(keys, textKey(rest))
	}
	return keys
}
