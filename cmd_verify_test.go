package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/deployed/fakeaws"
)

const verifyTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const verifyTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Tracing: Active
      KmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/k1
      VpcConfig:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [sg-1]
      Policies:
        - AWSLambdaBasicExecutionRole
`

// verifyAccount is a stack "shop" with one function, Api, deployed as the
// template says; tracing says how it is deployed.
func verifyAccount(tracing string) *fakeaws.Account {
	a := fakeaws.New()
	a.Keys["arn:aws:kms:eu-west-1:123456789012:key/k1"] = &fakeaws.Key{Rotation: true,
		Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`}
	a.Groups["sg-1"] = &fakeaws.SecurityGroup{Name: "shop"}
	a.Roles["shop-ApiRole-1"] = &fakeaws.Role{Name: "shop-ApiRole-1", Trust: verifyTrust,
		Attached: []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}}
	a.Functions["shop-Api-1"] = &fakeaws.Function{Name: "shop-Api-1", Role: "shop-ApiRole-1", Tracing: tracing,
		KMSKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k1", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}
	a.Stacks["shop"] = []*fakeaws.Resource{
		{Logical: "Api", Physical: "shop-Api-1", Type: "AWS::Lambda::Function"},
		{Logical: "ApiRole", Physical: "shop-ApiRole-1", Type: "AWS::IAM::Role"},
	}
	return a
}

// runVerifyOn runs `lambdagate verify args...` in dir against the fake.
func runVerifyOn(t *testing.T, a *fakeaws.Account, dir string, environ []string, args ...string) (string, string, int) {
	t.Helper()
	return runVerifyWith(t, a, dir, environ, nil, args...)
}

// runVerifyWith is runVerifyOn with the process adjusted by tweak first.
func runVerifyWith(t *testing.T, a *fakeaws.Account, dir string, environ []string, tweak func(*process), args ...string) (string, string, int) {
	t.Helper()
	srv := a.Start()
	t.Cleanup(srv.Close)
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "eu-west-1",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	p := newProcess(append(environ, "LAMBDAGATE_DATE=2026-12-01"), &stdout, &stderr) // deprecated-runtime: never the clock
	p.clients = deployed.ClientOptions{BaseEndpoint: srv.URL, MaxAttempts: 3, MaxBackoff: time.Millisecond}
	if tweak != nil {
		tweak(p)
	}
	code := runVerify(p, args)
	return stdout.String(), stderr.String(), code
}

