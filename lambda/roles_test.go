package lambda

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/source"
)

// roleHead is the template every role case is written into: the function
// Fn is at line 18, and the case's Role value at line 21, column 13.
const roleHead = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  RoleArn: {Type: String}
Conditions:
  IsProd: !Equals [!Ref AWS::StackName, prod]
Resources:
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: fn-role
  NamedRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${AWS::StackName}-named"
  Queue:
    Type: AWS::SQS::Queue
  Unused: {Type: AWS::SNS::Topic}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: %s
`

// roleView is what a RoleUse says about its role.
type roleView struct {
	Expr     string
	Pos      source.Pos
	When     string
	Kind     RoleKind
	ID       string
	SameName string
	Nil      bool // no role at all
}

func viewRoles(uses []RoleUse) []roleView {
	var out []roleView
	for _, u := range uses {
		v := roleView{Expr: u.Expr, Pos: u.Pos, When: u.When, Nil: u.Role == nil}
		if u.Role != nil {
			v.Kind, v.ID, v.SameName = u.Role.Kind, u.Role.ID, u.Role.SameName
		}
		out = append(out, v)
	}
	return out
}

func TestRoleUses(t *testing.T) {
	value := at(21, 13)
	// inTemplate is the use of the template role id, written as expr;
	// unresolved the use of a role known only by its text.
	inTemplate := func(expr, id string) []roleView {
		return []roleView{{Expr: expr, Pos: value, Kind: RoleTemplate, ID: id}}
	}
	unresolved := func(expr, id, sameName string) []roleView {
		return []roleView{{Expr: expr, Pos: value, Kind: RoleUnresolved, ID: id, SameName: sameName}}
	}
	cases := []struct {
		name   string
		role   string
		params map[string]string
		want   []roleView
	}{
		{"GetAtt", "!GetAtt FnRole.Arn", nil, inTemplate("!GetAtt FnRole.Arn", "FnRole")},
		{"long-form GetAtt", `{"Fn::GetAtt": [FnRole, Arn]}`, nil, inTemplate("!GetAtt FnRole.Arn", "FnRole")},
		{"Ref", "!Ref FnRole", nil, inTemplate("!Ref FnRole", "FnRole")},
		{"Sub of the ARN attribute", `!Sub "${FnRole.Arn}"`, nil, inTemplate("!Sub ${FnRole.Arn}", "FnRole")},
		{"Sub of an ARN built from the name", `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${FnRole}"`, nil,
			inTemplate("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${FnRole}", "FnRole")},
		{"Sub of an ARN with a path", `!Sub "arn:aws:iam::${AWS::AccountId}:role/service/${FnRole}"`, nil,
			inTemplate("!Sub arn:aws:iam::${AWS::AccountId}:role/service/${FnRole}", "FnRole")},
		{"Sub with a variable bound to the ARN", `!Sub ["${R}", {R: !GetAtt FnRole.Arn}]`, nil,
			inTemplate("!Sub [${R}, {R: !GetAtt FnRole.Arn}]", "FnRole")},
		{"Join of an ARN built from the name", `!Join ["", ["arn:", !Ref AWS::Partition, ":iam::", !Ref AWS::AccountId, ":role/", !Ref FnRole]]`, nil,
			inTemplate(`!Join ["", [arn:, !Ref AWS::Partition, :iam::, !Ref AWS::AccountId, :role/, !Ref FnRole]]`, "FnRole")},
		{"Join of the ARN attribute", `!Join ["", [!GetAtt FnRole.Arn]]`, nil,
			inTemplate(`!Join ["", [!GetAtt FnRole.Arn]]`, "FnRole")},
		{"own account by RoleName, Sub", `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn-role"`, nil,
			inTemplate("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn-role", "FnRole")},
		{"own account by RoleName, Join", `!Join [":", [arn, !Ref AWS::Partition, iam, "", !Ref AWS::AccountId, role/fn-role]]`, nil,
			inTemplate(`!Join [:, [arn, !Ref AWS::Partition, iam, "", !Ref AWS::AccountId, role/fn-role]]`, "FnRole")},

		// Text around the role's name makes it another role.
		{"Sub with text after the name", `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${FnRole}-admin"`, nil,
			unresolved("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${FnRole}-admin", "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${FnRole}-admin", "")},
		{"Sub with text before the name", `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x-${FnRole}"`, nil,
			unresolved("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x-${FnRole}", "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x-${FnRole}", "")},
		{"Sub with text after the ARN", `!Sub "${FnRole.Arn}-admin"`, nil,
			unresolved("!Sub ${FnRole.Arn}-admin", "!Sub ${FnRole.Arn}-admin", "")},
		{"Join with text after the ARN", `!Join ["", [!GetAtt FnRole.Arn, "-admin"]]`, nil,
			unresolved(`!Join ["", [!GetAtt FnRole.Arn, -admin]]`, `!Join ["", [!GetAtt FnRole.Arn, -admin]]`, "")},
		{"own account, another name", `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn-role-admin"`, nil,
			unresolved("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn-role-admin", "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn-role-admin", "")},
		// In one stack, ${AWS::StackName} is the same in the ARN and in the
		// RoleName (issue 10 review 2, R8).
		{"own account, a RoleName that is an intrinsic", `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-named"`, nil,
			inTemplate("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-named", "NamedRole")},
		{"own account, a RoleName that is an intrinsic, by Join", `!Join ["", ["arn:", !Ref AWS::Partition, ":iam::", !Ref AWS::AccountId, ":role/", !Ref AWS::StackName, -named]]`, nil,
			inTemplate(`!Join ["", [arn:, !Ref AWS::Partition, :iam::, !Ref AWS::AccountId, :role/, !Ref AWS::StackName, -named]]`, "NamedRole")},
		{"own account, another stack's role", `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Other}-named"`, nil,
			unresolved("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Other}-named", "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Other}-named", "")},
		{"a literal account may be another one", "arn:aws:iam::111122223333:role/fn-role", nil,
			unresolved("arn:aws:iam::111122223333:role/fn-role", "arn:aws:iam::111122223333:role/fn-role", "FnRole")},
		{"Sub of a literal account", `!Sub "arn:${AWS::Partition}:iam::111122223333:role/fn-role"`, nil,
			unresolved("!Sub arn:${AWS::Partition}:iam::111122223333:role/fn-role", "!Sub arn:${AWS::Partition}:iam::111122223333:role/fn-role", "FnRole")},
		{"a literal ARN of another name", "arn:aws:iam::111122223333:role/other", nil,
			unresolved("arn:aws:iam::111122223333:role/other", "arn:aws:iam::111122223333:role/other", "")},
		{"a parameter", "!Ref RoleArn", nil, unresolved("!Ref RoleArn", "!Ref RoleArn", "")},
		{"a given parameter is its value", "!Ref RoleArn", map[string]string{"RoleArn": "arn:aws:iam::111122223333:role/fn-role"},
			unresolved("!Ref RoleArn", "arn:aws:iam::111122223333:role/fn-role", "FnRole")},
		{"an import", "!ImportValue shared-role", nil, unresolved("!ImportValue shared-role", "!ImportValue shared-role", "")},
		{"GetAtt of another type", "!GetAtt Queue.Arn", nil, unresolved("!GetAtt Queue.Arn", "!GetAtt Queue.Arn", "")},
		{"GetAtt of nothing", "!GetAtt Missing.Arn", nil, unresolved("!GetAtt Missing.Arn", "!GetAtt Missing.Arn", "")},
		{"If", "!If [IsProd, !GetAtt FnRole.Arn, arn:aws:iam::111122223333:role/other]", nil, []roleView{
			{Expr: "!GetAtt FnRole.Arn", Pos: at(21, 26), When: "when IsProd is true", Kind: RoleTemplate, ID: "FnRole"},
			{Expr: "arn:aws:iam::111122223333:role/other", Pos: at(21, 46), When: "when IsProd is false", Kind: RoleUnresolved, ID: "arn:aws:iam::111122223333:role/other"},
		}},
		{"If with no role on a branch", "!If [IsProd, !GetAtt FnRole.Arn, !Ref AWS::NoValue]", nil, []roleView{
			{Expr: "!GetAtt FnRole.Arn", Pos: at(21, 26), When: "when IsProd is true", Kind: RoleTemplate, ID: "FnRole"},
			{Pos: at(18, 3), When: "when IsProd is false", Nil: true},
		}},
		{"absent", "!Ref AWS::NoValue", nil, []roleView{{Pos: at(18, 3), Nil: true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := fmt.Sprintf(roleHead, c.role)
			fn := function(t, build(t, src, c.params), "Fn")
			if diff := cmp.Diff(c.want, viewRoles(fn.Roles)); diff != "" {
				t.Errorf("roles differ (-want +got):\n%s\ntemplate:\n%s", diff, numbered(src))
			}
		})
	}
}

