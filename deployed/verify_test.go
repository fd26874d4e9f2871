package deployed_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/deployed/fakeaws"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/template"
)

// Policy documents the fixtures use.
const (
	lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	scoped      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}]}`
	wide        = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	basicExec   = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	keyARN      = "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"
	keyPolicy   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`
)

// awsEnv points the SDK's default chain at dummy credentials and nothing
// else on the machine: no profile, no shared files, no instance metadata.
func awsEnv(t testing.TB, region string) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": region, "AWS_DEFAULT_REGION": region, "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "",
		"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "", "AWS_RETRY_MODE": "", "AWS_MAX_ATTEMPTS": "",
	} {
		t.Setenv(k, v)
	}
}

// clients serves the account and returns the real SDK clients pointed at it.
func clients(t testing.TB, a *fakeaws.Account) deployed.Clients {
	t.Helper()
	srv := a.Start()
	t.Cleanup(srv.Close)
	awsEnv(t, a.Region)
	c, err := deployed.NewClients(context.Background(), deployed.ClientOptions{BaseEndpoint: srv.URL, MaxAttempts: 4, MaxBackoff: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// app is a stack of two functions sharing a role: Good passes every check,
// Bad fails the four.
func app() *fakeaws.Account {
	a := fakeaws.New()
	a.Keys[keyARN] = &fakeaws.Key{Rotation: true, Policy: keyPolicy}
	// Egress only, as a function's groups should be.
	for _, id := range []string{"sg-1", "sg-9", "sg-hand"} {
		a.Groups[id] = &fakeaws.SecurityGroup{Name: "app-" + id}
	}
	a.Roles["app-FnRole-A1"] = &fakeaws.Role{Name: "app-FnRole-A1", Trust: lambdaTrust,
		Inline: map[string]string{"orders": scoped}, Attached: []string{basicExec, "arn:aws:iam::123456789012:policy/app-logs"}}
	a.Roles["app-BadRole-B2"] = &fakeaws.Role{Name: "app-BadRole-B2", Trust: lambdaTrust, Inline: map[string]string{"wide": wide}}
	a.Policies["arn:aws:iam::123456789012:policy/app-logs"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/app-*"}]}`
	a.Functions["app-Good-X"] = &fakeaws.Function{Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "Active", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}
	a.Functions["app-Also-Y"] = &fakeaws.Function{Name: "app-Also-Y", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "Active", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}
	a.Functions["app-Bad-Z"] = &fakeaws.Function{Name: "app-Bad-Z", Role: "app-BadRole-B2", Tracing: "PassThrough"}
	a.Stacks["app"] = []*fakeaws.Resource{
		{Logical: "Good", Physical: "app-Good-X", Type: "AWS::Lambda::Function"},
		{Logical: "Also", Physical: "app-Also-Y", Type: "AWS::Lambda::Function"},
		{Logical: "Bad", Physical: "app-Bad-Z", Type: "AWS::Lambda::Function"},
		{Logical: "FnRole", Physical: "app-FnRole-A1", Type: "AWS::IAM::Role"},
		{Logical: "BadRole", Physical: "app-BadRole-B2", Type: "AWS::IAM::Role"},
	}
	return a
}

// seen is what a user reads: the findings as `severity rule resource: message`
// and the problems as `unverified resource: message`.
func seen(t *testing.T, out *deployed.Result) []string {
	t.Helper()
	pass := checks.NewPass(checks.Options{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}) // deprecated-runtime: never the clock
	pass.Run(checks.All(), out.Functions)
	var lines []string
	for _, f := range pass.Findings() {
		at := ""
		if f.Pos.Known() {
			at = fmt.Sprintf(" @%d", f.Pos.Line)
		}
		lines = append(lines, fmt.Sprintf("%s %s %s%s: %s", f.Severity, f.Rule, f.Resource, at, f.Message))
	}
	for _, p := range out.Problems {
		who := p.Resource
		if who == "" {
			who = p.Stack
		}
		lines = append(lines, fmt.Sprintf("unverified %s: %s", who, p.Message))
	}
	return lines
}

func verify(t *testing.T, a *fakeaws.Account, target deployed.Target, o deployed.Options) (*deployed.Result, []string) {
	t.Helper()
	c := clients(t, a)
	out, err := deployed.Verify(context.Background(), c, target, o)
	if err != nil {
		t.Fatal(err)
	}
	return out, seen(t, out)
}

// has fails unless some line contains every part.
func has(t *testing.T, lines []string, parts ...string) {
	t.Helper()
	for _, l := range lines {
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(l, p) }) {
			return
		}
	}
	t.Errorf("no line contains %q; got:\n  %s", parts, strings.Join(lines, "\n  "))
}

func hasNo(t *testing.T, lines []string, part string) {
	t.Helper()
	for _, l := range lines {
		if strings.Contains(l, part) {
			t.Errorf("unexpected %q in:\n  %s", part, l)
		}
	}
}

func TestAStackIsReadAndCheckedByTheSameRules(t *testing.T) {
	a := app()
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Functions) != 3 || len(out.Problems) != 0 {
		t.Fatalf("want 3 functions and no problems, got %d and %v", len(out.Functions), out.Problems)
	}
	for _, l := range lines {
		if strings.Contains(l, " Good") || strings.Contains(l, " Also") {
			t.Errorf("the compliant functions have a finding: %s", l)
		}
	}
	has(t, lines, "error security-groups Bad: the function has no VpcConfig")
	has(t, lines, "error kms-key Bad: the function has no KmsKeyArn")
	has(t, lines, "error active-tracing Bad: TracingConfig.Mode is PassThrough, not Active")
	has(t, lines, "error least-privilege-role Bad:", `inline policy "wide" of role app-BadRole-B2`, "s3:*")
	fn := out.Functions[0]
	if !fn.Deployed || fn.Name != "app-Also-Y" || fn.ARN != "arn:aws:lambda:eu-west-1:123456789012:function:app-Also-Y" || fn.Resource != "Also" {
		t.Errorf("function facts: %+v", fn)
	}
	if fn.KmsKey[0].Text != keyARN {
		t.Errorf("KMSKeyArn not read: %+v", fn.KmsKey)
	}
	role := fn.Roles[0].Role
	if len(role.Policies) != 2 || len(role.Managed) != 1 || role.Managed[0].ARN != basicExec || role.Trust == nil {
		t.Errorf("role: %d policies, managed %v, trust %v", len(role.Policies), role.Managed, role.Trust)
	}
	if out.Functions[2].Roles[0].Role != role {
		t.Error("two functions of one role got two Role values; the role must be read and analysed once")
	}
	calls := a.Calls()
	if calls["iam:GetRole"] != 2 || calls["iam:GetPolicy"] != 1 || calls["lambda:GetFunctionConfiguration"] != 3 {
		t.Errorf("a shared role must be fetched once: %v", calls)
	}
	if out.Calls["iam:GetRole"] != 2 {
		t.Errorf("calls counted: %v", out.Calls)
	}
}

func TestPaginationAcrossPages(t *testing.T) {
	a := app()
	a.PageSize = 2 // 5 stack resources: 3 pages; 5 inline policies: 3 pages
	r := a.Roles["app-BadRole-B2"]
	for i := range 4 {
		r.Inline[fmt.Sprintf("extra%d", i)] = scoped
	}
	r.Attached = []string{basicExec, "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess", "arn:aws:iam::aws:policy/AdministratorAccess"}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Functions) != 3 {
		t.Fatalf("functions on later pages lost: %d", len(out.Functions))
	}
	bad := out.Functions[1].Roles[0].Role
	if len(bad.Policies) != 5 || len(bad.Managed) != 3 {
		t.Errorf("inline %d (want 5), managed %d (want 3)", len(bad.Policies), len(bad.Managed))
	}
	has(t, lines, "error least-privilege-role Bad:", "AdministratorAccess")
	if c := a.Calls(); c["cloudformation:ListStackResources"] != 3 || c["iam:ListRolePolicies"] < 4 {
		t.Errorf("pages: %v", c)
	}
}

func TestThrottlingBurstsAreRetriedWithBackoff(t *testing.T) {
	a := app()
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.N > 2 {
			return nil
		}
		if strings.HasPrefix(c.Action, "lambda:") {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 429, Code: "TooManyRequestsException", Message: "Rate exceeded"}}
		}
		return &fakeaws.Fault{Error: &fakeaws.Error{Status: 400, Code: "Throttling", Message: "Rate exceeded"}}
	}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Problems) != 0 || len(out.Functions) != 3 {
		t.Fatalf("throttling must be absorbed by the retryer; got problems %v", out.Problems)
	}
	has(t, lines, "error active-tracing Bad:")
	if c := a.Calls(); c["lambda:GetFunctionConfiguration"] != 9 {
		t.Errorf("each function read three times (two throttled), got %v", c)
	}
}

func TestThrottlingThatNeverEndsIsReported(t *testing.T) {
	a := app()
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "iam:GetRole" && c.Resource == "app-BadRole-B2" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 400, Code: "Throttling", Message: "Rate exceeded"}}
		}
		return nil
	}
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "unverified Bad: cannot verify role arn:aws:iam::123456789012:role/app-BadRole-B2 (of app-Bad-Z): iam:GetRole on arn:aws:iam::123456789012:role/app-BadRole-B2 was still throttled after 4 attempts (Throttling)")
}

