package template

import "testing"

// refParams are parameters of every shape a Ref reads.
const refParams = `Parameters:
  Plain: {Type: String}
  WithDefault: {Type: String, Default: fallback}
  EmptyDefault: {Type: String, Default: ""}
  Count: {Type: Number, Default: 3}
  Stage: {Type: String, AllowedValues: [prod, dev]}
  StageDefault: {Type: String, AllowedValues: [prod, dev], Default: dev}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-1,subnet-2"}
  Groups: {Type: "List<AWS::EC2::SecurityGroup::Id>", Default: "sg-1, sg-2"}
  NoListDefault: {Type: CommaDelimitedList}
  FromSSM: {Type: "AWS::SSM::Parameter::Value<String>", Default: /platform/kms-key-arn}
  ListFromSSM: {Type: "AWS::SSM::Parameter::Value<List<String>>", Default: /platform/subnets}
`

func TestRef(t *testing.T) {
	runEvalCases(t, []evalCase{
		// Parameters stay references without Params, as the controls read them.
		{name: "a parameter without Params", head: refParams, value: `!Ref WithDefault`, want: `<param WithDefault>`},
		{name: "a parameter without Params ignores Given", head: refParams, value: `!Ref Plain`, given: map[string]string{"Plain": "x"}, want: `<param Plain>`},
		{name: "a parameter without a value or default", head: refParams, value: `!Ref Plain`, params: true, want: `<param Plain>`},
		{name: "the default", head: refParams, value: `!Ref WithDefault`, params: true, want: `{WithDefault=fallback}`},
		{name: "an empty default", head: refParams, value: `!Ref EmptyDefault`, params: true, want: `{EmptyDefault=}`},
		{name: "a number parameter", head: refParams, value: `!Ref Count`, params: true, want: `{Count=3}`},
		{name: "the given value wins over the default", head: refParams, value: `!Ref WithDefault`, params: true,
			given: map[string]string{"WithDefault": "configured"}, want: `{WithDefault=configured}`},
		{name: "a given value for a parameter without default", head: refParams, value: `!Ref Plain`, params: true,
			given: map[string]string{"Plain": "configured"}, want: `{Plain=configured}`},
		{name: "a given value outside AllowedValues is taken as given", head: refParams, value: `!Ref Stage`, params: true,
			given: map[string]string{"Stage": "test"}, want: `{Stage=test}`},
		{name: "AllowedValues are the rows it can be", head: refParams, value: `!Ref Stage`, params: true,
			want: `{Stage=prod} when !Ref Stage is prod (parameter value) | {Stage=dev} when !Ref Stage is dev (parameter value)`},
		{name: "a default wins over AllowedValues", head: refParams, value: `!Ref StageDefault`, params: true, want: `{StageDefault=dev}`},
		{name: "AllowedValues twice in one value agree", head: refParams, value: `[!Ref Stage, !Ref Stage]`, params: true,
			want: `[{Stage=prod}, {Stage=prod}] when !Ref Stage is prod (parameter value) | [{Stage=dev}, {Stage=dev}] when !Ref Stage is dev (parameter value)`},
		{name: "a list parameter", head: refParams, value: `!Ref Subnets`, params: true, want: `[{Subnets=subnet-1}, {Subnets=subnet-2}]`},
		{name: "a list parameter's items are trimmed", head: refParams, value: `!Ref Groups`, params: true, want: `[{Groups=sg-1}, {Groups=sg-2}]`},
		{name: "a given list", head: refParams, value: `!Ref Subnets`, params: true, given: map[string]string{"Subnets": "a,b,c"}, want: `[{Subnets=a}, {Subnets=b}, {Subnets=c}]`},
		{name: "a list parameter without default", head: refParams, value: `!Ref NoListDefault`, params: true, want: `<param NoListDefault>`},
		{name: "a list parameter without Params", head: refParams, value: `!Ref Subnets`, want: `<param Subnets>`},
		// An SSM parameter type deploys the value stored under the name it is given.
		{name: "an SSM parameter's default is a name, not the value", head: refParams, value: `!Ref FromSSM`, params: true, want: `<param FromSSM>`},
		{name: "an SSM parameter's given value is a name too", head: refParams, value: `!Ref FromSSM`, params: true,
			given: map[string]string{"FromSSM": "/prod/key"}, want: `<param FromSSM>`},
		{name: "an SSM list parameter", head: refParams, value: `!Ref ListFromSSM`, params: true, want: `<param ListFromSSM>`},
		// Pseudo parameters are known only at deployment, with or without Params.
		{value: `!Ref AWS::Region`, want: `<pseudo AWS::Region>`},
		{name: "a pseudo parameter with Params", value: `!Ref AWS::AccountId`, params: true, want: `<pseudo AWS::AccountId>`},
		{value: `!Ref AWS::Partition`, want: `<pseudo AWS::Partition>`},
		{value: `!Ref AWS::StackName`, want: `<pseudo AWS::StackName>`},
		{value: `!Ref AWS::URLSuffix`, want: `<pseudo AWS::URLSuffix>`},
		{value: `{Ref: AWS::StackId}`, want: `<pseudo AWS::StackId>`},
		{value: `!Ref AWS::NoValue`, want: `(absent)`},
		{name: "AWS::NoValue in a list leaves the item out", value: `[a, !Ref AWS::NoValue, b]`, want: `[a, b]`},
		{name: "AWS::NoValue in a map leaves the key out", value: `{A: a, N: !Ref AWS::NoValue}`, want: `{A: a}`},
		// Resources: their physical id.
		{value: `!Ref R`, want: `<resource R>`},
		{name: "a Ref to a resource with Params", value: `!Ref B`, params: true, want: `<resource B>`},
		{name: "a Ref to nothing in the template", value: `!Ref Nowhere`, want: `<other !Ref Nowhere>`},
		// Malformed: an unknown of kind other, never a panic.
		{name: "Ref to a list", value: `!Ref [R]`, want: `<other !Ref [R]>`},
		{name: "Ref to a map", value: `{Ref: {a: b}}`, want: `<other !Ref {a: b}>`},
		{name: "Ref to null", value: `{Ref: null}`, want: `<other !Ref null>`},
		{name: "Ref to a number names nothing", value: `!Ref 123`, want: `<other !Ref 123>`},
		// Dynamic references: CloudFormation resolves them at deployment.
		{name: "a dynamic reference", value: `"{{resolve:ssm:x}}"`, want: `<dynamic {{resolve:ssm:x}}>`},
		{name: "a secret", value: `"{{resolve:secretsmanager:db:SecretString:password}}"`, want: `<dynamic {{resolve:secretsmanager:db:SecretString:password}}>`},
		{name: "text around a dynamic reference stays known", value: `"arn:aws:kms:{{resolve:ssm:/region}}:key/1"`,
			want: `arn:aws:kms:<dynamic {{resolve:ssm:/region}}>:key/1`},
		{name: "two dynamic references", value: `"{{resolve:ssm:a}}/{{resolve:ssm:b:2}}"`, want: `<dynamic {{resolve:ssm:a}}>/<dynamic {{resolve:ssm:b:2}}>`},
		{name: "an unterminated dynamic reference is text", value: `"{{resolve:ssm:x"`, want: `{{resolve:ssm:x`},
		{name: "dynamic references in a list and a map", value: `[a, {K: "{{resolve:ssm:k}}"}]`, want: `[a, {K: <dynamic {{resolve:ssm:k}}>}]`},
		// Plain data is returned as it is.
		{name: "a string", value: `text`, want: `text`},
		{name: "an empty string", value: `""`, want: `""`},
		{name: "a number", value: `42`, want: `42 (number)`},
		{name: "a boolean", value: `true`, want: `true (bool)`},
		{name: "null", value: `null`, want: `null`},
		{name: "a list of refs", value: `[!Ref R, x, !GetAtt R.Arn]`, want: `[<resource R>, x, <attr R.Arn>]`},
		{name: "a map of refs", value: `{A: !Ref R, B: {C: !Ref AWS::Region}}`, want: `{A: <resource R>, B: {C: <pseudo AWS::Region>}}`},
	})
}
