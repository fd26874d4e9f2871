package lambda

// Each test of this file pins a bug found while writing the model's unit
// tests, with what the model says now that it is fixed.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/iam"
)

// TestGivenParameterCanBeEmpty: when the configuration gives a parameter
// a non-empty value, the control is judged on that value (State Literal),
// yet Param.CanBeEmpty stays true, so kms-key and security-groups still warn
// that the parameter "can be deployed empty" although the configuration says
// what will be deployed. active-tracing looks at Param.Given; the other two
// do not. Either Param.CanBeEmpty should be false for a given non-empty
// value (or Param left nil), or the checks should skip a given parameter.
func TestGivenParameterCanBeEmpty(t *testing.T) {
	const arn = "arn:aws:kms:eu-west-1:111122223333:key/1"
	cases := []struct {
		name   string
		body   string
		params map[string]string
		get    func(*Function) []Setting
	}{
		{"KmsKeyArn", "      KmsKeyArn: !Ref KeyEmpty\n", map[string]string{"KeyEmpty": arn},
			func(f *Function) []Setting { return f.KmsKey }},
		{"SecurityGroupIds", "      VpcConfig:\n        SecurityGroupIds: !Ref Sgs\n", map[string]string{"Sgs": "sg-1,sg-2"},
			func(f *Function) []Setting { return f.SecurityGroups }},
		{"an item of SecurityGroupIds", "      VpcConfig:\n        SecurityGroupIds: [!Ref Sg]\n", map[string]string{"Sg": "sg-9"},
			func(f *Function) []Setting { return f.SecurityGroups }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := fmt.Sprintf(settingHead, cfnFirst, TypeLambda) + c.body
			for _, s := range c.get(function(t, build(t, src, c.params), "Fn")) {
				if s.State != Literal {
					t.Errorf("state %v, want literal: the given value is judged", s.State)
				}
				if s.Param != nil && s.Param.CanBeEmpty {
					t.Errorf("parameter %s given %q still CanBeEmpty: the checks warn that it can be deployed empty", s.Param.Name, s.Param.Value)
				}
			}
		})
	}
}

