package lambda

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lambdagate/lambdagate/iam"
)

// policyView is a policy with its statements rendered on one line each.
type policyView struct {
	Name       string
	Pos        string
	Origin     string
	Statements []string
}

func viewPolicies(ps []iam.Policy) []policyView {
	var out []policyView
	for _, p := range ps {
		out = append(out, viewPolicy(p))
	}
	return out
}

func viewPolicy(p iam.Policy) policyView {
	v := policyView{Name: p.Name, Pos: p.Pos.String(), Origin: p.Origin}
	for _, s := range p.Statements {
		v.Statements = append(v.Statements, statementText(s))
	}
	return v
}

// statementText renders a statement as `Allow s3:GetObject on *`; a value
// known only at deployment is marked with a ~, a NotAction or NotResource is
// written as such, and the position of the statement comes last.
func statementText(s iam.Statement) string {
	strs := func(l []iam.Str) string {
		var parts []string
		for _, x := range l {
			if x.Intrinsic {
				parts = append(parts, "~"+x.Value)
			} else {
				parts = append(parts, x.Value)
			}
		}
		return strings.Join(parts, ",")
	}
	var b strings.Builder
	b.WriteString(s.Effect.Value)
	if s.HasNotAction {
		b.WriteString(" not " + strs(s.NotAction))
	} else {
		b.WriteString(" " + strs(s.Action))
	}
	if s.HasNotResource {
		b.WriteString(" on not " + strs(s.NotResource))
	} else if len(s.Resource) > 0 {
		b.WriteString(" on " + strs(s.Resource))
	}
	for _, p := range s.Principal {
		b.WriteString(" for " + p.Kind + ":" + p.Value.Value)
	}
	if s.HasCondition {
		b.WriteString(" if")
	}
	fmt.Fprintf(&b, " @%d:%d", s.Pos.Line, s.Pos.Column)
	return b.String()
}

// samTemplateView is a SAMTemplateRef for a test to compare: its
// arguments as `Name@line:col "value"@line:col ...` (~ marks a value known
// only at deployment, "not given" a branch without it), its policy's
// statements as statementText writes them, with the number of their
// actions (the template's data, verbatim) in their place.
type samTemplateView struct {
	Name, Pos, Origin string
	Args              []string
	Statements        []string
}

func viewSAMTemplates(refs []SAMTemplateRef) []samTemplateView {
	var out []samTemplateView
	for _, r := range refs {
		v := samTemplateView{Name: r.Name, Pos: r.Pos.String(), Origin: r.Origin}
		for _, k := range slices.Sorted(maps.Keys(r.Args)) {
			a := r.Args[k]
			text := fmt.Sprintf("%s@%d:%d", k, a.Pos.Line, a.Pos.Column)
			for _, x := range a.Values {
				mark := ""
				if x.Intrinsic {
					mark = "~"
				}
				text += fmt.Sprintf(" %s%q@%d:%d", mark, x.Value, x.Pos.Line, x.Pos.Column)
			}
			if a.NotGiven {
				text += " not given"
			}
			v.Args = append(v.Args, text)
		}
		if r.Policy.Name != "SAM policy template "+r.Name || r.Policy.Origin != r.Origin || r.Policy.Pos != r.Pos {
			v.Statements = append(v.Statements, fmt.Sprintf("policy %q of %s at %s", r.Policy.Name, r.Policy.Origin, r.Policy.Pos))
		}
		for _, s := range r.Policy.Statements {
			s.Action = []iam.Str{{Value: fmt.Sprintf("%d-actions", len(s.Action))}}
			v.Statements = append(v.Statements, statementText(s))
		}
		out = append(out, v)
	}
	return out
}

