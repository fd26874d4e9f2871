package template

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEvalYAMLJSONTwin is a property of the evaluator: a YAML template and
// its long-form JSON twin deploy the same, so every property of every
// resource must evaluate to the same values (texts, parts, branches; not
// positions), with and without Params, and every resource must be as able
// to exist. The twin is written from the parsed model, where short tags are
// already long-form calls, and read back with Parse.
//
// It runs over the checks' testdata and a sample of ../../shared/corpus,
// read in place (nothing of the corpus is copied here); without the corpus
// the sample is skipped, unless LAMBDAGATE_REQUIRE_ORACLES is set.
func TestEvalYAMLJSONTwin(t *testing.T) {
	files, err := filepath.Glob("../testdata/checks/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata templates: %v", err)
	}
	slices.Sort(files)
	if _, err := os.Stat(corpusDir); err == nil {
		files = append(files, twinCorpusSample(t, 400)...)
	} else if os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") != "" {
		t.Fatalf("%s is required here (LAMBDAGATE_REQUIRE_ORACLES is set) but absent", corpusDir)
	} else {
		t.Logf("%s is absent; only the testdata templates are compared", corpusDir)
	}
	var templates, properties, skipped int
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := Parse(file, data, DefaultLimits)
		if err != nil {
			continue // broken on purpose, or not a template: nothing to compare
		}
		var twin bytes.Buffer
		if reason := writeTwin(&twin, tpl.Root); reason != "" {
			// CloudFormation reads such a scalar as JSON's (True as true,
			// 0400 as 400 or 256), so its twin is not written as it is.
			skipped++
			t.Logf("%s: not compared: %s", file, reason)
			continue
		}
		jtpl, err := Parse(strings.TrimSuffix(file, filepath.Ext(file))+".twin.json", twin.Bytes(), DefaultLimits)
		if err != nil {
			t.Errorf("%s: the JSON twin does not parse: %v", file, err)
			continue
		}
		templates++
		properties += compareTwins(t, file, tpl, jtpl)
	}
	t.Logf("%d templates and %d properties compared; %d templates not compared", templates, properties, skipped)
	if templates < len(files)/2 {
		t.Errorf("only %d of %d templates were compared", templates, len(files))
	}
}

// twinCorpusSample picks about n templates of the corpus, every k-th in path
// order, so that every run compares the same ones.
func twinCorpusSample(t *testing.T, n int) []string {
	var all []string
	err := filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), "_") {
			return filepath.SkipDir // the corpus's own tools
		}
		if d.Type().IsRegular() && slices.Contains([]string{".yaml", ".yml", ".json", ".template"}, strings.ToLower(filepath.Ext(p))) {
			all = append(all, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(all)
	step := max(len(all)/n, 1)
	var out []string
	for i := 0; i < len(all); i += step {
		out = append(out, all[i])
	}
	return out
}

// compareTwins compares the evaluation of every resource property of the
// two templates and returns how many properties it compared.
func compareTwins(t *testing.T, file string, y, j *Template) int {
	t.Helper()
	if got, want := resourceIDs(j), resourceIDs(y); got != want {
		t.Errorf("%s: the twin has resources %s, want %s", file, got, want)
		return 0
	}
	n := 0
	for _, params := range []bool{false, true} {
		ye, je := y.Evaluator(nil, params), j.Evaluator(nil, params)
		for _, r := range y.Resources {
			jr := j.Resource(r.ID)
			if r.Type != jr.Type || r.Condition != jr.Condition {
				t.Errorf("%s: %s is %s (Condition %q) in the twin, want %s (Condition %q)", file, r.ID, jr.Type, jr.Condition, r.Type, r.Condition)
				continue
			}
			if !params && y.CanExist(r) != j.CanExist(jr) {
				t.Errorf("%s: %s: CanExist %t in the twin, want %t", file, r.ID, j.CanExist(jr), y.CanExist(r))
			}
			for _, p := range twinProperties(r.Properties, jr.Properties) {
				n++
				got, want := renderOutcomes(je.Eval(p.twin)), renderOutcomes(ye.Eval(p.yaml))
				if got != want {
					t.Errorf("%s: %s.%s (Params %t):\n twin %s\n yaml %s", file, r.ID, p.name, params, got, want)
				}
			}
		}
	}
	return n
}

type twinProperty struct {
	name       string
	yaml, twin *Value
}

// twinProperties pairs the properties of a resource and of its twin: each
// field of a map, or the whole value when Properties is an Fn::If.
func twinProperties(y, j *Value) []twinProperty {
	if y == nil {
		return nil
	}
	if y.Kind != Map || j == nil || j.Kind != Map || len(y.Fields) != len(j.Fields) {
		return []twinProperty{{"(Properties)", y, j}}
	}
	if _, _, ok := y.Intrinsic(); ok {
		return []twinProperty{{"(Properties)", y, j}}
	}
	out := make([]twinProperty, len(y.Fields))
	for i, f := range y.Fields {
		out[i] = twinProperty{f.Key, f.Value, j.Fields[i].Value}
	}
	return out
}

func resourceIDs(t *Template) string {
	ids := make([]string, len(t.Resources))
	for i, r := range t.Resources {
		ids[i] = r.ID
	}
	return strings.Join(ids, ",")
}

// writeTwin writes a value as long-form JSON, keys in the order written. It
// returns why it cannot when a scalar has no JSON form as written (a YAML
// True, a number with leading zeros).
func writeTwin(b *bytes.Buffer, v *Value) string {
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool:
		if v.Text != "true" && v.Text != "false" {
			return fmt.Sprintf("the boolean %s at %v", v.Text, v.Pos)
		}
		b.WriteString(v.Text)
	case Number:
		var n json.Number
		if err := json.Unmarshal([]byte(v.Text), &n); err != nil {
			return fmt.Sprintf("the number %s at %v", v.Text, v.Pos)
		}
		b.WriteString(v.Text)
	case String:
		writeJSONString(b, v.Text)
	case List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			if reason := writeTwin(b, it); reason != "" {
				return reason
			}
		}
		b.WriteByte(']')
	case Map:
		b.WriteString("{\n")
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(",\n")
			}
			writeJSONString(b, f.Key)
			b.WriteByte(':')
			if reason := writeTwin(b, f.Value); reason != "" {
				return reason
			}
		}
		b.WriteString("}")
	}
	return ""
}