func writeTemplate(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(verifyTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerifyPassesWhenTheDeploymentMatchesTheGate(t *testing.T) {
	out, errOut, code := runVerifyOn(t, verifyAccount("Active"), writeTemplate(t), nil, "--stack", "shop")
	if code != exitOK {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "0 findings") || !strings.Contains(out, "in 1 function (1 template matched) of stack shop (UPDATE_COMPLETE) in eu-west-1, account 123456789012") {
		t.Errorf("output:\n%s", out)
	}
}

func TestVerifyReportsDriftOnTheTemplateLine(t *testing.T) {
	out, _, code := runVerifyOn(t, verifyAccount("PassThrough"), writeTemplate(t), nil, "--stack", "shop", "--template", "template.yaml")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		"template.yaml:7:16: error: active-tracing: Api (shop-Api-1): Tracing is PassThrough, not Active",
		"template.yaml:7:16: error: drift: Api (shop-Api-1): the template gives tracing Active, but the deployed function has PassThrough",
		"      Tracing: Active",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestVerifyExitsTwoWhenSomethingCouldNotBeVerified(t *testing.T) {
	a := verifyAccount("Active")
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "iam:ListAttachedRolePolicies" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDenied", Message: "denied"}}
		}
		return nil
	}
	out, errOut, code := runVerifyOn(t, a, t.TempDir(), nil, "--stack", "shop", "--format", "json")
	if code != exitUnverified {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
	}
	var doc struct {
		Findings []any `json:"findings"`
		Errors   []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if len(doc.Findings) != 0 || len(doc.Errors) != 1 ||
		doc.Errors[0].Message != "cannot verify role arn:aws:iam::123456789012:role/shop-ApiRole-1 (of shop-Api-1): missing permission iam:ListAttachedRolePolicies on arn:aws:iam::123456789012:role/shop-ApiRole-1" {
		t.Errorf("json: %s", out)
	}
	if !strings.Contains(errOut, "the verdict is incomplete") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestVerifyGitHubAnnotatesTheTemplateAndWritesOutputs(t *testing.T) {
	dir := writeTemplate(t)
	outputs := filepath.Join(t.TempDir(), "out")
	sarif := filepath.Join(t.TempDir(), "v.sarif")
	out, errOut, code := runVerifyOn(t, verifyAccount("PassThrough"), dir, []string{"GITHUB_OUTPUT=" + outputs},
		"--stack", "shop", "--format", "github", "--sarif", sarif)
	if code != exitFindings {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "file=template.yaml,line=7,title=lambdagate drift::") {
		t.Errorf("no annotation on the template line:\n%s", out)
	}
	got, _ := os.ReadFile(outputs)
	if !strings.Contains(string(got), "result<<") || !strings.Contains(string(got), "fail") {
		t.Errorf("outputs: %s", got)
	}
	if st, err := os.Stat(sarif); err != nil || st.Size() == 0 {
		t.Errorf("no SARIF: %v", err)
	}
}

func TestVerifyUsageErrors(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"verify", "name what to verify: --stack NAME"},
		{"verify --stack s --format xml", `unknown --format "xml"`},
		{"verify --stack s --concurrency 0", "--concurrency 0: use 1 or more"},
		{"verify --stack s extra", `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		p := newProcess(nil, &stdout, &stderr)
		p.newClients = func(context.Context, deployed.ClientOptions) (deployed.Clients, error) {
			t.Fatal("no AWS call on a usage error")
			return deployed.Clients{}, nil
		}
		code := p.run(strings.Fields(tc.args))
		if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// The suppressions of a matched template are read as scan reads them: one
// without a reason suppresses nothing and is reported, never dropped.
func TestVerifyReportsTheTemplatesUnreadableSuppressions(t *testing.T) {
	dir := t.TempDir()
	tpl := strings.Replace(verifyTemplate, "    Type: AWS::Serverless::Function\n",
		"    Type: AWS::Serverless::Function\n    Metadata:\n      lambdagate:\n        ignore:\n          - rule: active-tracing\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runVerifyOn(t, verifyAccount("PassThrough"), dir, nil, "--stack", "shop", "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	var doc struct {
		Findings []struct {
			Rule        string `json:"rule"`
			Suppression any    `json:"suppression"`
		} `json:"findings"`
		Errors []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if len(doc.Errors) != 1 || doc.Errors[0].File != "template.yaml" || doc.Errors[0].Line != 8 || !strings.Contains(doc.Errors[0].Message, "reason") {
		t.Errorf("errors: %+v, want the suppression without a reason at template.yaml:8", doc.Errors)
	}
	for _, f := range doc.Findings {
		if f.Suppression != nil {
			t.Errorf("%s is suppressed by a suppression without a reason", f.Rule)
		}
	}
}

// Issue 12 (1): a deployed function with no template has no line of the
// repository; code scanning rejects a log with one result without a
// location, so verify places it on the running workflow's file, or the file
// --sarif-location names.
func TestVerifySARIFPlacesFindingsWithoutATemplate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		environ []string
		args    []string
		want    string
	}{
		{"the workflow", []string{"GITHUB_REPOSITORY=acme/shop", "GITHUB_WORKFLOW_REF=acme/shop/.github/workflows/verify.yml@refs/heads/main"}, nil, ".github/workflows/verify.yml"},
		{"named", nil, []string{"--sarif-location", "infra/README.md"}, "infra/README.md"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			sarif := filepath.Join(dir, "v.sarif")
			args := append([]string{"--stack", "shop", "--no-templates", "--sarif", sarif}, tc.args...)
			out, errOut, code := runVerifyOn(t, verifyAccount("PassThrough"), dir, append(tc.environ, "GITHUB_WORKSPACE="+dir), args...)
			if code != exitFindings {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
			data, err := os.ReadFile(sarif)
			if err != nil {
				t.Fatal(err)
			}
			var log struct {
				Runs []struct {
					Results []struct {
						Locations []struct {
							PhysicalLocation struct {
								ArtifactLocation struct{ URI string }
							}
						}
					}
				}
			}
			if err := json.Unmarshal(data, &log); err != nil {
				t.Fatal(err)
			}
			if len(log.Runs[0].Results) == 0 {
				t.Fatalf("no results: %s", data)
			}
			for _, r := range log.Runs[0].Results {
				if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != tc.want {
					t.Errorf("result located at %+v, want %s", r.Locations, tc.want)
				}
			}
		})
	}
}

// Issue 12 (3, 6): a stack that does not exist is not verified: exit 2,
// result error (fail is findings reaching fail-on), and verify's own
// wording: no "template not checked", no "file could not be read", no empty
// file name; the summary names the stack, the region and the account.
func TestVerifyAMissingStackIsNotVerifiedNotFailed(t *testing.T) {
	dir := t.TempDir()
	env, outputs, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), nil)
	out, errOut, code := runVerifyOn(t, verifyAccount("Active"), dir, env, "--stack", "nope", "--format", "github")
	if code != exitUnverified {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
	}
	if got := readOutputs(t, outputs); got["result"] != "error" || got["findings"] != "0" {
		t.Errorf("outputs %v, want result=error", got)
	}
	if !strings.Contains(out, "::error title=lambdagate verify%3A not verified::cannot verify stack nope: it does not exist in eu-west-1") {
		t.Errorf("annotation:\n%s", out)
	}
	sum, _ := os.ReadFile(summary)
	for _, want := range []string{"## ⚠️ lambdagate verify: not verified", "1 thing could not be verified", "Target: stack nope &#40;not found&#41; in eu-west-1.",
		"### Not verified", "- ❌ cannot verify stack nope: it does not exist in eu-west-1 &#40;"} {
		if !strings.Contains(string(sum), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	for _, bad := range []string{"failed", "could not be read", "❌ : ", "cannot vouch", "template not checked"} {
		if strings.Contains(string(sum)+out, bad) {
			t.Errorf("scan's wording %q in:\n%s\n%s", bad, sum, out)
		}
	}
	if !strings.Contains(errOut, "1 thing not verified") {
		t.Errorf("stderr: %s", errOut)
	}

	out, _, _ = runVerifyOn(t, verifyAccount("Active"), dir, nil, "--stack", "nope")
	if !strings.HasPrefix(out, "not verified: cannot verify stack nope: it does not exist in eu-west-1") || strings.Contains(out, "-: error:") {
		t.Errorf("text:\n%s", out)
	}
}

// Issue 12 (2, 11): a role whose policies cannot be read is "not verified"
// in the summary's least-privilege-role cell, never ✅; the JSON error names
// the function, the stack and the rule; SARIF's notification the rule.
func TestVerifyARoleThatCannotBeReadIsNotVerified(t *testing.T) {
	a := verifyAccount("Active")
	a.Roles["shop-ApiRole-1"].Inline = map[string]string{"p": `{"Version":"2012-10-17","Statement":[]}`}
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "iam:GetRolePolicy" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDenied", Message: "denied"}}
		}
		return nil
	}
	dir := writeTemplate(t)
	env, _, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), nil)
	sarif := filepath.Join(t.TempDir(), "v.sarif")
	out, errOut, code := runVerifyOn(t, a, dir, env, "--stack", "shop", "--format", "github", "--sarif", sarif)
	if code != exitUnverified {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
	}
	sum, _ := os.ReadFile(summary)
	var row string
	for _, l := range strings.Split(string(sum), "\n") {
		if strings.HasPrefix(l, "| <code>Api</code>") {
			row = l
		}
	}
	// | Function | Template | security-groups | least-privilege-role | ...
	if cells := strings.Split(row, "|"); len(cells) < 5 || strings.TrimSpace(cells[4]) != "❔ not verified" || strings.TrimSpace(cells[3]) != "✅" {
		t.Errorf("row %q: want least-privilege-role not verified\n%s", row, sum)
	}

	out, _, _ = runVerifyOn(t, a, dir, nil, "--stack", "shop", "--format", "json")
	var doc struct {
		Errors []struct {
			Resource, Stack, Rule string
		} `json:"errors"`
		Verified struct {
			Region, Account string
			Stacks          []struct{ Name, Status string }
			NotVerified     []struct {
				Resource, Function string
				Rules              []string
			} `json:"notVerified"`
		} `json:"verified"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if len(doc.Errors) != 1 || doc.Errors[0].Resource != "Api" || doc.Errors[0].Stack != "shop" || doc.Errors[0].Rule != "least-privilege-role" {
		t.Errorf("errors %+v", doc.Errors)
	}
	v := doc.Verified
	if v.Region != "eu-west-1" || v.Account != "123456789012" || len(v.Stacks) != 1 || v.Stacks[0].Status != "UPDATE_COMPLETE" ||
		len(v.NotVerified) != 1 || v.NotVerified[0].Function != "shop-Api-1" || v.NotVerified[0].Rules[0] != "least-privilege-role" {
		t.Errorf("verified %+v", v)
	}
	data, _ := os.ReadFile(sarif)
	if !strings.Contains(string(data), `"associatedRule": {`) {
		t.Errorf("no notification names the rule not verified:\n%s", data)
	}
}

// Issue 12 (4): a run that cannot start (no region, no credentials) leaves
// an error annotation, the outputs and a summary line, not stderr alone.
func TestVerifySetupErrorsLeaveATraceOnGitHub(t *testing.T) {
	dir := t.TempDir()
	env, outputs, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), map[string]string{"mode": "post-deploy", "stack-name": "shop"})
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	p := newProcess(env, &stdout, &stderr)
	p.newClients = func(context.Context, deployed.ClientOptions) (deployed.Clients, error) {
		return deployed.Clients{}, errors.New("no AWS region: pass --region, or set AWS_REGION")
	}
	if code := runAction(p); code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "::error title=lambdagate verify%3A not verified::no AWS region") {
		t.Errorf("no annotation:\n%s", stdout.String())
	}
	if got := readOutputs(t, outputs); got["result"] != "error" {
		t.Errorf("outputs %v", got)
	}
	if sum, _ := os.ReadFile(summary); !strings.Contains(string(sum), "no AWS region") {
		t.Errorf("summary: %q", sum)
	}
}

