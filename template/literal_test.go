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
