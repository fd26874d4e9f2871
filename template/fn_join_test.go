package template

import "testing"

const joinHead = `Parameters:
  Env: {Type: String}
  Name: {Type: String, Default: app}
  Subnets: {Type: CommaDelimitedList, Default: "a,b"}
  Sep: {Type: String, Default: ":"}
Conditions:
  C: !Equals [!Ref Env, prod]
`

func TestJoin(t *testing.T) {
	runEvalCases(t, []evalCase{
		{value: `!Join ["", []]`, want: `""`},
		{value: `!Join ["", [Pass, Through]]`, want: `PassThrough`},
		{value: `!Join [",", [a]]`, want: `a`},
		{name: "numbers and booleans are text", value: `!Join ["-", [1, true, x]]`, want: `1-true-x`},
		{name: "known parts stay known around unknown ones", value: `!Join [":", [arn, !Ref AWS::Partition, iam, "", !Ref AWS::AccountId, !Sub "role/${R}"]]`,
			want: `arn:<pseudo AWS::Partition>:iam::<pseudo AWS::AccountId>:role/<resource R>`},
		{name: "an attribute", value: `!Join ["", [!GetAtt B.Arn, "/*"]]`, want: `<attr B.Arn>/*`},
		{name: "an import", value: `!Join ["", [!ImportValue vpc-id, -sg]]`, want: `<import vpc-id>-sg`},
		{name: "a dynamic reference", value: `!Join ["", ["{{resolve:ssm:/k}}", -x]]`, want: `<dynamic {{resolve:ssm:/k}}>-x`},
		{name: "a dynamic reference built by Join", head: joinHead, value: `!Join ["", ["{{resolve:ssm:/", !Ref Name, "/key}}"]]`, params: true,
			want: `<dynamic {{resolve:ssm:/app/key}}>`},
		{name: "a parameter without Params", head: joinHead, value: `!Join ["-", [!Ref Name, fn]]`, want: `<param Name>-fn`},
		{name: "a parameter's default", head: joinHead, value: `!Join ["-", [!Ref Name, fn]]`, params: true, want: `app-fn`},
		{name: "a parameter twice is not the parameter's value", head: joinHead, value: `!Join ["", [!Ref Name, !Ref Name]]`, params: true,
			want: `appapp`},
		{name: "a given value", head: joinHead, value: `!Join ["-", [!Ref Env, fn]]`, params: true, given: map[string]string{"Env": "prod"}, want: `prod-fn`},
		{name: "a delimiter from a parameter's default", head: joinHead, value: `!Join [!Ref Sep, [a, b]]`, params: true, want: `a:b`},
		{name: "a delimiter unknown until deployment", head: joinHead, value: `!Join [!Ref Sep, [a, b]]`, want: `<other !Join [!Ref Sep, [a, b]]>`},
		{name: "a list parameter's default", head: joinHead, value: `!Join [",", !Ref Subnets]`, params: true, want: `a,b`},
		{name: "a list parameter unknown until deployment", head: joinHead, value: `!Join [",", !Ref Subnets]`, want: `<param Subnets>`},
		{name: "a list from a Split", value: `!Join ["-", !Split [",", "a,b,c"]]`, want: `a-b-c`},
		{name: "a list from a FindInMap", head: "Mappings:\n  M: {prod: {L: [x, y]}}\n", value: `!Join ["+", !FindInMap [M, prod, L]]`, want: `x+y`},
		{name: "AWS::NoValue leaves the item out", value: `!Join ["-", [a, !Ref AWS::NoValue, b]]`, want: `a-b`},
		{name: "an Fn::If part", head: joinHead, value: `!Join ["-", [a, !If [C, p, !Ref AWS::NoValue]]]`, want: `a-p when C is true | a when C is false`},
		{name: "two Fn::If of one condition agree", head: joinHead, value: `!Join ["-", [!If [C, p, d], !If [C, p, d]]]`,
			want: `p-p when C is true | d-d when C is false`},
		{name: "an Fn::If around the list", head: joinHead, value: `!Join ["-", !If [C, [a, b], [c]]]`, want: `a-b when C is true | c when C is false`},
		{name: "an item that is a list cannot be text", value: `!Join ["-", [a, [b]]]`, want: `a-<other [b]>`},
		// Malformed.
		{name: "one argument", value: `!Join [","]`, want: `<other !Join [,]>`},
		{name: "a string to join", value: `!Join [",", abc]`, want: `<other !Join [,, abc]>`},
		{name: "a map argument", value: `!Join {a: b}`, want: `<other !Join {a: b}>`},
		{name: "a delimiter that is a list", value: `!Join [[a], [b]]`, want: `<other !Join [[a], [b]]>`},
	})
}