// summary: false holds on every exit path: a run that cannot start, or
// inputs the Action refuses, still write the annotation and the outputs,
// but no job summary.
func TestSetupErrorsHonourSummaryFalse(t *testing.T) {
	for name, inputs := range map[string]map[string]string{
		"no region":      {"mode": "post-deploy", "stack-name": "shop", "summary": "false"},
		"refused input":  {"mode": "post-deploy", "stack-name": "shop", "summary": "false", "baseline": "b.json"},
		"scan bad input": {"mode": "scan", "summary": "false", "filter-mode": "everything"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			env, outputs, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), inputs)
			t.Chdir(dir)
			var stdout, stderr bytes.Buffer
			p := newProcess(env, &stdout, &stderr)
			p.newClients = func(context.Context, deployed.ClientOptions) (deployed.Clients, error) {
				return deployed.Clients{}, errors.New("no AWS region: pass --region, or set AWS_REGION")
			}
			if code := runAction(p); code != exitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), "::error title=") {
				t.Errorf("no annotation:\n%s", stdout.String())
			}
			if got := readOutputs(t, outputs); got["result"] != "error" {
				t.Errorf("outputs %v", got)
			}
			if sum, _ := os.ReadFile(summary); len(sum) != 0 {
				t.Errorf("summary: false, but the job summary has:\n%s", sum)
			}
		})
	}
}

