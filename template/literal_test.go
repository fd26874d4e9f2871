package template

import (
	"testing"
)

func TestFold(t *testing.T) {
	const head = `Mappings:
  Env:
    prod: {Groups: [], Key: "", Mode: Active, List: [a, b]}
Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      X: `
	tests := []struct {
		value string
		want  string // Describe of the folded value; "-" when it does not fold
	}{
		{`!Sub ""`, `""`},
		{`!Sub PassThrough`, `PassThrough`},
		{`!Sub "${!Literal}"`, `${Literal}`},
		{`!Sub ["${A}-${B}", {A: x, B: !Sub y}]`, `x-y`},
		{`!Sub ["${A}", {A: !Ref P}]`, `-`},
		{`!Sub ["${A}", {A: "${B}", B: x}]`, `${B}`},
		{`!Sub ["${A}-${!A}", {A: x}]`, `x-${A}`},
		{`!Sub "${AWS::Region}"`, `-`},
		{`!Join ["", []]`, `""`},
		{`!Join ["", [Pass, Through]]`, `PassThrough`},
		{`!Join ["", [!Ref P, x]]`, `-`},
		{`!Join [",", !FindInMap [Env, prod, List]]`, `a,b`},
		{`!Select [1, ["", sg-1]]`, `sg-1`},
		{`!Select [2, [a]]`, `-`},
		{`!Select [0, !Ref L]`, `-`},
		{`!Split [",", ""]`, `[""]`},
		{`!Split [",", "a,b"]`, `[a, b]`},
		{`!FindInMap [Env, prod, Groups]`, `[]`},
		{`!FindInMap [Env, prod, Mode]`, `Active`},
		{`!FindInMap [Env, !Ref Stage, Mode]`, `-`},
		{`!FindInMap [Env, test, Mode]`, `-`},
		// AWS::LanguageExtensions: DefaultValue when a key misses, at any level.
		{`!FindInMap [Env, test, Mode, {DefaultValue: ""}]`, `""`},
		{`!FindInMap [Env, prod, Missing, {DefaultValue: []}]`, `[]`},
		{`!FindInMap [Nope, prod, Mode, {DefaultValue: [sg-1]}]`, `[sg-1]`},
		{`!FindInMap [Env, test, Mode, {DefaultValue: !Sub PassThrough}]`, `PassThrough`},
		{`!FindInMap [Env, prod, Mode, {DefaultValue: PassThrough}]`, `Active`},
		{`!FindInMap [Env, !Ref Stage, Mode, {DefaultValue: ""}]`, `-`},
		{`!FindInMap [Env, test, Mode, {DefaultValue: !Ref P}]`, `-`},
		{`!FindInMap [Env, test, Mode, {Other: ""}]`, `-`},
		// Fn::ToJsonString: compact JSON, keys in the order written.
		{`{Fn::ToJsonString: {a: b, n: 1.5, t: true, z: null, l: [x, !Sub y], m: !FindInMap [Env, prod, Mode]}}`,
			`{"a":"b","n":1.5,"t":true,"z":null,"l":["x","y"],"m":"Active"}`},
		{`!ToJsonString [a, 1, {}]`, `["a",1,{}]`},
		{`!ToJsonString {q: 'say "hi" <&>', "k\u00e9": "\t"}`, `{"q":"say \"hi\" <&>","ké":"\t"}`},
		{`!ToJsonString {a: 1, b: 2, a: 3}`, `{"a":3,"b":2}`},
		{`!ToJsonString {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
		{`!ToJsonString {a: !Ref P}`, `-`},
		{`!ToJsonString {a: [!GetAtt K.Arn]}`, `-`},
		{`!ToJsonString {a: !If [C, x, y]}`, `-`},
		{`!ToJsonString {a: 0x1F}`, `-`},
		{`!ToJsonString text`, `-`},
		{`!Ref P`, `-`},
		{`!GetAtt K.Arn`, `-`},
		{`!ImportValue k`, `-`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			tpl, err := Parse("t.yaml", []byte(head+tt.value+"\n"), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			v := tpl.Resource("F").Properties.Get("X")
			f, ok := tpl.Fold(v)
			got := "-"
			if ok {
				got = Describe(f)
				if f.Pos != v.Pos {
					t.Errorf("folded value at %v, want the call's position %v", f.Pos, v.Pos)
				}
			}
			if got != tt.want {
				t.Errorf("Fold(%s) = %s, want %s", tt.value, got, tt.want)
			}
		})
	}
}

// TestFoldMappingsHoldValues: a Mappings value that is itself an intrinsic
// (which CloudFormation rejects) is not followed: a row that looks itself up
// would recurse forever, and rows that look up others twice grow without bound.
func TestFoldMappingsHoldValues(t *testing.T) {
	src := `Mappings:
  M:
    K: {V: {"Fn::FindInMap": [M, K, V]}, W: {"Fn::Join": ["", [{"Fn::FindInMap": [M, K, V]}, {"Fn::FindInMap": [M, K, V]}]]}}
Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      X: !FindInMap [M, K, V]
      Y: !FindInMap [M, K, W]
`
	tpl, err := Parse("t.yaml", []byte(src), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"X", "Y"} {
		if f, ok := tpl.Fold(tpl.Resource("F").Properties.Get(k)); ok {
			t.Errorf("%s folded to %s; a mapped intrinsic must not be followed", k, Describe(f))
		}
	}
}