// TestGlobalsNoValueBranch: an Fn::If written in Globals.Function is read
// on the function with Globals set and Pos on the function for its present
// branch, but its AWS::NoValue branch has no Globals and lands on the key in
// the Globals section: the finding for that branch does not say it comes
// from Globals, and lands apart from the other branch's. setting() checks
// FromGlobals on f.Parent (the merged properties) only, not on f.Key.Value.
func TestGlobalsNoValueBranch(t *testing.T) {
	const src = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    KmsKeyArn: !If [IsProd, !GetAtt Key.Arn, !Ref AWS::NoValue]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
`
	got := function(t, build(t, src, nil), "Fn").KmsKey
	if len(got) != 2 {
		t.Fatalf("%d settings, want 2: %+v", len(got), got)
	}
	if got[0].Globals == "" || got[0].Pos != at(6, 3) {
		t.Fatalf("the present branch: Globals %q at %s; want set, on the function", got[0].Globals, got[0].Pos)
	}
	if got[1].Globals == "" || got[1].Pos != at(6, 3) {
		t.Errorf("the AWS::NoValue branch: Globals %q at %s; want set, on the function at %s like the other branch", got[1].Globals, got[1].Pos, at(6, 3))
	}
}

// TestJSONPolicyMessageRepeatsName: a policy document written as a JSON
// string that does not parse gives the message `<name>: <name>: the policy
// document is not JSON...`: iam.ParseJSON's error already starts with the
// name, and policyOf prefixes it again (the Fn::Sub branch trims it, the
// literal branch does not).
func TestJSONPolicyMessageRepeatsName(t *testing.T) {
	const name = `inline policy "p" of role R`
	for _, doc := range []string{`'{"Statement": [}'`, `'{"Version": "2012-10-17"}'`} {
		t.Run(doc, func(t *testing.T) {
			src := fmt.Sprintf(documentHead, doc)
			probs := function(t, build(t, src, nil), "Fn").Roles[0].Role.Problems
			if len(probs) != 1 {
				t.Fatalf("%d problems, want 1: %+v", len(probs), probs)
			}
			if n := strings.Count(probs[0].Message, name); n != 1 {
				t.Errorf("the message names the policy %d times, want once:\n%s", n, probs[0].Message)
			}
		})
	}
}

// TestSAMTemplateNoValueBranch: a SAM policy template parameter that is
// AWS::NoValue on one Fn::If branch is not given on that branch, and SAM
// rejects a template without its parameter. samTemplateRefs kept the
// not-given case only when every branch was AWS::NoValue (template.Leaves
// drops the AWS::NoValue branches), so the branch was lost and the missing
// parameter never reported (`BucketName: !Ref AWS::NoValue` alone was).
// Now the argument says it is not given there, and the check reports it.
func TestSAMTemplateNoValueBranch(t *testing.T) {
	const src = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - S3ReadPolicy: {BucketName: !If [IsProd, my-bucket, !Ref AWS::NoValue]}
`
	got := viewSAMTemplates(function(t, build(t, src, nil), "Fn").Roles[0].Role.SAMTemplates)
	want := []samTemplateView{{Name: "S3ReadPolicy", Pos: "t.yaml:7:11", Origin: "Fn",
		Args: []string{`BucketName@7:38 "my-bucket"@7:51 not given`},
		// The variable is AWS::NoValue on that branch, as in the translation.
		Statements: []string{"Allow 5-actions on ~arn:${AWS::Partition}:s3:::my-bucket,~arn:${AWS::Partition}:s3:::${bucketName},~arn:${AWS::Partition}:s3:::my-bucket/*,~arn:${AWS::Partition}:s3:::${bucketName}/* @7:11"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SAM template uses differ (-want +got):\n%s", diff)
	}
	ref := function(t, build(t, src, nil), "Fn").Roles[0].Role.SAMTemplates[0]
	probs, err := iam.CheckSAMTemplate(ref.Name, ref.Args, ref.Policy, ref.Pos)
	if err != nil || len(probs) != 1 || !strings.Contains(probs[0].Message, "needs the parameter BucketName") {
		t.Errorf("CheckSAMTemplate = %v, %v; want the missing BucketName", probs, err)
	}
}

// TestSAMGeneratedRoleAttachedPolicy: SAM names the role it creates for
// a function <Function>Role, and templates attach policies to it with
// `Roles: [!Ref FnRole]` (an AWS::IAM::Policy or ManagedPolicy). attachedTo
// only finds roles that are AWS::IAM::Role resources, so such a policy is
// in no Role: `Action: "*"` on `Resource: "*"` attached this way passes
// least-privilege-role without a finding.
func TestSAMGeneratedRoleAttachedPolicy(t *testing.T) {
	const src = `Transform: AWS::Serverless-2016-10-31
Resources:
  WithPolicies:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Policies: [AWSLambdaBasicExecutionRole]
  Default:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref WithPoliciesRole, !Ref DefaultRole]
      PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
`
	fns := build(t, src, nil)
	for _, id := range []string{"WithPolicies", "Default"} {
		t.Run(id, func(t *testing.T) {
			role := function(t, fns, id).Roles[0].Role
			var origins []string
			for _, p := range role.Policies {
				origins = append(origins, p.Origin)
			}
			if !strings.Contains(strings.Join(origins, " "), "Extra") {
				t.Errorf("role %s (%v) has policies from %v; want the policy Extra attached to it", role.ID, role.Kind, origins)
			}
		})
	}
}

// TestSubListRoleAttribute: `!Sub ["${FnRole.Arn}", {Other: x}]` is the
// role's ARN (the variable is not bound, so it is the attribute), but
// roleResource follows a list-form Sub only through a bound variable and
// gives up otherwise, so the role reads as unresolved and its policies are
// not checked.
func TestSubListRoleAttribute(t *testing.T) {
	src := fmt.Sprintf(roleHead, `!Sub ["${FnRole.Arn}", {Other: x}]`)
	role := function(t, build(t, src, nil), "Fn").Roles[0].Role
	if role.Kind != RoleTemplate || role.ID != "FnRole" {
		t.Errorf("role %v %q, want the template role FnRole", role.Kind, role.ID)
	}
}

// TestSubBoundVariableNamedLikeParameter: in `!Sub ["${KeyNoDefault}",
// {KeyNoDefault: !GetAtt Key.Arn}]` the variable is bound by the Sub, not
// the parameter of that name, but unresolved() reads the template's
// variables without the bindings and says "parameter KeyNoDefault has no
// default": with `unresolved: fail` that is a false error.
func TestSubBoundVariableNamedLikeParameter(t *testing.T) {
	src := fmt.Sprintf(settingHead, cfnFirst, TypeLambda) + "      KmsKeyArn: !Sub [\"${KeyNoDefault}\", {KeyNoDefault: !GetAtt Key.Arn}]\n"
	for _, s := range function(t, build(t, src, nil), "Fn").KmsKey {
		if s.Unresolved != "" {
			t.Errorf("Unresolved %q, want empty: the variable is bound to !GetAtt Key.Arn", s.Unresolved)
		}
	}
}