// runPostDeploy runs the Action in post-deploy mode against the fake, in a
// workspace with the template in svc/.
func runPostDeploy(t *testing.T, a *fakeaws.Account, inputs map[string]string) (stdout, stderr string, code int, dir, outputs, summary string) {
	t.Helper()
	return runPostDeployWith(t, a, verifyTemplate, inputs)
}

// runPostDeployWith is runPostDeploy with svc/template.yaml holding tpl.
func runPostDeployWith(t *testing.T, a *fakeaws.Account, tpl string, inputs map[string]string) (stdout, stderr string, code int, dir, outputs, summary string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "svc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "svc", "template.yaml"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	in := map[string]string{"mode": "post-deploy", "stack-name": "shop", "region": "eu-west-1"}
	for k, v := range inputs {
		in[k] = v
	}
	env, outputs, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), in)
	srv := a.Start()
	t.Cleanup(srv.Close)
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	t.Chdir(dir)
	var o, e bytes.Buffer
	p := newProcess(env, &o, &e)
	p.clients = deployed.ClientOptions{BaseEndpoint: srv.URL, MaxAttempts: 3, MaxBackoff: time.Millisecond}
	code = runAction(p)
	return o.String(), e.String(), code, dir, outputs, summary
}

// Issue 12 (5): every post-deploy input is honoured or rejected, none
// ignored: working-directory, templates, exclude, sarif-file and
// sarif-category, summary and annotations.
func TestPostDeployHonoursOrRejectsEveryInput(t *testing.T) {
	t.Run("honoured", func(t *testing.T) {
		out, errOut, code, dir, outputs, _ := runPostDeploy(t, verifyAccount("PassThrough"), map[string]string{
			"working-directory": "svc", "templates": "*.yaml", "sarif-file": "out.sarif", "sarif-category": "verify-prod"})
		if code != exitFindings {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		if !strings.Contains(out, "file=svc/template.yaml,line=7,title=lambdagate drift::") {
			t.Errorf("no annotation on the template of working-directory:\n%s", out)
		}
		data, err := os.ReadFile(filepath.Join(dir, "svc", "out.sarif"))
		if err != nil || !strings.Contains(string(data), `"id": "verify-prod/"`) {
			t.Errorf("SARIF in working-directory with the category: %v\n%.400s", err, data)
		}
		if got := readOutputs(t, outputs); got["result"] != "fail" || got["sarif-file"] != "svc/out.sarif" {
			t.Errorf("outputs %v", got)
		}
	})
	t.Run("exclude", func(t *testing.T) {
		out, errOut, code, _, _, _ := runPostDeploy(t, verifyAccount("PassThrough"), map[string]string{"exclude": "svc/**"})
		if code != exitFindings || strings.Contains(out, "file=svc/template.yaml") || strings.Contains(out, "lambdagate drift") {
			t.Errorf("exit %d; the excluded template was used:\n%s%s", code, out, errOut)
		}
	})
	t.Run("quiet", func(t *testing.T) {
		out, _, code, _, outputs, summary := runPostDeploy(t, verifyAccount("PassThrough"), map[string]string{"summary": "false", "annotations": "false"})
		if code != exitFindings {
			t.Fatalf("exit %d", code)
		}
		if strings.Contains(out, "::error file=") {
			t.Errorf("annotations: false, but:\n%s", out)
		}
		if sum, _ := os.ReadFile(summary); len(sum) != 0 {
			t.Errorf("summary: false, but:\n%s", sum)
		}
		if got := readOutputs(t, outputs); got["result"] != "fail" {
			t.Errorf("outputs %v", got)
		}
	})
	for input, says := range map[string]string{"baseline": "input baseline", "filter-mode": "input filter-mode", "suggestions": "input suggestions"} {
		t.Run("rejected "+input, func(t *testing.T) {
			value := map[string]string{"baseline": "b.json", "filter-mode": "added", "suggestions": "true"}[input]
			out, _, code, _, outputs, _ := runPostDeploy(t, verifyAccount("Active"), map[string]string{input: value})
			if code != exitUsage || !strings.Contains(out, "::error title=lambdagate configuration error::"+says) {
				t.Errorf("exit %d:\n%s", code, out)
			}
			if got := readOutputs(t, outputs); got["result"] != "error" {
				t.Errorf("outputs %v", got)
			}
		})
	}
}

// Issue 12 (8): a --template that defines none of the stack's functions is
// said, not dropped silently.
func TestVerifyATemplateThatDefinesNoneOfTheStacksFunctionsIsSaid(t *testing.T) {
	dir := t.TempDir()
	other := strings.Replace(verifyTemplate, "  Api:\n", "  Worker:\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "other.yaml"), []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runVerifyOn(t, verifyAccount("Active"), dir, nil, "--stack", "shop", "--template", "other.yaml")
	if code != exitUnverified {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "other.yaml: not verified: cannot verify drift against --template other.yaml: it defines none of the functions of stack shop by logical id") {
		t.Errorf("output:\n%s", out)
	}
}

// Issue 12 (7): security groups are compared by identity, the template's
// read as the stack deployed it: a parameter as its stack value
// (DescribeStacks), a group of the stack as its id.
func TestVerifyComparesSecurityGroupsByIdentity(t *testing.T) {
	const params = `Parameters:
  SecurityGroupId:
    Type: AWS::EC2::SecurityGroup::Id
    Default: sg-default
`
	for _, tc := range []struct {
		name, groups, deployed string
		params                 map[string]string
		drift                  string // "" for none
	}{
		{"same count, another group", "[sg-1]", "sg-2", nil, "the template gives the function security groups [sg-1], but the deployed function has [sg-2]"},
		{"the same group", "[sg-1]", "sg-1", nil, ""},
		{"a parameter as deployed", "[!Ref SecurityGroupId]", "sg-prod", map[string]string{"SecurityGroupId": "sg-prod"}, ""},
		{"a parameter, changed by hand", "[!Ref SecurityGroupId]", "sg-other", map[string]string{"SecurityGroupId": "sg-prod"}, "security groups [sg-prod], but the deployed function has [sg-other]"},
		{"a group of the stack", "[!GetAtt FnSG.GroupId]", "sg-0abc", nil, ""},
		{"a group of the stack, swapped", "[!GetAtt FnSG.GroupId]", "sg-0def", nil, "security groups [sg-0abc], but the deployed function has [sg-0def]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tpl := strings.Replace(verifyTemplate, "SecurityGroupIds: [sg-1]", "SecurityGroupIds: "+tc.groups, 1)
			tpl = strings.Replace(tpl, "Resources:\n", params+"Resources:\n  FnSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: fn\n", 1)
			if err := os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(tpl), 0o644); err != nil {
				t.Fatal(err)
			}
			a := verifyAccount("Active")
			a.Functions["shop-Api-1"].SecurityGroups = []string{tc.deployed}
			a.Groups[tc.deployed] = &fakeaws.SecurityGroup{}
			a.Stacks["shop"] = append(a.Stacks["shop"], &fakeaws.Resource{Logical: "FnSG", Physical: "sg-0abc", Type: "AWS::EC2::SecurityGroup"})
			a.StackParameters = map[string]map[string]string{"shop": tc.params}
			out, errOut, code := runVerifyOn(t, a, dir, nil, "--stack", "shop", "--template", "template.yaml")
			switch {
			case tc.drift == "" && (code != exitOK || strings.Contains(out, "drift")):
				t.Errorf("exit %d, want no drift:\n%s%s", code, out, errOut)
			case tc.drift != "" && (code != exitFindings || !strings.Contains(out, "error: drift: Api (shop-Api-1): "+tc.drift) && !strings.Contains(out, tc.drift)):
				t.Errorf("exit %d, want drift %q:\n%s%s", code, tc.drift, out, errOut)
			}
		})
	}
}

