package iam

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lambdagate/lambdagate/source"
)

// at gives each value of a test policy its own line, so a test can tell which value a
// finding landed on.
func at(line int) source.Pos { return source.Pos{File: "template.yaml", Line: line, Column: 7} }

func lit(v string, line int) Str { return Str{Value: v, Pos: at(line)} }

func allow(actions []Str, resources ...Str) Statement {
	return Statement{Pos: at(1), Effect: lit("Allow", 2), Action: actions, Resource: resources}
}

func acts(vs ...string) []Str {
	out := make([]Str, len(vs))
	for i, v := range vs {
		out[i] = lit(v, 10+i)
	}
	return out
}

func TestPermissions(t *testing.T) {
	tests := []struct {
		name string
		st   Statement
		want []Problem // Message may be a prefix of the real message
	}{
		{
			name: "every action is an error at the action",
			st:   allow(acts("*"), lit("*", 30)),
			want: []Problem{{Pos: at(10), Severity: Error, Message: `Allow of "*" grants every action of every service; list the actions the function needs`}},
		},
		{
			name: "a whole service is an error at the action, in any case",
			st:   allow(acts("S3:*"), lit("arn:aws:s3:::bucket/*", 30)),
			want: []Problem{{Pos: at(10), Severity: Error, Message: `Allow of "S3:*" grants every action of s3; list the actions the function needs`}},
		},
		{
			name: "iam:* names an escalation it includes",
			st:   allow(acts("iam:*"), lit("*", 30)),
			want: []Problem{{Pos: at(10), Severity: Error, Message: `Allow of "iam:*" grants every action of iam, including the privilege escalation iam:CreatePolicyVersion`}},
		},
		{
			name: "a Deny is not analysed",
			st:   Statement{Effect: lit("Deny", 2), Action: acts("*"), Resource: []Str{lit("*", 30)}},
		},
		{
			name: "an intrinsic Effect is analysed as Allow",
			st:   Statement{Effect: Str{Value: "!If [C, Allow, Deny]", Intrinsic: true}, Action: acts("s3:*"), Resource: []Str{lit("*", 30)}},
			want: []Problem{{Pos: at(10), Severity: Error, Message: `Allow of "s3:*"`}},
		},
		{
			name: "a resource-level action on * is an error at the resource",
			st:   allow(acts("dynamodb:PutItem", "xray:PutTraceSegments"), lit("*", 30)),
			want: []Problem{{Pos: at(30), Severity: Error, Message: `Resource "*" grants dynamodb:PutItem on every resource, though it supports resource-level permissions; scope the Resource`}},
		},
		{
			name: "star-only actions on * are fine",
			st:   allow(acts("xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData", "s3:ListAllMyBuckets", "sts:GetCallerIdentity", "ecr:GetAuthorizationToken", "ec2:DescribeNetworkInterfaces"), lit("*", 30)),
		},
		{
			name: "a wildcard matching only star-only actions is fine",
			st:   allow(acts("ec2:DescribeNetworkInterface*", "xray:PutT*"), lit("*", 30)),
		},
		{
			name: "a wildcard matching resource-level actions is an error at the resource",
			st:   allow(acts("s3:Get*"), lit("*", 30)),
			want: []Problem{{Pos: at(30), Severity: Error, Message: `Resource "*" grants s3:Get* (e.g. s3:GetAccelerateConfiguration, s3:GetAccessGrant) on every resource`}},
		},
		{
			name: "a read wildcard on scoped resources is fine",
			st:   allow(acts("s3:Get*", "s3:List*"), lit("arn:aws:s3:::photos/*", 30)),
		},
		{
			name: "an all-wildcard ARN is every resource",
			st:   allow(acts("dynamodb:GetItem"), lit("arn:aws:dynamodb:*:*:table/*", 30)),
			want: []Problem{{Pos: at(30), Severity: Error, Message: `Resource "arn:aws:dynamodb:*:*:table/*" grants dynamodb:GetItem on every resource`}},
		},
		{
			name: "every bucket is every resource",
			st:   allow(acts("s3:GetObject"), lit("arn:aws:s3:::*/*", 30)),
			want: []Problem{{Pos: at(30), Severity: Error, Message: `Resource "arn:aws:s3:::*/*" grants s3:GetObject on every resource`}},
		},
		{
			name: "a bucket's objects are scoped, though the ARN ends in *",
			st:   allow(acts("s3:GetObject"), lit("arn:aws:s3:::photos/*", 30)),
		},
		{
			name: "an intrinsic resource naming a table is scoped",
			st:   allow(acts("dynamodb:GetItem"), Str{Value: "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table}", Intrinsic: true, Pos: at(30)}),
		},
		{
			name: "an intrinsic resource with a literal wildcard is every resource",
			st:   allow(acts("dynamodb:GetItem"), Str{Value: "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*", Intrinsic: true, Pos: at(30)}),
			want: []Problem{{Pos: at(30), Severity: Error, Message: `Resource "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*" grants dynamodb:GetItem`}},
		},
		{
			name: "an intrinsic action is skipped",
			st:   allow([]Str{{Value: "!Ref Action", Intrinsic: true, Pos: at(10)}}, lit("*", 30)),
		},
		{
			name: "an unknown action on * is assumed to take ARNs",
			st:   allow(acts("newsvc:DoThing"), lit("*", 30)),
			want: []Problem{{Pos: at(30), Severity: Error, Message: `Resource "*" grants newsvc:DoThing on every resource; lambdagate does not know this action and so assumes it supports resource-level permissions`}},
		},
		{
			name: "NotAction is an error at NotAction",
			st:   Statement{Effect: lit("Allow", 2), HasNotAction: true, NotAction: acts("iam:*"), NotActionPos: at(9), Resource: []Str{lit("*", 30)}},
			want: []Problem{{Pos: at(9), Severity: Error, Message: "Allow with NotAction grants every action except the listed ones"}},
		},
		{
			name: "NotResource is an error at NotResource",
			st:   Statement{Effect: lit("Allow", 2), Action: acts("s3:GetObject"), HasNotResource: true, NotResourcePos: at(29), NotResource: []Str{lit("arn:aws:s3:::secret/*", 30)}},
			want: []Problem{{Pos: at(29), Severity: Error, Message: "Allow with NotResource grants the actions on every resource except the listed ones"}},
		},
		{
			name: "iam:PassRole on * is an escalation",
			st:   allow(acts("iam:PassRole"), lit("*", 30)),
			want: []Problem{{Pos: at(30), Severity: Error, Message: `Allow of "iam:PassRole" on Resource "*" is a privilege escalation: whoever runs as the role can hand any role`}},
		},
		{
			name: "iam:PassRole on one role is fine",
			st:   allow(acts("iam:PassRole"), lit("arn:aws:iam::123456789012:role/worker", 30)),
		},
		{
			name: "an escalation under a Condition is a warning",
			st:   Statement{Effect: lit("Allow", 2), Action: acts("iam:PassRole"), Resource: []Str{lit("*", 30)}, HasCondition: true},
			want: []Problem{{Pos: at(30), Severity: Warning, Message: `Allow of "iam:PassRole" on Resource "*" is a privilege escalation`}},
		},
		{
			name: "a wildcard that includes an escalation is an error at the action, whatever the resource",
			st:   allow(acts("iam:Put*"), lit("arn:aws:iam::123456789012:role/fn", 30)),
			want: []Problem{{Pos: at(10), Severity: Error, Message: `Allow of "iam:Put*" includes iam:PutGroupPolicy, iam:PutRolePolicy, iam:PutUserPolicy, a privilege escalation`}},
		},
		{
			name: "lambda:CreateFunction is an escalation only with iam:PassRole",
			st:   allow(acts("lambda:CreateFunction", "iam:PassRole"), lit("*", 30)),
			want: []Problem{
				{Pos: at(30), Severity: Error, Message: `Allow of "lambda:CreateFunction" on Resource "*" is a privilege escalation: whoever runs as the role can create a function with a more privileged role`},
				{Pos: at(30), Severity: Error, Message: `Allow of "iam:PassRole" on Resource "*" is a privilege escalation`},
			},
		},
		{
			name: "lambda:CreateFunction alone on * is a plain resource finding",
			st:   allow(acts("lambda:CreateFunction"), lit("*", 30)),
			want: []Problem{{Pos: at(30), Severity: Error, Message: `Resource "*" grants lambda:CreateFunction on every resource`}},
		},
		{
			name: "the Lambda runtime's own actions on * are tolerated, as in AWSLambdaBasicExecutionRole",
			st:   allow(acts("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"), lit("*", 30)),
		},
		{
			name: "logs:* is not the runtime's",
			st:   allow(acts("logs:*"), lit("*", 30)),
			want: []Problem{{Pos: at(10), Severity: Error, Message: `Allow of "logs:*" grants every action of logs`}},
		},
		{
			name: "a malformed action is a warning",
			st:   allow(acts("GetObject"), lit("*", 30)),
			want: []Problem{{Pos: at(10), Severity: Warning, Message: `Action "GetObject" is not of the form service:Action`}},
		},
		{
			name: "a resource finding without a position falls back to the statement's",
			st:   Statement{Pos: at(1), Effect: Str{Value: "Allow"}, Action: []Str{{Value: "sqs:SendMessage"}}, Resource: []Str{{Value: "*"}}},
			want: []Problem{{Pos: at(1), Severity: Error, Message: `Resource "*" grants sqs:SendMessage on every resource`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Permissions(Policy{Name: "test", Statements: []Statement{tt.st}})
			assertProblems(t, got, tt.want)
		})
	}
}

// assertProblems compares positions and severities exactly, and messages by prefix, so
// that a test states the part of a message it is about.
func assertProblems(t *testing.T, got, want []Problem) {
	t.Helper()
	if len(got) == len(want) {
		ok := true
		for i := range got {
			if got[i].Pos != want[i].Pos || got[i].Severity != want[i].Severity || !strings.HasPrefix(got[i].Message, want[i].Message) {
				ok = false
			}
		}
		if ok {
			return
		}
	}
	t.Errorf("problems differ (-want +got; want messages are prefixes):\n%s", cmp.Diff(want, got))
}

func TestEveryResource(t *testing.T) {
	tests := []struct {
		r    Str
		want bool
	}{
		{Str{Value: "*"}, true},
		{Str{Value: "arn:aws:s3:::*"}, true},
		{Str{Value: "arn:aws:s3:::*/*"}, true},
		{Str{Value: "arn:aws:s3:::bucket"}, false},
		{Str{Value: "arn:aws:s3:::bucket/*"}, false},
		{Str{Value: "arn:aws:s3:::deeplens*"}, false},
		{Str{Value: "arn:aws:dynamodb:*:*:table/*"}, true},
		{Str{Value: "arn:aws:dynamodb:us-east-1:123456789012:table/*"}, true},
		{Str{Value: "arn:aws:dynamodb:*:*:table/Orders"}, false},
		{Str{Value: "arn:aws:logs:*:*:*"}, true},
		{Str{Value: "arn:aws:logs:*:*:log-group:*"}, true},
		{Str{Value: "arn:aws:logs:*:*:log-group:/aws/lambda/*"}, false},
		{Str{Value: "arn:aws:iam::123456789012:role/*"}, true},
		{Str{Value: "arn:aws:iam::123456789012:role/service-role/*"}, false},
		{Str{Value: "arn:aws:sns:us-east-1:123456789012:alerts"}, false},
		{Str{Value: "arn:*"}, true},
		{Str{Value: "arn:aws:*:*:*:*"}, true},
		{Str{Value: "arn:aws:s3:::bucket/${aws:userid}/*"}, false},
		{Str{Value: "!Ref Bucket", Intrinsic: true}, false},
		{Str{Value: "*", Intrinsic: true}, false},
		{Str{Value: "arn:${AWS::Partition}:s3:::${Bucket}/*", Intrinsic: true}, false},
		{Str{Value: "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*", Intrinsic: true}, true},
	}
	for _, tt := range tests {
		if got := everyResource(tt.r); got != tt.want {
			t.Errorf("everyResource(%+v) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true},
		{"get*", "getobject", true},
		{"get*", "putobject", false},
		{"*policy*", "putrolepolicy", true},
		{"put?olepolicy", "putrolepolicy", true},
		{"put?olepolicy", "putrrolepolicy", false},
		{"*object", "getobjectacl", false},
		{"a*b*c", "aXbYbZc", true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestExpand(t *testing.T) {
	got, known := Expand("XRAY:PutT*")
	if diff := cmp.Diff([]string{"xray:PutTelemetryRecords", "xray:PutTraceSegments"}, got); diff != "" || !known {
		t.Errorf("Expand(XRAY:PutT*) known=%v (-want +got):\n%s", known, diff)
	}
	if _, known := Expand("nosuchservice:*"); known {
		t.Error("Expand of an unknown service reports known")
	}
}

// TestDuplicatedActionsWorkIsBounded guards against the analysis turning quadratic again:
// each copy of an escalation used to rescan every grant for what it needs, so 60,000
// copies took minutes. The grants may be scanned at most once per needed action.
func TestDuplicatedActionsWorkIsBounded(t *testing.T) {
	needed := map[string]bool{}
	for _, e := range escalations {
		for _, n := range e.Needs {
			needed[strings.ToLower(n)] = true
		}
	}
	const n = 50_000
	tests := []struct {
		name       string
		actions    func(i int) string
		wantProbs  int
		wantKind   Kind
		wantPrefix string
	}{
		{
			name:       "copies of an escalation without what it needs",
			actions:    func(int) string { return "lambda:CreateFunction" },
			wantProbs:  1,
			wantKind:   KindEveryResource,
			wantPrefix: `Resource "*" grants lambda:CreateFunction on every resource, though it supports`,
		},
		{
			name: "distinct unknown actions and copies of an escalation",
			actions: func(i int) string {
				if i%2 == 0 {
					return "lambda:CreateFunction"
				}
				return fmt.Sprintf("newsvc:Do%d", i)
			},
			wantProbs:  1,
			wantKind:   KindEveryResource,
			wantPrefix: `Resource "*" grants lambda:CreateFunction`,
		},
		{
			name: "copies of an escalation with what it needs last",
			actions: func(i int) string {
				if i == n-1 {
					return "iam:PassRole"
				}
				return "LAMBDA:createfunction"
			},
			wantProbs:  n,
			wantKind:   KindEscalation,
			wantPrefix: `Allow of "LAMBDA:createfunction" on Resource "*" is a privilege escalation`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			actions := make([]Str, n)
			for i := range actions {
				actions[i] = lit(tt.actions(i), 10+i)
			}
			p := Policy{Statements: []Statement{allow(actions, lit("*", 5))}}
			g := grantedEverywhere(p)
			got := analyse(p, g)
			if len(got) != tt.wantProbs {
				t.Fatalf("got %d problems, want %d", len(got), tt.wantProbs)
			}
			if got[0].Kind != tt.wantKind || !strings.HasPrefix(got[0].Message, tt.wantPrefix) {
				t.Errorf("first problem = %v %q, want %v with prefix %q", got[0].Kind, got[0].Message, tt.wantKind, tt.wantPrefix)
			}
			if limit := len(g.patterns) * len(needed); g.matches > limit {
				t.Errorf("matched grants against needed actions %d times; want at most %d (%d distinct grants x %d needed actions)",
					g.matches, limit, len(g.patterns), len(needed))
			}
		})
	}
}

func TestGrantsNeeds(t *testing.T) {
	createFunction, _ := escalationFor("lambda:CreateFunction")
	createRole, _ := escalationFor("iam:CreateRole")
	tests := []struct {
		name    string
		granted []string
		e       escalation
		want    bool
	}{
		{"nothing granted", nil, createFunction, false},
		{"the needed action, any case", []string{"s3:GetObject", "IAM:passrole"}, createFunction, true},
		{"a wildcard covering it", []string{"iam:Pass*"}, createFunction, true},
		{"every action", []string{"*"}, createFunction, true},
		{"a wildcard not covering it", []string{"iam:Put*"}, createFunction, false},
		{"another need", []string{"iam:PassRole"}, createRole, false},
		{"no needs", nil, escalation{Action: "iam:PutRolePolicy"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Policy{Statements: []Statement{allow(acts(tt.granted...), lit("*", 30))}}
			g := grantedEverywhere(p)
			for range 2 { // the second answer comes from memory
				if got := g.needs(tt.e); got != tt.want {
					t.Errorf("needs(%s) = %v, want %v", tt.e.Action, got, tt.want)
				}
			}
		})
	}
}
