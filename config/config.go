// Package config reads .lambdagate.yml: which rules run and how severe they
// are, the failure threshold, paths to skip, vetted roles and managed
// policies, what to make of values known only at deploy time, and the
// parameter values templates will be deployed with. Every key is validated;
// an unknown or repeated key or a bad value is an error that names its line.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/source"
)

// FileName is the configuration file looked for at the repository root.
const FileName = ".lambdagate.yml"

// Config is a parsed configuration file.
type Config struct {
	Path string // the file it was read from; "" for the defaults
	// Rules maps a rule id to its setting; rules not named keep their defaults.
	Rules   map[string]Rule
	FailOn  string // "" when not set
	Exclude []string
	// Check options: vetted roles and managed policies, unresolved values.
	Checks checks.Options
	// Parameters are the values templates will be deployed with.
	Parameters []ParameterSet
	// Baseline is a baseline file to compare with ("" for none).
	Baseline string
}

// Rule is one rule's setting.
type Rule struct {
	Off      bool
	On       bool            // named with any setting but off: turns on a rule that is off by default
	Severity checks.Severity // 0 keeps each finding's own severity
}

// ParameterSet gives parameter values to the templates matching a glob.
type ParameterSet struct {
	Templates string            // doublestar glob, relative to the repository root
	Values    map[string]string // resolved: inline values over the file's
	File      string            // the parameters file they came from, if any
	Pos       source.Pos
}

// Error is a problem in the configuration file, at a position.
type Error struct {
	Pos source.Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Load reads a configuration file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the configuration: %w", err)
	}
	return Parse(path, data)
}

// Find returns the configuration file in dir, or "" when there is none.
func Find(dir string) string {
	p := filepath.Join(dir, FileName)
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p
	}
	return ""
}

// Parse reads a configuration from its bytes. Relative paths inside it
// (parameter files, the baseline) are taken from the file's folder.
func Parse(path string, data []byte) (*Config, error) {
	c := &Config{Path: path, Rules: map[string]Rule{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{Pos: source.Pos{File: path}, Msg: "cannot parse: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return c, nil // an empty file is the defaults
	}
	p := parser{file: path, dir: filepath.Dir(path)}
	// Before any key is read: a decoder into a map would keep the last of
	// two keys silently, and each reader below would keep whichever it met
	// last, so a second `rules:` would quietly undo the first.
	if err := p.duplicates(doc.Content[0]); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root, "the configuration must be a map of settings, e.g. `fail-on: error`")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "rules":
			err = p.rules(v, c)
		case "fail-on":
			c.FailOn, err = p.oneOf(k, v, "error", "warning", "notice", "never")
		case "exclude":
			c.Exclude, err = p.globs(k, v)
		case "allowed-role-arns":
			c.Checks.AllowedRoleARNs, err = p.globs(k, v)
		case "allowed-managed-policies":
			c.Checks.AllowedManagedPolicies, err = p.globs(k, v)
		case "denied-managed-policies":
			c.Checks.DeniedManagedPolicies, err = p.globs(k, v)
		case "unresolved":
			var s string
			s, err = p.oneOf(k, v, "pass", "warn", "fail")
			c.Checks.Unresolved, _ = checks.ParseUnresolved(s)
		case "parameters":
			c.Parameters, err = p.parameters(v)
		case "baseline":
			var s string
			if s, err = p.str(k, v); err == nil {
				c.Baseline = p.rel(s)
			}
		default:
			err = p.errorf(k, "unknown key %q; the keys are %s", k.Value, strings.Join(topKeys, ", "))
		}
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

var topKeys = []string{"rules", "fail-on", "exclude", "allowed-role-arns", "allowed-managed-policies",
	"denied-managed-policies", "unresolved", "parameters", "baseline"}

type parser struct {
	file, dir string
}

func (p parser) errorf(n *yaml.Node, format string, args ...any) error {
	return &Error{Pos: source.Pos{File: p.file, Line: n.Line, Column: n.Column}, Msg: fmt.Sprintf(format, args...)}
}

// duplicates reports the first key, in the order of the file, that its map
// already holds, at any depth. Aliases are not followed: what they stand for is
// checked where its anchor is written.
func (p parser) duplicates(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		first := make(map[string]*yaml.Node, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode {
				if f, dup := first[k.Value]; dup {
					return p.errorf(k, "duplicate key %q (first at line %d); keep one", k.Value, f.Line)
				}
				first[k.Value] = k
			}
			if err := p.duplicates(n.Content[i+1]); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range n.Content {
		if err := p.duplicates(c); err != nil {
			return err
		}
	}
	return nil
}

func (p parser) rel(s string) string {
	if s == "" || filepath.IsAbs(s) {
		return s
	}
	return filepath.Join(p.dir, s)
}

func (p parser) str(k, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
		return "", p.errorf(v, "%s must be a string", k.Value)
	}
	return v.Value, nil
}

func (p parser) oneOf(k, v *yaml.Node, allowed ...string) (string, error) {
	s, err := p.str(k, v)
	if err != nil || !slices.Contains(allowed, s) {
		return "", p.errorf(v, "%s must be one of %s, not %q", k.Value, strings.Join(allowed, ", "), v.Value)
	}
	return s, nil
}

func (p parser) strings(k, v *yaml.Node) ([]string, error) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
		return []string{v.Value}, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, p.errorf(v, "%s must be a list of strings", k.Value)
	}
	var out []string
	for _, it := range v.Content {
		if it.Kind != yaml.ScalarNode || it.Value == "" {
			return nil, p.errorf(it, "each entry of %s must be a non-empty string", k.Value)
		}
		out = append(out, it.Value)
	}
	return out, nil
}

