package lambda

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/iam"
)

// documentHead is the template every policy document case is written into:
// the inline policy "p" of role R, whose PolicyDocument is at line 15,
// column 27.
const documentHead = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Doc: {Type: String}
  Bucket: {Type: String}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt R.Arn
  R:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument: %s
`

func TestPolicyDocuments(t *testing.T) {
	const name = `inline policy "p" of role R`
	doc := at(15, 27)
	cases := []struct {
		name       string
		doc        string
		statements []string
		problems   []iam.Problem
	}{
		{name: "a map", doc: `{Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}, {Effect: Deny, Action: [s3:DeleteObject, s3:PutObject], Resource: [a, b]}]}`,
			statements: []string{"Allow s3:GetObject on * @15:40", "Deny s3:DeleteObject,s3:PutObject on a,b @15:94"}},
		{name: "a single statement", doc: `{Statement: {Effect: Allow, Action: s3:GetObject, Resource: "*"}}`,
			statements: []string{"Allow s3:GetObject on * @15:39"}},
		{name: "Not forms and a condition", doc: `{Statement: [{Effect: Allow, NotAction: "iam:*", NotResource: arn:aws:s3:::b, Condition: {Bool: {aws:SecureTransport: "true"}}}]}`,
			statements: []string{"Allow not iam:* on not arn:aws:s3:::b if @15:40"}},
		{name: "intrinsic strings keep their literal parts", doc: `{Statement: [{Effect: Allow, Action: !Select [0, ["*"]], Resource: [!Sub "arn:aws:s3:::${Bucket}/*", !Sub "*", !Join ["", ["arn:aws:s3:::", !Ref Bucket]], !GetAtt Q.Arn]}]}`,
			statements: []string{"Allow * on ~arn:aws:s3:::${Bucket}/*,*,~arn:aws:s3:::${Bucket},~${Q.Arn} @15:40"}},
		{name: "If on the document reads both branches", doc: `!If [C, {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}, {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}]`,
			statements: []string{"Allow s3:* on * @15:48", "Allow s3:GetObject on * @15:111"}},
		{name: "If on statements and actions", doc: `{Statement: [{Effect: Allow, Action: [!If [C, "s3:*", s3:GetObject]], Resource: "*"}, !If [C, {Effect: Allow, Action: "iam:*", Resource: "*"}, !Ref AWS::NoValue]]}`,
			statements: []string{"Allow s3:*,s3:GetObject on * @15:40", "Allow iam:* on * @15:121"}},
		{name: "a JSON string", doc: `'{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'`,
			statements: []string{"Allow s3:GetObject on * @15:27"}},
		{name: "JSON built by Sub", doc: `!Sub '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${Bucket}/*"}]}'`,
			statements: []string{"Allow s3:GetObject on ~arn:aws:s3:::${Bucket}/* @15:27"}},
		{name: "JSON of a Sub without variables is literal", doc: `!Sub '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${!Bucket}/*"}]}'`,
			statements: []string{"Allow s3:GetObject on arn:aws:s3:::${Bucket}/* @15:27"}},
		{name: "JSON built by Join", doc: `!Join ["", ['{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "', !Ref Bucket, '"}]}']]`,
			statements: []string{"Allow s3:GetObject on ~${Bucket} @15:27"}},
		{name: "JSON built by Sub that cannot be read", doc: `!Sub '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ${Arns}}]}'`,
			problems: []iam.Problem{{Pos: doc, Severity: iam.Warning, Kind: iam.KindUnverified, Origin: "R",
				Message: name + ` is JSON built by !Sub {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ${Arns}}]} that cannot be read before deployment (the policy document is not JSON: invalid character '$' looking for beginning of value), so its permissions cannot be verified here; write the document as a map`}}},
		{name: "a parameter", doc: `!Ref Doc`,
			problems: []iam.Problem{{Pos: doc, Severity: iam.Warning, Kind: iam.KindUnverified, Origin: "R",
				Message: name + " is !Ref Doc, which is known only at deployment, so its permissions cannot be verified here; write the document in the template, or run `lambdagate verify` after deployment"}}},
		{name: "a number", doc: `42`,
			problems: []iam.Problem{{Pos: doc, Severity: iam.Error, Origin: "R",
				Message: name + ": a policy document must be a map with Statement, not a number"}}},
		{name: "a statement that is not a map", doc: `{Statement: [s3:GetObject]}`,
			problems: []iam.Problem{{Pos: at(15, 40), Severity: iam.Error, Origin: "R",
				Message: name + ": a statement must be a map with Effect, Action and Resource"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := fmt.Sprintf(documentHead, c.doc)
			fn := function(t, build(t, src, nil), "Fn")
			role := fn.Roles[0].Role
			if len(role.Policies) != 1 {
				t.Fatalf("%d policies, want 1", len(role.Policies))
			}
			want := policyView{Name: name, Pos: "t.yaml:15:27", Origin: "R", Statements: c.statements}
			if diff := cmp.Diff(want, viewPolicy(role.Policies[0])); diff != "" {
				t.Errorf("policy differs (-want +got):\n%s\ntemplate:\n%s", diff, numbered(src))
			}
			if diff := cmp.Diff(c.problems, role.Problems); diff != "" {
				t.Errorf("problems differ (-want +got):\n%s", diff)
			}
		})
	}
}

// TestJSONPositions: a statement read from JSON text has every position on
// the text, since the text has no lines of its own.
func TestJSONPositions(t *testing.T) {
	src := fmt.Sprintf(documentHead, `!Sub '{"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::${Bucket}"}}'`)
	role := function(t, build(t, src, nil), "Fn").Roles[0].Role
	doc := at(15, 27)
	want := []iam.Statement{{
		Pos:          doc,
		Effect:       iam.Str{Value: "Allow", Pos: doc},
		NotAction:    []iam.Str{{Value: "iam:*", Pos: doc}},
		HasNotAction: true,
		Resource:     []iam.Str{{Value: "arn:aws:s3:::${Bucket}", Intrinsic: true, Shape: "arn:aws:s3:::\x00", Pos: doc}},
		NotActionPos: doc, NotResourcePos: doc,
	}}
	if diff := cmp.Diff(want, role.Policies[0].Statements); diff != "" {
		t.Errorf("statements differ (-want +got):\n%s", diff)
	}
}
