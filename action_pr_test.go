package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The pull-request scenarios of filter-mode added: each is a base and a head
// of a small repository, checked out as actions/checkout checks out a pull
// request (GitHub's test merge commit, fetched at depth 2 or with the whole
// history), and the findings the Action counts, as "Resource rule".

// prBase is a template with two old findings (Bad1 and Bad2 have no key)
// around a compliant function, Good, that merges Bad1's properties through
// a YAML anchor and takes its key from a parameter; a role whose inline
// policy takes its action from a parameter; and an sqs:* policy attached to
// another role.
const prBase = `Parameters:
  KeyParam:
    Type: String
    Default: arn:aws:kms:eu-west-1:111122223333:key/1
  ReadAction:
    Type: String
    Default: s3:GetObject
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: !Ref ReadAction, Resource: "arn:aws:s3:::orders/*"}
  QueuePolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: queues
      Roles: [!Ref OtherRole]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: "sqs:*", Resource: "*"}
  OtherRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
  Bad1:
    Type: AWS::Lambda::Function
    Properties: &secure
      Role: !GetAtt Role.Arn
      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}
      TracingConfig: {Mode: Active}
  Good:
    Type: AWS::Lambda::Function
    Properties:
      <<: *secure
      KmsKeyArn: !Ref KeyParam
  Bad2:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}
      TracingConfig: {Mode: Active}
`

// prSAM has SAM Globals and a SAM function without a key (an old finding).
const prSAM = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active
    Timeout: 3
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Policies: []
      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}
