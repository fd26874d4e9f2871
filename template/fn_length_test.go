package template

import "testing"

const lengthHead = `Transform: AWS::LanguageExtensions
Parameters:
  Subnets: {Type: CommaDelimitedList, Default: "a,b,c"}
  Free: {Type: CommaDelimitedList}
Conditions:
  C: !Equals [a, b]
Mappings:
  M: {k: {L: [x, y]}}
`

func TestLength(t *testing.T) {
	runEvalCases(t, []evalCase{
		{head: lengthHead, value: `!Length [a, b]`, want: `2 (number)`},
		{head: lengthHead, value: `!Length []`, want: `0 (number)`},
		{name: "the long form", head: lengthHead, value: `{Fn::Length: [a]}`, want: `1 (number)`},
		{name: "unknown items still count", head: lengthHead, value: `!Length [!Ref R, !GetAtt R.Arn]`, want: `2 (number)`},
		{name: "AWS::NoValue does not count", head: lengthHead, value: `!Length [a, !Ref AWS::NoValue]`, want: `1 (number)`},
		{name: "an Fn::If item", head: lengthHead, value: `!Length [a, !If [C, b, !Ref AWS::NoValue]]`,
			want: `2 (number) when C is true | 1 (number) when C is false`},
		{name: "a list parameter's default", head: lengthHead, value: `!Length {Ref: Subnets}`, params: true, want: `3 (number)`},
		{name: "a given list", head: lengthHead, value: `!Length {Ref: Subnets}`, params: true, given: map[string]string{"Subnets": "a"}, want: `1 (number)`},
		{name: "a list parameter without Params", head: lengthHead, value: `!Length {Ref: Subnets}`, want: `<other !Length !Ref Subnets>`},
		{name: "a list parameter without a value", head: lengthHead, value: `!Length {Ref: Free}`, params: true, want: `<other !Length !Ref Free>`},
		{name: "a Split", head: lengthHead, value: `!Length {Fn::Split: [",", "a,b"]}`, want: `2 (number)`},
		{name: "a FindInMap", head: lengthHead, value: `!Length {Fn::FindInMap: [M, k, L]}`, want: `2 (number)`},
		{name: "in a Sub's map", head: lengthHead, value: `!Sub ["n=${N}", {N: !Length [a, b, c]}]`, want: `n=3`},
		{name: "a string", head: lengthHead, value: `!Length abc`, want: `<other !Length abc>`},
		{name: "a map", head: lengthHead, value: `!Length {a: b}`, want: `<other !Length {a: b}>`},
	})
}
