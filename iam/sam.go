package iam

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
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

	statements []samStatement
}

// SAMParameter is one parameter of a SAM policy template.
type SAMParameter struct {
	Name        string
	Description string
}

type samStatement struct {
	Effect    string
	Action    stringOrListJSON
	Resource  []json.RawMessage // strings or {"Fn::Sub": ...}
	Condition json.RawMessage
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
				Statement []struct {
					Effect    string
					Action    stringOrListJSON
					Resource  json.RawMessage
					Condition json.RawMessage
				}
			}
		}
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, err
	}
	out := map[string]SAMTemplateDef{}
	for name, t := range file.Templates {
		def := SAMTemplateDef{Name: name, Description: t.Description}
		for p, d := range t.Parameters {
			def.Parameters = append(def.Parameters, SAMParameter{p, d.Description})
		}
		sort.Slice(def.Parameters, func(i, j int) bool { return def.Parameters[i].Name < def.Parameters[j].Name })
		for i, st := range t.Definition.Statement {
			s := samStatement{Effect: st.Effect, Action: st.Action, Condition: st.Condition}
			if r := strings.TrimSpace(string(st.Resource)); strings.HasPrefix(r, "[") {
				if err := json.Unmarshal(st.Resource, &s.Resource); err != nil {
					return nil, fmt.Errorf("%s: Statement[%d].Resource: %w", name, i, err)
				}
			} else if r != "" {
				s.Resource = []json.RawMessage{st.Resource}
			}
			def.statements = append(def.statements, s)
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

// ExpandSAMTemplate turns a SAM policy template and its parameters into the policy SAM
// would write, with every generated value at `at` (the template's position), and
// analyses it: a missing parameter, a parameter that is nothing but wildcards, and what
// Permissions finds. An unknown template name is an error, as it is for SAM.
//
// Fn::Sub resources are substituted: ${AWS::Partition} becomes "aws" (the partition does
// not change what an ARN selects), a literal parameter its text, and an intrinsic one its
// Sub form ("!Ref B" -> "${B}", "!GetAtt Q.Arn" -> "${Q.Arn}", a !Sub template itself). A
// value left with ${...} (an intrinsic parameter, ${AWS::Region}, ${AWS::AccountId}) is
// Intrinsic.
func ExpandSAMTemplate(name string, params map[string]Str, at source.Pos) (Policy, []Problem, error) {
	def, ok := SAMTemplate(name)
	if !ok {
		return Policy{}, nil, fmt.Errorf("%q is not a SAM policy template%s; see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html", name, suggestTemplate(name))
	}
	var out []Problem
	wildParam := false
	declared := map[string]bool{}
	for _, p := range def.Parameters {
		declared[p.Name] = true
		v, ok := params[p.Name]
		switch {
		case !ok:
			out = append(out, Problem{Pos: at, Severity: Error, Kind: KindSAMTemplate, Message: fmt.Sprintf(
				"SAM policy template %s needs the parameter %s (%s); add it, e.g. %s: {%s: !Ref MyResource}",
				name, p.Name, strings.TrimSuffix(p.Description, "."), name, p.Name)})
		case !v.Intrinsic && onlyWildcards(v.Value):
			wildParam = true
			noun := paramNoun(p.Name)
			out = append(out, Problem{Pos: or(v.Pos, at), Severity: Error, Kind: KindSAMTemplate, Message: fmt.Sprintf(
				"SAM policy template %s with %s %q grants it on every %s; pass the %s",
				name, p.Name, v.Value, noun.thing, noun.phrase)})
		}
	}
	var extra []string
	for k := range params {
		if !declared[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		out = append(out, Problem{Pos: or(params[k].Pos, at), Severity: Warning, Kind: KindSAMTemplate, Message: fmt.Sprintf(
			"SAM policy template %s has no parameter %s, so SAM ignores it; %s", name, k, expectedParams(def))})
	}

	pol := Policy{Name: "SAM policy template " + name, Pos: at}
	for i, st := range def.statements {
		s := Statement{Pos: at, Effect: Str{Value: st.Effect, Pos: at}, HasCondition: len(st.Condition) > 0}
		for _, a := range st.Action {
			s.Action = append(s.Action, Str{Value: a, Pos: at})
		}
		for _, r := range st.Resource {
			v, err := expandSAMValue(r, params)
			if err != nil {
				return Policy{}, nil, fmt.Errorf("SAM policy template %s, Statement[%d]: %w; the embedded templates are damaged, restore samtemplates/policy_templates.json", name, i, err)
			}
			v.Pos = at
			s.Resource = append(s.Resource, v)
		}
		pol.Statements = append(pol.Statements, s)
	}
	for _, f := range permissions(pol) {
		if wildParam && f.Kind == KindEveryResource {
			continue // the wildcard parameter's Error already says it, at the parameter
		}
		out = append(out, f)
	}
	return pol, out, nil
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// expandSAMValue expands a template Resource: a string, or Fn::Sub in its string or
// [template, variables] form where each variable is {"Ref": Parameter}.
func expandSAMValue(raw json.RawMessage, params map[string]Str) (Str, error) {
	var lit string
	if json.Unmarshal(raw, &lit) == nil {
		return Str{Value: lit}, nil
	}
	var fn struct {
		Sub json.RawMessage `json:"Fn::Sub"`
	}
	if err := json.Unmarshal(raw, &fn); err != nil || fn.Sub == nil {
		return Str{}, fmt.Errorf("resource %s is neither a string nor Fn::Sub", raw)
	}
	var tmpl string
	vars := map[string]string{} // Sub variable -> template parameter
	if json.Unmarshal(fn.Sub, &tmpl) != nil {
		var pair []json.RawMessage
		if err := json.Unmarshal(fn.Sub, &pair); err != nil || len(pair) != 2 {
			return Str{}, fmt.Errorf("Fn::Sub %s is neither a string nor [template, variables]", fn.Sub)
		}
		var refs map[string]struct{ Ref string }
		if err := json.Unmarshal(pair[0], &tmpl); err != nil {
			return Str{}, fmt.Errorf("Fn::Sub template %s is not a string", pair[0])
		}
		if err := json.Unmarshal(pair[1], &refs); err != nil {
			return Str{}, fmt.Errorf("Fn::Sub variables %s are not {name: {Ref: parameter}}", pair[1])
		}
		for k, v := range refs {
			vars[k] = v.Ref
		}
	}
	value := subVar.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[2 : len(m)-1]
		if name == "AWS::Partition" {
			return "aws"
		}
		param := name
		if p, ok := vars[name]; ok {
			param = p
		}
		v, ok := params[param]
		if !ok {
			return m // a pseudo parameter, or a missing parameter already reported
		}
		if !v.Intrinsic {
			return v.Value
		}
		return subForm(v.Value)
	})
	return Str{Value: value, Intrinsic: strings.Contains(value, "${")}, nil
}

// subForm writes an intrinsic parameter's text as it would read inside a Sub template.
func subForm(text string) string {
	for _, prefix := range []string{"!Ref ", "!GetAtt "} {
		if rest, ok := strings.CutPrefix(text, prefix); ok {
			return "${" + strings.TrimSpace(rest) + "}"
		}
	}
	if strings.HasPrefix(text, "!") {
		return "${" + strings.NewReplacer("{", "", "}", "").Replace(text) + "}"
	}
	return text // already a Sub template
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
