package fix

import (
	"fmt"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// misspelled renames a misspelled property to the one CloudFormation spells,
// when that one is the only property that close: TracingConfg -> TracingConfig.
func (p *planner) misspelled(f checks.Finding, fn *lambda.Function, r *template.Resource) (Change, error) {
	var m lambda.Misspelling
	for _, ms := range fn.Misspelled {
		if ms.Pos == f.Pos {
			m = ms
		}
	}
	if m.Name == "" {
		return Change{}, fmt.Errorf("the finding names no property")
	}
	fd, holder, ok := p.misspelledField(r, m)
	if !ok {
		return Change{}, fmt.Errorf("%s is not written in the function or Globals.Function", m.Name)
	}
	if err := p.x.owned(fd); err != nil {
		return Change{}, err
	}
	if err := p.x.within(holder); err != nil {
		return Change{}, err
	}
	if _, ok := holder.Field(m.Want); ok {
		return Change{}, fmt.Errorf("%s is there too; keep the one you mean", m.Want)
	}
	if m.Ambiguous {
		return Change{}, fmt.Errorf("%s is as close to another property as to %s; rename it by hand", m.Name, m.Want)
	}
	e, err := p.x.renameKey(fd, m.Want)
	if err != nil {
		return Change{}, err
	}
	return Change{Summary: fmt.Sprintf("%s renamed %s", m.Name, m.Want), Edits: []Edit{e}}, nil
}

// misspelledField finds the misspelled key in the function's Properties or
// in Globals.Function, with the map holding it.
func (p *planner) misspelledField(r *template.Resource, m lambda.Misspelling) (template.Field, *template.Value, bool) {
	for _, v := range []*template.Value{r.Node.Get("Properties"), p.t.Globals} {
		if fd, holder, ok := findKey(v, m.Pos, m.Name); ok {
			return fd, holder, true
		}
	}
	return template.Field{}, nil, false
}

// findKey finds the field whose key is at pos and the map holding it,
// stepping through Fn::If branches.
func findKey(v *template.Value, pos source.Pos, key string) (template.Field, *template.Value, bool) {
	if v == nil {
		return template.Field{}, nil, false
	}
	name, arg, intrinsic := v.Intrinsic()
	if intrinsic && name == "Fn::If" && arg.Kind == template.List && len(arg.Items) == 3 {
		for _, b := range arg.Items[1:] {
			if fd, m, ok := findKey(b, pos, key); ok {
				return fd, m, true
			}
		}
		return template.Field{}, nil, false
	}
	if intrinsic || v.Kind != template.Map {
		return template.Field{}, nil, false
	}
	for _, f := range v.Fields {
		if f.KeyPos == pos && f.Key == key {
			return f, v, true
		}
		if fd, m, ok := findKey(f.Value, pos, key); ok {
			return fd, m, true
		}
	}
	return template.Field{}, nil, false
}
