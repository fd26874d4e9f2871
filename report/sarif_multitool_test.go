package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifMultitool finds Microsoft's SARIF multitool (npm
// @microsoft/sarif-multitool): $LAMBDAGATE_SARIF_MULTITOOL, the copy .ci/run
// installs under .ci/node, or one on PATH. Without it the test skips, unless
// LAMBDAGATE_REQUIRE_ORACLES=1 (CI) makes that a failure.
func sarifMultitool(t *testing.T) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	for _, c := range []string{os.Getenv("LAMBDAGATE_SARIF_MULTITOOL"),
		filepath.Join(filepath.Dir(here), "..", ".ci", "node", "node_modules", ".bin", "sarif-multitool")} {
		if c == "" {
			continue
		}
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	if p, err := exec.LookPath("sarif-multitool"); err == nil {
		return p
	}
	if os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") == "1" {
		t.Fatal("no sarif-multitool (npm install --prefix .ci/node @microsoft/sarif-multitool, as .ci/run does)")
	}
	t.Skip("no sarif-multitool: npm install --prefix .ci/node @microsoft/sarif-multitool")
	return ""
}

// The multitool's validation, with the rules of GitHub code scanning (Gh:
// every result has a location, ...) and SARIF's own, finds no error in what
// lambdagate writes, deployed findings without a template included, with a
// fallback file and without one.
func TestSARIFPassesTheMultitoolsGitHubRules(t *testing.T) {
	tool := sarifMultitool(t)
	schema := sarifSchema(t)
	dir := t.TempDir()
	for name, opts := range map[string]SARIFOptions{
		"fallback.sarif":    {Category: "lambdagate-verify", RunID: "7", Version: "1.2.3", Fallback: ".github/workflows/verify.yml"},
		"no-fallback.sarif": {Category: "lambdagate-verify", Version: "1.2.3"},
	} {
		var b bytes.Buffer
		if err := SARIF(&b, sampleResult(), opts); err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s does not validate against the schema: %v", name, err)
		}
		in := filepath.Join(dir, name)
		if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, kind := range [][]string{nil, {"--rule-kind", "Gh"}} {
			// --rule-kind takes a list: what follows it must be another option.
			args := append(append([]string{"validate"}, kind...), "--log", "ForceOverwrite", "-o", filepath.Join(dir, "out.sarif"), in)
			out, err := exec.Command(tool, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("sarif-multitool %v: %v\n%s", args, err, out)
			}
			if !strings.Contains(string(out), "Analysis completed successfully") {
				t.Fatalf("sarif-multitool %v did not complete:\n%s", args, out)
			}
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, ": error ") {
					t.Errorf("%s %v: %s", name, kind, line)
				}
			}
		}
	}
}
