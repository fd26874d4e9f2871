package lambda

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lambdagate/lambdagate/source"
)

// globalsTemplate merges Globals.Function into SAM functions the way the SAM
// translator does: maps key by key, lists concatenated (global first),
// scalars and intrinsics: the local value wins.
const globalsTemplate = `Transform: AWS::Serverless-2016-10-31
Conditions:
  IsProd: !Equals [!Ref AWS::StackName, prod]
Globals:
  Function:
    Runtime: python3.12
    Tracing: Active
    KmsKeyArn: !GetAtt Key.Arn
    VpcConfig:
      SecurityGroupIds: [sg-global]
      SubnetIds: [subnet-1]
Resources:
  Inherits:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
  LocalWins:
    Type: AWS::Serverless::Function
    Properties:
      Tracing: PassThrough
      KmsKeyArn: ""
  ListsConcatenate:
    Type: AWS::Serverless::Function
    Properties:
      VpcConfig:
        SecurityGroupIds: [sg-local]
  IgnoresAll:
    Type: AWS::Serverless::Function
    IgnoreGlobals: "*"
    Properties:
      Handler: app.handler
  IgnoresTracing:
    Type: AWS::Serverless::Function
    IgnoreGlobals: [Tracing]
    Properties:
      Handler: app.handler
  IntrinsicReplacesMap:
    Type: AWS::Serverless::Function
    Properties:
      VpcConfig: !If [IsProd, {SecurityGroupIds: [sg-prod]}, !Ref AWS::NoValue]
  NoProperties:
    Type: AWS::Serverless::Function
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
`

// controls are the three settings of a function.
type controls struct {
	KmsKey, Tracing, SecurityGroups []Setting
}

func controlsOf(f *Function) controls {
	return controls{KmsKey: f.KmsKey, Tracing: f.Tracing, SecurityGroups: f.SecurityGroups}
}

func TestGlobals(t *testing.T) {
	const (
		gTracing = "Globals.Function at line 7"
		gKey     = "Globals.Function at line 8"
		gGroups  = "Globals.Function at line 10"
	)
	// inherited is what a function at pos reads from Globals alone.
	inherited := func(pos source.Pos) controls {
		return controls{
			KmsKey:         []Setting{{State: Deferred, Text: "!GetAtt Key.Arn", Pos: pos, Globals: gKey}},
			Tracing:        []Setting{{State: Literal, Text: "Active", Pos: pos, Globals: gTracing}},
			SecurityGroups: []Setting{{State: Literal, Text: "[sg-global]", Count: 1, Pos: pos, Globals: gGroups}},
		}
	}
	want := map[string]controls{
		"Inherits": inherited(at(13, 3)),
		"LocalWins": {
			KmsKey:         []Setting{{State: Empty, Text: `""`, Pos: at(21, 18)}},
			Tracing:        []Setting{{State: Literal, Text: "PassThrough", Pos: at(20, 16)}},
			SecurityGroups: inherited(at(17, 3)).SecurityGroups,
		},
		"ListsConcatenate": {
			KmsKey:  inherited(at(22, 3)).KmsKey,
			Tracing: inherited(at(22, 3)).Tracing,
			// The concatenation is the function's own list, global items first.
			SecurityGroups: []Setting{{State: Literal, Text: "[sg-global, sg-local]", Count: 2, Pos: at(26, 27)}},
		},
		"IgnoresAll": {
			KmsKey:         []Setting{{State: Absent, Pos: at(27, 3), Missing: "KmsKeyArn"}},
			Tracing:        []Setting{{State: Absent, Pos: at(27, 3), Missing: "Tracing"}},
			SecurityGroups: []Setting{{State: Absent, Pos: at(27, 3), Missing: "VpcConfig"}},
		},
		"IgnoresTracing": {
			KmsKey:         inherited(at(32, 3)).KmsKey,
			Tracing:        []Setting{{State: Absent, Pos: at(32, 3), Missing: "Tracing"}},
			SecurityGroups: inherited(at(32, 3)).SecurityGroups,
		},
		"IntrinsicReplacesMap": {
			KmsKey:  inherited(at(37, 3)).KmsKey,
			Tracing: inherited(at(37, 3)).Tracing,
			SecurityGroups: []Setting{
				{State: Literal, Text: "[sg-prod]", Count: 1, Pos: at(40, 50), When: "when IsProd is true"},
				{State: Absent, Pos: at(40, 7), Missing: "VpcConfig", When: "when IsProd is false"},
			},
		},
		"NoProperties": inherited(at(41, 3)),
		"Plain": {
			KmsKey:         []Setting{{State: Absent, Pos: at(43, 3), Missing: "KmsKeyArn"}},
			Tracing:        []Setting{{State: Absent, Pos: at(43, 3), Missing: "TracingConfig"}},
			SecurityGroups: []Setting{{State: Absent, Pos: at(43, 3), Missing: "VpcConfig"}},
		},
	}
	fns := build(t, globalsTemplate, nil)
	if len(fns) != len(want) {
		t.Fatalf("%d functions, want %d", len(fns), len(want))
	}
	for id, w := range want {
		t.Run(id, func(t *testing.T) {
			got := controlsOf(function(t, fns, id))
			if diff := cmp.Diff(w, got, cmpopts.EquateEmpty(), ignoreRefs); diff != "" {
				t.Errorf("settings differ (-want +got):\n%s\ntemplate:\n%s", diff, numbered(globalsTemplate))
			}
		})
	}
}

// TestGlobalsAbsent: a control missing from a map that Globals provides is
// absent "in Globals", on the function.
func TestGlobalsAbsent(t *testing.T) {
	const src = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    VpcConfig:
      SubnetIds: [subnet-1]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
`
	fn := function(t, build(t, src, nil), "Fn")
	want := []Setting{{State: Absent, Pos: at(7, 3), Missing: "SecurityGroupIds", Globals: "Globals.Function at line 5"}}
	if diff := cmp.Diff(want, fn.SecurityGroups); diff != "" {
		t.Errorf("SecurityGroups differ (-want +got):\n%s", diff)
	}
}
