package template

import "testing"

const importHead = `Parameters:
  Env: {Type: String}
  Net: {Type: String, Default: core}
Conditions:
  C: !Equals [!Ref Env, prod]
`

func TestImportValue(t *testing.T) {
	runEvalCases(t, []evalCase{
		{value: `!ImportValue shared-key-arn`, want: `<import shared-key-arn>`},
		{name: "the long form", value: `{Fn::ImportValue: vpc-id}`, want: `<import vpc-id>`},
		{name: "a name built with Sub", value: `!ImportValue {Fn::Sub: "${AWS::StackName}-Key"}`, want: `<import ${AWS::StackName}-Key>`},
		{name: "a name from a parameter without Params", head: importHead, value: `!ImportValue {Fn::Sub: "${Net}-VpcId"}`, want: `<import ${Net}-VpcId>`},
		{name: "a name from a parameter's default", head: importHead, value: `!ImportValue {Fn::Sub: "${Net}-VpcId"}`, params: true, want: `<import core-VpcId>`},
		{name: "a name on an Fn::If", head: importHead, value: `!ImportValue {Fn::If: [C, prod-key, dev-key]}`,
			want: `<import prod-key> when C is true | <import dev-key> when C is false`},
		{name: "inside a Join, known parts stay known", value: `!Join ["", [!ImportValue net, /x]]`, want: `<import net>/x`},
		{name: "in a Sub's map", value: `!Sub ["${K}", {K: !ImportValue k}]`, want: `<import k>`},
		// Malformed: CloudFormation wants a string name.
		{name: "a list", value: `!ImportValue [a, b]`, want: `<other !ImportValue [a, b]>`},
		{name: "a map that is no function", value: `!ImportValue {a: b}`, want: `<other !ImportValue {a: b}>`},
	})
}
