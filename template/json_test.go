package template

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJSONMatchesYAML holds the JSON scanner to the YAML path it replaces
// for JSON files: the same values, kinds, texts, positions, problems and
// errors, on every JSON template of the testdata and of the corpus.
func TestJSONMatchesYAML(t *testing.T) {
	var files []string
	for _, root := range []string{"../testdata", "../../shared/corpus"} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".template")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 100 && os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") == "" {
		t.Logf("only %d JSON files (no ../shared/corpus?)", len(files))
	}
	compared, differ := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err = toUTF8(f, data)
		if err != nil || !isJSON(f, data) {
			continue
		}
		if jsonError(f, data) != nil {
			continue // not JSON: both paths report encoding/json's error
		}
		jv, jp, jerr := parseJSON(f, data, DefaultLimits)
		yv, yp, yerr := parseYAML(f, data, DefaultLimits)
		if yerr != nil {
			// YAML refuses some valid JSON; the JSON scanner need not.
			continue
		}
		compared++
		var diffs []string
		if jerr != nil {
			diffs = append(diffs, "JSON path: "+jerr.Error())
		} else {
			compareValues(&diffs, "$", jv, yv)
			if fmt.Sprint(errs(jp)) != fmt.Sprint(errs(yp)) {
				diffs = append(diffs, fmt.Sprintf("problems: JSON %v, YAML %v", errs(jp), errs(yp)))
			}
		}
		if len(diffs) > 0 {
			differ++
			if differ <= 10 {
				t.Errorf("%s: the JSON scanner and the YAML path differ:\n  %s", f, strings.Join(diffs[:min(len(diffs), 5)], "\n  "))
			}
		}
	}
	t.Logf("%d JSON templates compared, %d differ", compared, differ)
}

func errs(es []*Error) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Error()
	}
	return out
}

func compareValues(diffs *[]string, path string, a, b *Value) {
	if len(*diffs) > 5 {
		return
	}
	switch {
	case a == nil || b == nil:
		if a != b {
			*diffs = append(*diffs, fmt.Sprintf("%s: JSON %v, YAML %v", path, a, b))
		}
		return
	case a.Kind != b.Kind || a.Text != b.Text || a.Pos != b.Pos || len(a.Items) != len(b.Items) || len(a.Fields) != len(b.Fields):
		*diffs = append(*diffs, fmt.Sprintf("%s: JSON %s %q at %s (%d items, %d fields), YAML %s %q at %s (%d items, %d fields)",
			path, a.Kind, a.Text, a.Pos, len(a.Items), len(a.Fields), b.Kind, b.Text, b.Pos, len(b.Items), len(b.Fields)))
		return
	}
	for i := range a.Items {
		compareValues(diffs, fmt.Sprintf("%s[%d]", path, i), a.Items[i], b.Items[i])
	}
	for i := range a.Fields {
		fa, fb := a.Fields[i], b.Fields[i]
		if fa.Key != fb.Key || fa.KeyPos != fb.KeyPos {
			*diffs = append(*diffs, fmt.Sprintf("%s: key JSON %q at %s, YAML %q at %s", path, fa.Key, fa.KeyPos, fb.Key, fb.KeyPos))
			continue
		}
		compareValues(diffs, path+"."+fa.Key, fa.Value, fb.Value)
	}
}

// TestJSONShapes compares the two paths on the shapes a corpus may lack.
func TestJSONShapes(t *testing.T) {
	for _, src := range []string{
		`{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Description": "héllo wörld", "Handler": "x"}}}}`,
		"{\r\n  \"Resources\": {\r\n    \"Fn\": {\"Type\": \"T\"}\r\n  }\r\n}\r\n",
		"{\r  \"Resources\": {\r    \"Fn\": {\"Type\": \"T\"}\r  }\r}",
		"\ufeff{\n  \"Resources\": {\"Fn\": {\"Type\": \"T\", \"P\": \"ü\"}}\n}",
		"{\"Resources\": {\"Fn\": {\"Type\": \"T\", \"D\": \"a\u2028b\", \"E\": 1}}}",
		`{"Resources": {"Fn": {"Type": "T", "D": "caf\u00e9 \" \\ \n\t", "E": "x"}}}`,
		`{"Resources": {"Fn": {"Type": "T", "Type": "U"}}, "A": {}, "B": [], "C": [[], {}, [1, -0, 1e5, 1E+2, 2.50, 12345678901234567890, true, false, null]]}`,
		"{\n\t\"Resources\":\t{\n\t\t\"Fn\": {\"Type\": \"T\", \"K\": \"日本語\", \"L\": [\"日\", \"本\"]}}}",
		`{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"<<": {"Type": "T"}}}`,
	} {
		data := []byte(src)
		jv, jp, jerr := parseJSON("t.json", data, DefaultLimits)
		yv, yp, yerr := parseYAML("t.json", data, DefaultLimits)
		if jerr != nil || yerr != nil {
			t.Errorf("%q: errors: JSON %v, YAML %v", src, jerr, yerr)
			continue
		}
		var diffs []string
		compareValues(&diffs, "$", jv, yv)
		if fmt.Sprint(errs(jp)) != fmt.Sprint(errs(yp)) {
			diffs = append(diffs, fmt.Sprintf("problems: JSON %v, YAML %v", errs(jp), errs(yp)))
		}
		if len(diffs) > 0 {
			t.Errorf("%q:\n  %s", src, strings.Join(diffs, "\n  "))
		}
	}
}

// TestJSONErrors: what is not JSON is reported with encoding/json's words
// and the place of the mistake; limits hold.
func TestJSONErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`{"Resources": {"Type": "T",}}`, `t.json:1:28: invalid JSON: invalid character '}' looking for beginning of object key string`},
		{"{\n  \"A\": [1, 2,]\n}", `t.json:2:14: invalid JSON: invalid character ']' looking for beginning of value`},
		{`{"A": tru}`, `t.json:1:10: invalid JSON: invalid character '}' in literal true (expecting 'e')`},
		{`{"A": 1} x`, `t.json:1:10: invalid JSON: invalid character 'x' after top-level value`},
		{`{"A": "x`, `t.json:1:8: invalid JSON: unexpected end of JSON input`},
		{`[[[[1]]]]`, `t.json:1:4: values are nested more than 2 deep; flatten the template`},
	} {
		_, _, err := parseJSON("t.json", []byte(c.src), Limits{MaxDepth: 2, MaxNodes: 100})
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: error %v, want %s", c.src, err, c.want)
		}
	}
	if _, _, err := parseJSON("t.json", []byte(`[1, 2, 3, 4]`), Limits{MaxDepth: 10, MaxNodes: 3}); err == nil || !strings.Contains(err.Error(), "more than 3 values") {
		t.Errorf("MaxNodes: error %v", err)
	}
}

// TestJSONThatYAMLRefused: valid JSON the YAML parser refused (a character
// outside the BMP written as a surrogate pair, the escaped solidus \/) is
// read as JSON reads it.
func TestJSONThatYAMLRefused(t *testing.T) {
	v, _, err := parseJSON("t.json", []byte(`{"Resources": {"Fn": {"Type": "T", "D": "\ud83d\ude00 a\/b"}}}`), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Get("Resources").Get("Fn").Get("D").Text; got != "\U0001F600 a/b" {
		t.Errorf("D = %q, want the emoji and a/b", got)
	}
}
