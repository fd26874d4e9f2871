package template

import "testing"

func TestCidr(t *testing.T) {
	runEvalCases(t, []evalCase{
		{value: `!Cidr ["10.0.0.0/16", 4, 8]`, want: `<other Fn::Cidr>`},
		{name: "a block from an attribute", value: `!Cidr [!GetAtt Vpc.CidrBlock, 2, 5]`, want: `<other Fn::Cidr>`},
		{name: "selected", value: `!Select [0, !Cidr ["10.0.0.0/16", 4, 8]]`, want: `<other !Select [0, !Cidr [10.0.0.0/16, 4, 8]]>`},
		{name: "in a Sub's map", value: `!Sub ["${A}", {A: !Select [1, !Cidr ["10.0.0.0/16", 4, 8]]}]`,
			want: `<other !Select [1, !Cidr [10.0.0.0/16, 4, 8]]>`},
		{name: "a malformed argument", value: `!Cidr x`, want: `<other Fn::Cidr>`},
	})
}
