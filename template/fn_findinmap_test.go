package template

import "testing"

const mapHead = `Parameters:
  Stage: {Type: String, AllowedValues: [prod, dev]}
  StageFree: {Type: String}
  StageDefault: {Type: String, Default: prod}
  StageOdd: {Type: String, AllowedValues: [prod, test]}
  KeyName: {Type: String, AllowedValues: [Mode, Key]}
  KeyFree: {Type: String}
Conditions:
  C: !Equals [!Ref StageFree, prod]
Mappings:
  Stages:
    prod: {Mode: Active, Key: k-prod, List: [a, b]}
    dev: {Mode: PassThrough}
  Regions:
    us-east-1: {Ami: ami-1}
    eu-west-1: {Ami: ami-2}
  Alias:
    x: {Stage: dev}
  Bad:
    r: {V: !Ref R, W: !FindInMap [Bad, r, V]}
`

func TestFindInMap(t *testing.T) {
	given := func(k, v string) map[string]string { return map[string]string{k: v} }
	runEvalCases(t, []evalCase{
		{head: mapHead, value: `!FindInMap [Stages, prod, Mode]`, want: `Active`},
		{name: "a list value", head: mapHead, value: `!FindInMap [Stages, prod, List]`, want: `[a, b]`},
		{name: "the long form", head: mapHead, value: `{Fn::FindInMap: [Stages, dev, Mode]}`, want: `PassThrough`},
		{name: "a missing key", head: mapHead, value: `!FindInMap [Stages, dev, Key]`, want: `<other !FindInMap [Stages, dev, Key]>`},
		{name: "a missing row", head: mapHead, value: `!FindInMap [Stages, test, Mode]`, want: `<other !FindInMap [Stages, test, Mode]>`},
		{name: "a missing map", head: mapHead, value: `!FindInMap [Nope, prod, Mode]`, want: `<other !FindInMap [Nope, prod, Mode]>`},
		// DefaultValue (AWS::LanguageExtensions).
		{name: "DefaultValue for a missing key", head: mapHead, value: `!FindInMap [Stages, dev, Key, {DefaultValue: none}]`, want: `none`},
		{name: "DefaultValue unused when the key exists", head: mapHead, value: `!FindInMap [Stages, prod, Key, {DefaultValue: none}]`, want: `k-prod`},
		{name: "DefaultValue holding a Ref", head: mapHead, value: `!FindInMap [Nope, a, b, {DefaultValue: !Ref R}]`, want: `<resource R>`},
		{name: "a fourth argument without DefaultValue", head: mapHead, value: `!FindInMap [Stages, dev, Key, {Other: x}]`,
			want: `<other !FindInMap [Stages, dev, Key, {Other: x}]>`},
		// Rows chosen at deployment.
		{name: "a row per region written", head: mapHead, value: `!FindInMap [Regions, !Ref AWS::Region, Ami]`,
			want: `ami-1 when !Ref AWS::Region is us-east-1 (Mappings row) | ami-2 when !Ref AWS::Region is eu-west-1 (Mappings row)`},
		{name: "a region not written takes the DefaultValue", head: mapHead, value: `!FindInMap [Regions, !Ref AWS::Region, Ami, {DefaultValue: ami-0}]`,
			want: `ami-1 when !Ref AWS::Region is us-east-1 (Mappings row) | ami-2 when !Ref AWS::Region is eu-west-1 (Mappings row) | ami-0 when !Ref AWS::Region is another value (no row of Regions, so the DefaultValue)`},
		{name: "a row over AllowedValues", head: mapHead, value: `!FindInMap [Stages, !Ref Stage, Mode]`,
			want: `Active when !Ref Stage is prod (Mappings row) | PassThrough when !Ref Stage is dev (Mappings row)`},
		{name: "a row over AllowedValues with Params", head: mapHead, value: `!FindInMap [Stages, !Ref Stage, Mode]`, params: true,
			want: `Active when !Ref Stage is prod (Mappings row) | PassThrough when !Ref Stage is dev (Mappings row)`},
		{name: "the row and the parameter agree", head: mapHead, value: `[!Ref Stage, !FindInMap [Stages, !Ref Stage, Mode]]`, params: true,
			want: `[{Stage=prod}, Active] when !Ref Stage is prod (parameter value) | [{Stage=dev}, PassThrough] when !Ref Stage is dev (parameter value)`},
		{name: "an allowed value that is no row deploys nothing", head: mapHead, value: `!FindInMap [Stages, !Ref StageOdd, Mode]`,
			want: `Active when !Ref StageOdd is prod (Mappings row)`},
		{name: "an allowed value that is no row takes the DefaultValue", head: mapHead, value: `!FindInMap [Stages, !Ref StageOdd, Mode, {DefaultValue: Off}]`,
			want: `Active when !Ref StageOdd is prod (Mappings row) | Off (bool) when !Ref StageOdd is test (Mappings row)`}, // YAML 1.1: a plain Off is a boolean,
		{name: "a row over every row written", head: mapHead, value: `!FindInMap [Stages, !Ref StageFree, Mode]`,
			want: `Active when !Ref StageFree is prod (Mappings row) | PassThrough when !Ref StageFree is dev (Mappings row)`},
		{name: "a free parameter with a DefaultValue", head: mapHead, value: `!FindInMap [Stages, !Ref StageFree, Key, {DefaultValue: none}]`,
			want: `k-prod when !Ref StageFree is prod (Mappings row) | none when !Ref StageFree is dev (Mappings row) | none when !Ref StageFree is another value (no row of Stages, so the DefaultValue)`},
		{name: "a row that lacks the key deploys nothing", head: mapHead, value: `!FindInMap [Stages, !Ref Stage, Key]`,
			want: `k-prod when !Ref Stage is prod (Mappings row)`},
		{name: "a given row with Params", head: mapHead, value: `!FindInMap [Stages, !Ref StageFree, Mode]`, params: true,
			given: given("StageFree", "dev"), want: `PassThrough`},
		{name: "a given row outside AllowedValues", head: mapHead, value: `!FindInMap [Stages, !Ref Stage, Mode]`, params: true,
			given: given("Stage", "test"), want: `<other !FindInMap [Stages, !Ref Stage, Mode]>`},
		{name: "a given row without Params", head: mapHead, value: `!FindInMap [Stages, !Ref StageFree, Mode]`,
			given: given("StageFree", "dev"),
			want:  `PassThrough`}, // the configured row
		{name: "a default row with Params", head: mapHead, value: `!FindInMap [Stages, !Ref StageDefault, Mode]`, params: true,
			want: `Active`},
		{name: "a default row without Params", head: mapHead, value: `!FindInMap [Stages, !Ref StageDefault, Mode]`,
			want: `Active when !Ref StageDefault is prod (Mappings row) | PassThrough when !Ref StageDefault is dev (Mappings row)`},
		{name: "a key over AllowedValues", head: mapHead, value: `!FindInMap [Stages, prod, !Ref KeyName]`, params: true,
			want: `Active when !Ref KeyName is Mode (parameter value) | k-prod when !Ref KeyName is Key (parameter value)`},
		// The controls read it so (issue 10 review, F18): `KmsKeyArn:
		// !FindInMap [T, !Ref Stage, !Ref Field]` is empty on one key.
		{name: "a key chosen at deployment without Params", head: mapHead, value: `!FindInMap [Stages, prod, !Ref KeyName]`,
			want: `Active when !Ref KeyName is Mode (parameter value) | k-prod when !Ref KeyName is Key (parameter value)`},
		{name: "a row and a key chosen at deployment", head: mapHead, value: `!FindInMap [Stages, !Ref Stage, !Ref KeyName]`,
			want: `Active when !Ref Stage is prod (Mappings row) and !Ref KeyName is Mode (parameter value) | k-prod when !Ref Stage is prod (Mappings row) and !Ref KeyName is Key (parameter value) | PassThrough when !Ref Stage is dev (Mappings row) and !Ref KeyName is Mode (parameter value)`},
		{name: "a free key with a DefaultValue", head: mapHead, value: `!FindInMap [Stages, dev, !Ref KeyFree, {DefaultValue: none}]`,
			want: `PassThrough when !Ref KeyFree is Mode (parameter value) | none when !Ref KeyFree is another value (no such key in Stages.dev, so the DefaultValue)`},
		{name: "a map name unknown until deployment", head: mapHead, value: `!FindInMap [!Ref AWS::Region, prod, Mode]`,
			want: `<other !FindInMap [!Ref AWS::Region, prod, Mode]>`},
		{name: "a row from an Fn::If", head: mapHead, value: `!FindInMap [Stages, !If [C, prod, dev], Mode]`,
			want: `Active when C is true | PassThrough when C is false`},
		{name: "a row from another FindInMap", head: mapHead, value: `!FindInMap [Stages, !FindInMap [Alias, x, Stage], Mode]`, want: `PassThrough`},
		{name: "a row that is a resource", head: mapHead, value: `!FindInMap [Stages, !Ref R, Mode]`, want: `<other !FindInMap [Stages, !Ref R, Mode]>`},
		// Mappings hold written-out values: an intrinsic there is never followed.
		{name: "a mapped Ref", head: mapHead, value: `!FindInMap [Bad, r, V]`, want: `<other !FindInMap [Bad, r, V]>`},
		{name: "a mapped FindInMap that looks itself up", head: mapHead, value: `!FindInMap [Bad, r, W]`, want: `<other !FindInMap [Bad, r, W]>`},
		{name: "a mapped intrinsic on a row chosen at deployment", head: mapHead, value: `!FindInMap [Bad, !Ref AWS::Region, V]`,
			want: `<other !FindInMap [Bad, !Ref AWS::Region, V]> when !Ref AWS::Region is r (Mappings row)`},
		// Malformed.
		{name: "two arguments", head: mapHead, value: `!FindInMap [Stages, prod]`, want: `<other !FindInMap [Stages, prod]>`},
		{name: "five arguments", head: mapHead, value: `!FindInMap [Stages, prod, Mode, {DefaultValue: x}, y]`,
			want: `<other !FindInMap [Stages, prod, Mode, {DefaultValue: x}, y]>`},
		{name: "a string argument", head: mapHead, value: `!FindInMap Stages`, want: `<other !FindInMap Stages>`},
		{name: "a list as a key", head: mapHead, value: `!FindInMap [Stages, [prod], Mode]`, want: `<other !FindInMap [Stages, [prod], Mode]>`},
		{name: "a template without Mappings", value: `!FindInMap [Stages, prod, Mode]`, want: `<other !FindInMap [Stages, prod, Mode]>`},
	})
}
