package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The SARIF of the examples, of a suppressed finding and of a broken
// template validates against the SARIF 2.1.0 JSON schema and, when CI
// provides it (LAMBDAGATE_SARIF_MULTITOOL, from npm's
// @microsoft/sarif-multitool), with Microsoft's validator: no error and no
// warning.
func TestSARIFValidatesWithTheSchemaAndMicrosoftsValidator(t *testing.T) {
	required := os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") == "1"
	schemaPath := filepath.Join("..", "shared", "schemas", "sarif-schema-2.1.0.json")
	var schema *jsonschema.Schema
	if _, err := os.Stat(schemaPath); err == nil {
		if schema, err = jsonschema.NewCompiler().Compile(schemaPath); err != nil {
			t.Fatal(err)
		}
	} else if required {
		t.Fatalf("no SARIF schema at %s", schemaPath)
	}
	multitool := os.Getenv("LAMBDAGATE_SARIF_MULTITOOL")
	if multitool == "" && required {
		t.Fatal("CI needs LAMBDAGATE_SARIF_MULTITOOL, the sarif-multitool of npm's @microsoft/sarif-multitool (.ci/run installs it)")
	}
	if schema == nil && multitool == "" {
		t.Skip("neither the SARIF schema nor sarif-multitool is here")
	}
	for _, tc := range []struct {
		name, has string
		args      []string
	}{
		{"examples", `"ruleId": "kms-key"`, []string{"testdata/examples"}},
		{"suppressed", `"suppressions"`, []string{"--sarif-suppressed", "include", "testdata/sarif/suppressed.yaml"}},
		{"broken", `"ruleId": "template-error"`, []string{"testdata/sarif/broken.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), tc.name+".sarif")
			var stdout, stderr bytes.Buffer
			if code := run(append([]string{"scan", "--fail-on", "never", "--sarif", out}, tc.args...), &stdout, &stderr); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.has; !strings.Contains(string(data), want) {
				t.Errorf("the SARIF lacks %s", want)
			}
			if schema != nil {
				doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if err := schema.Validate(doc); err != nil {
					t.Errorf("the schema rejects it: %v", err)
				}
			}
			if multitool == "" {
				return
			}
			cmd := exec.Command(multitool, "validate", out, "--output", out+".validation.sarif")
			msg, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("sarif-multitool validate: %v\n%s", err, msg)
			}
			for _, l := range strings.Split(string(msg), "\n") {
				if strings.Contains(l, ": warning ") || strings.Contains(l, ": error ") {
					t.Errorf("sarif-multitool: %s", l)
				}
			}
		})
	}
}
