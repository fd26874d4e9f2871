package lambda

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMisspelled(t *testing.T) {
	cases := []struct {
		name string
		typ  string
		body string // from line 20, keys at column 7
		want []Misspelling
	}{
		{"none", TypeLambda, "      TracingConfig: {Mode: Active}\n      KmsKeyArn: k\n", nil},
		{"a top-level typo", TypeLambda, "      TracingConfg: {Mode: Active}\n",
			[]Misspelling{{Name: "TracingConfg", Want: "TracingConfig", Pos: at(20, 7)}}},
		{"only the case differs", TypeLambda, "      kmsKeyArn: k\n",
			[]Misspelling{{Name: "kmsKeyArn", Want: "KmsKeyArn", Pos: at(20, 7)}}},
		{"a nested typo", TypeLambda, "      VpcConfig:\n        SecurityGroupId: [sg-1]\n",
			[]Misspelling{{Name: "SecurityGroupId", Want: "SecurityGroupIds", Pos: at(21, 9)}}},
		{"a short key one edit away", TypeLambda, "      TracingConfig: {Mod: Active}\n",
			[]Misspelling{{Name: "Mod", Want: "Mode", Pos: at(20, 23)}}},
		{"a short key two edits away is left alone", TypeLambda, "      TracingConfig: {Mo: Active}\n", nil},
		{"two edits away", TypeLambda, "      TrcingConfg: {Mode: Active}\n",
			[]Misspelling{{Name: "TrcingConfg", Want: "TracingConfig", Pos: at(20, 7)}}},
		{"three edits away is left alone", TypeLambda, "      TrcngConfg: {Mode: Active}\n", nil},
		{"two typos", TypeLambda, "      Timout: 3\n      Handlr: x\n",
			[]Misspelling{{Name: "Timout", Want: "Timeout", Pos: at(20, 7)}, {Name: "Handlr", Want: "Handler", Pos: at(21, 7)}}},
		{"an unknown key with no near property is left alone", TypeLambda, "      Frobnicate: true\n", nil},
		{"inside an Fn::If branch", TypeLambda, "      VpcConfig: !If [C, {SecurityGroupID: [sg-1]}, !Ref AWS::NoValue]\n",
			[]Misspelling{{Name: "SecurityGroupID", Want: "SecurityGroupIds", Pos: at(20, 27)}}},
		{"an intrinsic is not a map of properties", TypeLambda, "      VpcConfig: !GetAtt Fn.VpcConfg\n", nil},
		{"map-valued properties take any key", TypeLambda, "      Environment: {Variables: {Tracing: x, KmsKeyArns: y}}\n", nil},
		{"a property newer than the model", TypeLambda, "      RecursiveLoop: Terminate\n", nil},
		{"SAM: Tracing is a property", TypeServerless, "      Tracing: Active\n      Policies: [x]\n", nil},
		{"SAM: a typo", TypeServerless, "      Tracng: Active\n      Polices: [x]\n",
			[]Misspelling{{Name: "Tracng", Want: "Tracing", Pos: at(20, 7)}, {Name: "Polices", Want: "Policies", Pos: at(21, 7)}}},
		{"SAM: a property newer than the model", TypeServerless, "      FunctionUrlConfig: {AuthType: AWS_IAM}\n", nil},
		{"SAM: as close to two properties (Role, RolePath): ambiguous", TypeServerless, "      RolePt: /x/\n",
			[]Misspelling{{Name: "RolePt", Want: "Role", Pos: at(20, 7), Ambiguous: true}}},
		{"SAM: TracingConfig is too far from Tracing to be a typo", TypeServerless, "      TracingConfig: {Mode: Active}\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first := cfnFirst
			if c.typ == TypeServerless {
				first = samFirst
			}
			src := fmt.Sprintf(settingHead, first, c.typ) + c.body
			fn := function(t, build(t, src, nil), "Fn")
			if diff := cmp.Diff(c.want, fn.Misspelled); diff != "" {
				t.Errorf("Misspelled differs (-want +got):\n%s\ntemplate:\n%s", diff, numbered(src))
			}
		})
	}
}