// A whole account throttled: every call is retried up to its attempts,
// however many calls are throttled (the SDK's retry quota would stop
// retrying after about 100), and each is reported as throttled.
func TestAThrottledAccountIsRetriedOnEveryCall(t *testing.T) {
	a := app()
	for i := range 40 {
		name := fmt.Sprintf("app-More%02d-M", i)
		role := fmt.Sprintf("app-MoreRole%02d", i)
		a.Roles[role] = &fakeaws.Role{Trust: a.Roles["app-FnRole-A1"].Trust}
		a.Functions[name] = &fakeaws.Function{Name: name, Role: role, Tracing: "Active", KMSKeyArn: keyARN, SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}
		a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: fmt.Sprintf("More%02d", i), Physical: name, Type: "AWS::Lambda::Function"})
	}
	var mu sync.Mutex
	calls := map[string]int{}
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "iam:GetRole" {
			mu.Lock()
			calls[c.Resource]++
			mu.Unlock()
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 400, Code: "Throttling", Message: "Rate exceeded"}}
		}
		return nil
	}
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{Concurrency: 16})
	for role, n := range calls {
		if n != 4 {
			t.Errorf("iam:GetRole on %s was tried %d times, want 4 (MaxAttempts)", role, n)
		}
	}
	if len(calls) < 40 {
		t.Errorf("%d roles read, want every one", len(calls))
	}
	has(t, lines, "cannot verify role arn:aws:iam::123456789012:role/app-MoreRole39", "was still throttled after 4 attempts (Throttling)")
}

func TestServerErrorsAreRetried(t *testing.T) {
	a := app()
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		switch {
		case c.Resource == "app-Also-Y": // always failing
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 500, Code: "ServiceException", Message: "internal"}}
		case c.N == 1: // once each
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 503, Code: "ServiceUnavailable", Message: "try again"}}
		}
		return nil
	}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Functions) != 2 {
		t.Errorf("want the two functions that answer, got %d", len(out.Functions))
	}
	has(t, lines, "unverified Also: cannot verify function app-Also-Y (Also in stack app): lambda:GetFunctionConfiguration on arn:aws:lambda:eu-west-1:123456789012:function:app-Also-Y failed: ServiceException: internal")
	has(t, lines, "error active-tracing Bad:")
}

// TestSlowAnswersPastTheTimeout: a call that never answers is ended by the
// per-call timeout. The fake answers only when the caller gives up, so the run
// ends at all only because the timeout bounds it; no clock is read here.
func TestSlowAnswersPastTheTimeout(t *testing.T) {
	a := app()
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Resource == "app-Good-X" {
			return &fakeaws.Fault{Sleep: 24 * time.Hour}
		}
		return nil
	}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{CallTimeout: 300 * time.Millisecond})
	if len(out.Functions) != 2 {
		t.Errorf("the other functions must still be verified; got %d", len(out.Functions))
	}
	has(t, lines, "unverified Good: cannot verify function app-Good-X (Good in stack app): lambda:GetFunctionConfiguration on arn:aws:lambda:eu-west-1:123456789012:function:app-Good-X did not answer within 300ms")
}

func TestTheOverallDeadline(t *testing.T) {
	a := app()
	a.Latency = 200 * time.Millisecond
	c := clients(t, a)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	out, err := deployed.Verify(ctx, c, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	has(t, seen(t, out), "the overall deadline (--timeout) passed before")
}

func TestAccessDeniedOnOneCall(t *testing.T) {
	a := app()
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "iam:GetRolePolicy" && c.Resource == "app-FnRole-A1" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDenied", Message: "User: arn:aws:sts::123456789012:assumed-role/verify/gh is not authorized to perform: iam:GetRolePolicy"}}
		}
		return nil
	}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Problems) != 1 {
		t.Errorf("one denied call on a shared role is one problem, got %d", len(out.Problems))
	}
	has(t, lines, "unverified Also: cannot verify role arn:aws:iam::123456789012:role/app-FnRole-A1 (of app-Also-Y, app-Good-X): missing permission iam:GetRolePolicy on arn:aws:iam::123456789012:role/app-FnRole-A1")
	has(t, lines, "error kms-key Bad:") // the others are still verified
	// Every rule that reads the role's policies is not verified, not only
	// least-privilege-role: logs-permission cannot say either.
	for _, fn := range []string{"app-Also-Y", "app-Good-X"} {
		if got := out.Unverified[fn]; !slices.Contains(got, "least-privilege-role") || !slices.Contains(got, "logs-permission") {
			t.Errorf("%s: unverified %v, want least-privilege-role and logs-permission", fn, got)
		}
	}
}

func TestAccessDeniedOnLambda(t *testing.T) {
	a := app()
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Resource == "app-Bad-Z" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDeniedException", Message: "not authorized"}}
		}
		return nil
	}
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "unverified Bad: cannot verify function app-Bad-Z (Bad in stack app): missing permission lambda:GetFunctionConfiguration on arn:aws:lambda:eu-west-1:123456789012:function:app-Bad-Z")
	hasNo(t, lines, "error kms-key Bad")
}

func TestAFunctionDeletedBetweenListAndGet(t *testing.T) {
	a := app()
	a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: "Gone", Physical: "app-Gone-Q", Type: "AWS::Lambda::Function"})
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Functions) != 3 {
		t.Errorf("functions: %d", len(out.Functions))
	}
	has(t, lines, "unverified Gone: cannot verify function app-Gone-Q (Gone in stack app): the stack lists it, but Lambda says it no longer exists")
}

func TestAStackThatDoesNotExist(t *testing.T) {
	_, lines := verify(t, app(), deployed.Target{Stacks: []string{"nope"}}, deployed.Options{})
	has(t, lines, "unverified nope: cannot verify stack nope: it does not exist in eu-west-1")
}

func TestNestedStacksAreFollowed(t *testing.T) {
	a := app()
	nested := "arn:aws:cloudformation:eu-west-1:123456789012:stack/app-Api-N1/abc"
	a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: "Api", Physical: nested, Type: "AWS::CloudFormation::Stack"})
	a.Stacks["app-Api-N1"] = []*fakeaws.Resource{{Logical: "Handler", Physical: "app-Api-N1-Handler-H", Type: "AWS::Lambda::Function"}}
	a.Functions["app-Api-N1-Handler-H"] = &fakeaws.Function{Name: "app-Api-N1-Handler-H", Role: "app-FnRole-A1", Tracing: "Active", KMSKeyArn: keyARN, SecurityGroups: []string{"sg-9"}, VpcID: "vpc-1"}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Functions) != 4 {
		t.Fatalf("want the nested stack's function too, got %d; %v", len(out.Functions), lines)
	}
	hasNo(t, lines, "Handler")
}

func TestFunctionsNamedDirectly(t *testing.T) {
	_, lines := verify(t, app(), deployed.Target{Functions: []string{"arn:aws:lambda:eu-west-1:123456789012:function:app-Bad-Z", "missing-fn"}}, deployed.Options{})
	has(t, lines, "error kms-key app-Bad-Z:")
	has(t, lines, "unverified missing-fn: cannot verify function missing-fn: it does not exist in eu-west-1")
}

func TestAFunctionFilterThatMatchesNothingIsReported(t *testing.T) {
	out, lines := verify(t, app(), deployed.Target{Stacks: []string{"app"}, Functions: []string{"Bad", "Typo"}}, deployed.Options{})
	if len(out.Functions) != 1 {
		t.Errorf("the filter keeps Bad only: %d", len(out.Functions))
	}
	has(t, lines, "cannot verify function Typo: no function of the stacks has this name, ARN or logical id")
}

// Issue 12 (9): a function named by ARN is that function: of the ARN's
// region and account, never another of the same name.
func TestAFunctionARNIsItsRegionAndAccount(t *testing.T) {
	other := "arn:aws:lambda:us-east-1:123456789012:function:app-Bad-Z"
	foreign := "arn:aws:lambda:eu-west-1:999999999999:function:app-Bad-Z"
	out, lines := verify(t, app(), deployed.Target{Functions: []string{other, foreign}}, deployed.Options{})
	if len(out.Functions) != 0 {
		t.Errorf("verified %d functions of another region or account", len(out.Functions))
	}
	has(t, lines, "cannot verify function "+other+": it is in region us-east-1, and this run reads eu-west-1; verify it with --region us-east-1")
	has(t, lines, "cannot verify function "+foreign+": the ARN names account 999999999999, but these credentials read function arn:aws:lambda:eu-west-1:123456789012:function:app-Bad-Z of account 123456789012")

	out, lines = verify(t, app(), deployed.Target{Stacks: []string{"app"}, Functions: []string{foreign, other}}, deployed.Options{})
	if len(out.Functions) != 0 {
		t.Errorf("the stack filter kept %d functions of another region or account", len(out.Functions))
	}
	has(t, lines, "cannot verify function "+foreign+": no function of the stacks has this name, ARN or logical id")
}