// roleTemplate has a role with every way of granting it permissions, and a
// few functions that reach it by different expressions.
const roleTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  IsProd: !Equals [!Ref AWS::StackName, prod]
Resources:
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: fn-role
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Action: sts:AssumeRole, Principal: {Service: lambda.amazonaws.com}}
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: [logs:CreateLogStream, logs:PutLogEvents], Resource: "*"}
        - PolicyName: nodoc
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess
        - !Sub arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess
        - !Join ["", ["arn:", !Ref AWS::Partition, ":iam::aws:policy/PowerUserAccess"]]
        - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/mine
        - !Ref ByRef
        - !GetAtt ByAtt.PolicyArn
        - !If [IsProd, !Ref AWS::NoValue, arn:aws:iam::aws:policy/AdministratorAccess]
  NamedRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${AWS::StackName}-named"
  ByRef:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]}
  ByAtt:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}
  AttachedByRef:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      Roles: [!Ref FnRole]
      PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  AttachedByName:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [fn-role]
      PolicyDocument: {Statement: [{Effect: Allow, Action: s3:PutObject, Resource: "*"}]}
  RolePolicy:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref FnRole
      PolicyName: rp
      PolicyDocument: {Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: "*"}]}
  AttachedNoDoc:
    Type: AWS::IAM::Policy
    Properties:
      Roles: [!If [IsProd, !Ref FnRole, !Ref AWS::NoValue]]
  AttachedToNamed:
    Type: AWS::IAM::Policy
    Properties:
      Roles: [!Sub "${AWS::StackName}-named"]
      PolicyDocument: {Statement: [{Effect: Allow, Action: kms:Decrypt, Resource: "*"}]}
  AttachedElsewhere:
    Type: AWS::IAM::Policy
    Properties:
      Roles: [other-role, !Ref NamedRole]
      PolicyDocument: {Statement: [{Effect: Allow, Action: "ec2:*", Resource: "*"}]}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt FnRole.Arn
  ByName:
    Type: AWS::Lambda::Function
    Properties:
      Role: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn-role"
  Named:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt NamedRole.Arn
  External:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::111122223333:role/external
  AlsoExternal:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::111122223333:role/external
