package lambda

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/iam"
)

// samTemplateErrors are the templates that produce errors even with proper parameters,
// because their fixed Resource grants on every resource an action that takes ARNs. SAM
// users of these get a finding they fix by writing the statement themselves.
var samTemplateErrors = map[string]string{
	"CloudFormationDescribeStacksPolicy":   "cloudformation:DescribeStacks on stack/* of the account: every stack, though stacks have ARNs",
	"CloudWatchDashboardPolicy":            "cloudwatch:GetDashboard and PutDashboard on \"*\": every dashboard, though dashboards have ARNs",
	"CloudWatchDescribeAlarmHistoryPolicy": "cloudwatch:DescribeAlarmHistory on \"*\": every alarm, though alarms have ARNs",
	"EKSDescribePolicy":                    "eks:DescribeCluster on \"*\": every cluster, though clusters have ARNs",
	"PollyFullAccessPolicy":                "polly:PutLexicon and SynthesizeSpeech on lexicon/*: every lexicon, though the template takes a LexiconName",
	"ServerlessRepoReadWriteAccessPolicy":  "serverlessrepo actions on applications/*: every application",
	"TextractPolicy":                       "textract:* grants every Textract action",
}

// TestEverySAMTemplate reads every SAM policy template with a harmless
// parameter value, as a function's Policies give it, and judges it: the
// ones granting star-only actions on "*" (VPCAccessPolicy,
// AWSXrayWriteOnlyAccess, CloudWatchPutMetricPolicy, ...) must come out
// clean, the others exactly as listed, every finding on the template's key.
func TestEverySAMTemplate(t *testing.T) {
	withErrors := 0
	for _, name := range iam.SAMTemplateNames() {
		def, _ := iam.SAMTemplate(name)
		var params []string
		for _, p := range def.Parameters {
			params = append(params, fmt.Sprintf("%s: my-%s", p.Name, strings.ToLower(p.Name)))
		}
		src := fmt.Sprintf("Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - %s: {%s}\n",
			name, strings.Join(params, ", "))
		fn := function(t, build(t, src, nil), "Fn")
		role := fn.Roles[0].Role
		if len(role.SAMTemplates) != 1 || len(role.Problems) > 0 || len(fn.Unchecked) > 0 {
			t.Errorf("%s: %d uses, problems %v, unchecked %v; want one use", name, len(role.SAMTemplates), role.Problems, fn.Unchecked)
			continue
		}
		ref := role.SAMTemplates[0]
		if len(ref.Policy.Statements) != len(def.Statements) {
			t.Errorf("%s: %d statements read, the template has %d", name, len(ref.Policy.Statements), len(def.Statements))
		}
		probs, err := iam.CheckSAMTemplate(ref.Name, ref.Args, ref.Policy, ref.Pos)
		if err != nil {
			t.Errorf("CheckSAMTemplate(%s): %v", name, err)
			continue
		}
		var errs []string
		for _, p := range probs {
			if p.Pos != at(7, 11) {
				t.Errorf("%s: problem at %v, want the template's key %v: %s", name, p.Pos, at(7, 11), p.Message)
			}
			if p.Severity == iam.Error {
				errs = append(errs, p.Message)
			}
		}
		_, expected := samTemplateErrors[name]
		switch {
		case len(errs) > 0 && !expected:
			t.Errorf("%s with proper parameters has unexpected errors:\n  %s", name, strings.Join(errs, "\n  "))
		case len(errs) == 0 && expected:
			t.Errorf("%s is listed in samTemplateErrors but has no error; remove it", name)
		}
		if len(errs) > 0 {
			withErrors++
		}
	}
	t.Logf("%d SAM policy templates read, %d with (expected) errors", len(iam.SAMTemplateNames()), withErrors)
}
