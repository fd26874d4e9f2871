package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// ReadParameterFile reads parameter values from the CloudFormation CLI's JSON
// form (`[{"ParameterKey": "K", "ParameterValue": "V"}]`) or from a SAM
// samconfig.toml (`parameter_overrides` of the deploy command in env).
func ReadParameterFile(path, env string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the parameters file: %w", err)
	}
	if strings.EqualFold(filepath.Ext(path), ".toml") {
		return samconfig(path, data, env)
	}
	var entries []struct {
		ParameterKey     *string
		ParameterValue   *string
		UsePreviousValue bool
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("%s: not a CloudFormation parameters file ([{\"ParameterKey\": ..., \"ParameterValue\": ...}]): %v", path, err)
	}
	out := map[string]string{}
	for i, e := range entries {
		if e.ParameterKey == nil {
			return nil, fmt.Errorf("%s: entry %d has no ParameterKey", path, i+1)
		}
		if e.ParameterValue != nil {
			out[*e.ParameterKey] = *e.ParameterValue
		}
	}
	return out, nil
}

func samconfig(path string, data []byte, env string) (map[string]string, error) {
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	section, _ := doc[env].(map[string]any)
	if section == nil {
		return nil, fmt.Errorf("%s: no [%s] environment", path, env)
	}
	var overrides any
	for _, cmd := range []string{"deploy", "global"} {
		c, _ := section[cmd].(map[string]any)
		params, _ := c["parameters"].(map[string]any)
		if v, ok := params["parameter_overrides"]; ok {
			overrides = v
			break
		}
	}
	out := map[string]string{}
	var words []string
	switch o := overrides.(type) {
	case nil:
		return nil, fmt.Errorf("%s: [%s.deploy.parameters] has no parameter_overrides", path, env)
	case string:
		words = splitWords(o)
	case []any:
		for _, w := range o {
			words = append(words, splitWords(fmt.Sprint(w))...)
		}
	}
	for _, w := range words {
		// SAM accepts Key=Value and the CLI's ParameterKey=K,ParameterValue=V.
		if strings.HasPrefix(w, "ParameterKey=") {
			k, v, ok := strings.Cut(strings.TrimPrefix(w, "ParameterKey="), ",ParameterValue=")
			if ok {
				out[k] = v
				continue
			}
		}
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return nil, fmt.Errorf("%s: %q in parameter_overrides is not Key=Value", path, w)
		}
		out[k] = v
	}
	return out, nil
}

// splitWords splits on spaces outside double or single quotes and drops the
// quotes, as a shell (and SAM) does.
func splitWords(s string) []string {
	var out []string
	var b strings.Builder
	var quote rune
	in := false
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				b.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				out = append(out, b.String())
				b.Reset()
				in = false
			}
		default:
			b.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, b.String())
	}
	return out
}
