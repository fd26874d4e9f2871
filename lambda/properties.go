package lambda

import (
	"reflect"
	"strings"
	"sync"

	"github.com/awslabs/goformation/v7/cloudformation/lambda"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"

	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// shape is the tree of property names of a resource type, read from
// goformation's typed model. goformation loses intrinsic values, so it never
// decides a check; its property names are sound and catch typos.
type shape map[string]shape

// newerProperties are properties goformation v7.14.9 does not know yet; they
// must not be taken for typos (CloudFormation and SAM documentation).
var newerProperties = map[string][]string{
	TypeLambda: {"RecursiveLoop", "TenancyConfig", "DurableConfig", "CapacityProviderConfig",
		"FunctionScalingConfig", "PublishToLatestPublished", "VersionDeletionPolicy"},
	TypeServerless: {"LoggingConfig", "SnapStart", "RuntimeManagementConfig", "RecursiveLoop",
		"PropagateTags", "AutoPublishAliasAllProperties", "RolePath", "SourceKMSKeyArn",
		"TenancyConfig", "DurableConfig", "CapacityProviderConfig", "FunctionScalingConfig",
		"PublishToLatestPublished", "VersionDeletionPolicy", "FunctionUrlConfig"},
}

var shapes = sync.OnceValue(func() map[string]shape {
	m := map[string]shape{
		TypeLambda:     shapeOf(reflect.TypeOf(lambda.Function{}), 0),
		TypeServerless: shapeOf(reflect.TypeOf(serverless.Function{}), 0),
	}
	for ty, names := range newerProperties {
		for _, n := range names {
			if _, ok := m[ty][n]; !ok {
				m[ty][n] = nil
			}
		}
	}
	return m
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
		// Only nested property structs of the same resource are followed;
		// maps (Events, Tags) and interfaces take any key.
		if ft.Kind() == reflect.Struct && depth < 4 && strings.HasPrefix(ft.Name(), "Function_") {
			s[name] = shapeOf(ft, depth+1)
		} else {
			s[name] = nil
		}
	}
	return s
}

// misspellings finds keys that are not properties of the type but are one or
// two edits (or only case) away from one. Unknown keys with no near match
// are left to cfn-lint: they may be newer than our model.
func misspellings(typ string, props *template.Value) []Misspelling {
	var out []Misspelling
	var walk func(s shape, v *template.Value)
	walk = func(s shape, v *template.Value) {
		for _, a := range template.LeafAlts(v, nil) {
			m := a.Value
			if m.Kind != template.Map {
				continue
			}
			if _, _, ok := m.Intrinsic(); ok {
				continue
			}
			for _, f := range m.Fields {
				sub, known := s[f.Key]
				if !known {
					if want, tie := nearest(s, f.Key); want != "" {
						out = append(out, Misspelling{Name: f.Key, Want: want, Pos: f.KeyPos, Ambiguous: tie})
					}
					continue
				}
				if sub != nil {
					walk(sub, f.Value)
				}
			}
		}
	}
	walk(shapes()[typ], props)
	return dedupe(out)
}

func dedupe(in []Misspelling) []Misspelling {
	seen := map[source.Pos]bool{}
	var out []Misspelling
	for _, m := range in {
		if !seen[m.Pos] {
			seen[m.Pos] = true
			out = append(out, m)
		}
	}
	return out
}

// nearest returns the property closest to key, and whether another one is
// as close (then a tool must not rename it: a person chooses).
func nearest(s shape, key string) (string, bool) {
	best, bestD, tie := "", 3, false
	for name := range s {
		if strings.EqualFold(name, key) {
			return name, false
		}
		switch d := distance(strings.ToLower(name), strings.ToLower(key)); {
		case d < bestD || (d == bestD && best != "" && name < best):
			tie = d == bestD && best != ""
			best, bestD = name, d
		case d == bestD:
			tie = true
		}
	}
	if len(key) < 5 && bestD > 1 {
		return "", false // short keys are too easily two edits from anything
	}
	return best, tie
}

// distance is the Levenshtein distance between two short strings.
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
