package template

import "testing"

// samAlias is a SAM function with AutoPublishAlias: its alias and version
// are resources SAM generates.
const samAlias = "Transform: AWS::Serverless-2016-10-31\n"

const samAliasFn = `
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: index.handler, Runtime: python3.12, CodeUri: s3://b/k, AutoPublishAlias: live}
`

func TestGetAtt(t *testing.T) {
	runEvalCases(t, []evalCase{
		{value: `!GetAtt R.Arn`, want: `<attr R.Arn>`},
		{name: "the list form", value: `!GetAtt [R, Arn]`, want: `<attr R.Arn>`},
		{name: "the long form", value: `{Fn::GetAtt: [Key, Arn]}`, want: `<attr Key.Arn>`},
		{name: "a nested stack's output keeps its dots", value: `!GetAtt Stack.Outputs.RoleArn`, want: `<attr Stack.Outputs.RoleArn>`},
		{name: "the list form of a nested stack's output", value: `!GetAtt [Stack, Outputs.RoleArn]`, want: `<attr Stack.Outputs.RoleArn>`},
		{name: "an attribute given by a parameter's default", head: "Parameters:\n  Attr: {Type: String, Default: Arn}\n",
			value: `!GetAtt [R, !Ref Attr]`, params: true, want: `<attr R.Arn>`},
		{name: "an attribute chosen among AllowedValues", head: "Parameters:\n  Attr: {Type: String, AllowedValues: [Arn, RoleId]}\n",
			value: `!GetAtt [R, !Ref Attr]`, params: true,
			want: `<attr R.Arn> when !Ref Attr is Arn (parameter value) | <attr R.RoleId> when !Ref Attr is RoleId (parameter value)`},
		{name: "an attribute unknown until deployment", head: "Parameters:\n  Attr: {Type: String}\n",
			value: `!GetAtt [R, !Ref Attr]`, want: `<other !GetAtt R.!Ref Attr>`},
		{name: "an attribute on an Fn::If", head: "Conditions:\n  C: !Equals [a, b]\n",
			value: `!GetAtt [R, !If [C, Arn, RoleId]]`, want: `<attr R.Arn> when C is true | <attr R.RoleId> when C is false`},
		{name: "a generated role of a SAM function", head: samAlias, extra: samAliasFn, value: `!GetAtt FnRole.Arn`, want: `<attr FnRole.Arn>`},
		{name: "GetAtt of the alias SAM generates", head: samAlias, extra: samAliasFn, value: `!GetAtt Fn.Alias.Arn`, want: `<attr FnAliaslive.Arn>`},
		{name: "GetAtt of the alias, list form", head: samAlias, extra: samAliasFn, value: `!GetAtt [Fn.Alias, Arn]`, want: `<attr FnAliaslive.Arn>`},
		// Malformed.
		{name: "no attribute", value: `!GetAtt R`, want: `<other !GetAtt R>`},
		{name: "one item", value: `!GetAtt [R]`, want: `<other !GetAtt R>`},
		{name: "three items", value: `!GetAtt [R, Arn, X]`, want: `<other !GetAtt R.Arn.X>`},
		{name: "a map", value: `!GetAtt {R: Arn}`, want: `<other !GetAtt {R: Arn}>`},
		{name: "a logical id that is a Ref", value: `!GetAtt [!Ref R, Arn]`, want: `<other !GetAtt !Ref R.Arn>`},
	})
}
