package lambda

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// file is the name every test template is parsed under.
const file = "t.yaml"

// at is a position in the test template.
func at(line, col int) source.Pos { return source.Pos{File: file, Line: line, Column: col} }

// build parses src and reads its functions with the given parameter values.
func build(t *testing.T, src string, params map[string]string) []*Function {
	t.Helper()
	tp, err := template.Parse(file, []byte(src), template.DefaultLimits)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, numbered(src))
	}
	return FromTemplate(tp, Options{Parameters: params})
}

// function returns the function with the given logical id.
func function(t *testing.T, fns []*Function, id string) *Function {
	t.Helper()
	for _, f := range fns {
		if f.Resource == id {
			return f
		}
	}
	t.Fatalf("no function %s among %d", id, len(fns))
	return nil
}

// numbered prefixes every line of src with its number, so that a failing
// case shows the positions its expectations refer to.
func numbered(src string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(src, "\n"), "\n") {
		fmt.Fprintf(&b, "%3d %s\n", i+1, l)
	}
	return b.String()
}

// settingHead is the template every setting case is written into: the
// function Fn is at line 17 column 3, and the case's properties start at
// line 20, their keys at column 7. The two %s are the first line (format
// version or SAM transform) and the function's type.
const settingHead = `%s
Parameters:
  KeyNoDefault: {Type: String}
  KeyEmpty: {Type: String, Default: ""}
  KeyPattern: {Type: String, Default: "", AllowedPattern: "arn:.+"}
  KeyDefault: {Type: String, Default: "arn:aws:kms:eu-west-1:111122223333:key/d"}
  Sgs: {Type: CommaDelimitedList, Default: ""}
  SgsNoDefault: {Type: "List<AWS::EC2::SecurityGroup::Id>"}
  Sg: {Type: String, Default: ""}
  Mode: {Type: String, Default: Active, AllowedValues: [Active, PassThrough]}
Mappings:
  Env: {prod: {Key: "arn:aws:kms:eu-west-1:111122223333:key/m", Mode: Active, Groups: [sg-m1, sg-m2], Empty: ""}}
Conditions:
  IsProd: !Equals [!Ref AWS::StackName, prod]
  HasKey: !Equals [!Ref KeyEmpty, ""]
Resources:
  Fn:
    Type: %s
    Properties:
`

const (
	cfnFirst = `AWSTemplateFormatVersion: "2010-09-09"`
	samFirst = `Transform: AWS::Serverless-2016-10-31`
)

// fnPos is the logical id of Fn in settingHead.
var fnPos = at(17, 3)

// Parameters of settingHead, as a Setting names them.
var (
	pKeyNoDefault = &Param{Name: "KeyNoDefault", Pos: at(3, 3)}
	pKeyEmpty     = &Param{Name: "KeyEmpty", Pos: at(4, 3), HasDefault: true, CanBeEmpty: true}
	pKeyPattern   = &Param{Name: "KeyPattern", Pos: at(5, 3), HasDefault: true}
	pKeyDefault   = &Param{Name: "KeyDefault", Pos: at(6, 3), HasDefault: true, Default: "arn:aws:kms:eu-west-1:111122223333:key/d"}
	pSgs          = &Param{Name: "Sgs", Pos: at(7, 3), HasDefault: true, CanBeEmpty: true, List: true}
	pSgsNoDefault = &Param{Name: "SgsNoDefault", Pos: at(8, 3), List: true}
	pSg           = &Param{Name: "Sg", Pos: at(9, 3), HasDefault: true, CanBeEmpty: true}
	pMode         = &Param{Name: "Mode", Pos: at(10, 3), HasDefault: true, Default: "Active", Allowed: []string{"Active", "PassThrough"}}
)

// given is p as the configuration gives it the value v.
func given(p *Param, v string) *Param {
	c := *p
	c.Given, c.Value = true, v
	return &c
}

type settingCase struct {
	name   string
	body   string // the function's properties, from line 20
	params map[string]string
	want   []Setting
}

// testSettings builds each case as a function of the given type and compares
// the settings get reads from it.
func testSettings(t *testing.T, first, typ string, get func(*Function) []Setting, cases []settingCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := fmt.Sprintf(settingHead, first, typ) + c.body
			fn := function(t, build(t, src, c.params), "Fn")
			if diff := cmp.Diff(c.want, get(fn), cmpopts.EquateEmpty(), ignoreRefs); diff != "" {
				t.Errorf("settings differ (-want +got):\n%s\ntemplate:\n%s", diff, numbered(src))
			}
		})
	}
}