// Issue 12 (11): a nested stack's function is named by its path.
func TestAFunctionOfANestedStackIsNamedByItsPath(t *testing.T) {
	a := app()
	nested := "arn:aws:cloudformation:eu-west-1:123456789012:stack/app-Api-N1/abc"
	a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: "Api", Physical: nested, Type: "AWS::CloudFormation::Stack"})
	a.Stacks["app-Api-N1"] = []*fakeaws.Resource{{Logical: "Bad", Physical: "app-Api-N1-Bad-H", Type: "AWS::Lambda::Function"}}
	a.Functions["app-Api-N1-Bad-H"] = &fakeaws.Function{Name: "app-Api-N1-Bad-H", Role: "app-FnRole-A1", Tracing: "Active", KMSKeyArn: keyARN, SecurityGroups: []string{"sg-9"}, VpcID: "vpc-1"}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"app/Api/Bad"}}, deployed.Options{})
	if len(out.Functions) != 1 || out.Functions[0].Name != "app-Api-N1-Bad-H" {
		t.Errorf("want the nested stack's Bad only; %v", lines)
	}
}

func TestAScopedPermissionsBoundaryCapsTheRole(t *testing.T) {
	a := app()
	a.Roles["app-BadRole-B2"].Boundary = "arn:aws:iam::123456789012:policy/boundary"
	a.Policies["arn:aws:iam::123456789012:policy/boundary"] = scoped
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "warning least-privilege-role Bad:", "s3:*", "permissions boundary")
	hasNo(t, lines, "error least-privilege-role")
}

const appTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Good:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Tracing: Active
      KmsKeyArn: !GetAtt Key.Arn
      VpcConfig:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [sg-1]
      Role: !GetAtt FnRole.Arn
`

func TestTemplatePositionsAndDrift(t *testing.T) {
	tpl, err := template.Parse("infra/template.yaml", []byte(appTemplate), template.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	a := app()
	a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: "Key", Physical: "1111-2222", Type: "AWS::KMS::Key"})
	// In sync: Good matches the template; no drift.
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{Templates: units(tpl)})
	if len(out.Templates) != 1 {
		t.Fatal("the template defining the stack's logical ids was not matched")
	}
	hasNo(t, lines, "drift")
	if p := out.Functions[2].Pos; p.File != "infra/template.yaml" || p.Line != 16 {
		t.Errorf("Good should point at its logical id, infra/template.yaml:16; got %v", p)
	}

	// Changed by hand: tracing off, key removed, a group added, role swapped.
	a2 := app()
	a2.Stacks["app"] = a.Stacks["app"]
	g := a2.Functions["app-Good-X"]
	g.Tracing, g.KMSKeyArn, g.SecurityGroups, g.Role = "PassThrough", "", []string{"sg-1", "sg-hand"}, "app-BadRole-B2"
	_, lines = verify(t, a2, deployed.Target{Stacks: []string{"app"}}, deployed.Options{Templates: units(tpl)})
	has(t, lines, "error drift Good @20: the template gives tracing Active, but the deployed function has PassThrough")
	has(t, lines, "error drift Good @21: the template sets KmsKeyArn to arn:aws:kms:eu-west-1:123456789012:key/1111-2222, but the deployed function has no KMS key")
	has(t, lines, "error drift Good @24: the template gives the function security groups [sg-1], but the deployed function has [sg-1, sg-hand]: security groups were changed outside CloudFormation")
	has(t, lines, "error drift Good @25: the template gives the function role app-FnRole-A1 (!GetAtt FnRole.Arn), but the deployed function runs with arn:aws:iam::123456789012:role/app-BadRole-B2")
	has(t, lines, "error active-tracing Good @20: Tracing is PassThrough, not Active") // on the template's line
	has(t, lines, "error least-privilege-role Good @25: inline policy \"wide\" of role app-BadRole-B2")

	// A published version an alias serves never changes: its difference is
	// a version published before the template changed, not a change made
	// outside CloudFormation (review 12, F12).
	a3 := app()
	a3.Stacks["app"] = a.Stacks["app"]
	good := a3.Functions["app-Good-X"]
	v := *good
	v.Tracing = "PassThrough"
	good.Versions = map[string]*fakeaws.Function{"7": &v}
	good.Aliases = map[string]*fakeaws.Alias{"live": {Version: "7"}}
	_, lines = verify(t, a3, deployed.Target{Stacks: []string{"app"}}, deployed.Options{Templates: units(tpl)})
	has(t, lines, "error drift Good @20:", "has PassThrough: version 7 was published before the template changed")
	hasNo(t, lines, "PassThrough: it was changed outside CloudFormation")
}

// units builds the templates' functions, as the scan does.
func units(tpls ...*template.Template) []evaluation.Unit {
	var us []evaluation.Unit
	for _, t := range tpls {
		us = append(us, evaluation.Unit{Template: t, Functions: lambda.FromTemplate(t, lambda.Options{})})
	}
	return us
}

// A scoped boundary lowers what the role's policies grant, and nothing
// else: a trust policy open to everyone, and a policy that cannot be read,
// stay errors beside it.
func TestABoundaryLeavesTheRolesOwnProblems(t *testing.T) {
	a := app()
	bad := a.Roles["app-BadRole-B2"]
	bad.Boundary = "arn:aws:iam::123456789012:policy/boundary"
	bad.Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
	bad.Inline["broken"] = `{"Statement": [`
	a.Policies["arn:aws:iam::123456789012:policy/boundary"] = scoped
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "warning least-privilege-role Bad:", `"s3:*"`, "permissions boundary")
	has(t, lines, "error least-privilege-role Bad: anyone can assume this role")
	has(t, lines, "unverified Bad:", `: inline policy "broken" of role app-BadRole-B2: the policy document is not JSON`)
	for _, l := range lines {
		if strings.Count(l, `inline policy "broken"`) > 1 {
			t.Errorf("the document is named twice: %s", l) // issue 12 (11)
		}
	}
	hasNo(t, lines, "error least-privilege-role Bad: inline policy")
}

// Issue 12 (7): the stack's status is read (DescribeStacks) and said; a
// stack being deployed, or left failed, is not verified.
func TestTheStackStatusIsReported(t *testing.T) {
	for status, want := range map[string]string{
		"UPDATE_IN_PROGRESS":       "cannot verify stack app: it is UPDATE_IN_PROGRESS: a deployment is under way",
		"UPDATE_ROLLBACK_FAILED":   "cannot verify stack app: it is UPDATE_ROLLBACK_FAILED:",
		"UPDATE_ROLLBACK_COMPLETE": "",
	} {
		a := app()
		a.StackStatus = map[string]string{"app": status}
		out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
		if got := out.Deployed.Stacks; len(got) != 1 || got[0].Status != status {
			t.Errorf("%s: stacks %+v", status, got)
		}
		if want == "" {
			hasNo(t, lines, "cannot verify stack")
			continue
		}
		has(t, lines, want)
	}
}

// UPDATE_ROLLBACK_COMPLETE: the last update failed and was rolled back, so
// what runs is the deployment before it. Its functions are verified, and
// the stack gets a warning-level note (not a finding, not a problem).
func TestAStackRolledBackIsVerifiedWithAWarning(t *testing.T) {
	a := app()
	a.StackStatus = map[string]string{"app": "UPDATE_ROLLBACK_COMPLETE"}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Functions) != 3 || len(out.Problems) != 0 {
		t.Fatalf("the functions must still be verified: %d, problems %v", len(out.Functions), out.Problems)
	}
	has(t, lines, "error active-tracing Bad:")
	notes := out.Deployed.Notes
	if len(notes) != 1 || notes[0].Severity != checks.Warning || notes[0].Stack != "app" ||
		notes[0].Message() != "stack app is UPDATE_ROLLBACK_COMPLETE: its last update failed and was rolled back, so the functions verified are those of the deployment before it, not of the latest template; fix what made the update fail and deploy again" {
		t.Errorf("notes %+v", notes)
	}
	a.StackStatus = map[string]string{"app": "UPDATE_COMPLETE"}
	if out, _ := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{}); len(out.Deployed.Notes) != 0 {
		t.Errorf("a settled stack has notes: %+v", out.Deployed.Notes)
	}
}

// Issue 12 (10): throttling that lasts until --call-timeout is reported as
// throttling, not as a slow answer.
func TestThrottlingUntilTheCallTimeoutIsThrottling(t *testing.T) {
	a := app()
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "iam:GetRole" && c.Resource == "app-BadRole-B2" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 400, Code: "Throttling", Message: "Rate exceeded"}}
		}
		return nil
	}
	srv := a.Start()
	t.Cleanup(srv.Close)
	awsEnv(t, a.Region)
	// Backoff far past the call's deadline: the deadline ends the retries.
	c, err := deployed.NewClients(context.Background(), deployed.ClientOptions{BaseEndpoint: srv.URL, MaxAttempts: 8, MaxBackoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	out, err := deployed.Verify(context.Background(), c, deployed.Target{Stacks: []string{"app"}}, deployed.Options{CallTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	lines := seen(t, out)
	has(t, lines, "unverified Bad: cannot verify role arn:aws:iam::123456789012:role/app-BadRole-B2 (of app-Bad-Z): iam:GetRole on arn:aws:iam::123456789012:role/app-BadRole-B2 was still throttled (Throttling) when the 200ms of --call-timeout passed")
	hasNo(t, lines, "did not answer")
}

// Issue 12 (10): an endpoint that dies mid-run is reported once as
// unreachable, the calls left are not made, and what they would have read
// is listed as not verified; no raw SDK error is shown.
func TestADeadEndpointStopsTheCalls(t *testing.T) {
	a := app()
	for i := range 40 {
		name := fmt.Sprintf("app-More%02d-M", i)
		a.Functions[name] = &fakeaws.Function{Name: name, Role: "app-FnRole-A1", Tracing: "Active", KMSKeyArn: keyARN, SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}
		a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: fmt.Sprintf("More%02d", i), Physical: name, Type: "AWS::Lambda::Function"})
	}
	var srv *httptest.Server
	var once sync.Once
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "lambda:GetFunctionConfiguration" {
			once.Do(func() {
				srv.Listener.Close() // new connections are refused
				srv.CloseClientConnections()
			})
		}
		return nil
	}
	srv = a.Start()
	t.Cleanup(srv.Close)
	awsEnv(t, a.Region)
	c, err := deployed.NewClients(context.Background(), deployed.ClientOptions{BaseEndpoint: srv.URL, MaxAttempts: 3, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	out, err := deployed.Verify(context.Background(), c, deployed.Target{Stacks: []string{"app"}}, deployed.Options{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	lines := seen(t, out)
	unreachable := 0
	for _, l := range lines {
		if strings.Contains(l, "the AWS endpoint is unreachable (connect: connection refused") {
			unreachable++
		}
		if strings.Contains(l, "StatusCode") || strings.Contains(l, "RequestID") {
			t.Errorf("a raw SDK error: %s", l)
		}
	}
	if unreachable != 1 {
		t.Errorf("the endpoint is said unreachable %d times, want once:\n  %s", unreachable, strings.Join(lines, "\n  "))
	}
	has(t, lines, "was not called: the AWS endpoint is unreachable (see above)")
	if n := out.Calls["lambda:GetFunctionConfiguration"]; n > 3+2 {
		t.Errorf("%d GetFunctionConfiguration calls after the endpoint died, want at most %d and %d in flight", n, 3, 2)
	}
	if len(out.Problems) < 43 {
		t.Errorf("%d problems, want each of the 43 functions not verified and the endpoint", len(out.Problems))
	}
}

// Deployed public invoke and secrets: the resource policy (GetPolicy), the
// function URL (GetFunctionUrlConfig) and the environment variables are
// judged as in templates; a policy that cannot be read leaves public-invoke
// not verified on the function.
func TestDeployedPublicInvokeAndSecrets(t *testing.T) {
	a := app()
	a.Functions["app-Bad-Z"].Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"anyone","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"},` +
		`{"Sid":"anybucket","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":["arn:aws:s3:::b","arn:aws:s3:::*"]}}},` +
		`{"Sid":"onebucket","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}},` +
		`{"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`
	a.Functions["app-Bad-Z"].URLAuthType = "NONE"
	a.Functions["app-Bad-Z"].Environment = map[string]string{"API_TOKEN": "ghp_0123456789abcdefghijklmnopqrstuvwxyz01", "STAGE": "prod"}
	a.Functions["app-Good-X"].Policy = `{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}]}`
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "lambda:GetPolicy" && c.Resource == "app-Also-Y" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDeniedException", Message: "denied"}}
		}
		return nil
	}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "warning public-invoke Bad: permission anyone lets any principal invoke the function")
	// A SourceArn that any account's bucket matches scopes nothing; one
	// bucket does (lambda.NamesSource, as in templates).
	has(t, lines, "warning public-invoke Bad: permission anybucket lets any principal invoke the function")
	hasNo(t, lines, "permission onebucket")
	has(t, lines, "warning public-invoke Bad: the function URL https://app-Bad-Z.lambda-url.eu-west-1.on.aws/ has AuthType NONE")
	has(t, lines, "warning plaintext-secret Bad:", "API_TOKEN")
	hasNo(t, lines, "ghp_")
	hasNo(t, lines, "public-invoke Good")
	hasNo(t, lines, "permission url")
	has(t, lines, "unverified Also: cannot verify the resource policy of function app-Also-Y (Also in stack app): missing permission lambda:GetPolicy")
	if got := out.Unverified["app-Also-Y"]; !slices.Contains(got, "public-invoke") {
		t.Errorf("Also: unverified %v, want public-invoke", got)
	}
}

