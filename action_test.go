package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/lambdagate/lambdagate/report"
)

// The base of the pull request: a role, and a function Old without a KMS key
// (a finding the pull request did not cause). other.yaml has one too.
const baseApp = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
  Old:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}
      TracingConfig: {Mode: Active}
`

// The pull request inserts New (lines 8-14) just above Old, with tracing
// PassThrough on line 14; Old's missing key moves to line 15, next to the
// change but not on it.
const newFunction = `  New:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      KmsKeyArn: arn:aws:kms:eu-west-1:111122223333:key/1
      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}
      TracingConfig: {Mode: PassThrough}
`

const otherApp = `Resources:
  Other:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt R.Arn
      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [s-1]}
      TracingConfig: {Mode: Active}
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
`

// buildBinary builds lambdagate as the Dockerfile does, once per test run
// (TestMain removes it): the tests and benchmarks that exec it share it.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin, err := builtBinary()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

var (
	binDir      string // made by TestMain
	builtBinary = sync.OnceValues(func() (string, error) {
		bin := filepath.Join(binDir, "lambdagate")
		cmd := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build: %v\n%s", err, out)
		}
		return bin, nil
	})
)

// prWorkspace makes the workspace the runner would check out for a pull
// request: GitHub's test merge commit of the pull request into its base,
// with the history fetch-depth: 2 gives. It returns the folder and the
// event payload's path.
func prWorkspace(t *testing.T) (dir, event string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir = t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write(".lambdagate.yml", "rules:\n  log-retention: off\n  code-signing: off\n  logs-permission: off\n")
	write("app.yaml", baseApp)
	write("other.yaml", otherApp)
	git("add", ".")
	git("commit", "-qm", "base")
	base := git("rev-parse", "HEAD")
	git("checkout", "-qb", "feature")
	lines := strings.SplitAfter(baseApp, "\n")
	write("app.yaml", strings.Join(lines[:7], "")+newFunction+strings.Join(lines[7:], ""))
	git("commit", "-qam", "add New")
	head := git("rev-parse", "HEAD")
	git("checkout", "-q", "--detach", base)
	git("merge", "-q", "--no-ff", "-m", "Merge "+head+" into "+base, head)
	event = filepath.Join(t.TempDir(), "event.json")
	payload, _ := json.Marshal(map[string]any{"pull_request": map[string]any{"number": 7,
		"base": map[string]string{"sha": base, "ref": "main"}, "head": map[string]string{"sha": head, "ref": "feature"}}})
	if err := os.WriteFile(event, payload, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, event
}

// runnerEnv is the environment the runner gives the container, with the
// inputs as INPUT_ variables whose names keep their hyphens.
func runnerEnv(t *testing.T, dir, event string, inputs map[string]string) (env []string, outputs, summary string) {
	files := t.TempDir()
	outputs, summary = filepath.Join(files, "set_output"), filepath.Join(files, "step_summary")
	for _, f := range []string{outputs, summary} {
		if err := os.WriteFile(f, nil, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + files, "GITHUB_ACTIONS=true", "CI=true", "LAMBDAGATE_DATE=2026-12-01",
		"GITHUB_WORKSPACE=" + dir, "GITHUB_EVENT_NAME=pull_request", "GITHUB_EVENT_PATH=" + event,
		"GITHUB_OUTPUT=" + outputs, "GITHUB_STEP_SUMMARY=" + summary, "GITHUB_SHA=abc123",
		"GITHUB_REPOSITORY=acme/orders", "GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=99"}
	for k, v := range inputs {
		env = append(env, "INPUT_"+strings.ToUpper(k)+"="+v)
	}
	return env, outputs, summary
}

// readOutputs parses a GITHUB_OUTPUT file as the runner does.
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, delim, ok := strings.Cut(sc.Text(), "<<")
		if !ok {
			t.Fatalf("output line %q is not a heredoc", sc.Text())
		}
		var value []string
		for sc.Scan() && sc.Text() != delim {
			value = append(value, sc.Text())
		}
		out[name] = strings.Join(value, "\n")
	}
	return out
}

var annotationLine = regexp.MustCompile(`^::(error|warning|notice) (?:[^:]*?)file=([^,:]*),line=(\d+),`)

func TestActionEndToEndPerFilterMode(t *testing.T) {
	bin := buildBinary(t)
	for _, tc := range []struct {
		mode        string
		annotations []string // file:line of the annotations, in order
		counted     string
		code        int
	}{
		{"added", []string{"app.yaml:14"}, "1", 1},
		{"diff-context", []string{"app.yaml:14", "app.yaml:15"}, "2", 1},
		{"file", []string{"app.yaml:14", "app.yaml:15"}, "2", 1},
		{"nofilter", []string{"app.yaml:14", "app.yaml:15", "other.yaml:2"}, "3", 1},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			dir, event := prWorkspace(t)
			env, outputs, summary := runnerEnv(t, dir, event, map[string]string{
				"filter-mode": tc.mode, "sarif-file": "reports/lambdagate.sarif", "fail-on": "error",
			})
			cmd := exec.Command(bin)
			cmd.Dir, cmd.Env = dir, env
			stdout, err := cmd.Output()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Errorf("exit code %d, want %d\n%s", code, tc.code, stdout)
			}
			var got []string
			for _, l := range strings.Split(string(stdout), "\n") {
				if m := annotationLine.FindStringSubmatch(l); m != nil {
					got = append(got, m[2]+":"+m[3])
				}
				if strings.Contains(l, "::notice") {
					t.Errorf("unexpected notice (the diff should have worked): %s", l)
				}
			}
			if !slices.Equal(got, tc.annotations) {
				t.Errorf("annotations on %v, want %v\n%s", got, tc.annotations, stdout)
			}
			out := readOutputs(t, outputs)
			want := map[string]string{"result": "fail", "findings": "3", "errors": "3", "new-findings": "1",
				"annotated": tc.counted, "templates-scanned": "2", "functions-scanned": "3",
				"sarif-file": "reports/lambdagate.sarif", "filter-mode": tc.mode}
			for k, v := range want {
				if out[k] != v {
					t.Errorf("output %s = %q, want %q", k, out[k], v)
				}
			}
			md, err := os.ReadFile(summary)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"## ❌ lambdagate: failed", "| <code>New</code> | [app.yaml](https://github.com/acme/orders/blob/abc123/app.yaml#L8) | ✅ | ✅ | ✅ | ❌ | ✅ |",
				"3 functions in 2 templates", "1 new in the change", "🆕"} {
				if !strings.Contains(string(md), s) {
					t.Errorf("summary lacks %q:\n%s", s, md)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "reports", "lambdagate.sarif")); err != nil {
				t.Errorf("no SARIF: %v", err)
			}
		})
	}
}

// With fetch-depth: 1 there is no parent to compare with: one notice says
// so, and every finding counts.
func TestActionFallsBackToNofilterOnAShallowCheckout(t *testing.T) {
	dir, event := prWorkspace(t)
	// The event names a base that is not in the history, and HEAD's second
	// parent is not its head: nothing can be compared.
	if err := os.WriteFile(event, []byte(`{"pull_request": {"base": {"sha": "0123456789abcdef0123456789abcdef01234567"}, "head": {"sha": "89abcdef0123456789abcdef0123456789abcdef"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env, outputs, _ := runnerEnv(t, dir, event, map[string]string{"filter-mode": "added"})
	t.Chdir(dir)
	var stdout, stderr strings.Builder
	code := runAction(newProcess(env, &stdout, &stderr))
	if code != exitFindings {
		t.Errorf("exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	notice := "::notice title=lambdagate::The checkout is too shallow to compare the pull request with its base: set fetch-depth: 2 on actions/checkout."
	if n := strings.Count(stdout.String(), notice); n != 1 {
		t.Errorf("%d shallow notices, want 1:\n%s", n, stdout.String())
	}
	for _, l := range strings.Split(stdout.String(), "\n") {
		if strings.HasPrefix(l, "::notice") && len(l) > 300 {
			t.Errorf("the notice is %d characters long: %s", len(l), l)
		}
	}
	if !strings.Contains(stdout.String(), "lambdagate: git could not compare the pull request's base 0123456789abcdef0123456789abcdef01234567") ||
		!strings.Contains(stdout.String(), "\n    git diff") {
		t.Errorf("git's words are not in the log:\n%s", stdout.String())
	}
	if out := readOutputs(t, outputs); out["filter-mode"] != "nofilter" || out["annotated"] != "3" {
		t.Errorf("outputs %v", out)
	}
}

func TestActionInputErrorIsAnAnnotationAndExitTwo(t *testing.T) {
	for _, tc := range []struct{ input, value, says string }{
		{"filter-mode", "changed", `input filter-mode: "changed"; use added, diff-context, file, nofilter`},
		{"annotations", "yes", `input annotations: "yes" is not a boolean; use true or false`},
		{"fail-on", "critical", `--fail-on "critical": use error, warning, notice or never`},
		{"templates", "infra/**/*.yml", `input templates: "infra/**/*.yml" matches no file`},
		{"mode", "post-deploy", "input stack-name is required with mode: post-deploy"},
	} {
		t.Run(tc.input, func(t *testing.T) {
			dir, event := prWorkspace(t)
			env, outputs, _ := runnerEnv(t, dir, event, map[string]string{tc.input: tc.value})
			t.Chdir(dir)
			var stdout, stderr strings.Builder
			if code := runAction(newProcess(env, &stdout, &stderr)); code != exitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.HasPrefix(stdout.String(), "::error title=lambdagate configuration error::") || !strings.Contains(stdout.String(), tc.says) {
				t.Errorf("stdout:\n%s\nwant an error annotation saying %q", stdout.String(), tc.says)
			}
			if out := readOutputs(t, outputs); out["result"] != "error" || out["findings"] != "0" {
				t.Errorf("outputs %v, want result=error", out)
			}
		})
	}
}

// Every input action.yml declares is read by the code with the same
// default, and every input the code reads is declared; every output the
// code writes is declared and the reverse.
func TestActionYMLAndCodeAgree(t *testing.T) {
	var meta struct {
		Inputs map[string]struct {
			Default *string `yaml:"default"`
		} `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
		Runs    struct {
			Using string `yaml:"using"`
			Image string `yaml:"image"`
		} `yaml:"runs"`
	}
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Runs.Using != "docker" || meta.Runs.Image != "Dockerfile" {
		t.Errorf("runs = %+v, want a docker action built from Dockerfile", meta.Runs)
	}
	kebab := regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	declared := map[string]bool{}
	for _, in := range actionInputs {
		declared[in.name] = true
		y, ok := meta.Inputs[in.name]
		switch {
		case !ok:
			t.Errorf("the code reads input %s, which action.yml does not declare", in.name)
		case y.Default == nil:
			t.Errorf("input %s: action.yml gives no default (the code's is %q)", in.name, in.def)
		case *y.Default != in.def:
			t.Errorf("input %s: action.yml's default %q, the code's %q", in.name, *y.Default, in.def)
		}
	}
	for name := range meta.Inputs {
		if !declared[name] {
			t.Errorf("action.yml declares input %s, which the code does not read", name)
		}
		if !kebab.MatchString(name) {
			t.Errorf("input %s is not kebab-case", name)
		}
	}
	// The table is what the code reads through: every read names a row.
	src, err := readSources("action.go", "action_suggestions.go")
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`env\.(?:input|boolInput|list)\("([^"]+)"\)`).FindAllStringSubmatch(string(src), -1) {
		read[m[1]] = true
		if !declared[m[1]] {
			t.Errorf("action.go reads input %q, which is not declared", m[1])
		}
	}
	for name := range declared {
		if !read[name] {
			t.Errorf("input %s is declared but action.go never reads it", name)
		}
	}
	written := map[string]bool{"sarif-file": true, "filter-mode": true}
	for _, o := range (report.GitHubStats{}).Outputs() {
		written[o.Name] = true
	}
	for _, o := range errorOutputs().list {
		if !written[o.Name] {
			t.Errorf("the error outputs write %s, which a normal run does not", o.Name)
		}
	}
	for name := range written {
		if _, ok := meta.Outputs[name]; !ok {
			t.Errorf("the code writes output %s, which action.yml does not declare", name)
		}
	}
	for name := range meta.Outputs {
		if !written[name] {
			t.Errorf("action.yml declares output %s, which the code never writes", name)
		}
		if !kebab.MatchString(name) {
			t.Errorf("output %s is not kebab-case", name)
		}
	}
}

// The Dockerfile has the properties the runner and supply-chain hygiene
// need.
func TestDockerfileProperties(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var instructions [][2]string // keyword, rest
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kw, rest, _ := strings.Cut(line, " ")
		instructions = append(instructions, [2]string{strings.ToUpper(kw), rest})
	}
	pinned := regexp.MustCompile(`^\S+:\S+@sha256:[0-9a-f]{64}(\s+AS\s+\S+)?$`)
	froms, last := 0, -1
	for i, in := range instructions {
		switch in[0] {
		case "FROM":
			froms++
			last = i
			if !pinned.MatchString(in[1]) {
				t.Errorf("FROM %s is not pinned by digest (image:tag@sha256:...)", in[1])
			}
		case "USER":
			t.Error("USER: the runner needs root to write GITHUB_OUTPUT and the workspace")
		case "WORKDIR":
			t.Error("WORKDIR: the runner sets the working directory to the workspace")
		}
	}
	if froms < 2 {
		t.Errorf("%d stages, want a multi-stage build", froms)
	}
	build := string(data)
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath"} {
		if !strings.Contains(build, want) {
			t.Errorf("the build lacks %s", want)
		}
	}
	var entry string
	for _, in := range instructions[last:] {
		if in[0] == "ENTRYPOINT" {
			entry = in[1]
		}
		if in[0] == "COPY" && !strings.HasPrefix(in[1], "--from=") {
			t.Errorf("the final stage copies from the build context (%s); it should hold only the built binary", in[1])
		}
	}
	var argv []string
	if err := json.Unmarshal([]byte(entry), &argv); err != nil || len(argv) == 0 {
		t.Errorf("ENTRYPOINT %s is not in exec form", entry)
	}
}
