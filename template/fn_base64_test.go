package template

import "testing"

func TestBase64(t *testing.T) {
	runEvalCases(t, []evalCase{
		{value: `!Base64 abc`, want: `YWJj`},
		{value: `!Base64 ""`, want: `""`},
		{name: "a number", value: `!Base64 123`, want: `MTIz`},
		{name: "a multi-line script", value: `{Fn::Base64: "#!/bin/sh\necho hi\n"}`, want: `IyEvYmluL3NoCmVjaG8gaGkK`},
		{name: "a Sub of known text", value: `!Base64 {Fn::Sub: "a${!b}"}`, want: `YSR7Yn0=`},
		{name: "a parameter's default", head: "Parameters:\n  P: {Type: String, Default: abc}\n", value: `!Base64 {Ref: P}`, params: true, want: `YWJj`},
		{name: "an Fn::If", head: "Conditions:\n  C: !Equals [a, b]\n", value: `!Base64 {Fn::If: [C, abc, ""]}`,
			want: `YWJj when C is true | "" when C is false`},
		{name: "an unknown part makes the whole unknown", value: `!Base64 {Fn::Sub: "${AWS::Region}"}`,
			want: `<other !Base64 !Sub ${AWS::Region}>`},
		{name: "a list", value: `!Base64 [a]`, want: `<other !Base64 [a]>`},
		{name: "AWS::NoValue", value: `!Base64 {Ref: AWS::NoValue}`, want: `<other !Base64 !Ref AWS::NoValue>`},
	})
}