// --region a,b verifies each region and names the region in every finding
// (the fake answers alike in both).
func TestVerifySeveralRegions(t *testing.T) {
	out, errOut, code := runVerifyOn(t, verifyAccount("PassThrough"), t.TempDir(), nil, "--stack", "shop", "--region", "eu-west-1,us-east-1", "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var doc struct {
		Findings []struct {
			Rule         string `json:"rule"`
			FunctionName string `json:"function_name"`
		} `json:"findings"`
		Verified struct {
			Region string
			Stacks []struct{ Name string }
		} `json:"verified"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	got := map[string]bool{}
	for _, f := range doc.Findings {
		got[f.Rule+" "+f.FunctionName] = true
	}
	if !got["active-tracing shop-Api-1 (eu-west-1)"] || !got["active-tracing shop-Api-1 (us-east-1)"] {
		t.Errorf("findings %v", got)
	}
	if doc.Verified.Region != "eu-west-1, us-east-1" || len(doc.Verified.Stacks) != 2 || doc.Verified.Stacks[1].Name != "shop (us-east-1)" {
		t.Errorf("verified %+v", doc.Verified)
	}
	_, errOut, code = runVerifyOn(t, verifyAccount("Active"), t.TempDir(), nil, "--stack", "shop", "--region", "eu-west-1,mars")
	if code != exitUsage || !strings.Contains(errOut, `--region "mars" is not an AWS region`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// A stack whose last update was rolled back is verified (its functions are
// what runs) and said at warning level everywhere: the text, the JSON, the
// job summary and an annotation. It does not change the verdict.
func TestVerifyARolledBackStackIsAWarningEverywhere(t *testing.T) {
	const says = "stack shop is UPDATE_ROLLBACK_COMPLETE: its last update failed and was rolled back"
	rolledBack := func() *fakeaws.Account {
		a := verifyAccount("Active")
		a.StackStatus = map[string]string{"shop": "UPDATE_ROLLBACK_COMPLETE"}
		return a
	}
	out, errOut, code := runVerifyOn(t, rolledBack(), writeTemplate(t), nil, "--stack", "shop")
	if code != exitOK || !strings.Contains(out, "warning: "+says) {
		t.Errorf("text: exit %d\n%s%s", code, out, errOut)
	}
	dir := writeTemplate(t)
	out, _, _ = runVerifyOn(t, rolledBack(), dir, nil, "--stack", "shop", "--format", "json", "--sarif", "verify.sarif")
	data, _ := os.ReadFile(filepath.Join(dir, "verify.sarif"))
	var log struct {
		Runs []struct {
			Invocations []struct {
				ToolExecutionNotifications []struct {
					Level   string
					Message struct{ Text string }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Invocations) != 1 {
		t.Fatalf("SARIF %v:\n%s", err, data)
	}
	if ns := log.Runs[0].Invocations[0].ToolExecutionNotifications; len(ns) != 1 || ns[0].Level != "warning" || !strings.HasPrefix(ns[0].Message.Text, says) {
		t.Errorf("SARIF notifications %+v", ns)
	}
	var doc struct {
		Verified struct {
			Notes []struct{ Severity, Message, Stack string } `json:"notes"`
		} `json:"verified"`
		Findings []any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if n := doc.Verified.Notes; len(n) != 1 || n[0].Severity != "warning" || n[0].Stack != "shop" || !strings.HasPrefix(n[0].Message, says) || len(doc.Findings) != 0 {
		t.Errorf("json: %s", out)
	}
	stdout, _, code, _, outputs, summary := runPostDeploy(t, rolledBack(), nil)
	if code != exitOK || !strings.Contains(stdout, "::warning title=lambdagate verify::"+says) {
		t.Errorf("annotation: exit %d\n%s", code, stdout)
	}
	if sum, _ := os.ReadFile(summary); !strings.Contains(string(sum), "> [!WARNING]\n> stack shop is UPDATE&#95;ROLLBACK&#95;COMPLETE: its last update failed") {
		t.Errorf("summary:\n%s", sum)
	}
	if got := readOutputs(t, outputs); got["result"] != "pass" {
		t.Errorf("outputs %v", got)
	}
}

// --tag KEY=VALUE selects the functions by tags; a bad one, or one beside
// --stack, is a usage error that says how to write it; the Action's tags
// input passes them.
func TestVerifyByTags(t *testing.T) {
	tagged := func() *fakeaws.Account {
		a := verifyAccount("PassThrough")
		a.Functions["shop-Api-1"].Tags = map[string]string{"team": "orders"}
		return a
	}
	out, errOut, code := runVerifyOn(t, tagged(), t.TempDir(), nil, "--tag", "team=orders", "--format", "json")
	var doc struct {
		Findings []struct {
			Rule         string
			FunctionName string `json:"function_name"`
		} `json:"findings"`
		Verified struct{ Tags []string } `json:"verified"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out, errOut)
	}
	if code != exitFindings || len(doc.Verified.Tags) != 1 || doc.Verified.Tags[0] != "team=orders" || len(doc.Findings) == 0 || doc.Findings[0].FunctionName != "shop-Api-1" {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	for args, says := range map[string]string{
		"--tag team":                     `lambdagate verify: --tag "team": write it KEY=VALUE, e.g. --tag team=orders`,
		"--tag team=orders --stack shop": "lambdagate verify: --tag selects the functions of the region by itself; it takes no --stack",
		"--tag team=orders --all":        "it takes no --stack, --function or --all",
	} {
		_, errOut, code := runVerifyOn(t, tagged(), t.TempDir(), nil, strings.Fields(args)...)
		if code != exitUsage || !strings.Contains(errOut, says) {
			t.Errorf("%s: exit %d\n%s", args, code, errOut)
		}
	}
	stdout, _, code, _, outputs, _ := runPostDeploy(t, tagged(), map[string]string{"stack-name": "", "tags": "team=orders"})
	if code != exitFindings || !strings.Contains(stdout, "title=lambdagate active-tracing::shop-Api-1: TracingConfig.Mode is PassThrough") {
		t.Errorf("post-deploy by tags: exit %d\n%s", code, stdout)
	}
	if got := readOutputs(t, outputs); got["result"] != "fail" {
		t.Errorf("outputs %v", got)
	}
	for inputs, says := range map[string]map[string]string{
		"inputs stack-name and tags: each selects":     {"tags": "team=orders"},
		`input tags: --tag "team": write it KEY=VALUE`: {"stack-name": "", "tags": "team"},
	} {
		stdout, _, code, _, _, _ := runPostDeploy(t, tagged(), says)
		if code != exitUsage || !strings.Contains(stdout, "::error title=lambdagate configuration error::"+inputs) {
			t.Errorf("%v: exit %d\n%s", says, code, stdout)
		}
	}
}

