package fix

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	golambda "github.com/awslabs/goformation/v7/cloudformation/lambda"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"

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
	fd, holder, path, ok := p.misspelledField(r, m)
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
	if others := closest(fn.Type, path, m.Name); len(others) != 1 || others[0] != m.Want {
		return Change{}, fmt.Errorf("%s is as close to %s; rename it by hand", m.Name, strings.Join(others, " and "))
	}
	e, err := p.x.renameKey(fd, m.Want)
	if err != nil {
		return Change{}, err
	}
	return Change{Summary: fmt.Sprintf("%s renamed %s", m.Name, m.Want), Edits: []Edit{e}}, nil
}

// misspelledField finds the misspelled key in the function's Properties or
// in Globals.Function, with the map holding it and the property path to it.
func (p *planner) misspelledField(r *template.Resource, m lambda.Misspelling) (template.Field, *template.Value, []string, bool) {
	for _, v := range []*template.Value{r.Node.Get("Properties"), p.t.Globals} {
		if fd, holder, path, ok := findKey(v, m.Pos, m.Name, nil); ok {
			return fd, holder, path, true
		}
	}
	return template.Field{}, nil, nil, false
}

// findKey finds the field whose key is at pos, the map holding it and the
// keys leading to that map (Fn::If branches stepped through).
func findKey(v *template.Value, pos source.Pos, key string, path []string) (template.Field, *template.Value, []string, bool) {
	if v == nil {
		return template.Field{}, nil, nil, false
	}
	name, arg, intrinsic := v.Intrinsic()
	if intrinsic && name == "Fn::If" && arg.Kind == template.List && len(arg.Items) == 3 {
		for _, b := range arg.Items[1:] {
			if fd, m, pth, ok := findKey(b, pos, key, path); ok {
				return fd, m, pth, true
			}
		}
		return template.Field{}, nil, nil, false
	}
	if intrinsic || v.Kind != template.Map {
		return template.Field{}, nil, nil, false
	}
	for _, f := range v.Fields {
		if f.KeyPos == pos && f.Key == key {
			return f, v, path, true
		}
		if fd, m, pth, ok := findKey(f.Value, pos, key, append(path[:len(path):len(path)], f.Key)); ok {
			return fd, m, pth, true
		}
	}
	return template.Field{}, nil, nil, false
}

// shape is the tree of property names of a resource type, as goformation
// knows them (the lambda package reads the same model to find typos).
type shape map[string]shape

var shapes = sync.OnceValue(func() map[string]shape {
	return map[string]shape{
		lambda.TypeLambda:     shapeOf(reflect.TypeOf(golambda.Function{}), 0),
		lambda.TypeServerless: shapeOf(reflect.TypeOf(serverless.Function{}), 0),
	}
})

func shapeOf(t reflect.Type, depth int) shape {
	s := shape{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && depth < 4 && strings.HasPrefix(ft.Name(), "Function_") {
			s[name] = shapeOf(ft, depth+1)
		} else {
			s[name] = nil
		}
	}
	return s
}

// closest lists the properties of the map at path that are nearest to key:
// the one differing only in case, or every one at the smallest distance.
func closest(typ string, path []string, key string) []string {
	s := shapes()[typ]
	for _, k := range path {
		s = s[k]
	}
	var best []string
	bestD := 3
	for name := range s {
		if strings.EqualFold(name, key) {
			return []string{name}
		}
		switch d := distance(strings.ToLower(name), strings.ToLower(key)); {
		case d < bestD:
			best, bestD = []string{name}, d
		case d == bestD:
			best = append(best, name)
		}
	}
	return best
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
