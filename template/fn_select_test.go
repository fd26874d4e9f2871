package template

import "testing"

const selectHead = `Parameters:
  Index: {Type: Number, Default: 1}
  Free: {Type: Number}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-1,subnet-2"}
Conditions:
  C: !Equals [a, b]
`

func TestSelect(t *testing.T) {
	runEvalCases(t, []evalCase{
		{value: `!Select [1, ["", sg-1]]`, want: `sg-1`},
		{value: `!Select [0, [a]]`, want: `a`},
		{name: "a string index", value: `!Select ["1", [a, b]]`, want: `b`},
		{name: "known items stay known beside unknown ones", value: `!Select [1, [!Ref R, b]]`, want: `b`},
		{name: "an unknown item", value: `!Select [0, [!GetAtt R.Arn, b]]`, want: `<attr R.Arn>`},
		{name: "a map item", value: `!Select [0, [{k: v}]]`, want: `{k: v}`},
		{name: "an index from a parameter's default", head: selectHead, value: `!Select [!Ref Index, [a, b]]`, params: true, want: `b`},
		{name: "an index unknown until deployment", head: selectHead, value: `!Select [!Ref Free, [a, b]]`, want: `<other !Select [!Ref Free, [a, b]]>`},
		{name: "a list parameter's default", head: selectHead, value: `!Select [1, !Ref Subnets]`, params: true, want: `{Subnets=subnet-2}`},
		{name: "a list parameter without Params", head: selectHead, value: `!Select [0, !Ref Subnets]`, want: `<other !Select [0, !Ref Subnets]>`},
		{name: "a Split", value: `!Select [2, !Split [":", "arn:aws:s3:::b"]]`, want: `s3`},
		{name: "a Split with unknown parts", value: `!Select [4, !Split [":", !Sub "arn:aws:iam::${AWS::AccountId}:role/x"]]`, want: `<pseudo AWS::AccountId>`},
		{name: "the first item of a split attribute is not the attribute", value: `!Select [0, !Split ["/", !GetAtt R.Arn]]`,
			want: `<other !Select [0, !Split [/, !GetAtt R.Arn]]>`},
		{name: "GetAZs", value: `!Select [0, !GetAZs ""]`, want: `<other !Select [0, !GetAZs ""]>`},
		{name: "an Fn::If item", head: selectHead, value: `!Select [0, [!If [C, a, b]]]`, want: `a when C is true | b when C is false`},
		{name: "an Fn::If list", head: selectHead, value: `!Select [0, !If [C, [a], [b, c]]]`, want: `a when C is true | b when C is false`},
		{name: "AWS::NoValue shifts the items", value: `!Select [1, [a, !Ref AWS::NoValue, c]]`, want: `c`},
		// Malformed or out of range.
		{name: "out of range", value: `!Select [2, [a]]`, want: `<other !Select [2, [a]]>`},
		{name: "a negative index", value: `!Select [-1, [a]]`, want: `<other !Select [-1, [a]]>`},
		{name: "a fractional index", value: `!Select [0.5, [a]]`, want: `<other !Select [0.5, [a]]>`},
		{name: "an empty list", value: `!Select [0, []]`, want: `<other !Select [0, []]>`},
		{name: "a string to select from", value: `!Select [0, abc]`, want: `<other !Select [0, abc]>`},
		{name: "one argument", value: `!Select [0]`, want: `<other !Select [0]>`},
		{name: "a map argument", value: `!Select {a: b}`, want: `<other !Select {a: b}>`},
	})
}