// A condition on the source scopes a statement only under an operator
// that requires the key to be present and to match (StringEquals,
// StringLike, ArnLike...; ForAnyValue: too), with every value naming one
// account's sources: StringNotEquals lets every other account in, a
// wildcard account every account, Null and ...IfExists any caller that
// sends no source, ForAllValues: one with no key at all.
func TestASourceConditionScopesOnlyUnderAPositiveOperator(t *testing.T) {
	cases := map[string]string{
		"notequals":   `{"StringNotEquals":{"aws:SourceAccount":"123456789012"}}`,
		"likestar":    `{"StringLike":{"aws:SourceAccount":"*"}}`,
		"likeq":       `{"StringLike":{"aws:SourceAccount":"12345678901?"}}`,
		"null":        `{"Null":{"aws:PrincipalOrgID":"false"}}`,
		"orgstar":     `{"StringLike":{"aws:PrincipalOrgID":"o-*"}}`,
		"ifexists":    `{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}}`,
		"arnnotlike":  `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:eu-west-1:123456789012:t"}}`,
		"allvalues":   `{"ForAllValues:StringEquals":{"aws:SourceAccount":"123456789012"}}`,
		"arnanyacct":  `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:eu-west-1:*:t"}}`,
		"emptyacct":   `{"StringEquals":{"aws:SourceAccount":""}}`,
		"other":       `{"StringEquals":{"aws:SourceIp":"203.0.113.0/24"}}`,
		"okequals":    `{"StringEquals":{"aws:SourceAccount":"123456789012"}}`,
		"okicase":     `{"StringEqualsIgnoreCase":{"AWS:SourceAccount":["123456789012","210987654321"]}}`,
		"oklike":      `{"StringLike":{"aws:PrincipalOrgID":"o-abc123"}}`,
		"okarnequals": `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:eu-west-1:123456789012:t"}}`,
		"okanyvalue":  `{"ForAnyValue:StringEquals":{"aws:SourceAccount":"123456789012"}}`,
		"okand":       `{"StringNotEquals":{"aws:SourceIp":"1.2.3.4"},"StringEquals":{"aws:SourceAccount":"123456789012"}}`,
	}
	var sts []string
	for sid, cond := range cases {
		sts = append(sts, fmt.Sprintf(`{"Sid":%q,"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":%s}`, sid, cond))
	}
	a := app()
	a.Functions["app-Good-X"].Policy = `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good"}}, deployed.Options{})
	for sid := range cases {
		if strings.HasPrefix(sid, "ok") {
			hasNo(t, lines, "permission "+sid+" ")
		} else {
			has(t, lines, "warning public-invoke Good: permission "+sid+" lets any principal invoke the function")
		}
	}
}

// A deployed statement for a service principal is that service's
// permission, as an AWS::Lambda::Permission's Principal names it, so
// confused-deputy judges it as in templates: `aws lambda add-permission
// --principal s3.amazonaws.com` without --source-arn is an error, a
// SourceArn alone does not pin a bucket's owner, a condition that scopes
// nothing (F2's rules) is no source. Each principal of a statement is its
// own permission.
func TestDeployedServicePermissionsAreJudgedForConfusedDeputy(t *testing.T) {
	a := app()
	a.Functions["app-Good-X"].Policy = `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"nosource","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction"},` +
		`{"Sid":"arnonly","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}},` +
		`{"Sid":"both","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"},"StringEquals":{"AWS:SourceAccount":"123456789012"}}},` +
		`{"Sid":"negated","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnNotLike":{"AWS:SourceArn":"arn:aws:sns:eu-west-1:123456789012:t"}}},` +
		`{"Sid":"topic","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:eu-west-1:123456789012:t"}}},` +
		`{"Sid":"two","Effect":"Allow","Principal":{"Service":["events.amazonaws.com","sns.amazonaws.com"]},"Action":"lambda:InvokeFunction"},` +
		`{"Sid":"account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction"}]}`
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good"}}, deployed.Options{})
	has(t, lines, "error confused-deputy Good: permission nosource lets s3.amazonaws.com invoke the function with no SourceArn or SourceAccount")
	has(t, lines, "error confused-deputy Good: permission arnonly names its source only by SourceArn, but Amazon S3 ARNs carry no account")
	has(t, lines, "error confused-deputy Good: permission negated lets sns.amazonaws.com invoke the function with no SourceArn")
	has(t, lines, "error confused-deputy Good: permission two lets events.amazonaws.com invoke")
	has(t, lines, "error confused-deputy Good: permission two lets sns.amazonaws.com invoke")
	hasNo(t, lines, "confused-deputy Good: permission both")
	hasNo(t, lines, "confused-deputy Good: permission topic")
	hasNo(t, lines, "confused-deputy Good: permission account")
}

// async-failure-destination on deployed functions: a service that invokes
// asynchronously (a resource-policy statement for s3.amazonaws.com) with
// neither a DeadLetterConfig nor an EventInvokeConfig OnFailure
// destination drops the events that fail; either keeps them. Only
// functions such a service invokes are asked for their EventInvokeConfig.
func TestDeployedAsyncInvocationKeepsFailedEvents(t *testing.T) {
	a := app()
	s3 := `{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"},"StringEquals":{"AWS:SourceAccount":"123456789012"}}}]}`
	a.Functions["app-Good-X"].Policy = s3
	a.Functions["app-Also-Y"].Policy = s3
	a.Functions["app-Also-Y"].OnFailure = "arn:aws:sqs:eu-west-1:123456789012:failed"
	a.Functions["app-Bad-Z"].Policy = s3
	a.Functions["app-Bad-Z"].DeadLetter = "arn:aws:sqs:eu-west-1:123456789012:dlq"
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "notice async-failure-destination Good: the function is invoked asynchronously (permission s3 (Amazon S3)) but has neither a DeadLetterConfig nor an OnFailure destination")
	hasNo(t, lines, "async-failure-destination Also")
	hasNo(t, lines, "async-failure-destination Bad")
	if n := out.Calls["lambda:GetFunctionEventInvokeConfig"]; n != 3 {
		t.Errorf("%d GetFunctionEventInvokeConfig calls, want 3", n)
	}
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "lambda:GetFunctionEventInvokeConfig" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDeniedException", Message: "denied"}}
		}
		return nil
	}
	out, lines = verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good"}}, deployed.Options{})
	hasNo(t, lines, "notice async-failure-destination")
	has(t, lines, "unverified Good: cannot verify the EventInvokeConfig of function app-Good-X (Good in stack app): missing permission lambda:GetFunctionEventInvokeConfig")
	if !slices.Contains(out.Unverified["app-Good-X"], "async-failure-destination") {
		t.Errorf("unverified %v", out.Unverified)
	}
}