// Every partition's regions, as the SDK's partitions.json has them, are
// regions; the shape still refuses what none is.
func TestVerifyRegionNamesOfEveryPartition(t *testing.T) {
	for _, r := range []string{"eu-west-1", "ap-southeast-5", "mx-central-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1",
		"us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1"} {
		if bad := badRegion(r); bad != "" {
			t.Errorf("%s refused", r)
		}
	}
	for _, r := range []string{"mars", "eu-west", "EU-WEST-1", "eu_west_1", "europe-west-1"} {
		if badRegion(r) == "" {
			t.Errorf("%s taken for a region", r)
		}
	}
}

// Review 12, F17: sarif-suppressed is honoured after a deploy (include
// puts the suppressed findings in the SARIF file), and a bad value refused.
func TestPostDeployHonoursSARIFSuppressed(t *testing.T) {
	const suppressed = `
Metadata:
  lambdagate:
    ignore:
      - rule: active-tracing
        reason: tracing is off on purpose
`
	for value, want := range map[string]bool{"include": true, "exclude": false} {
		t.Run(value, func(t *testing.T) {
			a := verifyAccount("PassThrough")
			out, errOut, code, dir, _, _ := runPostDeployWith(t, a, verifyTemplate+suppressed, map[string]string{"sarif-file": "out.sarif", "sarif-suppressed": value})
			if code == exitUsage {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
			data, err := os.ReadFile(filepath.Join(dir, "out.sarif"))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(data), `"ruleId": "active-tracing"`); got != want {
				t.Errorf("sarif-suppressed %s: the suppressed active-tracing in the SARIF: %v, want %v\n%.2000s", value, got, want, data)
			}
		})
	}
	out, _, code, _, outputs, _ := runPostDeploy(t, verifyAccount("Active"), map[string]string{"sarif-suppressed": "bogus"})
	if code != exitUsage || !strings.Contains(out, "::error title=lambdagate configuration error::input sarif-suppressed: ") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if got := readOutputs(t, outputs); got["result"] != "error" {
		t.Errorf("outputs %v", got)
	}
}

