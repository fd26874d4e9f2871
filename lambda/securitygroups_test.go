package lambda

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/template"
)

func TestSecurityGroups(t *testing.T) {
	const no = "!Ref AWS::NoValue"
	testSettings(t, cfnFirst, TypeLambda, func(f *Function) []Setting { return f.SecurityGroups }, []settingCase{
		{name: "no VpcConfig", body: "      Runtime: python3.12\n",
			want: []Setting{{State: Absent, Pos: fnPos, Missing: "VpcConfig"}}},
		{name: "VpcConfig without SecurityGroupIds lands on VpcConfig", body: "      VpcConfig:\n        SubnetIds: [subnet-1]\n",
			want: []Setting{{State: Absent, Pos: at(20, 7), Missing: "SecurityGroupIds"}}},
		{name: "SecurityGroupIds is AWS::NoValue", body: "      VpcConfig:\n        SecurityGroupIds: " + no + "\n",
			want: []Setting{{State: Absent, Pos: at(21, 9), Missing: "SecurityGroupIds"}}},
		{name: "VpcConfig is AWS::NoValue", body: "      VpcConfig: " + no + "\n",
			want: []Setting{{State: Absent, Pos: at(20, 7), Missing: "VpcConfig"}}},
		{name: "empty list", body: "      VpcConfig:\n        SecurityGroupIds: []\n",
			want: []Setting{{State: Empty, Text: "[]", Pos: at(21, 27)}}},
		{name: "two groups", body: "      VpcConfig:\n        SecurityGroupIds: [sg-1, sg-2]\n",
			want: []Setting{{State: Literal, Text: "[sg-1, sg-2]", Count: 2, Pos: at(21, 27)}}},
		{name: "block list", body: "      VpcConfig:\n        SecurityGroupIds:\n          - sg-1\n",
			want: []Setting{{State: Literal, Text: "[sg-1]", Count: 1, Pos: at(22, 11)}}},
		{name: "only empty ids lands on the key", body: "      VpcConfig:\n        SecurityGroupIds:\n          - \"\"\n          - \" \"\n",
			want: []Setting{{State: Empty, Text: `["",  ]`, Pos: at(21, 9)}}},
		{name: "an empty id does not count", body: "      VpcConfig:\n        SecurityGroupIds: [\"\", sg-1]\n",
			want: []Setting{{State: Literal, Text: `["", sg-1]`, Count: 1, Pos: at(21, 27)}}},
		{name: "Select of an empty string does not count", body: "      VpcConfig:\n        SecurityGroupIds: [!Select [0, [\"\", sg-1]]]\n",
			want: []Setting{{State: Empty, Text: `[!Select [0, ["", sg-1]]]`, Pos: at(21, 9)}}},
		{name: "Split of nothing is empty", body: "      VpcConfig:\n        SecurityGroupIds: !Split [\",\", \"\"]\n",
			want: []Setting{{State: Empty, Text: `[""]`, Pos: at(21, 9)}}},
		{name: "Split of literals", body: "      VpcConfig:\n        SecurityGroupIds: !Split [\",\", \"sg-1,sg-2\"]\n",
			want: []Setting{{State: Literal, Text: "[sg-1, sg-2]", Count: 2, Pos: at(21, 27)}}},
		{name: "Split of a parameter is deferred", body: "      VpcConfig:\n        SecurityGroupIds: !Split [\",\", !Ref Sg]\n",
			want: []Setting{{State: Deferred, Text: "!Split [,, !Ref Sg]", Pos: at(21, 27)}}},
		{name: "FindInMap to a list", body: "      VpcConfig:\n        SecurityGroupIds: !FindInMap [Env, prod, Groups]\n",
			want: []Setting{{State: Literal, Text: "[sg-m1, sg-m2]", Count: 2, Pos: at(21, 27)}}},
		{name: "list parameter with an empty default", body: "      VpcConfig:\n        SecurityGroupIds: !Ref Sgs\n",
			want: []Setting{{State: Deferred, Text: "!Ref Sgs", Pos: at(21, 27), Param: pSgs}}},
		{name: "list parameter without default", body: "      VpcConfig:\n        SecurityGroupIds: !Ref SgsNoDefault\n",
			want: []Setting{{State: Deferred, Text: "!Ref SgsNoDefault", Pos: at(21, 27), Param: pSgsNoDefault,
				Unresolved: "parameter SgsNoDefault has no default"}}},
		{name: "list parameter given two groups", params: map[string]string{"SgsNoDefault": "sg-1, sg-2"},
			body: "      VpcConfig:\n        SecurityGroupIds: !Ref SgsNoDefault\n",
			want: []Setting{{State: Literal, Text: "sg-1, sg-2", Count: 2, Pos: at(21, 27), Param: given(pSgsNoDefault, "sg-1, sg-2")}}},
		{name: "item parameter without default given a group", params: map[string]string{"KeyNoDefault": "sg-9"},
			body: "      VpcConfig:\n        SecurityGroupIds: [!Ref KeyNoDefault]\n",
			want: []Setting{{State: Literal, Text: "[!Ref KeyNoDefault]", Count: 1, Pos: at(21, 27)}}},
		{name: "list parameter given nothing", params: map[string]string{"SgsNoDefault": ""},
			body: "      VpcConfig:\n        SecurityGroupIds: !Ref SgsNoDefault\n",
			want: []Setting{{State: Empty, Pos: at(21, 27), Param: given(pSgsNoDefault, "")}}},
		{name: "item parameter that can be empty", body: "      VpcConfig:\n        SecurityGroupIds: [!Ref Sg]\n",
			want: []Setting{{State: Literal, Text: "[!Ref Sg]", Count: 1, Pos: at(21, 27), Param: pSg}}},
		{name: "item parameter given the empty value", params: map[string]string{"Sg": ""},
			body: "      VpcConfig:\n        SecurityGroupIds: [!Ref Sg, sg-1]\n",
			want: []Setting{{State: Literal, Text: "[!Ref Sg, sg-1]", Count: 1, Pos: at(21, 27)}}},
		{name: "only item given the empty value", params: map[string]string{"Sg": ""},
			body: "      VpcConfig:\n        SecurityGroupIds: [!Ref Sg]\n",
			want: []Setting{{State: Empty, Text: "[!Ref Sg]", Pos: at(21, 9)}}},
		{name: "imported item", body: "      VpcConfig:\n        SecurityGroupIds: [!GetAtt Sg.GroupId, !ImportValue shared-sg]\n",
			want: []Setting{{State: Literal, Text: "[!GetAtt Sg.GroupId, !ImportValue shared-sg]", Count: 2, Pos: at(21, 27),
				Unresolved: "it is imported (!ImportValue shared-sg)"}}},
		{name: "item with a parameter without default", body: "      VpcConfig:\n        SecurityGroupIds: [!Sub \"${KeyNoDefault}\"]\n",
			want: []Setting{{State: Literal, Text: "[!Sub ${KeyNoDefault}]", Count: 1, Pos: at(21, 27),
				Unresolved: "parameter KeyNoDefault has no default"}}},
		{name: "item If", body: "      VpcConfig:\n        SecurityGroupIds: [!If [IsProd, sg-1, " + no + "], sg-2]\n",
			want: []Setting{
				{State: Literal, Text: "[!If [IsProd, sg-1, !Ref AWS::NoValue], sg-2]", Count: 2, Pos: at(21, 27), When: "when IsProd is true"},
				{State: Literal, Text: "[!If [IsProd, sg-1, !Ref AWS::NoValue], sg-2]", Count: 1, Pos: at(21, 27), When: "when IsProd is false"},
			}},
		{name: "item If that empties the list lands on the key", body: "      VpcConfig:\n        SecurityGroupIds:\n          - !If [IsProd, sg-1, " + no + "]\n",
			want: []Setting{
				{State: Literal, Text: "[!If [IsProd, sg-1, !Ref AWS::NoValue]]", Count: 1, Pos: at(22, 11), When: "when IsProd is true"},
				{State: Empty, Text: "[!If [IsProd, sg-1, !Ref AWS::NoValue]]", Pos: at(21, 9), When: "when IsProd is false"},
			}},
		{name: "two items on one condition are two lists, not four",
			body: "      VpcConfig:\n        SecurityGroupIds: [!If [IsProd, sg-1, " + no + "], !If [IsProd, sg-2, \"\"]]\n",
			want: []Setting{
				{State: Literal, Text: `[!If [IsProd, sg-1, !Ref AWS::NoValue], !If [IsProd, sg-2, ""]]`, Count: 2, Pos: at(21, 27), When: "when IsProd is true"},
				{State: Empty, Text: `[!If [IsProd, sg-1, !Ref AWS::NoValue], !If [IsProd, sg-2, ""]]`, Pos: at(21, 9), When: "when IsProd is false"},
			}},
		{name: "two items on two conditions are four lists",
			body: "      VpcConfig:\n        SecurityGroupIds: [!If [IsProd, sg-1, " + no + "], !If [HasKey, sg-2, " + no + "]]\n",
			want: func() []Setting {
				text := "[!If [IsProd, sg-1, !Ref AWS::NoValue], !If [HasKey, sg-2, !Ref AWS::NoValue]]"
				return []Setting{
					{State: Literal, Text: text, Count: 2, Pos: at(21, 27), When: "when IsProd is true and HasKey is true"},
					{State: Literal, Text: text, Count: 1, Pos: at(21, 27), When: "when IsProd is true and HasKey is false"},
					{State: Literal, Text: text, Count: 1, Pos: at(21, 27), When: "when IsProd is false and HasKey is true"},
					{State: Empty, Text: text, Pos: at(21, 9), When: "when IsProd is false and HasKey is false"},
				}
			}()},
		{name: "an item contradicting the list's If is no deployment",
			body: "      VpcConfig:\n        SecurityGroupIds: !If [IsProd, [!If [IsProd, sg-1, " + no + "]], [sg-2, sg-3]]\n",
			want: []Setting{
				{State: Literal, Text: "[!If [IsProd, sg-1, !Ref AWS::NoValue]]", Count: 1, Pos: at(21, 40), When: "when IsProd is true"},
				{State: Literal, Text: "[sg-2, sg-3]", Count: 2, Pos: at(21, 81), When: "when IsProd is false"},
			}},
		{name: "If on VpcConfig", body: "      VpcConfig: !If [IsProd, {SecurityGroupIds: [sg-1]}, " + no + "]\n",
			want: []Setting{
				{State: Literal, Text: "[sg-1]", Count: 1, Pos: at(20, 50), When: "when IsProd is true"},
				{State: Absent, Pos: at(20, 7), Missing: "VpcConfig", When: "when IsProd is false"},
			}},
		{name: "If on SecurityGroupIds", body: "      VpcConfig:\n        SecurityGroupIds: !If [IsProd, [sg-1], []]\n",
			want: []Setting{
				{State: Literal, Text: "[sg-1]", Count: 1, Pos: at(21, 40), When: "when IsProd is true"},
				{State: Empty, Text: "[]", Pos: at(21, 48), When: "when IsProd is false"},
			}},
	})
}