// A function URL with AuthType AWS_IAM is not public, but a statement that
// lets Principal "*" invoke it (lambda:FunctionUrlAuthType AWS_IAM) lets
// every authenticated principal of every account in: a public-invoke
// finding unless an account or organization condition scopes it. The
// statement for AuthType NONE is the URL's own finding.
func TestAnIAMFunctionURLOpenToEveryAccount(t *testing.T) {
	a := app()
	url := func(sid, auth, extra string) string {
		return fmt.Sprintf(`{"Sid":%q,"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":%q%s}}}`, sid, auth, extra)
	}
	a.Functions["app-Good-X"].URLAuthType = "AWS_IAM"
	a.Functions["app-Good-X"].Policy = `{"Version":"2012-10-17","Statement":[` + url("anyaccount", "AWS_IAM", "") + `,` +
		url("ouraccount", "AWS_IAM", `,"aws:SourceAccount":"123456789012"`) + `,` + url("ourorg", "AWS_IAM", `,"aws:PrincipalOrgID":"o-abc123"`) + `]}`
	a.Functions["app-Bad-Z"].URLAuthType = "NONE"
	a.Functions["app-Bad-Z"].Policy = `{"Version":"2012-10-17","Statement":[` + url("open", "NONE", "") + `]}`
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "warning public-invoke Good: permission anyaccount lets any authenticated principal of any AWS account invoke the function URL")
	hasNo(t, lines, "permission ouraccount")
	hasNo(t, lines, "permission ourorg")
	hasNo(t, lines, "has AuthType AWS_IAM")
	has(t, lines, "warning public-invoke Bad: the function URL https://app-Bad-Z.lambda-url.eu-west-1.on.aws/ has AuthType NONE")
	hasNo(t, lines, "permission open")
}