func TestKmsKey(t *testing.T) {
	const arn = "arn:aws:kms:eu-west-1:111122223333:key/1"
	testSettings(t, cfnFirst, TypeLambda, func(f *Function) []Setting { return f.KmsKey }, []settingCase{
		{name: "absent", body: "      Runtime: python3.12\n",
			want: []Setting{{State: Absent, Pos: fnPos, Missing: "KmsKeyArn"}}},
		{name: "null lands on the key", body: "      KmsKeyArn:\n",
			want: []Setting{{State: Absent, Pos: at(20, 7), Missing: "KmsKeyArn"}}},
		{name: "AWS::NoValue lands on the key", body: "      KmsKeyArn: !Ref AWS::NoValue\n",
			want: []Setting{{State: Absent, Pos: at(20, 7), Missing: "KmsKeyArn"}}},
		{name: "empty string", body: "      KmsKeyArn: \"\"\n",
			want: []Setting{{State: Empty, Text: `""`, Pos: at(20, 18)}}},
		{name: "blank string", body: "      KmsKeyArn: \"  \"\n",
			want: []Setting{{State: Empty, Text: "  ", Pos: at(20, 18)}}},
		{name: "literal", body: "      KmsKeyArn: " + arn + "\n",
			want: []Setting{{State: Literal, Text: arn, Pos: at(20, 18)}}},
		{name: "GetAtt is deferred and resolved by the template", body: "      KmsKeyArn: !GetAtt Key.Arn\n",
			want: []Setting{{State: Deferred, Text: "!GetAtt Key.Arn", Pos: at(20, 18)}}},
		{name: "long-form GetAtt", body: "      KmsKeyArn: {\"Fn::GetAtt\": [Key, Arn]}\n",
			want: []Setting{{State: Deferred, Text: "!GetAtt Key.Arn", Pos: at(20, 18)}}},
		{name: "ImportValue is unresolved", body: "      KmsKeyArn: !ImportValue shared-key\n",
			want: []Setting{{State: Deferred, Text: "!ImportValue shared-key", Pos: at(20, 18),
				Unresolved: "it is imported (!ImportValue shared-key)"}}},
		{name: "ImportValue inside Sub is unresolved", body: "      KmsKeyArn: !Sub [\"${K}\", {K: !ImportValue shared-key}]\n",
			want: []Setting{{State: Deferred, Text: "!Sub [${K}, {K: !ImportValue shared-key}]", Pos: at(20, 18),
				Unresolved: "it is imported (!ImportValue shared-key)"}}},
		{name: "Ref to a parameter without default", body: "      KmsKeyArn: !Ref KeyNoDefault\n",
			want: []Setting{{State: Deferred, Text: "!Ref KeyNoDefault", Pos: at(20, 18), Param: pKeyNoDefault,
				Unresolved: "parameter KeyNoDefault has no default"}}},
		{name: "Ref to a parameter with an empty default", body: "      KmsKeyArn: !Ref KeyEmpty\n",
			want: []Setting{{State: Deferred, Text: "!Ref KeyEmpty", Pos: at(20, 18), Param: pKeyEmpty}}},
		{name: "a pattern forbids the empty default", body: "      KmsKeyArn: !Ref KeyPattern\n",
			want: []Setting{{State: Deferred, Text: "!Ref KeyPattern", Pos: at(20, 18), Param: pKeyPattern}}},
		{name: "Ref to a parameter with a default", body: "      KmsKeyArn: !Ref KeyDefault\n",
			want: []Setting{{State: Deferred, Text: "!Ref KeyDefault", Pos: at(20, 18), Param: pKeyDefault}}},
		{name: "Sub of only a parameter is that parameter", body: "      KmsKeyArn: !Sub \"${KeyNoDefault}\"\n",
			want: []Setting{{State: Deferred, Text: "!Sub ${KeyNoDefault}", Pos: at(20, 18), Param: pKeyNoDefault,
				Unresolved: "parameter KeyNoDefault has no default"}}},
		{name: "Sub naming a parameter without default", body: "      KmsKeyArn: !Sub \"arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyNoDefault}\"\n",
			want: []Setting{{State: Deferred, Text: "!Sub arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyNoDefault}", Pos: at(20, 18),
				Unresolved: "parameter KeyNoDefault has no default"}}},
		{name: "Sub naming a given parameter", params: map[string]string{"KeyNoDefault": "k"},
			body: "      KmsKeyArn: !Sub \"arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyNoDefault}\"\n",
			want: []Setting{{State: Deferred, Text: "!Sub arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyNoDefault}", Pos: at(20, 18)}}},
		{name: "given value is judged", params: map[string]string{"KeyDefault": arn},
			body: "      KmsKeyArn: !Ref KeyDefault\n",
			want: []Setting{{State: Literal, Text: arn, Count: 1, Pos: at(20, 18), Param: given(pKeyDefault, arn)}}},
		{name: "given empty value", params: map[string]string{"KeyDefault": ""},
			body: "      KmsKeyArn: !Ref KeyDefault\n",
			want: []Setting{{State: Empty, Pos: at(20, 18), Param: given(pKeyDefault, "")}}},
		{name: "given value of a parameter without default", params: map[string]string{"KeyNoDefault": arn},
			body: "      KmsKeyArn: !Ref KeyNoDefault\n",
			want: []Setting{{State: Literal, Text: arn, Count: 1, Pos: at(20, 18), Param: given(pKeyNoDefault, arn)}}},
		{name: "parameters of other names are not given", params: map[string]string{"Other": arn},
			body: "      KmsKeyArn: !Ref KeyNoDefault\n",
			want: []Setting{{State: Deferred, Text: "!Ref KeyNoDefault", Pos: at(20, 18), Param: pKeyNoDefault,
				Unresolved: "parameter KeyNoDefault has no default"}}},
		{name: "Sub of nothing is empty", body: "      KmsKeyArn: !Sub \"\"\n",
			want: []Setting{{State: Empty, Text: `""`, Pos: at(20, 18)}}},
		{name: "Sub with a bound empty variable is empty", body: "      KmsKeyArn: !Sub [\"${A}\", {A: \"\"}]\n",
			want: []Setting{{State: Empty, Text: `""`, Pos: at(20, 18)}}},
		{name: "Sub with an escaped variable is a literal", body: "      KmsKeyArn: !Sub \"${!Key}\"\n",
			want: []Setting{{State: Literal, Text: "${Key}", Pos: at(20, 18)}}},
		{name: "Join of literals", body: "      KmsKeyArn: !Join [\"\", [\"arn:aws:kms:eu-west-1:111122223333:\", key/1]]\n",
			want: []Setting{{State: Literal, Text: arn, Pos: at(20, 18)}}},
		{name: "Join of nothing is empty", body: "      KmsKeyArn: !Join [\"\", []]\n",
			want: []Setting{{State: Empty, Text: `""`, Pos: at(20, 18)}}},
		{name: "Join with a Ref is deferred", body: "      KmsKeyArn: !Join [\"\", [\"arn:aws:kms:eu-west-1:111122223333:key/\", !Ref KeyNoDefault]]\n",
			want: []Setting{{State: Deferred, Text: "!Join [\"\", [arn:aws:kms:eu-west-1:111122223333:key/, !Ref KeyNoDefault]]", Pos: at(20, 18),
				Unresolved: "parameter KeyNoDefault has no default"}}},
		{name: "FindInMap to a literal", body: "      KmsKeyArn: !FindInMap [Env, prod, Key]\n",
			want: []Setting{{State: Literal, Text: "arn:aws:kms:eu-west-1:111122223333:key/m", Pos: at(20, 18)}}},
		{name: "FindInMap to an empty string", body: "      KmsKeyArn: !FindInMap [Env, prod, Empty]\n",
			want: []Setting{{State: Empty, Text: `""`, Pos: at(20, 18)}}},
		{name: "FindInMap with a deploy-time key: every row", body: "      KmsKeyArn: !FindInMap [Env, !Ref AWS::StackName, Key]\n",
			want: []Setting{{State: Literal, Text: "arn:aws:kms:eu-west-1:111122223333:key/m", Pos: at(20, 18), When: "when !Ref AWS::StackName is prod (Mappings row)"}}},
		{name: "FindInMap with a deploy-time key missing in a row", body: "      KmsKeyArn: !FindInMap [Env, !Ref AWS::StackName, Nope]\n",
			want: []Setting{{State: Deferred, Text: "!FindInMap [Env, !Ref AWS::StackName, Nope]", Pos: at(20, 18)}}},
		{name: "Select of an empty string", body: "      KmsKeyArn: !Select [0, [\"\", " + arn + "]]\n",
			want: []Setting{{State: Empty, Text: `""`, Pos: at(20, 18)}}},
		{name: "Select of a literal", body: "      KmsKeyArn: !Select [\"1\", [\"\", " + arn + "]]\n",
			want: []Setting{{State: Literal, Text: arn, Pos: at(20, 18)}}},
		{name: "Select out of range is deferred", body: "      KmsKeyArn: !Select [2, [a, b]]\n",
			want: []Setting{{State: Deferred, Text: "!Select [2, [a, b]]", Pos: at(20, 18)}}},
		{name: "Select of a Split", body: "      KmsKeyArn: !Select [0, !Split [\",\", \"," + arn + "\"]]\n",
			want: []Setting{{State: Empty, Text: `""`, Pos: at(20, 18)}}},
		{name: "If with a key and no value", body: "      KmsKeyArn: !If [IsProd, !GetAtt Key.Arn, !Ref AWS::NoValue]\n",
			want: []Setting{
				{State: Deferred, Text: "!GetAtt Key.Arn", Pos: at(20, 31), When: "when IsProd is true"},
				{State: Absent, Pos: at(20, 7), Missing: "KmsKeyArn", When: "when IsProd is false"},
			}},
		{name: "nested If, every branch", body: "      KmsKeyArn: !If [IsProd, !If [HasKey, " + arn + ", \"\"], !Sub \"\"]\n",
			want: []Setting{
				{State: Literal, Text: arn, Pos: at(20, 44), When: "when IsProd is true and HasKey is true"},
				{State: Empty, Text: `""`, Pos: at(20, 86), When: "when IsProd is true and HasKey is false"},
				{State: Empty, Text: `""`, Pos: at(20, 91), When: "when IsProd is false"},
			}},
		{name: "If on the same condition twice keeps only the possible branches",
			body: "      KmsKeyArn: !If [IsProd, !If [IsProd, " + arn + ", \"\"], !If [IsProd, \"\", !Ref KeyEmpty]]\n",
			want: []Setting{
				{State: Literal, Text: arn, Pos: at(20, 44), When: "when IsProd is true"},
				{State: Deferred, Text: "!Ref KeyEmpty", Pos: at(20, 108), Param: pKeyEmpty, When: "when IsProd is false"},
			}},
		{name: "If with a given parameter on one branch", params: map[string]string{"KeyDefault": ""},
			body: "      KmsKeyArn: !If [IsProd, !Ref KeyDefault, !Ref KeyNoDefault]\n",
			want: []Setting{
				{State: Empty, Pos: at(20, 31), Param: given(pKeyDefault, ""), When: "when IsProd is true"},
				{State: Deferred, Text: "!Ref KeyNoDefault", Pos: at(20, 48), Param: pKeyNoDefault, When: "when IsProd is false",
					Unresolved: "parameter KeyNoDefault has no default"},
			}},
		{name: "long-form If", body: "      KmsKeyArn: {\"Fn::If\": [IsProd, \"\", " + arn + "]}\n",
			want: []Setting{
				{State: Empty, Text: `""`, Pos: at(20, 38), When: "when IsProd is true"},
				{State: Literal, Text: arn, Pos: at(20, 42), When: "when IsProd is false"},
			}},
	})
}