const samPoliciesTemplate = `Transform: AWS::Serverless-2016-10-31
Conditions:
  IsProd: !Equals [!Ref AWS::StackName, prod]
Resources:
  MP:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: sqs:SendMessage, Resource: "*"}
  Queue: {Type: AWS::SQS::Queue}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - AWSLambdaExecute
        - arn:aws:iam::aws:policy/ReadOnlyAccess
        - !Ref MP
        - !Sub arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess
        - !ImportValue shared-policy
        - S3ReadPolicy: {BucketName: !If [IsProd, "*", my-bucket]}
        - SQSPollerPolicy: {QueueName: !GetAtt Queue.QueueName}
        - DynamoDBStreamReadPolicy: {TableName: t, StreamName: s}
        - Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: "*"
        - NotATemplate: {}
        - !If [IsProd, AWSXrayWriteOnlyAccess, !Ref AWS::NoValue]
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
`

// TestSAMPolicies reads every kind of entry of SAM Policies into the role
// SAM builds for the function.
func TestSAMPolicies(t *testing.T) {
	fn := function(t, build(t, samPoliciesTemplate, nil), "Fn")
	if len(fn.Roles) != 1 {
		t.Fatalf("%d role uses, want 1", len(fn.Roles))
	}
	use := fn.Roles[0]
	if got, want := viewRoles(fn.Roles), []roleView{{Pos: at(12, 3), Kind: RoleTemplate, ID: "FnRole"}}; !cmp.Equal(got, want) {
		t.Errorf("role use differs (-want +got):\n%s", cmp.Diff(want, got))
	}
	role := use.Role
	if role.Pos != at(12, 3) {
		t.Errorf("role at %s, want the function %s", role.Pos, at(12, 3))
	}
	wantPolicies := []policyView{
		{Name: "managed policy MP", Pos: "t.yaml:9:9", Origin: "MP", Statements: []string{"Allow sqs:SendMessage on * @10:13"}},
		{Name: "inline policy of Fn", Pos: "t.yaml:24:11", Origin: "Fn", Statements: []string{"Allow s3:GetObject on * @25:15"}},
	}
	if diff := cmp.Diff(wantPolicies, viewPolicies(role.Policies)); diff != "" {
		t.Errorf("Policies differ (-want +got):\n%s", diff)
	}
	wantManaged := []ManagedRef{
		{ARN: "AWSLambdaExecute", Pos: at(16, 11), Origin: "Fn"},
		{ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess", Pos: at(17, 11), Origin: "Fn"},
		// The partition does not change which policy an ARN names.
		{ARN: "arn:aws:iam::aws:policy/PowerUserAccess", Pos: at(19, 11), Origin: "Fn"},
		{ARN: "!ImportValue shared-policy", Intrinsic: true, Pos: at(20, 11), Origin: "Fn"},
		{ARN: "AWSXrayWriteOnlyAccess", Pos: at(29, 24), Origin: "Fn", When: "when IsProd is true"},
	}
	if diff := cmp.Diff(wantManaged, role.Managed); diff != "" {
		t.Errorf("Managed differ (-want +got):\n%s", diff)
	}
	// The statements SAM writes, with the parameters in place, read like
	// any statement of the template: every branch of a parameter's Fn::If,
	// the pseudo parameters as what they are, known only at deployment.
	wantTemplates := []samTemplateView{
		{Name: "S3ReadPolicy", Pos: "t.yaml:21:11", Origin: "Fn", Args: []string{`BucketName@21:38 "*"@21:51 "my-bucket"@21:56`},
			Statements: []string{"Allow 5-actions on ~arn:${AWS::Partition}:s3:::*,~arn:${AWS::Partition}:s3:::my-bucket,~arn:${AWS::Partition}:s3:::*/*,~arn:${AWS::Partition}:s3:::my-bucket/* @21:11"}},
		{Name: "SQSPollerPolicy", Pos: "t.yaml:22:11", Origin: "Fn", Args: []string{`QueueName@22:40 ~"${Queue.QueueName}"@22:40`},
			Statements: []string{"Allow 6-actions on ~arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Queue.QueueName} @22:11"}},
		{Name: "DynamoDBStreamReadPolicy", Pos: "t.yaml:23:11", Origin: "Fn", Args: []string{`StreamName@23:64 "s"@23:64`, `TableName@23:49 "t"@23:49`},
			Statements: []string{
				"Allow 3-actions on ~arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/t/stream/s @23:11",
				"Allow 1-actions on ~arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/t/stream/* @23:11"}},
	}
	if diff := cmp.Diff(wantTemplates, viewSAMTemplates(role.SAMTemplates)); diff != "" {
		t.Errorf("SAMTemplates differ (-want +got):\n%s", diff)
	}
	wantProblems := []iam.Problem{{Pos: at(28, 11), Severity: iam.Error, Kind: iam.KindSAMTemplate, Origin: "Fn",
		Message: "NotATemplate is not a SAM policy template; SAM rejects the template. Check the name against the SAM policy template list"}}
	if diff := cmp.Diff(wantProblems, role.Problems); diff != "" {
		t.Errorf("Problems differ (-want +got):\n%s", diff)
	}
	if role.Trust == nil {
		t.Fatal("no trust policy")
	}
	wantTrust := policyView{Name: "trust policy (AssumeRolePolicyDocument) of Fn", Pos: "t.yaml:30:7", Origin: "Fn",
		Statements: []string{"Allow sts:AssumeRole for Service:lambda.amazonaws.com @32:13"}}
	if diff := cmp.Diff(wantTrust, viewPolicy(*role.Trust)); diff != "" {
		t.Errorf("Trust differs (-want +got):\n%s", diff)
	}
}

// TestSAMTemplateBranches: a SAM policy template is read once, with every
// value its parameters' Fn::If branches give them in its statements, as the
// translation has them; once per branch of an Fn::If around the parameters.
func TestSAMTemplateBranches(t *testing.T) {
	const head = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
`
	type use struct {
		Args      []string // the values of each argument, by name
		Resources []string // of every statement, in order, shortened by short
	}
	short := strings.NewReplacer("arn:${AWS::Partition}:s3:::", "s3:", "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:", "ddb:")
	cases := []struct {
		name string
		body string
		want []use
	}{
		{"one parameter, two branches", "        - S3ReadPolicy: {BucketName: !If [A, \"*\", b]}\n",
			[]use{{[]string{"BucketName=*,b"}, []string{"~s3:*", "~s3:b", "~s3:*/*", "~s3:b/*"}}}},
		{"two parameters, each two branches", "        - DynamoDBStreamReadPolicy: {TableName: !If [A, t1, t2], StreamName: !If [B, s1, s2]}\n",
			[]use{{[]string{"StreamName=s1,s2", "TableName=t1,t2"}, []string{
				"~ddb:table/t1/stream/s1", "~ddb:table/t2/stream/s1", "~ddb:table/t1/stream/s2", "~ddb:table/t2/stream/s2",
				"~ddb:table/t1/stream/*", "~ddb:table/t2/stream/*"}}}},
		{"nested If", "        - S3ReadPolicy: {BucketName: !If [A, !If [B, b1, b2], b3]}\n",
			[]use{{[]string{"BucketName=b1,b2,b3"}, []string{"~s3:b1", "~s3:b2", "~s3:b3", "~s3:b1/*", "~s3:b2/*", "~s3:b3/*"}}}},
		{"a parameter that is AWS::NoValue is not given", "        - S3ReadPolicy: {BucketName: !Ref AWS::NoValue}\n",
			[]use{{}}},
		{"If on the parameters map", "        - S3ReadPolicy: !If [A, {BucketName: b1}, {BucketName: b2}]\n",
			[]use{{[]string{"BucketName=b1"}, []string{"~s3:b1", "~s3:b1/*"}}, {[]string{"BucketName=b2"}, []string{"~s3:b2", "~s3:b2/*"}}}},
		{"If on the entry", "        - !If [A, {S3ReadPolicy: {BucketName: b1}}, {S3CrudPolicy: {BucketName: b2}}]\n",
			[]use{{[]string{"BucketName=b1"}, []string{"~s3:b1", "~s3:b1/*"}}, {[]string{"BucketName=b2"}, []string{"~s3:b2", "~s3:b2/*"}}}},
		{"a template without parameters", "        - EC2DescribePolicy: {}\n",
			[]use{{nil, []string{"*"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := function(t, build(t, head+c.body, nil), "Fn")
			var got []use
			for _, ref := range fn.Roles[0].Role.SAMTemplates {
				var u use
				for _, k := range slices.Sorted(maps.Keys(ref.Args)) {
					var vs []string
					for _, v := range ref.Args[k].Values {
						vs = append(vs, v.Value)
					}
					u.Args = append(u.Args, k+"="+strings.Join(vs, ","))
				}
				for _, st := range ref.Policy.Statements {
					for _, r := range st.Resource {
						if r.Intrinsic {
							u.Resources = append(u.Resources, "~"+short.Replace(r.Value))
						} else {
							u.Resources = append(u.Resources, short.Replace(r.Value))
						}
					}
				}
				got = append(got, u)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("SAM template uses differ (-want +got):\n%s", diff)
			}
			if len(fn.Unchecked) > 0 {
				t.Errorf("Unchecked: %v", fn.Unchecked)
			}
		})
	}
	t.Run("too many combinations", func(t *testing.T) {
		// 17 values for each of two parameters: 289 stream ARNs.
		leaves := func(name string) string {
			s := name + "16"
			for i := 15; i >= 0; i-- {
				s = fmt.Sprintf("!If [%s%d, %s%d, %s]", name, i, name, i, s)
			}
			return s
		}
		body := fmt.Sprintf("        - DynamoDBStreamReadPolicy: {TableName: %s, StreamName: %s}\n", leaves("t"), leaves("s"))
		fn := function(t, build(t, head+body, nil), "Fn")
		if got := len(fn.Roles[0].Role.SAMTemplates); got != 1 {
			t.Errorf("%d SAM template uses, want 1", got)
		}
		want := []Unchecked{{Pos: at(3, 3), Message: "Policies.DynamoDBStreamReadPolicy of Fn has more than 256 Fn::If combinations; lambdagate checks every branch and cannot check these, so Fn is not verified. Use fewer nested or listed Fn::If on it (one condition that combines the others with Fn::And/Fn::Or)"}}
		if diff := cmp.Diff(want, fn.Unchecked); diff != "" {
			t.Errorf("Unchecked differs (-want +got):\n%s", diff)
		}
	})
}

// TestSAMRoles: the role a SAM function runs with, on every branch of Role
// and Policies.
func TestSAMRoles(t *testing.T) {
	const head = `Transform: AWS::Serverless-2016-10-31
Resources:
  R:
    Type: AWS::IAM::Role
  Fn:
    Type: AWS::Serverless::Function
    Properties:
`
	fnAt := at(5, 3)
	cases := []struct {
		name string
		body string
		want []roleView
		// managed lists the Managed ARNs of each use's role, and inline
		// the number of its Policies; nil to skip.
		managed [][]string
		inline  []int
	}{
		{name: "neither Role nor Policies: the basic execution role", body: "      Handler: app.handler\n",
			want: []roleView{{Pos: fnAt, Kind: RoleSAMDefault, ID: "FnRole"}}},
		{name: "Policies: AWS::NoValue", body: "      Policies: !Ref AWS::NoValue\n",
			want: []roleView{{Pos: fnAt, Kind: RoleSAMDefault, ID: "FnRole"}}},
		{name: "Role wins over Policies", body: "      Role: !GetAtt R.Arn\n      Policies: [AdministratorAccess]\n",
			want: []roleView{{Expr: "!GetAtt R.Arn", Pos: at(8, 13), Kind: RoleTemplate, ID: "R"}}},
		{name: "a single managed policy name", body: "      Policies: AWSLambdaExecute\n",
			want:    []roleView{{Pos: fnAt, Kind: RoleTemplate, ID: "FnRole"}},
			managed: [][]string{{"AWSLambdaExecute"}}, inline: []int{0}},
		{name: "a single inline document", body: "      Policies:\n        Statement: [{Effect: Allow, Action: s3:GetObject, Resource: \"*\"}]\n",
			want:    []roleView{{Pos: fnAt, Kind: RoleTemplate, ID: "FnRole"}},
			managed: [][]string{nil}, inline: []int{1}},
		{name: "an empty list is a role with nothing", body: "      Policies: []\n",
			want:    []roleView{{Pos: fnAt, Kind: RoleTemplate, ID: "FnRole"}},
			managed: [][]string{nil}, inline: []int{0}},
		{name: "AssumeRolePolicyDocument without Policies", body: "      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: lambda.amazonaws.com}}]}\n",
			want:    []roleView{{Pos: fnAt, Kind: RoleTemplate, ID: "FnRole"}},
			managed: [][]string{nil}, inline: []int{0}},
		{name: "If on Policies", body: "      Policies: !If [A, [AWSLambdaExecute], !Ref AWS::NoValue]\n",
			want: []roleView{
				{Pos: fnAt, When: "when A is true", Kind: RoleTemplate, ID: "FnRole"},
				{Pos: fnAt, When: "when A is false", Kind: RoleSAMDefault, ID: "FnRole"},
			},
			managed: [][]string{{"AWSLambdaExecute"}, nil}, inline: []int{0, 0}},
		{name: "If on Role, Policies on the other branch", body: "      Role: !If [A, !GetAtt R.Arn, !Ref AWS::NoValue]\n      Policies: [AWSLambdaExecute]\n",
			want: []roleView{
				{Expr: "!GetAtt R.Arn", Pos: at(8, 21), When: "when A is true", Kind: RoleTemplate, ID: "R"},
				{Pos: fnAt, When: "when A is false", Kind: RoleTemplate, ID: "FnRole"},
			}},
		{name: "If on Role and Policies on one condition", body: "      Role: !If [A, !GetAtt R.Arn, !Ref AWS::NoValue]\n      Policies: !If [A, [AdministratorAccess], [AWSLambdaExecute]]\n",
			want: []roleView{
				{Expr: "!GetAtt R.Arn", Pos: at(8, 21), When: "when A is true", Kind: RoleTemplate, ID: "R"},
				{Pos: fnAt, When: "when A is false", Kind: RoleTemplate, ID: "FnRole"},
			},
			managed: [][]string{nil, {"AWSLambdaExecute"}}},
		{name: "If on Role and Policies on two conditions", body: "      Role: !If [A, !GetAtt R.Arn, !Ref AWS::NoValue]\n      Policies: !If [B, [AdministratorAccess], [AWSLambdaExecute]]\n",
			want: []roleView{
				{Expr: "!GetAtt R.Arn", Pos: at(8, 21), When: "when A is true", Kind: RoleTemplate, ID: "R"},
				{Pos: fnAt, When: "when A is false and B is true", Kind: RoleTemplate, ID: "FnRole"},
				{Pos: fnAt, When: "when A is false and B is false", Kind: RoleTemplate, ID: "FnRole"},
			},
			managed: [][]string{nil, {"AdministratorAccess"}, {"AWSLambdaExecute"}}},
		{name: "Fn::If items of Policies are read together", body: "      Policies:\n        - !If [A, AdministratorAccess, AWSLambdaExecute]\n        - !If [A, !Ref AWS::NoValue, AWSXrayWriteOnlyAccess]\n",
			want:    []roleView{{Pos: fnAt, Kind: RoleTemplate, ID: "FnRole"}},
			managed: [][]string{{"AdministratorAccess", "AWSLambdaExecute", "AWSXrayWriteOnlyAccess"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := head + c.body
			fn := function(t, build(t, src, nil), "Fn")
			if diff := cmp.Diff(c.want, viewRoles(fn.Roles)); diff != "" {
				t.Fatalf("roles differ (-want +got):\n%s\ntemplate:\n%s", diff, numbered(src))
			}
			for i, u := range fn.Roles {
				if c.managed != nil && u.Role.ID == "FnRole" {
					var arns []string
					for _, m := range u.Role.Managed {
						arns = append(arns, m.ARN)
					}
					if diff := cmp.Diff(c.managed[i], arns, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("use %d: Managed differ (-want +got):\n%s", i, diff)
					}
				}
				if c.inline != nil && len(u.Role.Policies) != c.inline[i] {
					t.Errorf("use %d: %d policies, want %d", i, len(u.Role.Policies), c.inline[i])
				}
			}
		})
	}
}