`

// prJSON is a JSON template with an old finding (Old has no key).
const prJSON = `{
  "Resources": {
    "Role": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
      }
    },
    "Old": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "VpcConfig": {"SecurityGroupIds": ["sg-1"], "SubnetIds": ["s-1"]},
        "TracingConfig": {"Mode": "Active"}
      }
    }
  }
}
`

const prConfig = "rules:\n  log-retention: off\n  code-signing: off\n  logs-permission: off\nparameters:\n  - templates: \"params/**\"\n    file: params.json\n"

const prParams = `[{"ParameterKey": "KeyParam", "ParameterValue": "arn:aws:kms:eu-west-1:111122223333:key/2"}]`

func prBaseFiles() map[string]string {
	return map[string]string{".lambdagate.yml": prConfig, "app.yaml": prBase, "sam.yaml": prSAM, "app.json": prJSON,
		"params.json": prParams, "params/app.yaml": prBase}
}

// edit replaces old with new in a text, and fails the test when old is not
// there exactly once (a scenario that edits nothing would pass vacuously).
func edit(t *testing.T, text, old, new string) string {
	t.Helper()
	if strings.Count(text, old) != 1 {
		t.Fatalf("the scenario's edit: %q is in the base %d times", old, strings.Count(text, old))
	}
	return strings.Replace(text, old, new, 1)
}

type prScenario struct {
	name string
	head func(t *testing.T, files map[string]string)
	want []string // "Resource rule" of the findings that count, sorted
}

var prScenarios = []prScenario{
	// Not caused by the pull request: nothing counts.
	{"append a queue", func(t *testing.T, f map[string]string) {
		f["app.yaml"] += "  Queue:\n    Type: AWS::SQS::Queue\n"
	}, nil},
	{"comment and blank line after a failing function", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "  Good:\n", "\n  # Good is the compliant one\n  Good:\n")
	}, nil},
	{"comment inside a failing function", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "  Bad2:\n    Type: AWS::Lambda::Function\n", "  Bad2:\n    # owned by payments\n    Type: AWS::Lambda::Function\n")
	}, nil},
	{"blank line between two failing functions", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "  Bad2:\n", "\n\n  Bad2:\n")
	}, nil},
	{"delete the compliant function between two failing ones", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "  Good:\n    Type: AWS::Lambda::Function\n    Properties:\n      <<: *secure\n      KmsKeyArn: !Ref KeyParam\n", "")
	}, nil},
	{"move a failing function above the others", func(t *testing.T, f map[string]string) {
		bad2 := "  Bad2:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAtt Role.Arn\n      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}\n      TracingConfig: {Mode: Active}\n"
		f["app.yaml"] = edit(t, edit(t, f["app.yaml"], bad2, ""), "Resources:\n", "Resources:\n"+bad2)
	}, nil},
	{"re-indent every resource", func(t *testing.T, f map[string]string) {
		before, after, _ := strings.Cut(f["app.yaml"], "Resources:\n")
		f["app.yaml"] = before + "Resources:\n" + regexp.MustCompile(`(?m)^ `).ReplaceAllString(after, "   ")
	}, nil},
	{"quote values and reorder keys", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "      Role: !GetAtt Role.Arn\n      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}\n      TracingConfig: {Mode: Active}\n  Good:",
			"      TracingConfig: {Mode: \"Active\"}\n      VpcConfig: {SubnetIds: ['s-1'], SecurityGroupIds: [sg-1]}\n      Role: !GetAtt Role.Arn\n  Good:")
	}, nil},
	{"rename the template", func(t *testing.T, f map[string]string) {
		f["infra/app.yaml"], f["app.yaml"] = f["app.yaml"], ""
	}, nil},
	{"append to a JSON template", func(t *testing.T, f map[string]string) {
		f["app.json"] = edit(t, f["app.json"], "      }\n    }\n  }\n}\n", "      }\n    },\n    \"Queue\": {\"Type\": \"AWS::SQS::Queue\"}\n  }\n}\n")
	}, nil},
	{"reformat a JSON template", func(t *testing.T, f map[string]string) {
		var compact, indented bytes.Buffer
		if err := json.Compact(&compact, []byte(f["app.json"])); err != nil {
			t.Fatal(err)
		}
		if err := json.Indent(&indented, compact.Bytes(), "", "\t"); err != nil {
			t.Fatal(err)
		}
		f["app.json"] = indented.String()
	}, nil},
	{"reformat the SAM Globals", func(t *testing.T, f map[string]string) {
		f["sam.yaml"] = edit(t, f["sam.yaml"], "    Tracing: Active\n    Timeout: 3\n", "    Timeout: 3 # seconds\n\n    Tracing: 'Active'\n")
	}, nil},
	{"a parameter file of another template", func(t *testing.T, f map[string]string) {
		f["params.json"] = `[{"ParameterKey": "KeyParam", "ParameterValue": "arn:aws:kms:eu-west-1:111122223333:key/3"}]`
	}, nil},

	// Caused by the pull request.
	{"a new failing function", func(t *testing.T, f map[string]string) {
		f["app.yaml"] += "  New:\n    Type: AWS::Lambda::Function\n    Properties:\n      <<: *secure\n      KmsKeyArn: !Ref KeyParam\n      TracingConfig: {Mode: PassThrough}\n"
	}, []string{"New active-tracing"}},
	{"an edit of a failing function", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "  Bad2:\n    Type: AWS::Lambda::Function\n    Properties:\n", "  Bad2:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 10\n")
	}, []string{"Bad2 kms-key"}},
	{"a property deleted on a line the change does not touch", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "      KmsKeyArn: !Ref KeyParam\n", "")
	}, []string{"Good kms-key"}},
	{"a parameter default set to empty", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "    Default: arn:aws:kms:eu-west-1:111122223333:key/1\n", "    Default: \"\"\n")
	}, []string{"Good kms-key"}},
	{"a parameter default widened behind a policy's Action", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "Default: s3:GetObject", "Default: s3:*")
	}, []string{"Bad1 least-privilege-role", "Bad2 least-privilege-role", "Good least-privilege-role"}},
	{"a role's managed policy switched to a broad one", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "      Policies:\n        - PolicyName: read\n", "      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n      Policies:\n        - PolicyName: read\n")
	}, []string{"Bad1 least-privilege-role", "Bad2 least-privilege-role", "Good least-privilege-role"}},
	{"an sqs:* policy attached to the functions' role", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "Roles: [!Ref OtherRole]", "Roles: [!Ref OtherRole, !Ref Role]")
	}, []string{"Bad1 least-privilege-role", "Bad2 least-privilege-role", "Good least-privilege-role"}},
	{"tracing removed from an anchor merged in", func(t *testing.T, f map[string]string) {
		f["app.yaml"] = edit(t, f["app.yaml"], "      TracingConfig: {Mode: Active}\n  Good:", "  Good:")
	}, []string{"Bad1 active-tracing", "Bad1 kms-key", "Good active-tracing"}},
	{"an edit of the SAM Globals", func(t *testing.T, f map[string]string) {
		f["sam.yaml"] = edit(t, f["sam.yaml"], "Timeout: 3", "Timeout: 30")
	}, []string{"Api kms-key"}},
	{"tracing removed from the SAM Globals", func(t *testing.T, f map[string]string) {
		f["sam.yaml"] = edit(t, f["sam.yaml"], "    Tracing: Active\n", "")
	}, []string{"Api active-tracing", "Api kms-key"}},
	{"an edit of a JSON function", func(t *testing.T, f map[string]string) {
		f["app.json"] = edit(t, f["app.json"], `"TracingConfig": {"Mode": "Active"}`, `"TracingConfig": {"Mode": "Active"}, "Timeout": 10`)
	}, []string{"Old kms-key"}},
	{"a parameter file set to an empty key", func(t *testing.T, f map[string]string) {
		f["params.json"] = `[{"ParameterKey": "KeyParam", "ParameterValue": ""}]`
	}, []string{"Good kms-key"}},
	{"a rule turned on in .lambdagate.yml", func(t *testing.T, f map[string]string) {
		f[".lambdagate.yml"] = edit(t, f[".lambdagate.yml"], "log-retention: off", "log-retention: error")
	}, []string{"Api log-retention", "Bad1 log-retention", "Bad1 log-retention", "Bad2 log-retention", "Bad2 log-retention",
		"Good log-retention", "Good log-retention", "Old log-retention"}},
}

func TestActionFilterModeAddedScenarios(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	for _, depth := range []int{2, 0} {
		for _, sc := range prScenarios {
			t.Run(fmt.Sprintf("depth %d/%s", depth, sc.name), func(t *testing.T) {
				head := prBaseFiles()
				sc.head(t, head)
				dir, event := prCheckout(t, prBaseFiles(), head, depth)
				env, outputs, _ := runnerEnv(t, dir, event, map[string]string{"filter-mode": "added", "fail-on": "never"})
				t.Chdir(dir)
				var stdout, stderr strings.Builder
				if code := runAction(newProcess(env, &stdout, &stderr)); code != exitOK {
					t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
				}
				var got []string
				for _, l := range strings.Split(stdout.String(), "\n") {
					if strings.HasPrefix(l, "::notice") {
						t.Errorf("unexpected notice: %s", l)
					}
					if m := countedLine.FindStringSubmatch(l); m != nil {
						got = append(got, m[2]+" "+m[1])
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, sc.want) {
					t.Errorf("counted %q, want %q\n%s", got, sc.want, stdout.String())
				}
				out := readOutputs(t, outputs)
				if out["annotated"] != fmt.Sprint(len(sc.want)) || out["new-findings"] != fmt.Sprint(len(sc.want)) || out["filter-mode"] != "added" {
					t.Errorf("outputs %v, want %d counted and new", out, len(sc.want))
				}
			})
		}
	}
}

var countedLine = regexp.MustCompile(`^::(?:error|warning|notice) [^:]*title=lambdagate ([a-z-]+)::([A-Za-z0-9]+):`)

// prCheckout builds a pull request as GitHub does, in an origin repository
// (the base commit on main, the head on a branch, and the test merge commit
// at refs/pull/7/merge), and checks out the merge commit in a workspace as
// actions/checkout does with fetch-depth: depth (0: the whole history).
// An empty file in head is a file the pull request deletes.
func prCheckout(t *testing.T, base, head map[string]string, depth int) (dir, event string) {
	t.Helper()
	origin, dir := t.TempDir(), t.TempDir()
	git := func(in string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = in
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+in)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(files map[string]string) {
		for name, text := range files {
			path := filepath.Join(origin, filepath.FromSlash(name))
			if text == "" {
				if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				continue
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	git(origin, "init", "-q", "-b", "main")
	write(base)
	git(origin, "add", "-A")
	git(origin, "commit", "-qm", "base")
	baseSHA := git(origin, "rev-parse", "HEAD")
	git(origin, "checkout", "-qb", "feature")
	write(head)
	git(origin, "add", "-A")
	git(origin, "commit", "-qm", "change", "--allow-empty")
	headSHA := git(origin, "rev-parse", "HEAD")
	git(origin, "checkout", "-q", "--detach", baseSHA)
	git(origin, "merge", "-q", "--no-ff", "-m", "Merge "+headSHA+" into "+baseSHA, headSHA)
	git(origin, "update-ref", "refs/pull/7/merge", "HEAD")

	git(dir, "init", "-q")
	fetch := []string{"fetch", "-q", "--no-tags"}
	if depth > 0 {
		fetch = append(fetch, fmt.Sprintf("--depth=%d", depth))
	}
	fetch = append(fetch, "file://"+filepath.ToSlash(origin), "+refs/pull/7/merge:refs/remotes/pull/7/merge")
	if depth == 0 {
		fetch = append(fetch, "+refs/heads/*:refs/remotes/origin/*")
	}
	git(dir, fetch...)
	git(dir, "checkout", "-q", "--detach", "refs/remotes/pull/7/merge")

	event = filepath.Join(t.TempDir(), "event.json")
	payload, _ := json.Marshal(map[string]any{"pull_request": map[string]any{"number": 7,
		"base": map[string]string{"sha": baseSHA, "ref": "main"}, "head": map[string]string{"sha": headSHA, "ref": "feature"}}})
	if err := os.WriteFile(event, payload, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, event
}

// A pull request whose templates input matches files that are no templates
// passes, with a warning annotation that says nothing was checked.
func TestActionWarnsWhenNoTemplateIsFound(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	files := map[string]string{"docs/notes.yaml": "title: not a template\n"}
	dir, event := prCheckout(t, files, map[string]string{"docs/notes.yaml": "title: still not a template\n"}, 2)
	env, outputs, _ := runnerEnv(t, dir, event, map[string]string{"templates": "docs"})
	t.Chdir(dir)
	var stdout, stderr strings.Builder
	if code := runAction(newProcess(env, &stdout, &stderr)); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	want := "::warning title=lambdagate%3A no template found::no CloudFormation or SAM template found in docs (1 file passed over), so nothing was checked"
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
	}
	if out := readOutputs(t, outputs); out["templates-scanned"] != "0" || out["result"] != "pass" {
		t.Errorf("outputs %v", out)
	}
}

// The job summary of a pull request: the verdict counts what fails, the
// touched template is open and the others folded whatever their size, the
// rows of functions the change is not responsible for are marked, counts
// read as English, header cells do not break mid-word, and code spans in
// messages render.
func TestActionJobSummaryOfAPullRequest(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	head := prBaseFiles()
	head["app.yaml"] += "  New:\n    Type: AWS::Lambda::Function\n    Properties:\n      <<: *secure\n      KmsKeyArn: !Ref KeyParam\n      TracingConfig: {Mode: PassThrough}\n"
	head["ext.yaml"] = "Resources:\n  Ext:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: arn:aws:iam::111122223333:role/platform-lambda\n      KmsKeyArn: arn:aws:kms:eu-west-1:111122223333:key/1\n      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}\n      TracingConfig: {Mode: Active}\n"
	dir, event := prCheckout(t, prBaseFiles(), head, 2)
	env, _, summary := runnerEnv(t, dir, event, map[string]string{"fail-on": "error"})
	t.Chdir(dir)
	var stdout, stderr strings.Builder
	if code := runAction(newProcess(env, &stdout, &stderr)); code != exitFindings {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	md := string(data)
	for _, want := range []string{
		"## ❌ lambdagate: failed\n\n1 finding at or above `error` (filter-mode `added`) fails this check.",
		"1 warning, 0 notices",
		"| `security\u2011groups` | `least\u2011privilege\u2011role` | `kms\u2011key` | `active\u2011tracing` |",
		"<details open><summary><code>app.yaml</code>: 3 findings</summary>",
		"<details><summary><code>params/app.yaml</code>: 2 findings</summary>",
		"8 findings: 7 errors, 1 warning, 0 notices, 0 suppressed · 2 new in the change",
		"<details open><summary><code>ext.yaml</code>: 1 finding</summary>",
		"<details><summary><code>sam.yaml</code>: 1 finding</summary>",
		"<details><summary><code>app.json</code>: 1 finding</summary>",
		"| <code>New</code> | [app.yaml]",
		"| <code>Bad1</code> <sub>outside the change</sub> | [app.yaml]",
		"<code>lambdagate verify</code>",
		"(https://github.com/lambdagate/lambdagate/blob/main/docs/rules/active-tracing.md)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the summary lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "<code>Ext</code> <sub>outside") || strings.Contains(md, "<code>New</code> <sub>outside") {
		t.Errorf("a function the change adds is marked outside it:\n%s", md)
	}
	if testing.Verbose() {
		t.Log(md)
	}
}