// function-url-cors on deployed URLs: GetFunctionUrlConfig's Cors is read
// as the template's (every origin with credentials, or on an
// unauthenticated URL), per alias too.
func TestDeployedFunctionURLCors(t *testing.T) {
	a := app()
	good := a.Functions["app-Good-X"]
	good.URLAuthType, good.URLCors = "AWS_IAM", &fakeaws.Cors{AllowOrigins: []string{"*"}, AllowCredentials: true}
	good.Versions = map[string]*fakeaws.Function{"2": {Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "Active", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}}
	good.Aliases = map[string]*fakeaws.Alias{
		"live": {Version: "2", URLAuthType: "NONE", URLCors: &fakeaws.Cors{AllowOrigins: []string{"*"}}},
		"beta": {Version: "2", URLAuthType: "NONE", URLCors: &fakeaws.Cors{AllowOrigins: []string{"https://app.example.com"}, AllowCredentials: true}},
		"iam":  {Version: "2", URLAuthType: "AWS_IAM", URLCors: &fakeaws.Cors{AllowOrigins: []string{"*"}}},
	}
	out, _ := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good"}}, deployed.Options{})
	pass := checks.NewPass(checks.Options{})
	pass.Run([]*checks.Check{checks.FunctionURLCors}, out.Functions)
	var got []string
	for _, f := range pass.Findings() {
		got = append(got, f.FunctionName+": "+f.Message)
	}
	slices.Sort(got)
	want := []string{
		`app-Good-X: the function URL https://app-Good-X.lambda-url.eu-west-1.on.aws/ allows every origin (AllowOrigins "*") with AllowCredentials: any website can call the function with its visitors' credentials; list the allowed origins`,
		`app-Good-X:live: the function URL https://app-Good-X.lambda-url.eu-west-1.on.aws/ allows every origin (AllowOrigins "*") and has AuthType NONE: any website can call the function from its visitors' browsers; list the allowed origins`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("function-url-cors findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// What runs, not only $LATEST: each alias's version (through the alias,
// with its own policy and URL) and the versions its routing weights send
// traffic to are verified, and a finding names the alias and the version.
func TestAliasesAndTheVersionsTheyServeAreVerified(t *testing.T) {
	a := app()
	good := a.Functions["app-Good-X"]
	good.Versions = map[string]*fakeaws.Function{
		"2": {Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "PassThrough", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"},
		"3": {Name: "app-Good-X", Role: "app-FnRole-A1", Tracing: "Active", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"},
	}
	good.Aliases = map[string]*fakeaws.Alias{"live": {Version: "2", Weights: map[string]float64{"3": 0.1}, URLAuthType: "NONE"}}
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "lambda:ListAliases" && c.Resource == "app-Also-Y" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDeniedException", Message: "denied"}}
		}
		return nil
	}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	names := map[string]string{}
	for _, fn := range out.Functions {
		names[fn.Name] = fn.ARN
	}
	if names["app-Good-X:live"] != "arn:aws:lambda:eu-west-1:123456789012:function:app-Good-X:2" ||
		names["app-Good-X:live (version 3, 10% of the traffic)"] != "arn:aws:lambda:eu-west-1:123456789012:function:app-Good-X:3" {
		t.Errorf("functions verified: %v", names)
	}
	var latest []string
	serves := map[string]string{}
	for _, fn := range out.Functions {
		if fn.Name == "app-Good-X" {
			latest = append(latest, fn.Name)
		}
		serves[fn.Name] = fn.Serves
	}
	// Counted apart: an alias and a version it routes to are not functions.
	if serves["app-Good-X"] != "" || serves["app-Good-X:live"] != "alias" || serves["app-Good-X:live (version 3, 10% of the traffic)"] != "version" {
		t.Errorf("what each entry serves: %v", serves)
	}
	if len(latest) != 1 {
		t.Errorf("$LATEST of app-Good-X verified %d times", len(latest))
	}
	pass := checks.NewPass(checks.Options{})
	pass.Run(checks.All(), out.Functions)
	got := map[string]bool{}
	for _, f := range pass.Findings() {
		got[f.Rule+" "+f.FunctionName] = true
	}
	for _, want := range []string{"active-tracing app-Good-X:live", "public-invoke app-Good-X:live", "kms-key app-Good-X:live (version 3, 10% of the traffic)"} {
		if !got[want] {
			t.Errorf("no %s; findings: %v", want, got)
		}
	}
	for _, clean := range []string{"active-tracing app-Good-X", "kms-key app-Good-X:live", "public-invoke app-Good-X"} {
		if got[clean] {
			t.Errorf("unexpected %s", clean)
		}
	}
	has(t, lines, "unverified Also: cannot verify the aliases of function app-Also-Y (Also in stack app): missing permission lambda:ListAliases")
}

// Every published version is invokable by its qualified ARN under its own
// resource policy: a version no alias points to, and one an alias routes
// to, are read (GetPolicy with the version) and judged by the rules that
// read a policy; a version without a policy of its own adds nothing.
func TestPublishedVersionsPoliciesAreRead(t *testing.T) {
	a := app()
	anyone := `{"Version":"2012-10-17","Statement":[{"Sid":"anyone","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}]}`
	deputy := `{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction"}]}`
	version := func(policy string) *fakeaws.Function {
		return &fakeaws.Function{Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "PassThrough", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1", Policy: policy}
	}
	good := a.Functions["app-Good-X"]
	good.Versions = map[string]*fakeaws.Function{"1": version(anyone), "2": version(""), "3": version(deputy), "4": version(anyone)}
	good.Aliases = map[string]*fakeaws.Alias{"live": {Version: "3", Weights: map[string]float64{"4": 0.1}}}
	a.PageSize = 1 // ListVersionsByFunction page after page
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good"}}, deployed.Options{})
	var names []string
	for _, fn := range out.Functions {
		names = append(names, fn.Name)
	}
	want := []string{"app-Good-X", "app-Good-X:1", "app-Good-X:3", "app-Good-X:live", "app-Good-X:live (version 4, 10% of the traffic)"}
	if !slices.Equal(names, want) || len(out.Problems) != 0 {
		t.Errorf("verified %q, want %q; %v", names, want, lines)
	}
	pass := checks.NewPass(checks.Options{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	pass.Run(checks.All(), out.Functions)
	var got []string
	for _, f := range pass.Findings() {
		if strings.HasSuffix(f.FunctionName, ":1") || strings.HasSuffix(f.FunctionName, ":3") || strings.Contains(f.FunctionName, "version 4") {
			got = append(got, f.Rule+" "+f.FunctionName)
		}
	}
	slices.Sort(got)
	// Versions 1 and 3 are judged on their policy only; version 4, routed
	// to, whole (its PassThrough tracing) and on its own policy.
	wantFindings := []string{"active-tracing app-Good-X:live (version 4, 10% of the traffic)", "confused-deputy app-Good-X:3", "public-invoke app-Good-X:1",
		"public-invoke app-Good-X:live (version 4, 10% of the traffic)"}
	if !slices.Equal(got, wantFindings) {
		t.Errorf("findings on versions:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(wantFindings, "\n  "))
	}
	if n := out.Calls["lambda:ListVersionsByFunction"]; n != 5 {
		t.Errorf("%d ListVersionsByFunction calls, want 5 pages", n)
	}
	// A version's policy that cannot be read is not verified, never passed.
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "lambda:ListVersionsByFunction" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 403, Code: "AccessDeniedException", Message: "denied"}}
		}
		return nil
	}
	out, lines = verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good"}}, deployed.Options{})
	has(t, lines, "unverified Good: cannot verify the published versions of function app-Good-X (Good in stack app): missing permission lambda:ListVersionsByFunction")
	if !slices.Contains(out.Unverified["app-Good-X"], "public-invoke") {
		t.Errorf("unverified %v", out.Unverified)
	}
}

// --function takes name:alias and qualified ARNs: that alias only.
func TestAFunctionNamedWithItsAlias(t *testing.T) {
	a := app()
	good := a.Functions["app-Good-X"]
	good.Versions = map[string]*fakeaws.Function{"2": {Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "PassThrough", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}}
	good.Aliases = map[string]*fakeaws.Alias{"live": {Version: "2"}}
	for _, name := range []string{"app-Good-X:live", "arn:aws:lambda:eu-west-1:123456789012:function:app-Good-X:live"} {
		out, lines := verify(t, a, deployed.Target{Functions: []string{name}}, deployed.Options{})
		if len(out.Functions) != 1 || out.Functions[0].Name != "app-Good-X:live" || out.Functions[0].ARN != "arn:aws:lambda:eu-west-1:123456789012:function:app-Good-X:2" {
			t.Errorf("%s: %d functions; %v", name, len(out.Functions), lines)
		}
		has(t, lines, "error active-tracing app-Good-X:live: TracingConfig.Mode is PassThrough")
	}
}

// An alias named alone (name:alias, a qualified ARN, --stack with
// Fn:alias, a tagged alias) is verified with the versions its weighted
// routing sends traffic to (GetAlias), as when its function is named.
func TestANamedAliasVerifiesTheVersionsItRoutesTo(t *testing.T) {
	tpl, err := template.Parse("infra/template.yaml", []byte(appTemplate), template.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	a := app()
	good := a.Functions["app-Good-X"]
	good.Versions = map[string]*fakeaws.Function{
		"3": {Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "Active", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"},
		"4": {Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "PassThrough", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"},
	}
	good.Aliases = map[string]*fakeaws.Alias{"live": {Version: "3", Weights: map[string]float64{"4": 0.1}}}
	const qualified = "arn:aws:lambda:eu-west-1:123456789012:function:app-Good-X:live"
	a.AliasTags = map[string]map[string]string{qualified: {"team": "orders"}}
	for name, target := range map[string]deployed.Target{
		"name:alias":     {Functions: []string{"app-Good-X:live"}},
		"qualified ARN":  {Functions: []string{qualified}},
		"--stack":        {Stacks: []string{"app"}, Functions: []string{"Good:live"}},
		"a tagged alias": {Tags: []deployed.Tag{{Key: "team", Value: "orders"}}},
	} {
		o := deployed.Options{}
		if target.Stacks != nil {
			o.Templates = units(tpl)
		}
		out, lines := verify(t, a, target, o)
		var names []string
		for _, fn := range out.Functions {
			names = append(names, fn.Name+" "+fn.ARN)
		}
		want := []string{"app-Good-X:live " + qualified[:len(qualified)-len("live")] + "3",
			"app-Good-X:live (version 4, 10% of the traffic) " + qualified[:len(qualified)-len("live")] + "4"}
		if !slices.Equal(names, want) || len(out.Problems) != 0 {
			t.Errorf("%s: verified %q, want %q; %v", name, names, want, lines)
			continue
		}
		if target.Stacks != nil {
			has(t, lines, "error active-tracing Good @20: Tracing is PassThrough, not Active")
		} else {
			has(t, lines, "error active-tracing app-Good-X:live (version 4, 10% of the traffic): TracingConfig.Mode is PassThrough")
		}
		if out.Calls["lambda:GetAlias"] != 1 {
			t.Errorf("%s: %d GetAlias calls, want 1", name, out.Calls["lambda:GetAlias"])
		}
	}
	// A version named so routes nothing: no GetAlias.
	out, _ := verify(t, a, deployed.Target{Functions: []string{"app-Good-X:4"}}, deployed.Options{})
	if len(out.Functions) != 1 || out.Calls["lambda:GetAlias"] != 0 {
		t.Errorf("app-Good-X:4: %d functions, %d GetAlias calls", len(out.Functions), out.Calls["lambda:GetAlias"])
	}
}

// --function Good:live with --stack: that alias of the stack's function
// only (by logical id, name, path or qualified ARN), findings on the
// template's lines; an alias it does not have is said.
func TestAStackFunctionNamedWithItsAlias(t *testing.T) {
	tpl, err := template.Parse("infra/template.yaml", []byte(appTemplate), template.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	a := app()
	good := a.Functions["app-Good-X"]
	good.Versions = map[string]*fakeaws.Function{"2": {Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "PassThrough", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}}
	good.Aliases = map[string]*fakeaws.Alias{"live": {Version: "2"}, "beta": {Version: "2"}}
	for _, name := range []string{"Good:live", "app-Good-X:live", "app/Good:live", "arn:aws:lambda:eu-west-1:123456789012:function:app-Good-X:live"} {
		out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{name}}, deployed.Options{Templates: units(tpl)})
		if len(out.Functions) != 1 || out.Functions[0].Name != "app-Good-X:live" || out.Functions[0].Resource != "Good" {
			t.Errorf("%s: want Good:live only; %d functions; %v", name, len(out.Functions), lines)
			continue
		}
		has(t, lines, "error active-tracing Good @20: Tracing is PassThrough, not Active")
		if len(out.Problems) != 0 {
			t.Errorf("%s: problems %v", name, out.Problems)
		}
	}
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good:nope"}}, deployed.Options{})
	has(t, lines, "unverified Good: cannot verify function app-Good-X:nope (Good in stack app): the stack's function app-Good-X has no alias or version nope")
	// The function named alone as well: $LATEST and every alias, once.
	out, _ := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good:live", "Good"}}, deployed.Options{})
	var names []string
	for _, fn := range out.Functions {
		names = append(names, fn.Name)
	}
	if !slices.Equal(names, []string{"app-Good-X", "app-Good-X:beta", "app-Good-X:live"}) {
		t.Errorf("functions %v", names)
	}
}

// kms-key-rotation on the deployed function's key: a customer managed key
// that does not rotate, or whose policy is open to everyone, is a finding;
// an AWS managed key is not judged; a key that cannot be read leaves the
// rule not verified. Each key is read once.
func TestDeployedKeysAreJudged(t *testing.T) {
	a := app()
	a.Keys[keyARN] = &fakeaws.Key{Rotation: false, State: "PendingDeletion", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}`}
	const awsKey = "arn:aws:kms:eu-west-1:123456789012:key/aws-lambda"
	const hidden = "arn:aws:kms:eu-west-1:123456789012:key/hidden"
	a.Keys[awsKey] = &fakeaws.Key{AWSManaged: true}
	a.Keys[hidden] = &fakeaws.Key{Rotation: true}
	a.Functions["app-Bad-Z"].KMSKeyArn = awsKey
	a.Functions["app-Also-Y"].KMSKeyArn = hidden
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "kms:GetKeyPolicy" && c.Resource == hidden {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 400, Code: "AccessDeniedException", Message: "denied"}}
		}
		return nil
	}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "warning kms-key-rotation Good:", "KMS key "+keyARN+" does not rotate")
	has(t, lines, "warning kms-key-rotation Good:", "allows kms:* to every principal")
	hasNo(t, lines, "kms-key-rotation Bad")
	// kms-key asks for a customer managed key: the AWS managed one is none.
	has(t, lines, "error kms-key Bad:", "KmsKeyArn "+awsKey+" is an AWS managed key")
	// A key pending deletion: the function cannot start, and its data is
	// lost with the key.
	has(t, lines, "error kms-key Good:", "KMS key "+keyARN+" is PendingDeletion")
	// The AWS managed key passes rotation, and says so: a notice, once per key.
	if n := out.Deployed.Notes; len(n) != 1 || n[0].Severity != checks.Notice ||
		n[0].Message() != "KMS key "+awsKey+" (of app-Bad-Z) is an AWS managed key: AWS rotates it every year and owns its key policy, so kms-key-rotation passes it; to choose who can use the key and how it rotates, use a customer managed key" {
		t.Errorf("notes %+v", n)
	}
	if slices.Contains(out.Unverified["app-Bad-Z"], "kms-key-rotation") {
		t.Errorf("the AWS managed key is verified: %v", out.Unverified)
	}
	has(t, lines, "unverified Also: cannot verify KMS key "+hidden+" (of app-Also-Y): missing permission kms:GetKeyPolicy")
	if !slices.Contains(out.Unverified["app-Also-Y"], "kms-key-rotation") {
		t.Errorf("unverified %v", out.Unverified)
	}
	if n := out.Calls["kms:DescribeKey"]; n != 3 {
		t.Errorf("%d DescribeKey calls for 3 keys", n)
	}
}

// --all verifies every function of the region, page after page.
func TestAllTheFunctionsOfTheRegion(t *testing.T) {
	a := app()
	a.PageSize = 2
	out, _ := verify(t, a, deployed.Target{All: true}, deployed.Options{})
	var names []string
	for _, fn := range out.Functions {
		names = append(names, fn.Name)
	}
	if !slices.Equal(names, []string{"app-Also-Y", "app-Bad-Z", "app-Good-X"}) || !out.Deployed.All || len(out.Problems) != 0 {
		t.Errorf("functions %v, all %v, problems %v", names, out.Deployed.All, out.Problems)
	}
	if out.Calls["lambda:ListFunctions"] != 2 {
		t.Errorf("%d ListFunctions pages, want 2", out.Calls["lambda:ListFunctions"])
	}
}

// --region a,b: a note names its region, as every stack does.
func TestMergedNotesNameTheirRegion(t *testing.T) {
	note := func(region string) *deployed.Result {
		return &deployed.Result{Deployed: evaluation.Deployed{Region: region, Notes: []evaluation.Note{{Severity: checks.Warning, Subject: "stack app", Stack: "app", Text: "is UPDATE_ROLLBACK_COMPLETE: ..."}}}}
	}
	out := deployed.Merge([]*deployed.Result{note("eu-west-1"), note("us-east-1")})
	var got []string
	for _, n := range out.Deployed.Notes {
		got = append(got, n.Stack+" | "+n.Message())
	}
	if want := []string{"app (eu-west-1) | stack app (eu-west-1) is UPDATE_ROLLBACK_COMPLETE: ...", "app (us-east-1) | stack app (us-east-1) is UPDATE_ROLLBACK_COMPLETE: ..."}; !slices.Equal(got, want) {
		t.Errorf("notes %q", got)
	}
}

// open-security-group on the deployed groups: one DescribeSecurityGroups
// for every group of every function (each shared group read once), an
// inbound rule from 0.0.0.0/0 or ::/0 is the template's finding, worded
// alike; groups read on later pages count too.
func TestDeployedSecurityGroupsAreJudged(t *testing.T) {
	a := app()
	a.PageSize = 2
	a.Groups["sg-1"].Ingress = []fakeaws.Rule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"10.0.0.0/8"}}}
	a.Groups["sg-open"] = &fakeaws.SecurityGroup{Name: "open", Ingress: []fakeaws.Rule{
		{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}},
		{Protocol: "-1", CIDRs: []string{"::/0"}},
		{Protocol: "tcp", FromPort: 8000, ToPort: 8080, CIDRs: []string{"0.0.0.0/0"}},
	}}
	a.Groups["sg-x"], a.Groups["sg-y"] = &fakeaws.SecurityGroup{}, &fakeaws.SecurityGroup{}
	a.Functions["app-Good-X"].SecurityGroups = []string{"sg-1", "sg-open", "sg-x", "sg-y"}
	a.Functions["app-Also-Y"].SecurityGroups = []string{"sg-1", "sg-open"}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Problems) != 0 {
		t.Fatalf("problems %v", out.Problems)
	}
	for _, fn := range []string{"Good", "Also"} {
		has(t, lines, "warning open-security-group "+fn+": security group sg-open allows ingress from 0.0.0.0/0 on port 22; a function needs no inbound rule, remove it")
		has(t, lines, "warning open-security-group "+fn+": security group sg-open allows ingress from ::/0 on all ports")
		has(t, lines, "warning open-security-group "+fn+": security group sg-open allows ingress from 0.0.0.0/0 on ports 8000-8080")
	}
	hasNo(t, lines, "sg-1 allows")
	hasNo(t, lines, "open-security-group Bad")
	// 4 groups, 2 a page: one call and its second page, not one per function.
	if n := a.Calls()["ec2:DescribeSecurityGroups"]; n != 2 {
		t.Errorf("%d DescribeSecurityGroups calls for 4 groups in pages of 2, want 2", n)
	}
	var good *lambda.Function
	for _, fn := range out.Functions {
		if fn.Name == "app-Good-X" {
			good = fn
		}
	}
	if good == nil || len(good.Around.Groups) != 4 {
		t.Errorf("Good's groups: %+v", good)
	}
}

// More than 200 groups go in batches of 200 ids, one call each.
func TestDeployedSecurityGroupsInBatches(t *testing.T) {
	a := app()
	a.PageSize = 1000 // one page a batch
	var ids []string
	for i := range 205 {
		id := fmt.Sprintf("sg-%03d", i)
		a.Groups[id] = &fakeaws.SecurityGroup{}
		ids = append(ids, id)
	}
	a.Groups["sg-204"].Ingress = []fakeaws.Rule{{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}}}
	a.Functions["app-Good-X"].SecurityGroups = ids
	out, lines := verify(t, a, deployed.Target{Functions: []string{"app-Good-X"}}, deployed.Options{})
	has(t, lines, "warning open-security-group app-Good-X: security group sg-204 allows ingress from 0.0.0.0/0 on port 22")
	if n := out.Calls["ec2:DescribeSecurityGroups"]; n != 2 {
		t.Errorf("%d calls for 205 groups, want 2 batches", n)
	}
}

// A group that cannot be read (denied, throttled past the retries, gone)
// leaves open-security-group not verified on the functions behind it, once
// for the call, never a pass; the others are still verified.
func TestDeployedSecurityGroupsThatCannotBeRead(t *testing.T) {
	for name, tc := range map[string]struct {
		fault *fakeaws.Error
		says  string
	}{
		"denied":    {&fakeaws.Error{Status: 403, Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."}, "missing permission ec2:DescribeSecurityGroups on *"},
		"throttled": {&fakeaws.Error{Status: 503, Code: "RequestLimitExceeded", Message: "Request limit exceeded."}, "ec2:DescribeSecurityGroups on * was still throttled after 4 attempts (RequestLimitExceeded)"},
	} {
		t.Run(name, func(t *testing.T) {
			a := app()
			a.Groups["sg-1"].Ingress = []fakeaws.Rule{{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}}}
			a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
				if c.Action == "ec2:DescribeSecurityGroups" {
					return &fakeaws.Fault{Error: tc.fault}
				}
				return nil
			}
			out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
			has(t, lines, "unverified Also: cannot verify security group sg-1 (of app-Also-Y, app-Good-X): "+tc.says)
			hasNo(t, lines, "open-security-group Good")
			has(t, lines, "error kms-key Bad:") // the rest is verified
			if len(out.Problems) != 1 {
				t.Errorf("one call failed, %d problems: %v", len(out.Problems), out.Problems)
			}
			for _, fn := range []string{"app-Good-X", "app-Also-Y"} {
				if !slices.Contains(out.Unverified[fn], "open-security-group") {
					t.Errorf("%s: unverified %v", fn, out.Unverified[fn])
				}
			}
			if got := out.Unverified["app-Bad-Z"]; len(got) != 0 {
				t.Errorf("Bad has no group, yet unverified %v", got)
			}
		})
	}
	a := app()
	a.Functions["app-Good-X"].SecurityGroups = []string{"sg-1", "sg-gone"}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "unverified Good: cannot verify security group sg-gone (of app-Good-X): ec2:DescribeSecurityGroups in eu-west-1 does not return it")
	if !slices.Contains(out.Unverified["app-Good-X"], "open-security-group") || slices.Contains(out.Unverified["app-Also-Y"], "open-security-group") {
		t.Errorf("unverified %v", out.Unverified)
	}
}

// A deployed group that is the template's lands on the template's group.
func TestAnOpenDeployedGroupLandsOnTheTemplatesGroup(t *testing.T) {
	const tplText = `Resources:
  FnGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: fn
  Good:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      VpcConfig:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [!Ref FnGroup]
`
	tpl, err := template.Parse("infra/template.yaml", []byte(tplText), template.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	a := app()
	a.Groups["sg-1"].Ingress = []fakeaws.Rule{{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}}}
	a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: "FnGroup", Physical: "sg-1", Type: "AWS::EC2::SecurityGroup"})
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}, Functions: []string{"Good"}}, deployed.Options{Templates: units(tpl)})
	has(t, lines, "warning open-security-group Good @2: security group sg-1 allows ingress from 0.0.0.0/0 on port 22")
}

// --tag selects the functions of the region that carry every tag (AND),
// through the tagging API page after page; a tagged alias is verified as
// --function verifies a qualified ARN, unless its function is tagged too.
func TestFunctionsSelectedByTags(t *testing.T) {
	a := app()
	a.PageSize = 1
	a.Functions["app-Good-X"].Tags = map[string]string{"team": "orders", "env": "prod"}
	a.Functions["app-Bad-Z"].Tags = map[string]string{"team": "orders", "env": "prod"}
	a.Functions["app-Also-Y"].Tags = map[string]string{"team": "orders", "env": "dev"}
	good := a.Functions["app-Good-X"]
	good.Versions = map[string]*fakeaws.Function{"2": {Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "PassThrough", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}}
	good.Aliases = map[string]*fakeaws.Alias{"live": {Version: "2"}}
	a.Functions["app-Also-Y"].Versions = map[string]*fakeaws.Function{"7": {Name: "app-Also-Y", Role: "app-FnRole-A1", Tracing: "Active", KMSKeyArn: keyARN, SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}}
	a.Functions["app-Also-Y"].Aliases = map[string]*fakeaws.Alias{"blue": {Version: "7"}}
	a.AliasTags = map[string]map[string]string{
		"arn:aws:lambda:eu-west-1:123456789012:function:app-Also-Y:blue": {"team": "orders", "env": "prod"},
		"arn:aws:lambda:eu-west-1:123456789012:function:app-Good-X:live": {"team": "orders", "env": "prod"},
	}
	out, lines := verify(t, a, deployed.Target{Tags: []deployed.Tag{{Key: "team", Value: "orders"}, {Key: "env", Value: "prod"}}}, deployed.Options{})
	var names []string
	for _, fn := range out.Functions {
		names = append(names, fn.Name)
	}
	// Also is tagged env=dev: only its tagged alias blue; Good's alias live
	// once, with Good.
	if want := []string{"app-Also-Y:blue", "app-Bad-Z", "app-Good-X", "app-Good-X:live"}; !slices.Equal(names, want) {
		t.Errorf("functions %v, want %v", names, want)
	}
	has(t, lines, "error active-tracing app-Good-X:live: TracingConfig.Mode is PassThrough")
	has(t, lines, "error kms-key app-Bad-Z:")
	if len(out.Problems) != 0 {
		t.Errorf("problems %v", out.Problems)
	}
	if n := a.Calls()["tag:GetResources"]; n != 4 {
		t.Errorf("%d GetResources pages for 4 tagged ARNs one a page, want 4", n)
	}
	if got := out.Deployed.Tags; !slices.Equal(got, []string{"team=orders", "env=prod"}) || out.Deployed.Functions != nil {
		t.Errorf("deployed %+v", out.Deployed)
	}
	if s := out.Deployed.Subject(); s != "the functions tagged team=orders and env=prod in eu-west-1, account 123456789012" {
		t.Errorf("subject %q", s)
	}
}

// Tags that select nothing, or a tagging API that cannot be read, are not
// a pass.
func TestTagsThatSelectNothingOrCannotBeRead(t *testing.T) {
	tags := []deployed.Tag{{Key: "team", Value: "nobody"}}
	_, lines := verify(t, app(), deployed.Target{Tags: tags}, deployed.Options{})
	has(t, lines, "unverified : cannot verify the functions tagged team=nobody in eu-west-1: no function carries these tags")
	for name, tc := range map[string]struct {
		fault *fakeaws.Error
		says  string
	}{
		"denied":    {&fakeaws.Error{Status: 400, Code: "AccessDeniedException", Message: "not authorized"}, "missing permission tag:GetResources on *"},
		"throttled": {&fakeaws.Error{Status: 400, Code: "ThrottlingException", Message: "Rate exceeded"}, "tag:GetResources on * was still throttled after 4 attempts (ThrottlingException)"},
	} {
		t.Run(name, func(t *testing.T) {
			a := app()
			a.Functions["app-Bad-Z"].Tags = map[string]string{"team": "nobody"}
			a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
				if c.Action == "tag:GetResources" {
					return &fakeaws.Fault{Error: tc.fault}
				}
				return nil
			}
			out, lines := verify(t, a, deployed.Target{Tags: tags}, deployed.Options{})
			has(t, lines, "cannot verify the functions tagged team=nobody in eu-west-1: "+tc.says)
			if len(out.Functions) != 0 || len(out.Problems) != 1 {
				t.Errorf("functions %d, problems %v", len(out.Functions), out.Problems)
			}
		})
	}
}

func TestParseTag(t *testing.T) {
	for in, want := range map[string]string{
		"team=orders": "team=orders", "aws:cloudformation:stack-name=shop": "aws:cloudformation:stack-name=shop", "k=a=b": "k=a=b",
		"team":  `--tag "team": write it KEY=VALUE, e.g. --tag team=orders`,
		"=x":    `--tag "=x": the key is empty`,
		"team=": `--tag "team=": the value is empty; write it KEY=VALUE, e.g. --tag team=orders`,
	} {
		tag, err := deployed.ParseTag(in)
		got := tag.String()
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, want) {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// --tag with --region a,b: a region without a tagged function is not a
// problem when another has some; with none in any region, it is.
func TestTagsAcrossRegions(t *testing.T) {
	tags := deployed.Target{Tags: []deployed.Tag{{Key: "team", Value: "orders"}}}
	east := func() *fakeaws.Account {
		a := app()
		a.Region = "us-east-1"
		return a
	}
	west := app()
	west.Functions["app-Good-X"].Tags = map[string]string{"team": "orders"}
	w, _ := verify(t, west, tags, deployed.Options{})
	e, _ := verify(t, east(), tags, deployed.Options{})
	if len(e.Problems) != 1 {
		t.Fatalf("us-east-1 alone: problems %v", e.Problems)
	}
	if out := deployed.Merge([]*deployed.Result{w, e}); len(out.Problems) != 0 || len(out.Functions) != 1 {
		t.Errorf("merged: functions %d, problems %v", len(out.Functions), out.Problems)
	}
	e2, _ := verify(t, east(), tags, deployed.Options{})
	w2, _ := verify(t, app(), tags, deployed.Options{})
	if out := deployed.Merge([]*deployed.Result{w2, e2}); len(out.Problems) != 2 {
		t.Errorf("no region has one: problems %v", out.Problems)
	}
}

// A secret the template resolves from Secrets Manager is in plaintext in
// the deployed configuration: reported as the reference it came from, on
// the template's line, with the value never shown (review 12, F13).
func TestAResolvedSecretIsReportedAsItsReference(t *testing.T) {
	src := strings.Replace(appTemplate, "      Role: !GetAtt FnRole.Arn\n",
		"      Role: !GetAtt FnRole.Arn\n      Environment:\n        Variables:\n          DB_PASSWORD: \"{{resolve:secretsmanager:db:SecretString:password}}\"\n", 1)
	tpl, err := template.Parse("infra/template.yaml", []byte(src), template.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	a := app()
	a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: "Key", Physical: "1111-2222", Type: "AWS::KMS::Key"})
	a.Functions["app-Good-X"].Environment = map[string]string{"DB_PASSWORD": "correct-horse-battery"}
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{Templates: units(tpl)})
	has(t, lines, "warning plaintext-secret Good @28: environment variable DB_PASSWORD is a {{resolve:secretsmanager:...}} reference")
	hasNo(t, lines, "correct-horse")
	hasNo(t, lines, "or use a {{resolve")
}

// Imported key material: KMS cannot rotate it, so "set EnableKeyRotation"
// would be advice no one can follow; the finding says how to rotate it.
func TestImportedKeyMaterialIsRotatedByHand(t *testing.T) {
	a := app()
	a.Keys[keyARN] = &fakeaws.Key{Rotation: false, Origin: "EXTERNAL"}
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "warning kms-key-rotation Good:", "KMS cannot rotate it on its own: its key material is imported (Origin EXTERNAL)")
	hasNo(t, lines, "set EnableKeyRotation: true")
}

// A key several functions share that cannot be read is one problem naming
// them all, as a role is, and each function's rotation is not verified.
func TestASharedKeyThatCannotBeReadIsOneProblem(t *testing.T) {
	a := app()
	for _, fn := range []string{"app-Good-X", "app-Also-Y", "app-Bad-Z"} {
		a.Functions[fn].KMSKeyArn = keyARN
	}
	a.Fault = func(c fakeaws.Call) *fakeaws.Fault {
		if c.Action == "kms:DescribeKey" {
			return &fakeaws.Fault{Error: &fakeaws.Error{Status: 400, Code: "AccessDeniedException", Message: "denied"}}
		}
		return nil
	}
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	n := 0
	for _, p := range out.Problems {
		if strings.Contains(p.Message, "KMS key "+keyARN) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d problems for the shared key, want 1", n)
	}
	has(t, lines, "cannot verify KMS key "+keyARN+" (of app-Also-Y, app-Bad-Z, app-Good-X): missing permission kms:DescribeKey")
	for _, fn := range []string{"app-Good-X", "app-Also-Y", "app-Bad-Z"} {
		if !slices.Contains(out.Unverified[fn], "kms-key-rotation") {
			t.Errorf("%s: unverified %v", fn, out.Unverified[fn])
		}
	}
}
