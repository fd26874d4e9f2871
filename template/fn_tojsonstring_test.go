package template

import "testing"

const jsonHead = `Transform: AWS::LanguageExtensions
Parameters:
  P: {Type: String, Default: 'v"1'}
  Free: {Type: String}
Conditions:
  C: !Equals [a, b]
`

func TestToJsonString(t *testing.T) {
	runEvalCases(t, []evalCase{
		{head: jsonHead, value: `!ToJsonString {a: b}`, want: `{"a":"b"}`},
		{head: jsonHead, value: `!ToJsonString []`, want: `[]`},
		{name: "the long form", head: jsonHead, value: `{Fn::ToJsonString: [a, 1, 1.5, true, null]}`, want: `["a",1,1.5,true,null]`},
		{name: "a YAML boolean is JSON's", head: jsonHead, value: `!ToJsonString {t: True, f: FALSE}`, want: `{"t":true,"f":false}`},
		{name: "a policy document", head: jsonHead, value: `!ToJsonString {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}`,
			want: `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
		// Unknown parts stay inside the JSON text, quoted as the strings they stand for.
		{name: "an attribute inside", head: jsonHead, value: `!ToJsonString {Role: !GetAtt R.Arn}`, want: `{"Role":"<attr R.Arn>"}`},
		{name: "known text around an unknown part", head: jsonHead, value: `!ToJsonString {Resource: !Sub "arn:aws:s3:::${B}/*"}`,
			want: `{"Resource":"arn:aws:s3:::<resource B>/*"}`},
		{name: "quotes beside an unknown part are escaped", head: jsonHead, value: `!ToJsonString {a: !Sub "say \"${R}\""}`,
			want: `{"a":"say \"<resource R>\""}`},
		{name: "unknown items of a list", head: jsonHead, value: `!ToJsonString [!Ref R, !ImportValue k, !Ref AWS::Region]`,
			want: `["<resource R>","<import k>","<pseudo AWS::Region>"]`},
		{name: "a dynamic reference inside", head: jsonHead, value: `!ToJsonString {k: "{{resolve:ssm:/x}}"}`, want: `{"k":"<dynamic {{resolve:ssm:/x}}>"}`},
		{name: "a parameter without Params", head: jsonHead, value: `!ToJsonString {a: !Ref Free}`, want: `{"a":"<param Free>"}`},
		{name: "a parameter's default is quoted", head: jsonHead, value: `!ToJsonString {a: !Ref P}`, params: true, want: `{"a":"v\"1"}`},
		{name: "a nested ToJsonString", head: jsonHead, value: `!ToJsonString {a: !ToJsonString {b: c}}`, want: `{"a":"{\"b\":\"c\"}"}`},
		{name: "a nested ToJsonString with an unknown part", head: jsonHead, value: `!ToJsonString {a: !ToJsonString {b: !Ref R}}`,
			want: `{"a":"{\"b\":\"<resource R>\"}"}`},
		{name: "a Length inside is a number", head: jsonHead, value: `!ToJsonString {n: !Length [a, b]}`, want: `{"n":2}`},
		{name: "an Fn::If inside", head: jsonHead, value: `!ToJsonString {a: !If [C, x, !Ref AWS::NoValue]}`,
			want: `{"a":"x"} when C is true | {} when C is false`},
		{name: "an Fn::If around", head: jsonHead, value: `!ToJsonString {Fn::If: [C, [x], {y: z}]}`,
			want: `["x"] when C is true | {"y":"z"} when C is false`},
		// Not JSON.
		{name: "a hexadecimal YAML number", head: jsonHead, value: `!ToJsonString {a: 0x1F}`, want: `<other !ToJsonString {a: 0x1F}>`},
		{name: "a string", head: jsonHead, value: `!ToJsonString text`, want: `<other !ToJsonString text>`},
		{name: "an unknown value", head: jsonHead, value: `!ToJsonString {Ref: Free}`, want: `<other !ToJsonString !Ref Free>`},
	})
}