`

// TestTemplateRole reads everything that grants a role of the template
// permissions, with where each was written.
func TestTemplateRole(t *testing.T) {
	fns := build(t, roleTemplate, nil)
	role := function(t, fns, "Fn").Roles[0].Role
	if role.Kind != RoleTemplate || role.ID != "FnRole" || role.Pos != at(5, 3) {
		t.Errorf("role is %v %s at %s, want a template role FnRole at %s", role.Kind, role.ID, role.Pos, at(5, 3))
	}
	wantPolicies := []policyView{
		{Name: `inline policy "logs" of role FnRole`, Pos: "t.yaml:15:13", Origin: "FnRole", Statements: []string{"Allow logs:CreateLogStream,logs:PutLogEvents on * @16:17"}},
		{Name: "managed policy ByRef", Pos: "t.yaml:33:23", Origin: "ByRef", Statements: []string{"Allow sqs:SendMessage on * @33:36"}},
		{Name: "managed policy ByAtt", Pos: "t.yaml:37:23", Origin: "ByAtt", Statements: []string{"Allow sns:Publish on * @37:36"}},
		{Name: "policy AttachedByRef attached to role FnRole", Pos: "t.yaml:43:23", Origin: "AttachedByRef", Statements: []string{"Allow s3:GetObject on * @43:36"}},
		{Name: "managed policy AttachedByName attached to role FnRole", Pos: "t.yaml:48:23", Origin: "AttachedByName", Statements: []string{"Allow s3:PutObject on * @48:36"}},
		{Name: "policy RolePolicy attached to role FnRole", Pos: "t.yaml:54:23", Origin: "RolePolicy", Statements: []string{"Allow dynamodb:GetItem on * @54:36"}},
	}
	if diff := cmp.Diff(wantPolicies, viewPolicies(role.Policies)); diff != "" {
		t.Errorf("Policies differ (-want +got):\n%s", diff)
	}
	wantManaged := []ManagedRef{
		{ARN: "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", Pos: at(19, 11), Origin: "FnRole"},
		{ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess", Pos: at(20, 11), Origin: "FnRole"},
		{ARN: "arn:aws:iam::aws:policy/PowerUserAccess", Pos: at(21, 11), Origin: "FnRole"},
		{ARN: "arn:aws:iam::${AWS::AccountId}:policy/mine", Intrinsic: true, Pos: at(22, 11), Origin: "FnRole"},
		{ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Pos: at(25, 43), Origin: "FnRole", When: "when IsProd is false"},
	}
	if diff := cmp.Diff(wantManaged, role.Managed); diff != "" {
		t.Errorf("Managed differ (-want +got):\n%s", diff)
	}
	wantProblems := []iam.Problem{
		{Pos: at(17, 11), Severity: iam.Warning, Kind: iam.KindUnverified, Origin: "FnRole",
			Message: `inline policy "nodoc" of role FnRole has no PolicyDocument`},
		{Pos: at(55, 3), Severity: iam.Warning, Kind: iam.KindUnverified, Origin: "AttachedNoDoc",
			Message: "policy AttachedNoDoc attached to role FnRole has no PolicyDocument"},
	}
	if diff := cmp.Diff(wantProblems, role.Problems); diff != "" {
		t.Errorf("Problems differ (-want +got):\n%s", diff)
	}
	wantTrust := policyView{Name: "trust policy of role FnRole", Pos: "t.yaml:9:7", Origin: "FnRole",
		Statements: []string{"Allow sts:AssumeRole for Service:lambda.amazonaws.com @11:13"}}
	if role.Trust == nil {
		t.Fatal("no trust policy")
	}
	if diff := cmp.Diff(wantTrust, viewPolicy(*role.Trust)); diff != "" {
		t.Errorf("Trust differs (-want +got):\n%s", diff)
	}

	t.Run("a RoleName written as an intrinsic", func(t *testing.T) {
		named := function(t, fns, "Named").Roles[0].Role
		want := []policyView{
			{Name: "policy AttachedToNamed attached to role NamedRole", Pos: "t.yaml:63:23", Origin: "AttachedToNamed", Statements: []string{"Allow kms:Decrypt on * @63:36"}},
			{Name: "policy AttachedElsewhere attached to role NamedRole", Pos: "t.yaml:68:23", Origin: "AttachedElsewhere", Statements: []string{"Allow ec2:* on * @68:36"}},
		}
		if diff := cmp.Diff(want, viewPolicies(named.Policies)); diff != "" {
			t.Errorf("Policies differ (-want +got):\n%s", diff)
		}
		if named.Trust != nil || len(named.Managed) > 0 || len(named.Problems) > 0 {
			t.Errorf("NamedRole has a trust policy, managed policies or problems: %+v", named)
		}
	})
	t.Run("one Role value per role", func(t *testing.T) {
		if got := function(t, fns, "ByName").Roles[0].Role; got != role {
			t.Errorf("ByName's role is %p (%s), want Fn's %p: a role is read once and shared", got, got.ID, role)
		}
		ext, also := function(t, fns, "External").Roles[0].Role, function(t, fns, "AlsoExternal").Roles[0].Role
		if ext != also {
			t.Errorf("two uses of one external ARN are two roles")
		}
		if ext.Kind != RoleUnresolved || ext == role {
			t.Errorf("the external role is %v %s", ext.Kind, ext.ID)
		}
		if len(role.Policies) != len(wantPolicies) {
			t.Errorf("the shared role has %d policies, want %d: it was read more than once", len(role.Policies), len(wantPolicies))
		}
	})
}