// TestUnchecked: past template.MaxAlternatives combinations a property is
// recorded as unchecked, once, rather than passed on the branches seen.
func TestUnchecked(t *testing.T) {
	// ifs returns n list items, each on its own condition: 2^n lists.
	ifs := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "          - !If [C%d, sg-%d, !Ref AWS::NoValue]\n", i, i)
		}
		return b.String()
	}
	// tree returns a Fn::If tree of depth n on distinct conditions: 2^n leaves.
	var tree func(n int) string
	tree = func(n int) string {
		if n == 0 {
			return "arn:aws:kms:eu-west-1:111122223333:key/1"
		}
		return fmt.Sprintf("!If [D%d, %s, %s]", n, tree(n-1), tree(n-1))
	}
	head := fmt.Sprintf(settingHead, cfnFirst, TypeLambda)
	msg := func(prop string) string {
		return fmt.Sprintf("%s of Fn has more than %d Fn::If combinations; lambdagate checks every branch and cannot check these, so Fn is not verified. Use fewer nested or listed Fn::If on it (one condition that combines the others with Fn::And/Fn::Or)",
			prop, template.MaxAlternatives)
	}
	cases := []struct {
		name  string
		body  string
		want  []Unchecked
		count int // of the property's settings
		get   func(*Function) []Setting
	}{
		{name: "8 listed Ifs are 256 lists", body: "      VpcConfig:\n        SecurityGroupIds:\n" + ifs(8),
			count: 256, get: func(f *Function) []Setting { return f.SecurityGroups }},
		{name: "9 listed Ifs are too many", body: "      VpcConfig:\n        SecurityGroupIds:\n" + ifs(9),
			want:  []Unchecked{{Pos: fnPos, Message: msg("VpcConfig.SecurityGroupIds")}},
			count: template.MaxAlternatives, get: func(f *Function) []Setting { return f.SecurityGroups }},
		{name: "8 nested Ifs are 256 keys", body: "      KmsKeyArn: " + tree(8) + "\n",
			count: 256, get: func(f *Function) []Setting { return f.KmsKey }},
		{name: "9 nested Ifs are too many", body: "      KmsKeyArn: " + tree(9) + "\n",
			want:  []Unchecked{{Pos: fnPos, Message: msg("KmsKeyArn")}},
			count: template.MaxAlternatives, get: func(f *Function) []Setting { return f.KmsKey }},
		{name: "9 nested Ifs on tracing", body: "      TracingConfig:\n        Mode: " + strings.ReplaceAll(tree(9), "arn:aws:kms:eu-west-1:111122223333:key/1", "Active") + "\n",
			want:  []Unchecked{{Pos: fnPos, Message: msg("TracingConfig.Mode")}},
			count: template.MaxAlternatives, get: func(f *Function) []Setting { return f.Tracing }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := function(t, build(t, head+c.body, nil), "Fn")
			if diff := cmp.Diff(c.want, fn.Unchecked); diff != "" {
				t.Errorf("Unchecked differs (-want +got):\n%s", diff)
			}
			if got := len(c.get(fn)); got != c.count {
				t.Errorf("%d settings, want %d", got, c.count)
			}
		})
	}
}
