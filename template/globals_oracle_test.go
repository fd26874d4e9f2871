package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// corpusDir is the shared third-party corpus, beside the checkout.
const corpusDir = "../../shared/corpus"

// requireOracles makes a missing oracle a failure (CI sets it) instead of a skip.
func requireOracles(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") != "" {
		t.Fatalf("%s is required here (LAMBDAGATE_REQUIRE_ORACLES is set) but absent", what)
	}
	t.Skipf("%s is absent; skipping (CI sets LAMBDAGATE_REQUIRE_ORACLES so it cannot skip)", what)
}

// TestGlobalsMatchSAMTranslator compares our Globals merge with the SAM
// translator's, on every SAM template of the corpus that has
// Globals.Function: Tracing, KmsKeyArn and VpcConfig of every function.
func TestGlobalsMatchSAMTranslator(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		requireOracles(t, "../shared/corpus")
	}
	if err := exec.Command("python3", "-c", "import samtranslator").Run(); err != nil {
		requireOracles(t, "Python's samtranslator")
	}
	var files []string
	ours := map[string]*Template{}
	err := filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(data, []byte("Globals")) {
			return err
		}
		tpl, err := Parse(p, data, DefaultLimits)
		if err != nil || tpl.Globals == nil {
			return nil
		}
		files = append(files, p)
		ours[p] = tpl
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found only %d corpus templates with Globals.Function; is the corpus complete?", len(files))
	}
	out := runOracle(t, "the SAM translator oracle", "testdata/sam_globals_oracle.py", files)
	var theirs map[string]struct {
		Error     string
		Functions map[string]map[string]any
	}
	if err := json.Unmarshal(out, &theirs); err != nil {
		t.Fatal(err)
	}
	compared, rejected, functions := 0, 0, 0
	for _, f := range files {
		sam := theirs[f]
		if sam.Error != "" {
			rejected++ // SAM rejects the Globals section; we report it as a template error
			t.Logf("%s: SAM rejects it: %s", f, sam.Error)
			continue
		}
		compared++
		tpl := ours[f]
		for _, r := range tpl.ResourcesOfType("AWS::Serverless::Function") {
			want, ok := sam.Functions[r.ID]
			if !ok && r.Loop != "" {
				continue // made by Fn::ForEach, which the Globals plugin runs after
			}
			if !ok {
				t.Errorf("%s: %s: the oracle did not see this function", f, r.ID)
				continue
			}
			if want["error"] != nil {
				continue
			}
			functions++
			props := tpl.Properties(r)
			got := map[string]any{}
			for _, k := range []string{"Tracing", "KmsKeyArn", "VpcConfig"} {
				got[k] = generic(props.Get(k))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: %s: merged Globals differ from the SAM translator's (-sam +ours):\n%s", f, r.ID, diff)
			}
		}
	}
	t.Logf("compared %d templates (%d functions) with the SAM translator; %d rejected by SAM", compared, functions, rejected)
	if functions == 0 {
		t.Fatal(errors.New("no function compared"))
	}
}

// generic turns a Value into what the Python side prints: maps, lists,
// scalars as text, GetAtt in its list form.
func generic(v *Value) any {
	if v == nil || v.Kind == Null {
		return nil
	}
	switch v.Kind {
	case List:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = generic(it)
		}
		return out
	case Map:
		if name, arg, ok := v.Intrinsic(); ok && name == "Fn::GetAtt" && arg.Kind == String {
			a, b, _ := strings.Cut(arg.Text, ".")
			return map[string]any{name: []any{a, b}}
		}
		out := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			out[f.Key] = generic(f.Value)
		}
		return out
	case Bool:
		return strings.ToLower(v.Text)
	}
	return v.Text
}

// runOracle runs a Python oracle script on files and returns its output.
func runOracle(t *testing.T, what, script string, files []string) []byte {
	t.Helper()
	cmd := exec.Command("python3", append([]string{script}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s failed: %v\n%s", what, err, stderr.String())
	}
	return out
}