func (p parser) globs(k, v *yaml.Node) ([]string, error) {
	out, err := p.strings(k, v)
	if err != nil {
		return nil, err
	}
	for i, g := range out {
		if !doublestar.ValidatePattern(g) {
			n := v
			if v.Kind == yaml.SequenceNode {
				n = v.Content[i]
			}
			return nil, p.errorf(n, "%q in %s is not a valid glob pattern", g, k.Value)
		}
	}
	return out, nil
}

// ruleKnown: the registry decides which rule ids exist.
func ruleKnown(id string) bool { return checks.ByID(id) != nil }

func (p parser) rules(v *yaml.Node, c *Config) error {
	if v.Kind != yaml.MappingNode {
		return p.errorf(v, "rules must map rule ids to off, on, error, warning or notice")
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if !ruleKnown(k.Value) {
			var ids []string
			for _, ch := range checks.All() {
				ids = append(ids, ch.ID)
			}
			return p.errorf(k, "unknown rule %q; the rules are %s", k.Value, strings.Join(ids, ", "))
		}
		s, err := p.oneOf(k, val, "off", "on", "error", "warning", "notice")
		if err != nil {
			return err
		}
		r := Rule{Off: s == "off", On: s != "off"}
		if sev, err := checks.ParseSeverity(s); err == nil {
			r.Severity = sev
		}
		c.Rules[k.Value] = r
	}
	return nil
}

func (p parser) parameters(v *yaml.Node) ([]ParameterSet, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, p.errorf(v, "parameters must be a list of {templates, values} or {templates, file} entries")
	}
	var out []ParameterSet
	for _, it := range v.Content {
		if it.Kind != yaml.MappingNode {
			return nil, p.errorf(it, "each parameters entry must be a map with templates and values or file")
		}
		set := ParameterSet{Templates: "**", Values: map[string]string{}, Pos: source.Pos{File: p.file, Line: it.Line, Column: it.Column}}
		var inline map[string]string
		env := "default"
		for i := 0; i+1 < len(it.Content); i += 2 {
			k, val := it.Content[i], it.Content[i+1]
			switch k.Value {
			case "templates":
				g, err := p.str(k, val)
				if err != nil {
					return nil, err
				}
				if !doublestar.ValidatePattern(g) {
					return nil, p.errorf(val, "%q is not a valid glob pattern", g)
				}
				set.Templates = g
			case "values":
				if val.Kind != yaml.MappingNode {
					return nil, p.errorf(val, "values must map parameter names to values")
				}
				inline = map[string]string{}
				for j := 0; j+1 < len(val.Content); j += 2 {
					pk, pv := val.Content[j], val.Content[j+1]
					switch pv.Kind {
					case yaml.ScalarNode:
						inline[pk.Value] = pv.Value
					case yaml.SequenceNode:
						items, err := p.strings(pk, pv)
						if err != nil {
							return nil, err
						}
						inline[pk.Value] = strings.Join(items, ",")
					default:
						return nil, p.errorf(pv, "the value of parameter %s must be a string or a list", pk.Value)
					}
				}
			case "file":
				s, err := p.str(k, val)
				if err != nil {
					return nil, err
				}
				set.File = p.rel(s)
			case "config-env":
				s, err := p.str(k, val)
				if err != nil {
					return nil, err
				}
				env = s
			default:
				return nil, p.errorf(k, "unknown key %q in a parameters entry; use templates, values, file or config-env", k.Value)
			}
		}
		if inline == nil && set.File == "" {
			return nil, p.errorf(it, "a parameters entry needs values or file")
		}
		if set.File != "" {
			vals, err := ReadParameterFile(set.File, env)
			if err != nil {
				return nil, &Error{Pos: set.Pos, Msg: err.Error()}
			}
			for k, v := range vals {
				set.Values[k] = v
			}
		}
		for k, v := range inline {
			set.Values[k] = v
		}
		out = append(out, set)
	}
	return out, nil
}

// ParametersFor returns the parameter values for a template, relative to
// the repository root; later entries override earlier ones.
func (c *Config) ParametersFor(rel string) map[string]string {
	var out map[string]string
	rel = filepath.ToSlash(rel)
	for _, set := range c.Parameters {
		if ok, _ := doublestar.Match(set.Templates, rel); !ok {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		for k, v := range set.Values {
			out[k] = v
		}
	}
	return out
}