// Review 12, F18: a flag that does not parse under --format github still
// writes the annotation, result error and a summary line (none with
// --summary=false).
func TestVerifyABadFlagLeavesATraceOnGitHub(t *testing.T) {
	for name, args := range map[string][]string{
		"unknown flag":  {"--format", "github", "--stack", "shop", "--bogus"},
		"bad value":     {"--format=github", "--concurrency", "abc", "--stack", "shop"},
		"summary false": {"-format", "github", "--summary=false", "--bogus"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			env, outputs, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), nil)
			var stdout, stderr bytes.Buffer
			if code := runVerify(newProcess(env, &stdout, &stderr), args); code != exitUsage {
				t.Fatalf("exit %d", code)
			}
			if !strings.Contains(stdout.String(), "::error title=lambdagate verify%3A not verified::lambdagate verify: ") {
				t.Errorf("no annotation:\n%s", stdout.String())
			}
			if got := readOutputs(t, outputs); got["result"] != "error" {
				t.Errorf("outputs %v", got)
			}
			sum, _ := os.ReadFile(summary)
			if want := name != "summary false"; strings.Contains(string(sum), "not verified") != want {
				t.Errorf("summary (wanted: %v):\n%s", want, sum)
			}
		})
	}
	// Not asked for: nothing but stderr.
	var stdout, stderr bytes.Buffer
	if code := runVerify(newProcess(nil, &stdout, &stderr), []string{"--bogus", "--format", "text"}); code != exitUsage || stdout.Len() != 0 {
		t.Errorf("exit %d, stdout %q", code, stdout.String())
	}
}

