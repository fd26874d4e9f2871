package template

import (
	"strings"
	"testing"
)

// samFn writes a SAM function Fn with the given extra properties.
func samFn(props string) string {
	return "  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: index.handler, Runtime: python3.12, CodeUri: s3://b/k" + props + "}\n"
}

const samHead = `Transform: AWS::Serverless-2016-10-31
Parameters:
  AliasName: {Type: String, Default: live}
  NoDefault: {Type: String}
Conditions:
  C: !Equals [!Ref NoDefault, x]
`

func TestSAMRefs(t *testing.T) {
	runEvalCases(t, []evalCase{
		{head: samHead, extra: samFn(", AutoPublishAlias: live"), value: `!Ref Fn.Alias`, want: `<resource FnAliaslive>`},
		{name: "the alias by its logical id", head: samHead, extra: samFn(", AutoPublishAlias: live"), value: `!Ref FnAliaslive`, want: `<resource FnAliaslive>`},
		{name: "the version", head: samHead, extra: samFn(", AutoPublishAlias: live"), value: `!Ref Fn.Version`, want: `<resource Fn.Version>`},
		{name: "the function", head: samHead, extra: samFn(", AutoPublishAlias: live"), value: `!Ref Fn`, want: `<resource Fn>`},
		{name: "the alias's ARN in a Sub", head: samHead, extra: samFn(", AutoPublishAlias: live"), value: `!Sub "${Fn.Alias}:x"`, want: `<resource FnAliaslive>:x`},
		{name: "an alias name from a parameter's default", head: samHead, extra: samFn(", AutoPublishAlias: !Ref AliasName"),
			value: `!Ref Fn.Alias`, want: `<resource FnAliaslive>`},
		{name: "an alias name from a parameter's default, by logical id", head: samHead, extra: samFn(", AutoPublishAlias: !Ref AliasName"),
			value: `!Ref FnAliaslive`, want: `<resource FnAliaslive>`},
		{name: "an alias name from Globals", head: samHead + "Globals:\n  Function: {AutoPublishAlias: prod}\n", extra: samFn(""),
			value: `!Ref Fn.Alias`, want: `<resource FnAliasprod>`},
		{name: "an alias name from a parameter with a given value", head: samHead, extra: samFn(", AutoPublishAlias: !Ref AliasName"),
			value: `!Ref Fn.Alias`, given: map[string]string{"AliasName": "prod"}, params: true, want: `<resource FnAliasprod>`},
		{name: "an alias name with a hyphen", head: samHead, extra: samFn(", AutoPublishAlias: live-1"), value: `!Ref Fn.Alias`,
			want: `<resource FnAliasliveD1>`},
		{name: "an alias name without a value", head: samHead, extra: samFn(", AutoPublishAlias: !Ref NoDefault"), value: `!Ref Fn.Alias`,
			want: `<other !Ref Fn.Alias>`},
		{name: "no AutoPublishAlias", head: samHead, extra: samFn(""), value: `!Ref Fn.Alias`, want: `<other !Ref Fn.Alias>`},
		{name: "no SAM transform", head: "Parameters: {}\n", extra: samFn(", AutoPublishAlias: live"), value: `!Ref Fn.Alias`, want: `<other !Ref Fn.Alias>`},
		// The role SAM generates.
		{name: "the generated role", head: samHead, extra: samFn(""), value: `!Ref FnRole`, want: `<resource FnRole>`},
		{name: "no generated role when Role is set", head: samHead, extra: samFn(", Role: !GetAtt R.Arn"), value: `!Ref FnRole`, want: `<other !Ref FnRole>`},
		{name: "a generated role on the branch where Role is AWS::NoValue", head: samHead,
			extra: samFn(", Role: !If [C, !GetAtt R.Arn, !Ref AWS::NoValue]"), value: `!Ref FnRole`, want: `<resource FnRole>`},
		{name: "a role the template writes itself", head: samHead, extra: samFn("") + "  FnRole:\n    Type: AWS::IAM::Role\n",
			value: `!Ref FnRole`, want: `<resource FnRole>`},
		{name: "the function URL", head: samHead, extra: samFn(", FunctionUrlConfig: {AuthType: NONE}"), value: `!Ref FnUrl`, want: `<resource FnUrl>`},
	})
}

// TestGenerated lists what SAM generates for a function, and what it is.
func TestGenerated(t *testing.T) {
	for _, tc := range []struct {
		name, props string
		want        string // "id type" of each generated resource, in order
	}{
		{"a bare function", "", "FnRole AWS::IAM::Role"},
		{"an alias", ", AutoPublishAlias: live", "FnRole AWS::IAM::Role, FnAliaslive AWS::Lambda::Alias, Fn.Version AWS::Lambda::Version"},
		{"a role and a URL", ", Role: !GetAtt R.Arn, FunctionUrlConfig: {AuthType: AWS_IAM}", "FnUrl AWS::Lambda::Url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl, _ := parseCase(t, evalCase{head: samHead, extra: samFn(tc.props), value: "x"})
			var got []string
			for _, g := range tpl.GeneratedFor("Fn") {
				got = append(got, g.ID+" "+g.Type)
				if tpl.Generated(g.ID) != g || g.Function != tpl.Resource("Fn") {
					t.Errorf("%s is not found back as a resource generated for Fn", g.ID)
				}
			}
			if s := strings.Join(got, ", "); s != tc.want {
				t.Errorf("GeneratedFor(Fn) = %s, want %s", s, tc.want)
			}
			if tpl.Generated("Fn") != nil || tpl.Generated("F") != nil {
				t.Error("a resource the template writes is not generated")
			}
		})
	}
}