func TestTracing(t *testing.T) {
	t.Run("TracingConfig", func(t *testing.T) {
		testSettings(t, cfnFirst, TypeLambda, func(f *Function) []Setting { return f.Tracing }, []settingCase{
			{name: "absent", body: "      Runtime: python3.12\n",
				want: []Setting{{State: Absent, Pos: fnPos, Missing: "TracingConfig"}}},
			{name: "no Mode lands on TracingConfig", body: "      TracingConfig: {}\n",
				want: []Setting{{State: Absent, Pos: at(20, 7), Missing: "Mode"}}},
			{name: "no Mode, block style", body: "      TracingConfig:\n        Other: x\n",
				want: []Setting{{State: Absent, Pos: at(20, 7), Missing: "Mode"}}},
			{name: "Mode is AWS::NoValue", body: "      TracingConfig:\n        Mode: !Ref AWS::NoValue\n",
				want: []Setting{{State: Absent, Pos: at(21, 9), Missing: "Mode"}}},
			{name: "TracingConfig is AWS::NoValue", body: "      TracingConfig: !Ref AWS::NoValue\n",
				want: []Setting{{State: Absent, Pos: at(20, 7), Missing: "TracingConfig"}}},
			{name: "literal", body: "      TracingConfig:\n        Mode: Active\n",
				want: []Setting{{State: Literal, Text: "Active", Pos: at(21, 15)}}},
			{name: "empty", body: "      TracingConfig:\n        Mode: \"\"\n",
				want: []Setting{{State: Empty, Text: `""`, Pos: at(21, 15)}}},
			{name: "Sub of nothing", body: "      TracingConfig:\n        Mode: !Sub \"\"\n",
				want: []Setting{{State: Empty, Text: `""`, Pos: at(21, 15)}}},
			{name: "Join of literals", body: "      TracingConfig:\n        Mode: !Join [\"\", [Pass, Through]]\n",
				want: []Setting{{State: Literal, Text: "PassThrough", Pos: at(21, 15)}}},
			{name: "FindInMap", body: "      TracingConfig:\n        Mode: !FindInMap [Env, prod, Mode]\n",
				want: []Setting{{State: Literal, Text: "Active", Pos: at(21, 15)}}},
			{name: "Select of a Split", body: "      TracingConfig:\n        Mode: !Select [1, !Split [\"|\", \"PassThrough|Active\"]]\n",
				want: []Setting{{State: Literal, Text: "Active", Pos: at(21, 15)}}},
			{name: "Ref to a parameter with allowed values", body: "      TracingConfig:\n        Mode: !Ref Mode\n",
				want: []Setting{{State: Deferred, Text: "!Ref Mode", Pos: at(21, 15), Param: pMode}}},
			{name: "given parameter", params: map[string]string{"Mode": "PassThrough"},
				body: "      TracingConfig:\n        Mode: !Ref Mode\n",
				want: []Setting{{State: Literal, Text: "PassThrough", Count: 1, Pos: at(21, 15), Param: given(pMode, "PassThrough")}}},
			{name: "If on Mode", body: "      TracingConfig:\n        Mode: !If [IsProd, Active, PassThrough]\n",
				want: []Setting{
					{State: Literal, Text: "Active", Pos: at(21, 28), When: "when IsProd is true"},
					{State: Literal, Text: "PassThrough", Pos: at(21, 36), When: "when IsProd is false"},
				}},
			{name: "If on TracingConfig", body: "      TracingConfig: !If [IsProd, {Mode: Active}, !Ref AWS::NoValue]\n",
				want: []Setting{
					{State: Literal, Text: "Active", Pos: at(20, 42), When: "when IsProd is true"},
					{State: Absent, Pos: at(20, 7), Missing: "TracingConfig", When: "when IsProd is false"},
				}},
			{name: "If on TracingConfig, a map without Mode", body: "      TracingConfig: !If [IsProd, {Mode: Active}, {}]\n",
				want: []Setting{
					{State: Literal, Text: "Active", Pos: at(20, 42), When: "when IsProd is true"},
					{State: Absent, Pos: at(20, 7), Missing: "Mode", When: "when IsProd is false"},
				}},
			{name: "If on both levels", body: "      TracingConfig: !If [IsProd, {Mode: !If [HasKey, Active, \"\"]}, {Mode: PassThrough}]\n",
				want: []Setting{
					{State: Literal, Text: "Active", Pos: at(20, 55), When: "when IsProd is true and HasKey is true"},
					{State: Empty, Text: `""`, Pos: at(20, 63), When: "when IsProd is true and HasKey is false"},
					{State: Literal, Text: "PassThrough", Pos: at(20, 76), When: "when IsProd is false"},
				}},
			{name: "SAM Tracing is not TracingConfig", body: "      Tracing: Active\n",
				want: []Setting{{State: Absent, Pos: fnPos, Missing: "TracingConfig"}}},
		})
	})
	t.Run("SAM Tracing", func(t *testing.T) {
		testSettings(t, samFirst, TypeServerless, func(f *Function) []Setting { return f.Tracing }, []settingCase{
			{name: "absent", body: "      Runtime: python3.12\n",
				want: []Setting{{State: Absent, Pos: fnPos, Missing: "Tracing"}}},
			{name: "literal", body: "      Tracing: Active\n",
				want: []Setting{{State: Literal, Text: "Active", Pos: at(20, 16)}}},
			{name: "Join of literals", body: "      Tracing: !Join [\"\", [Pass, Through]]\n",
				want: []Setting{{State: Literal, Text: "PassThrough", Pos: at(20, 16)}}},
			{name: "Sub of nothing", body: "      Tracing: !Sub \"\"\n",
				want: []Setting{{State: Empty, Text: `""`, Pos: at(20, 16)}}},
			{name: "If", body: "      Tracing: !If [IsProd, Active, !Ref AWS::NoValue]\n",
				want: []Setting{
					{State: Literal, Text: "Active", Pos: at(20, 29), When: "when IsProd is true"},
					{State: Absent, Pos: at(20, 7), Missing: "Tracing", When: "when IsProd is false"},
				}},
			{name: "TracingConfig is not SAM's", body: "      TracingConfig: {Mode: Active}\n",
				want: []Setting{{State: Absent, Pos: fnPos, Missing: "Tracing"}}},
		})
	})
}