// Review 12, F19: a stack that could not be listed says so once; that the
// template defines none of its functions would be a second, wrong problem.
func TestVerifyAStackNotListedIsNotATemplateDefiningNone(t *testing.T) {
	a := verifyAccount("Active")
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "cloudformation:ListStackResources" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDenied", Message: "denied"}}
		}
		return nil
	}
	out, errOut, code := runVerifyOn(t, a, writeTemplate(t), nil, "--stack", "shop", "--template", "template.yaml")
	if code != exitUnverified || !strings.Contains(out, "missing permission cloudformation:ListStackResources") {
		t.Fatalf("exit %d, want 2 naming the permission\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "defines none of the functions") {
		t.Errorf("a template blamed for a stack not listed:\n%s", out)
	}
}

// Review 12, F19: --sarif-location must be a file of the repository, which
// is all code scanning can place a result on.
func TestVerifySARIFLocationOutsideTheRepositoryIsRefused(t *testing.T) {
	dir := writeTemplate(t)
	for _, loc := range []string{"../outside.yml", filepath.Join(t.TempDir(), "deploy.yml")} {
		_, errOut, code := runVerifyOn(t, verifyAccount("Active"), dir, nil, "--stack", "shop", "--sarif", "out.sarif", "--sarif-location", loc)
		if code != exitUsage || !strings.Contains(errOut, "--sarif-location "+loc+" is outside the repository") {
			t.Errorf("%s: exit %d\n%s", loc, code, errOut)
		}
	}
	if _, errOut, code := runVerifyOn(t, verifyAccount("Active"), dir, nil, "--stack", "shop", "--sarif", "out.sarif", "--sarif-location", ".github/workflows/deploy.yml"); code != exitOK {
		t.Errorf("a repository file refused: exit %d\n%s", code, errOut)
	}
}
