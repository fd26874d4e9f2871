package template

import (
	"strings"
	"testing"
)

const subParams = `Parameters:
  Env: {Type: String}
  Name: {Type: String, Default: app}
  Stage: {Type: String, AllowedValues: [prod, dev]}
  Subnets: {Type: CommaDelimitedList, Default: "a,b"}
Conditions:
  C: !Equals [!Ref Env, prod]
`

func TestSub(t *testing.T) {
	runEvalCases(t, []evalCase{
		// The string form.
		{value: `!Sub ""`, want: `""`},
		{value: `!Sub plain`, want: `plain`},
		{name: "pseudo parameters", value: `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x"`,
			want: `arn:<pseudo AWS::Partition>:iam::<pseudo AWS::AccountId>:role/x`},
		{name: "a resource's name stays a reference inside known text", value: `!Sub "arn:aws:iam::123456789012:role/${R}"`,
			want: `arn:aws:iam::123456789012:role/<resource R>`},
		{name: "an attribute", value: `!Sub "${R.Arn}/*"`, want: `<attr R.Arn>/*`},
		{name: "a nested stack's output", value: `!Sub "${Stack.Outputs.Arn}"`, want: `<attr Stack.Outputs.Arn>`},
		{name: "the escape", value: `!Sub "${!Literal}-${!AWS::Region}"`, want: `${Literal}-${AWS::Region}`},
		{name: "an escape is not substituted, its neighbour is", value: `!Sub "${!R}${R}"`, want: `${R}<resource R>`},
		{name: "a parameter without Params", head: subParams, value: `!Sub "${Name}-fn"`, want: `<param Name>-fn`},
		{name: "a parameter's default", head: subParams, value: `!Sub "${Name}-fn"`, params: true, want: `app-fn`},
		{name: "a given parameter", head: subParams, value: `!Sub "${Env}-${Name}"`, params: true,
			given: map[string]string{"Env": "prod"}, want: `prod-app`},
		{name: "a parameter without a value", head: subParams, value: `!Sub "${Env}-x"`, params: true, want: `<param Env>-x`},
		{name: "a parameter over AllowedValues", head: subParams, value: `!Sub "t-${Stage}"`, params: true,
			want: `t-prod when !Ref Stage is prod (parameter value) | t-dev when !Ref Stage is dev (parameter value)`},
		{name: "a list parameter cannot be a part of a string", head: subParams, value: `!Sub "x-${Subnets}"`, params: true,
			want: `x-<other Subnets>`},
		{name: "a name in nothing of the template", value: `!Sub "x-${Nowhere}"`, want: `x-<other !Sub x-${Nowhere}>`},
		{name: "an unclosed placeholder is text", value: `!Sub "a-${R"`, want: `a-${R`},
		{name: "AWS::NoValue cannot be a part", value: `!Sub "a-${AWS::NoValue}"`, want: `a-<other AWS::NoValue>`},
		{name: "a whole string a parameter gives says so", head: subParams, value: `!Sub "${Name}"`, params: true, want: `{Name=app}`},
		// The list form, with a variable map.
		{name: "a variable map", value: `!Sub ["arn:aws:dynamodb:::table/${t}", {t: "*"}]`, want: `arn:aws:dynamodb:::table/*`},
		{name: "a variable map with a pseudo parameter", value: `!Sub ["arn:${AWS::Partition}:s3:::${b}/*", {b: reports}]`,
			want: `arn:<pseudo AWS::Partition>:s3:::reports/*`},
		{name: "a variable holding a Ref", value: `!Sub ["role/${N}", {N: !Ref R}]`, want: `role/<resource R>`},
		{name: "a variable holding a GetAtt", value: `!Sub ["${A}/*", {A: !GetAtt B.Arn}]`, want: `<attr B.Arn>/*`},
		{name: "a variable holding a nested Sub", value: `!Sub ["${A}-${B}", {A: !Sub "${AWS::Region}", B: x}]`, want: `<pseudo AWS::Region>-x`},
		{name: "a variable holding a Join", value: `!Sub ["${A}", {A: !Join ["-", [a, !Ref R]]}]`, want: `a-<resource R>`},
		{name: "a variable holding an ImportValue", value: `!Sub ["${A}:x", {A: !ImportValue shared-key}]`, want: `<import shared-key>:x`},
		{name: "a variable holding a FindInMap", head: "Mappings:\n  M: {prod: {K: v}}\n", value: `!Sub ["${A}", {A: !FindInMap [M, prod, K]}]`, want: `v`},
		{name: "a variable holding an Fn::If", head: subParams, value: `!Sub ["${A}-x", {A: !If [C, p, d]}]`,
			want: `p-x when C is true | d-x when C is false`},
		{name: "a variable holding a parameter's default", head: subParams, value: `!Sub ["${A}", {A: !Ref Name}]`, params: true, want: `{Name=app}`},
		{name: "a variable shadows a resource", value: `!Sub ["${R}", {R: mine}]`, want: `mine`},
		{name: "a variable shadows a pseudo parameter", value: `!Sub ["${AWS::Region}", {AWS::Region: here}]`, want: `here`},
		{name: "a variable shadows an attribute", value: `!Sub ["${R.Arn}", {R.Arn: mine}]`, want: `mine`},
		{name: "names not in the map are Refs", value: `!Sub ["${a}-${R}", {a: x}]`, want: `x-<resource R>`},
		{name: "one pass: a bound value holding ${B} is not substituted again", value: `!Sub ["${A}", {A: "${B}", B: x}]`, want: `${B}`},
		{name: "one pass: a bound ${R} stays text", value: `!Sub ["${A}", {A: "${R}"}]`, want: `${R}`},
		{name: "one pass: a bound escape stays as written", value: `!Sub ["${A}", {A: "${!B}"}]`, want: `${!B}`},
		{name: "the escape with a map", value: `!Sub ["${A}-${!A}", {A: x}]`, want: `x-${A}`},
		{name: "an empty map", value: `!Sub ["${AWS::Region}", {}]`, want: `<pseudo AWS::Region>`},
		{name: "the list form without a map", value: `!Sub ["x-${R}"]`, want: `x-<resource R>`},
		{name: "a variable holding AWS::NoValue", value: `!Sub ["${A}", {A: !Ref AWS::NoValue}]`, want: `<other A>`},
		{name: "a variable holding a list", value: `!Sub ["${A}", {A: [a, b]}]`, want: `<other A>`},
		{name: "a variable holding a number", value: `!Sub ["port-${P}", {P: 443}]`, want: `port-443`},
		{name: "a dynamic reference in a variable", value: `!Sub ["${A}", {A: "{{resolve:ssm:/app/key}}"}]`, want: `<dynamic {{resolve:ssm:/app/key}}>`},
		{name: "a dynamic reference in the text", value: `!Sub "{{resolve:ssm:/app/key}}"`, want: `<dynamic {{resolve:ssm:/app/key}}>`},
		{name: "a dynamic reference built by Sub", head: subParams, value: `!Sub "{{resolve:ssm:/${Name}/key}}"`, params: true,
			want: `<dynamic {{resolve:ssm:/app/key}}>`},
		// SAM's Fn.Alias inside Sub.
		{name: "SAM's Fn.Alias", head: samAlias, extra: samAliasFn, value: `!Sub "${Fn.Alias}"`, want: `<resource FnAliaslive>`},
		{name: "SAM's Fn.Version", head: samAlias, extra: samAliasFn, value: `!Sub "${Fn.Version}"`, want: `<resource Fn.Version>`},
		{name: "SAM's Fn.Alias.Arn", head: samAlias, extra: samAliasFn, value: `!Sub "${Fn.Alias.Arn}"`, want: `<attr FnAliaslive.Arn>`},
		// Malformed.
		{name: "three items", value: `!Sub [a, {}, c]`, want: `<other !Sub [a, {}, c]>`},
		{name: "a map that is a list", value: `!Sub ["${a}", [a]]`, want: `<other !Sub [${a}, [a]]>`},
		{name: "a text that is a map", value: `!Sub {a: b}`, want: `<other !Sub {a: b}>`},
		{name: "a text that is a number", value: `!Sub [1, {}]`, want: `<other !Sub [1, {}]>`},
		{name: "an empty list", value: `!Sub []`, want: `<other !Sub []>`},
	})
}

// TestSubSegments: the names a Sub text uses, without the escaped ones.
func TestSubSegments(t *testing.T) {
	for text, want := range map[string]string{
		"":                             "",
		"plain":                        "",
		"${A}-${!B}-${C.Arn}":          "A C.Arn",
		"arn:${AWS::Partition}:${ X }": "AWS::Partition X",
		"${!A}${!B}":                   "",
		"unclosed ${A":                 "",
		"${A}${A}":                     "A A",
	} {
		var names []string
		for _, s := range subSegments(text) {
			if s.name != "" {
				names = append(names, s.name)
			}
		}
		if got := strings.Join(names, " "); got != want {
			t.Errorf("subSegments(%q) names %q, want %q", text, got, want)
		}
	}
}
