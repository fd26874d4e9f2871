package template

import "testing"

const splitHead = `Parameters:
  Env: {Type: String}
  Csv: {Type: String, Default: "x,y"}
`

func TestSplit(t *testing.T) {
	runEvalCases(t, []evalCase{
		{value: `!Split [",", "a,b"]`, want: `[a, b]`},
		{value: `!Split [",", ""]`, want: `[""]`},
		{value: `!Split [",", "a,,b,"]`, want: `[a, "", b, ""]`},
		{name: "a delimiter of several characters", value: `!Split ["::", "a::b:c"]`, want: `[a, b:c]`},
		{name: "no delimiter in the text", value: `!Split ["|", abc]`, want: `[abc]`},
		{name: "a policy Resource", value: `!Split [",", "arn:aws:s3:::reports/*,*"]`, want: `[arn:aws:s3:::reports/*, *]`},
		{name: "a pseudo parameter without the delimiter stays inside its item", value: `!Split [",", !Sub "${AWS::Region},b,c${AWS::AccountId}d"]`,
			want: `[<pseudo AWS::Region>, b, c<pseudo AWS::AccountId>d]`},
		{name: "a resource's id may hold the delimiter: the pieces are known only at deployment", value: `!Split [",", !Sub "${AWS::Region},b,c${R}d"]`,
			want: "<other !Split [,, !Sub ${AWS::Region},b,c${R}d]>"},
		{name: "a security group's id holds no comma", extra: "  SG:\n    Type: AWS::EC2::SecurityGroup\n", value: `!Split [",", !Join [",", [!GetAtt SG.GroupId, sg-9]]]`,
			want: `[<attr SG.GroupId>, sg-9]`},
		{name: "a function's name holds no comma", value: `!Split [",", !Sub "x,${F}"]`, want: `[x, <resource F>]`},
		{name: "a security group's id may hold a hyphen", extra: "  SG:\n    Type: AWS::EC2::SecurityGroup\n", value: `!Split ["-", !Ref SG]`,
			want: `<other !Split [-, !Ref SG]>`},
		{name: "a region may hold a hyphen", value: `!Split ["-", !Ref AWS::Region]`, want: "<other !Split [-, !Ref AWS::Region]>"},
		{name: "a parameter's default", head: splitHead, value: `!Split [",", !Ref Csv]`, params: true, want: `[{Csv=x}, {Csv=y}]`},
		{name: "a Sub of known text", value: `!Split ["/", !Sub "a/b"]`, want: `[a, b]`},
		{name: "a Join", value: `!Split [",", !Join [",", [a, !Ref R]]]`, want: "<other !Split [,, !Join [,, [a, !Ref R]]]>"},
		// A whole reference split is a list of unknown length: its items
		// are not the reference itself.
		{name: "an attribute split", value: `!Split ["/", !GetAtt R.Arn]`, want: `<other !Split [/, !GetAtt R.Arn]>`},
		{name: "a parameter split", head: splitHead, value: `!Split [",", !Ref Env]`, want: `<other !Split [,, !Ref Env]>`},
		{name: "an Fn::If text", head: "Conditions:\n  C: !Equals [a, b]\n", value: `!Split [",", !If [C, "a,b", c]]`,
			want: `[a, b] when C is true | [c] when C is false`},
		// Malformed.
		{name: "an empty delimiter", value: `!Split ["", abc]`, want: `<other !Split ["", abc]>`},
		{name: "a list to split", value: `!Split [",", [a, b]]`, want: `<other !Split [,, [a, b]]>`},
		{name: "one argument", value: `!Split [","]`, want: `<other !Split [,]>`},
		{name: "a delimiter unknown until deployment", value: `!Split [!Ref AWS::Region, abc]`, want: `<other !Split [!Ref AWS::Region, abc]>`},
		{name: "a string argument", value: `!Split "a,b"`, want: `<other !Split a,b>`},
	})
}
