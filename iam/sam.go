package iam

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/lambdagate/lambdagate/source"
)

// The SAM translator's policy templates, the entries of a function's Policies such as
// `S3ReadPolicy: {BucketName: !Ref B}`. See samtemplates/NOTICE for source and licence.
//
//go:embed samtemplates/policy_templates.json
var samTemplatesJSON []byte

// SAMTemplateDef describes one SAM policy template.
type SAMTemplateDef struct {
	Name        string
	Description string
	Parameters  []SAMParameter // sorted by name
	// Statements are the template's statements as SAM's data writes them:
	// JSON in which each parameter stands as {"Ref": Parameter}, the Ref the
	// translator replaces with the value a function gives the parameter.
	// Shared: never modify them.
	Statements []json.RawMessage
}

// SAMParameter is one parameter of a SAM policy template.
type SAMParameter struct {
	Name        string
	Description string
}

type stringOrListJSON []string

func (s *stringOrListJSON) UnmarshalJSON(b []byte) error {
	v, err := stringOrList(b)
	*s = v
	return err
}

// samTemplates parses the embedded file once; the result is never modified.
var samTemplates = sync.OnceValue(func() map[string]SAMTemplateDef {
	t, err := parseSAMTemplates(samTemplatesJSON)
	if err != nil {
		panic(fmt.Sprintf("iam: samtemplates/policy_templates.json: %v; restore it from samtranslator", err))
	}
	return t
})

func parseSAMTemplates(b []byte) (map[string]SAMTemplateDef, error) {
	var file struct {
		Templates map[string]struct {
			Description string
			Parameters  map[string]struct{ Description string }
			Definition  struct {
				Statement []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, err
	}
	out := map[string]SAMTemplateDef{}
	for name, t := range file.Templates {
		def := SAMTemplateDef{Name: name, Description: t.Description, Statements: t.Definition.Statement}
		for p, d := range t.Parameters {
			def.Parameters = append(def.Parameters, SAMParameter{p, d.Description})
		}
		sort.Slice(def.Parameters, func(i, j int) bool { return def.Parameters[i].Name < def.Parameters[j].Name })
		for i, st := range def.Statements {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(st, &m); err != nil {
				return nil, fmt.Errorf("%s: Statement[%d] is not a map: %w", name, i, err)
			}
		}
		out[name] = def
	}
	return out, nil
}

// SAMTemplate returns the SAM policy template of that name (exact, as SAM requires).
func SAMTemplate(name string) (SAMTemplateDef, bool) {
	t, ok := samTemplates()[name]
	return t, ok
}

// SAMTemplateNames lists every SAM policy template, sorted.
func SAMTemplateNames() []string {
	var out []string
	for n := range samTemplates() {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// SAMArgument is what a function gives one parameter of a SAM policy template.
type SAMArgument struct {
	Pos    source.Pos // where the value is written
	Values []Str      // every value it deploys as
	// NotGiven is set when the value is AWS::NoValue on some branch, where
	// SAM then sees no parameter.
	NotGiven bool
}

// CheckSAMTemplate judges one use of a SAM policy template: its arguments (a
// parameter missing, one SAM ignores, one that is nothing but wildcards) and
// what Permissions finds in pol, the template's statements as SAM writes them
// with the arguments in their place. A finding without a position of its own
// is at `at`, the template's key. An unknown template name is an error, as it
// is for SAM.
func CheckSAMTemplate(name string, args map[string]SAMArgument, pol Policy, at source.Pos) ([]Problem, error) {
	def, ok := SAMTemplate(name)
	if !ok {
		return nil, fmt.Errorf("%q is not a SAM policy template%s; see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html", name, suggestTemplate(name))
	}
	var out []Problem
	wildParam := false
	declared := map[string]bool{}
	for _, p := range def.Parameters {
		declared[p.Name] = true
		a, ok := args[p.Name]
		if !ok || a.NotGiven {
			out = append(out, Problem{Pos: at, Severity: Error, Kind: KindSAMTemplate, Message: fmt.Sprintf(
				"SAM policy template %s needs the parameter %s (%s); add it, e.g. %s: {%s: !Ref MyResource}",
				name, p.Name, strings.TrimSuffix(p.Description, "."), name, p.Name)})
		}
		seen := map[Str]bool{}
		for _, v := range a.Values {
			if v.Intrinsic || !onlyWildcards(v.Value) || seen[v] {
				continue
			}
			seen[v] = true
			wildParam = true
			noun := paramNoun(p.Name)
			out = append(out, Problem{Pos: or(v.Pos, at), Severity: Error, Kind: KindSAMTemplate, Message: fmt.Sprintf(
				"SAM policy template %s with %s %q grants it on every %s; pass the %s",
				name, p.Name, v.Value, noun.thing, noun.phrase)})
		}
	}
	var extra []string
	for k := range args {
		if !declared[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		out = append(out, Problem{Pos: or(args[k].Pos, at), Severity: Warning, Kind: KindSAMTemplate, Message: fmt.Sprintf(
			"SAM policy template %s has no parameter %s, so SAM ignores it; %s", name, k, expectedParams(def))})
	}
	for _, f := range permissions(pol) {
		if wildParam && f.Kind == KindEveryResource {
			continue // the wildcard parameter's Error already says it, at the parameter
		}
		out = append(out, f)
	}
	return out, nil
}

type noun struct{ thing, phrase string }

// paramNoun turns a parameter name into words for a message: BucketName -> "bucket",
// "bucket name"; KeyId -> "key", "key ID"; StateMachineName -> "state machine".
func paramNoun(param string) noun {
	var words []string
	start := 0
	for i, r := range param {
		if i > 0 && unicode.IsUpper(r) && !unicode.IsUpper(rune(param[i-1])) {
			words = append(words, param[start:i])
			start = i
		}
	}
	words = append(words, param[start:])
	for i, w := range words {
		switch strings.ToLower(w) {
		case "id":
			words[i] = "ID"
		case "arn":
			words[i] = "ARN"
		default:
			words[i] = strings.ToLower(w)
		}
	}
	thing := words
	if len(words) > 1 {
		switch words[len(words)-1] {
		case "name", "ID", "ARN", "prefix":
			thing = words[:len(words)-1]
		}
	}
	return noun{strings.Join(thing, " "), strings.Join(words, " ")}
}

func expectedParams(def SAMTemplateDef) string {
	if len(def.Parameters) == 0 {
		return "it takes no parameters: write it as " + def.Name + ": {}"
	}
	names := make([]string, len(def.Parameters))
	for i, p := range def.Parameters {
		names[i] = p.Name
	}
	return "its parameters are " + strings.Join(names, ", ")
}

// suggestTemplate names a template that differs only in case, the commonest slip.
func suggestTemplate(name string) string {
	for n := range samTemplates() {
		if strings.EqualFold(n, name) {
			return fmt.Sprintf(" (did you mean %s?)", n)
		}
	}
	return ""
}
