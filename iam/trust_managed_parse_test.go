package iam

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lambdagate/lambdagate/source"
)

func principal(kind, value string, line int) Principal {
	return Principal{Kind: kind, Value: lit(value, line)}
}

func intrinsicPrincipal(kind, value string, line int) Principal {
	return Principal{Kind: kind, Value: Str{Value: value, Intrinsic: true, Pos: at(line)}}
}

func TestTrust(t *testing.T) {
	policyPos := at(1)
	assume := func(cond bool, ps ...Principal) Policy {
		return Policy{Name: "trust", Pos: policyPos, Origin: "FnRole", Statements: []Statement{{
			Pos: at(2), Effect: lit("Allow", 3), Action: acts("sts:AssumeRole"), Principal: ps, HasCondition: cond,
		}}}
	}
	tests := []struct {
		name string
		p    Policy
		want []Problem
	}{
		{
			name: "Lambda is the expected trust",
			p:    assume(false, principal("Service", "lambda.amazonaws.com", 20)),
		},
		{
			name: "Lambda@Edge is expected too",
			p:    assume(false, principal("Service", "lambda.amazonaws.com", 20), principal("Service", "edgelambda.amazonaws.com", 21)),
		},
		{
			name: "Principal * without a Condition is an error at the principal",
			p:    assume(false, principal("*", "*", 20)),
			want: []Problem{
				{Pos: at(20), Severity: Error, Message: "anyone can assume this role"},
				{Pos: policyPos, Severity: Warning, Message: `the trust policy does not trust the Service principal "lambda.amazonaws.com"`},
			},
		},
		{
			name: "AWS: * is anyone too",
			p:    assume(false, principal("Service", "lambda.amazonaws.com", 20), principal("AWS", "*", 21)),
			want: []Problem{{Pos: at(21), Severity: Error, Message: "anyone can assume this role"}},
		},
		{
			name: "Principal * under a Condition is a warning",
			p:    assume(true, principal("Service", "lambda.amazonaws.com", 20), principal("AWS", "*", 21)),
			want: []Problem{{Pos: at(21), Severity: Warning, Message: `the trust policy lets Principal "*" assume this role, limited only by a Condition`}},
		},
		{
			name: "another principal is an error naming it",
			p:    assume(false, principal("Service", "lambda.amazonaws.com", 20), principal("AWS", "arn:aws:iam::111122223333:root", 21)),
			want: []Problem{{Pos: at(21), Severity: Error, Message: `the role also trusts AWS principal "arn:aws:iam::111122223333:root"`}},
		},
		{
			name: "a Deny statement is not a trust",
			p: Policy{Pos: policyPos, Origin: "FnRole", Statements: []Statement{
				{Effect: lit("Allow", 3), Principal: []Principal{principal("Service", "lambda.amazonaws.com", 20)}},
				{Effect: lit("Deny", 4), Principal: []Principal{principal("*", "*", 21)}},
			}},
		},
		{
			name: "an intrinsic Service principal is left to the deployed source",
			p:    assume(false, Principal{Kind: "Service", Value: Str{Value: "!Ref Svc", Intrinsic: true}}),
		},
		{
			name: "an intrinsic AWS principal is an error naming its template",
			p:    assume(false, principal("Service", "lambda.amazonaws.com", 20), intrinsicPrincipal("AWS", "arn:aws:iam::${AWS::AccountId}:root", 21)),
			want: []Problem{{Pos: at(21), Severity: Error, Message: `the role also trusts AWS principal "arn:aws:iam::${AWS::AccountId}:root", which can then act with the function's permissions`}},
		},
		{
			name: "an intrinsic Federated principal is an error too",
			p:    assume(false, principal("Service", "lambda.amazonaws.com", 20), intrinsicPrincipal("Federated", "!Ref Provider", 21)),
			want: []Problem{{Pos: at(21), Severity: Error, Message: `the role also trusts Federated principal "!Ref Provider"`}},
		},
		{
			name: "an intrinsic AWS principal alone does not stand for Lambda",
			p:    assume(false, intrinsicPrincipal("AWS", "arn:aws:iam::${AWS::AccountId}:root", 21)),
			want: []Problem{
				{Pos: at(21), Severity: Error, Message: `the role also trusts AWS principal "arn:aws:iam::${AWS::AccountId}:root"`},
				{Pos: policyPos, Severity: Warning, Message: `the trust policy does not trust the Service principal "lambda.amazonaws.com"`},
			},
		},
		{
			name: "an intrinsic Service principal may be Lambda; an intrinsic AWS one is still named",
			p:    assume(false, intrinsicPrincipal("Service", "!If [Edge, edgelambda.amazonaws.com, lambda.amazonaws.com]", 20), intrinsicPrincipal("AWS", "!Ref Trusted", 21)),
			want: []Problem{{Pos: at(21), Severity: Error, Message: `the role also trusts AWS principal "!Ref Trusted"`}},
		},
		{
			name: "an intrinsic AWS principal under a Condition is still a warning",
			p:    assume(true, principal("Service", "lambda.amazonaws.com", 20), intrinsicPrincipal("AWS", "!GetAtt Deployer.Arn", 21)),
			want: []Problem{{Pos: at(21), Severity: Warning, Message: `the role also trusts AWS principal "!GetAtt Deployer.Arn"`}},
		},
		{
			name: "an intrinsic Service principal in a Deny does not stand for Lambda",
			p: Policy{Pos: policyPos, Origin: "FnRole", Statements: []Statement{
				{Effect: lit("Deny", 4), Principal: []Principal{intrinsicPrincipal("Service", "!Ref Svc", 21)}},
			}},
			want: []Problem{{Pos: policyPos, Severity: Warning, Message: `the trust policy does not trust the Service principal "lambda.amazonaws.com"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Trust(tt.p)
			assertProblems(t, got, tt.want)
			for _, p := range got {
				if p.Kind != KindTrust || p.Origin != "FnRole" {
					t.Errorf("problem %q: kind %s, origin %q; want trust-policy, FnRole", p.Message, p.Kind, p.Origin)
				}
			}
		})
	}
}

func TestManagedPolicy(t *testing.T) {
	tests := []struct {
		in       string
		wantKind ManagedKind
		wantName string
	}{
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", Accepted, "AWSLambdaBasicExecutionRole"},
		// The template's text is the evaluator's to read: lambda passes the
		// ARN it deploys as (the partition read as aws), never display text.
		{"arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", Unknown, ""},
		{"!Sub arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess", Unknown, ""},
		{"arn:aws-cn:iam::aws:policy/AWSXrayWriteOnlyAccess", Accepted, "AWSXrayWriteOnlyAccess"},
		{"arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole", Accepted, "AWSLambdaSQSQueueExecutionRole"},
		{"AWSLambdaKinesisExecutionRole", Accepted, "AWSLambdaKinesisExecutionRole"},
		{"awslambdabasicexecutionrole", Accepted, "AWSLambdaBasicExecutionRole"},
		{"arn:aws:iam::aws:policy/AdministratorAccess", Broad, "AdministratorAccess"},
		{"PowerUserAccess", Broad, "PowerUserAccess"},
		{"arn:aws:iam::aws:policy/IAMFullAccess", Broad, "IAMFullAccess"},
		{"AmazonS3FullAccess", Broad, "AmazonS3FullAccess"},
		{"arn:aws:iam::aws:policy/AWSLambda_FullAccess", Broad, "AWSLambda_FullAccess"},
		{"AWSLambdaExecute", Broad, "AWSLambdaExecute"},
		{"AmazonS3ReadOnlyAccess", Unknown, "AmazonS3ReadOnlyAccess"},
		{"arn:aws:iam::123456789012:policy/AdministratorAccess", Unknown, ""},
		{"!Ref ManagedPolicy", Unknown, ""},
		{"arn:aws:s3:::bucket", Unknown, ""},
		{"", Unknown, ""},
	}
	for _, tt := range tests {
		got := ManagedPolicy(tt.in)
		if got.Kind != tt.wantKind || got.Name != tt.wantName || got.Reason == "" {
			t.Errorf("ManagedPolicy(%q) = %+v, want kind %v, name %q and a reason", tt.in, got, tt.wantKind, tt.wantName)
		}
	}
}

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    []Statement
		wantErr string
	}{
		{
			name: "one statement object with string fields",
			doc:  `{"Version":"2012-10-17","Statement":{"Sid":"Logs","Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}}`,
			want: []Statement{{Sid: "Logs", Effect: Str{Value: "Allow"}, Action: []Str{{Value: "logs:PutLogEvents"}}, Resource: []Str{{Value: "*"}}}},
		},
		{
			name: "lists, Not forms and a Condition",
			doc:  `{"Statement":[{"Effect":"Allow","NotAction":["iam:*","sts:*"],"NotResource":["arn:aws:s3:::a"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`,
			want: []Statement{{
				Effect:    Str{Value: "Allow"},
				NotAction: []Str{{Value: "iam:*"}, {Value: "sts:*"}}, HasNotAction: true,
				NotResource: []Str{{Value: "arn:aws:s3:::a"}}, HasNotResource: true,
				HasCondition: true,
			}},
		},
		{
			name: "a trust policy with a principal map in sorted kinds",
			doc:  `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["lambda.amazonaws.com","edgelambda.amazonaws.com"],"AWS":"arn:aws:iam::111122223333:root"}}]}`,
			want: []Statement{{
				Effect: Str{Value: "Allow"}, Action: []Str{{Value: "sts:AssumeRole"}},
				Principal: []Principal{
					{Kind: "AWS", Value: Str{Value: "arn:aws:iam::111122223333:root"}},
					{Kind: "Service", Value: Str{Value: "lambda.amazonaws.com"}},
					{Kind: "Service", Value: Str{Value: "edgelambda.amazonaws.com"}},
				},
			}},
		},
		{
			name: "Principal *",
			doc:  `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}]}`,
			want: []Statement{{Effect: Str{Value: "Allow"}, Action: []Str{{Value: "sts:AssumeRole"}}, Principal: []Principal{{Kind: "*", Value: Str{Value: "*"}}}}},
		},
		{name: "not JSON", doc: `{`, wantErr: "p: the policy document is not JSON"},
		{name: "no Statement", doc: `{"Version":"2012-10-17"}`, wantErr: "p: the policy document has no Statement"},
		{name: "no Effect", doc: `{"Statement":[{"Action":"s3:GetObject"}]}`, wantErr: `p: Statement[0]: Effect must be "Allow" or "Deny"`},
		{name: "a number for Action", doc: `{"Statement":[{"Effect":"Allow","Action":3}]}`, wantErr: "p: Statement[0]: Action must be a string or a list of strings"},
		{name: "a principal string other than *", doc: `{"Statement":[{"Effect":"Allow","Principal":"lambda.amazonaws.com"}]}`, wantErr: `p: Statement[0]: Principal must be "*" or an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseJSON("p", []byte(tt.doc))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want prefix %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "p" || got.Pos != (source.Pos{}) {
				t.Errorf("Name, Pos = %q, %v; want p and the zero position", got.Name, got.Pos)
			}
			if diff := cmp.Diff(tt.want, got.Statements); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParsedPolicyIsAnalysed runs a document read from AWS through Permissions: the
// finding has no position but still names what is wrong.
func TestParsedPolicyIsAnalysed(t *testing.T) {
	p, err := ParseJSON("inline policy Data of role FnRole", []byte(`{"Statement":[{"Effect":"Allow","Action":["dynamodb:Query"],"Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Pos: source.Pos{}, Severity: Error, Message: `Resource "*" grants dynamodb:Query on every resource`}}
	assertProblems(t, Permissions(p), want)
}