// TestFromTemplate: every function of either type, in source order, with its
// logical id and position; other resources are not functions.
func TestFromTemplate(t *testing.T) {
	const src = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Zeta:
    Type: AWS::Serverless::Function
  Alpha:
    Type: AWS::Lambda::Function
  Layer: {Type: AWS::Lambda::LayerVersion}
  Conditional:
    Type: AWS::Lambda::Function
    Properties: !If [IsProd, {KmsKeyArn: k}, {KmsKeyArn: ""}]
`
	type head struct {
		Resource, Type string
		Pos            source.Pos
	}
	fns := build(t, src, nil)
	var got []head
	for _, f := range fns {
		got = append(got, head{f.Resource, f.Type, f.Pos})
	}
	want := []head{{"Zeta", TypeServerless, at(5, 3)}, {"Alpha", TypeLambda, at(7, 3)}, {"Conditional", TypeLambda, at(10, 3)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("functions differ (-want +got):\n%s", diff)
	}
	t.Run("no Properties", func(t *testing.T) {
		f := fns[1]
		want := controls{
			KmsKey:         []Setting{{State: Absent, Pos: at(7, 3), Missing: "KmsKeyArn"}},
			Tracing:        []Setting{{State: Absent, Pos: at(7, 3), Missing: "TracingConfig"}},
			SecurityGroups: []Setting{{State: Absent, Pos: at(7, 3), Missing: "VpcConfig"}},
		}
		if diff := cmp.Diff(want, controlsOf(f)); diff != "" {
			t.Errorf("settings differ (-want +got):\n%s", diff)
		}
		// CloudFormation requires Role: the use has no role.
		if diff := cmp.Diff([]roleView{{Pos: at(7, 3), Nil: true}}, viewRoles(f.Roles)); diff != "" {
			t.Errorf("roles differ (-want +got):\n%s", diff)
		}
		if f.Around == nil || len(f.Misspelled)+len(f.Unchecked) > 0 {
			t.Errorf("Around %v, Misspelled %v, Unchecked %v; want surroundings and nothing else", f.Around, f.Misspelled, f.Unchecked)
		}
	})
	t.Run("Properties is an Fn::If", func(t *testing.T) {
		want := []Setting{
			{State: Literal, Text: "k", Pos: at(12, 42), When: "when IsProd is true"},
			{State: Empty, Text: `""`, Pos: at(12, 58), When: "when IsProd is false"},
		}
		if diff := cmp.Diff(want, fns[2].KmsKey); diff != "" {
			t.Errorf("KmsKey differs (-want +got):\n%s", diff)
		}
	})
	t.Run("SAM function without Properties", func(t *testing.T) {
		if diff := cmp.Diff([]roleView{{Pos: at(5, 3), Kind: RoleSAMDefault, ID: "ZetaRole"}}, viewRoles(fns[0].Roles)); diff != "" {
			t.Errorf("roles differ (-want +got):\n%s", diff)
		}
	})
}

// ignoreRefs leaves Setting.Refs to TestSettingRefs: the other cases say
// how a value is classified.
var ignoreRefs = cmpopts.IgnoreFields(Setting{}, "Refs")

func TestSettingRefs(t *testing.T) {
	for _, c := range []struct{ value, names string }{
		{"!GetAtt Key.Arn", "Key"},
		{"!GetAtt [Key, Arn]", "Key"},
		{"!Ref Key", "Key"},
		{`!Sub "${Key.Arn}"`, "Key"},
		{`!Sub ["${K}", {K: !GetAtt Key.Arn}]`, "Key"},
		{`!Sub "arn:aws:kms:${AWS::Region}:1:key/${Key}"`, ""},
		{"!GetAtt Key.KeyId", ""},
		{"!ImportValue shared-key", ""},
	} {
		src := "Resources:\n  Key: {Type: AWS::KMS::Key}\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      KmsKeyArn: " + c.value + "\n"
		fn := function(t, build(t, src, nil), "Fn")
		if got := fn.KmsKey[0].Names(); got != c.names {
			t.Errorf("KmsKeyArn: %s: Names() = %q, want %q", c.value, got, c.names)
		}
	}
}
