package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/checks"
)

func TestParseValid(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("prod.json", `[{"ParameterKey": "Stage", "ParameterValue": "prod"}, {"ParameterKey": "KeyArn", "ParameterValue": "arn:aws:kms:eu-west-1:1:key/k"}]`)
	write("samconfig.toml", "version = 0.1\n[default.deploy.parameters]\nparameter_overrides = \"Tracing=Active Subnets=\\\"subnet-1,subnet-2\\\" ParameterKey=Env,ParameterValue=dev\"\n[prod.deploy.parameters]\nparameter_overrides = [\"Tracing=PassThrough\"]\n")
	path := filepath.Join(dir, FileName)
	text := `# every key
fail-on: warning
exclude: ["legacy/**", "**/*.test.yaml"]
rules:
  kms-key: warning
  misspelled-property: off
  active-tracing: on
unresolved: warn
allowed-role-arns:
  - arn:aws:iam::*:role/platform-*
allowed-managed-policies: [CloudWatchLambdaInsightsExecutionRolePolicy]
denied-managed-policies: [AWSLambda_FullAccess]
baseline: .lambdagate-baseline.json
parameters:
  - templates: "infra/**"
    file: prod.json
    values:
      Stage: staging
  - templates: "sam/**"
    file: samconfig.toml
  - templates: "sam/prod/**"
    file: samconfig.toml
    config-env: prod
`
	write(FileName, text)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn != "warning" || c.Checks.Unresolved != checks.UnresolvedWarn || c.Baseline != filepath.Join(dir, ".lambdagate-baseline.json") {
		t.Errorf("got fail-on %q, unresolved %v, baseline %q", c.FailOn, c.Checks.Unresolved, c.Baseline)
	}
	wantRules := map[string]Rule{"kms-key": {On: true, Severity: checks.Warning}, "misspelled-property": {Off: true}, "active-tracing": {On: true}}
	if diff := cmp.Diff(wantRules, c.Rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"legacy/**", "**/*.test.yaml"}, c.Exclude); diff != "" {
		t.Error(diff)
	}
	for _, tc := range []struct {
		file string
		want map[string]string
	}{
		{"infra/app.yaml", map[string]string{"Stage": "staging", "KeyArn": "arn:aws:kms:eu-west-1:1:key/k"}},
		{"sam/template.yaml", map[string]string{"Tracing": "Active", "Subnets": "subnet-1,subnet-2", "Env": "dev"}},
		{"sam/prod/template.yaml", map[string]string{"Tracing": "PassThrough", "Subnets": "subnet-1,subnet-2", "Env": "dev"}},
		{"other/template.yaml", nil},
	} {
		if diff := cmp.Diff(tc.want, c.ParametersFor(tc.file)); diff != "" {
			t.Errorf("ParametersFor(%s) (-want +got):\n%s", tc.file, diff)
		}
	}
}

// TestParseInvalid: each bad file gives exactly this error.
func TestParseInvalid(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"unknown key", "fail-on: error\nfailon: warning\n",
			`.lambdagate.yml:2:1: unknown key "failon"; the keys are rules, fail-on, exclude, allowed-role-arns, allowed-managed-policies, denied-managed-policies, unresolved, parameters, baseline`},
		{"bad fail-on", "fail-on: critical\n",
			`.lambdagate.yml:1:10: fail-on must be one of error, warning, notice, never, not "critical"`},
		{"unknown rule", "rules:\n  kms-keys: off\n",
			`.lambdagate.yml:2:3: unknown rule "kms-keys"; the rules are security-groups, kms-key, active-tracing, least-privilege-role, misspelled-property, public-invoke, kms-key-rotation, open-security-group, plaintext-secret, log-retention, drift, confused-deputy, deprecated-runtime, code-signing, async-failure-destination, reserved-concurrency, function-url-cors, logs-permission`},
		{"bad severity", "rules:\n  kms-key: fatal\n",
			`.lambdagate.yml:2:12: kms-key must be one of off, on, error, warning, notice, not "fatal"`},
		{"bad unresolved", "unresolved: maybe\n",
			`.lambdagate.yml:1:13: unresolved must be one of pass, warn, fail, not "maybe"`},
		{"exclude not a list", "exclude: {a: b}\n",
			`.lambdagate.yml:1:10: exclude must be a list of strings`},
		{"bad glob", "exclude: ['infra/[']\n",
			`.lambdagate.yml:1:11: "infra/[" in exclude is not a valid glob pattern`},
		{"empty entry", "allowed-role-arns: ['']\n",
			`.lambdagate.yml:1:21: each entry of allowed-role-arns must be a non-empty string`},
		{"not a map", "- a\n- b\n",
			".lambdagate.yml:1:1: the configuration must be a map of settings, e.g. `fail-on: error`"},
		{"parameters without values", "parameters:\n  - templates: '**'\n",
			`.lambdagate.yml:2:5: a parameters entry needs values or file`},
		{"parameters unknown key", "parameters:\n  - template: '**'\n    values: {A: b}\n",
			`.lambdagate.yml:2:5: unknown key "template" in a parameters entry; use templates, values, file or config-env`},
		{"missing parameters file", "parameters:\n  - file: nope.json\n",
			`.lambdagate.yml:2:5: cannot read the parameters file: open nope.json: no such file or directory`},
		{"duplicate top-level key", "fail-on: error\nexclude: [legacy/**]\nfail-on: never\n",
			`.lambdagate.yml:3:1: duplicate key "fail-on" (first at line 1); keep one`},
		{"duplicate key quoted once", "\"rules\": {kms-key: off}\nrules: {kms-key: on}\n",
			`.lambdagate.yml:2:1: duplicate key "rules" (first at line 1); keep one`},
		{"duplicate rule", "rules:\n  kms-key: off\n  active-tracing: off\n  kms-key: warning\n",
			`.lambdagate.yml:4:3: duplicate key "kms-key" (first at line 2); keep one`},
		{"duplicate in a flow map", "rules: {kms-key: off, kms-key: on}\n",
			`.lambdagate.yml:1:23: duplicate key "kms-key" (first at line 1); keep one`},
		{"duplicate parameter value", "parameters:\n  - templates: 'infra/**'\n    values:\n      Stage: dev\n      Stage: prod\n",
			`.lambdagate.yml:5:7: duplicate key "Stage" (first at line 4); keep one`},
		{"duplicate in a parameters entry", "parameters:\n  - templates: 'a/**'\n    values: {A: b}\n    templates: 'b/**'\n",
			`.lambdagate.yml:4:5: duplicate key "templates" (first at line 2); keep one`},
		{"first duplicate in the file", "rules:\n  kms-key: off\n  kms-key: on\nfail-on: error\nfail-on: never\n",
			`.lambdagate.yml:3:3: duplicate key "kms-key" (first at line 2); keep one`},
		{"yaml error", "rules: [\n",
			`.lambdagate.yml: cannot parse: line 1: did not find expected node content`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(FileName, []byte(tc.text))
			if err == nil {
				t.Fatalf("no error; want %s", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}
