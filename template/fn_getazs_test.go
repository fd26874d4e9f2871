package template

import "testing"

func TestGetAZs(t *testing.T) {
	runEvalCases(t, []evalCase{
		{value: `!GetAZs ""`, want: `<other Fn::GetAZs>`},
		{value: `!GetAZs us-east-1`, want: `<other Fn::GetAZs>`},
		{name: "the region as a pseudo parameter", value: `{Fn::GetAZs: {Ref: AWS::Region}}`, want: `<other Fn::GetAZs>`},
		{name: "inside a Join, known parts stay known", value: `!Join [",", [a, !GetAZs ""]]`, want: `a,<other Fn::GetAZs>`},
		{name: "a malformed argument", value: `!GetAZs [a, b]`, want: `<other Fn::GetAZs>`},
	})
}
