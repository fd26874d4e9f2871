package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// ParseJSON reads a policy document as AWS returns it (already URL-decoded JSON text).
// Statement may be one object or a list; Action, Resource and their Not forms a string or
// a list; Principal "*" or a map of kind to a string or list. Positions are zero: the
// document has no file.
func ParseJSON(name string, doc []byte) (Policy, error) {
	var raw struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return Policy{}, fmt.Errorf("%s: the policy document is not JSON: %w", name, err)
	}
	var list []json.RawMessage
	switch t := bytes.TrimSpace(raw.Statement); {
	case len(t) == 0 || bytes.Equal(t, []byte("null")):
		return Policy{}, fmt.Errorf("%s: the policy document has no Statement; a policy needs at least one", name)
	case t[0] == '{':
		list = []json.RawMessage{t}
	default:
		if err := json.Unmarshal(t, &list); err != nil {
			return Policy{}, fmt.Errorf("%s: Statement must be an object or a list of objects: %w", name, err)
		}
	}
	p := Policy{Name: name}
	for i, r := range list {
		st, err := parseStatement(r)
		if err != nil {
			return Policy{}, fmt.Errorf("%s: Statement[%d]: %w", name, i, err)
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(r json.RawMessage) (Statement, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r, &raw); err != nil {
		return Statement{}, fmt.Errorf("must be an object: %w", err)
	}
	var st Statement
	var err error
	if v, ok := raw["Sid"]; ok {
		if err := json.Unmarshal(v, &st.Sid); err != nil {
			return st, fmt.Errorf("Sid must be a string: %w", err)
		}
	}
	var effect string
	if err := json.Unmarshal(raw["Effect"], &effect); err != nil || effect == "" {
		return st, fmt.Errorf(`Effect must be "Allow" or "Deny"`)
	}
	st.Effect = Str{Value: effect}
	if st.Action, err = strField(raw, "Action"); err != nil {
		return st, err
	}
	if st.NotAction, err = strField(raw, "NotAction"); err != nil {
		return st, err
	}
	if st.Resource, err = strField(raw, "Resource"); err != nil {
		return st, err
	}
	if st.NotResource, err = strField(raw, "NotResource"); err != nil {
		return st, err
	}
	_, st.HasNotAction = raw["NotAction"]
	_, st.HasNotResource = raw["NotResource"]
	_, st.HasCondition = raw["Condition"]
	if v, ok := raw["Principal"]; ok {
		if st.Principal, err = principals(v); err != nil {
			return st, err
		}
	}
	return st, nil
}

// strField reads a field that is a string or a list of strings.
func strField(raw map[string]json.RawMessage, field string) ([]Str, error) {
	v, ok := raw[field]
	if !ok {
		return nil, nil
	}
	values, err := stringOrList(v)
	if err != nil {
		return nil, fmt.Errorf("%s must be a string or a list of strings: %w", field, err)
	}
	out := make([]Str, len(values))
	for i, s := range values {
		out[i] = Str{Value: s}
	}
	return out, nil
}

func stringOrList(v json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(v, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(v, &many); err != nil {
		return nil, err
	}
	return many, nil
}

// principals reads "*" or {"AWS": ..., "Service": ...}, kinds in sorted order so that the
// result does not depend on map order.
func principals(v json.RawMessage) ([]Principal, error) {
	var star string
	if err := json.Unmarshal(v, &star); err == nil {
		if star != "*" {
			return nil, fmt.Errorf(`Principal must be "*" or an object such as {"Service": "lambda.amazonaws.com"}, not %q`, star)
		}
		return []Principal{{Kind: "*", Value: Str{Value: "*"}}}, nil
	}
	var byKind map[string]json.RawMessage
	if err := json.Unmarshal(v, &byKind); err != nil {
		return nil, fmt.Errorf(`Principal must be "*" or an object such as {"Service": "lambda.amazonaws.com"}: %w`, err)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var out []Principal
	for _, k := range kinds {
		values, err := stringOrList(byKind[k])
		if err != nil {
			return nil, fmt.Errorf("Principal.%s must be a string or a list of strings: %w", k, err)
		}
		for _, s := range values {
			out = append(out, Principal{Kind: k, Value: Str{Value: s}})
		}
	}
	return out, nil
}
