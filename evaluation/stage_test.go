package evaluation_test

import (
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/baseline"
	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/template"
)

func unit(t *testing.T, file, text string) evaluation.Unit {
	t.Helper()
	tpl, err := template.Parse(file, []byte(text), template.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return evaluation.Unit{Template: tpl, Functions: lambda.FromTemplate(tpl, lambda.Options{})}
}

const badSuppression = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Metadata:
      lambdagate:
        ignore:
          - rule: kms-key
    Properties:
      Role: arn:aws:iam::111122223333:role/r
`

// A suppression that cannot be read is an error of the unit, whoever the
// source is, and suppresses nothing.
func TestSuppressionErrorsAreReported(t *testing.T) {
	s := evaluation.New(evaluation.Config{Checks: []*checks.Check{checks.ByID("kms-key")}})
	res := s.EvaluateAll([]evaluation.Unit{unit(t, "a.yaml", badSuppression)})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "reason") {
		t.Errorf("errors %v, want the suppression without a reason", res.Errors)
	}
	if len(res.Findings) != 1 || res.Findings[0].Suppression != nil {
		t.Errorf("findings %+v, want kms-key, not suppressed", res.Findings)
	}
}

const managed = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
`

// Allowed and denied managed policies match by bare name, as the README's
// configuration writes them, as well as by ARN.
func TestManagedPoliciesMatchByBareName(t *testing.T) {
	run := func(o checks.Options) []checks.Finding {
		s := evaluation.New(evaluation.Config{Checks: []*checks.Check{checks.ByID("least-privilege-role")}, CheckOptions: o})
		return s.Evaluate(unit(t, "a.yaml", managed)).Findings
	}
	if fs := run(checks.Options{}); len(fs) != 1 || !strings.Contains(fs[0].Message, "AmazonSQSReadOnlyAccess") {
		t.Fatalf("without configuration: %+v, want the unknown AWS managed policy", fs)
	}
	if fs := run(checks.Options{AllowedManagedPolicies: []string{"AmazonSQSReadOnlyAccess"}}); len(fs) != 0 {
		t.Errorf("allowed by bare name: %+v, want none", fs)
	}
	fs := run(checks.Options{AllowedManagedPolicies: []string{"AmazonSQSReadOnlyAccess"}, DeniedManagedPolicies: []string{"AWSLambdaBasicExecutionRole"}})
	if len(fs) != 1 || fs[0].Severity != checks.Error || !strings.Contains(fs[0].Message, "denied by the configuration") {
		t.Errorf("denied by bare name: %+v, want one error", fs)
	}
}

// The baseline is applied unit by unit: what it records is suppressed
// wherever it is met, and what is never met is fixed once every unit is in.
func TestBaselineAcrossUnits(t *testing.T) {
	kms := evaluation.Config{Checks: []*checks.Check{checks.ByID("kms-key")}}
	first := evaluation.New(kms).EvaluateAll([]evaluation.Unit{unit(t, "a.yaml", badSuppression), unit(t, "b.yaml", badSuppression)})
	b := baseline.New(first.Findings)
	b.Findings = append(b.Findings, baseline.Entry{Fingerprint: "gone", Rule: "kms-key", File: "c.yaml", Resource: "Old", Message: "no key"})
	kms.Baseline, kms.BaselinePath = b, "base.json"
	s := evaluation.New(kms)
	a := s.Evaluate(unit(t, "a.yaml", badSuppression))
	if len(s.Fixed()) != 2 {
		t.Errorf("after a.yaml, fixed %v: b.yaml's entry and the gone one are still unmatched", s.Fixed())
	}
	bb := s.Evaluate(unit(t, "b.yaml", badSuppression))
	for _, f := range append(a.Findings, bb.Findings...) {
		if f.Suppression == nil || f.Suppression.Source != "baseline" {
			t.Errorf("%+v: want suppressed by the baseline", f)
		}
	}
	if fixed := s.Fixed(); len(fixed) != 1 || fixed[0].Resource != "Old" {
		t.Errorf("fixed %v, want only Old", fixed)
	}
}

// A resource's digest is its parsed value: layout, comments, quoting, key
// order and YAML or JSON do not change it; a value does.
func TestDigestIsOfTheParsedValue(t *testing.T) {
	digest := func(name, text string) string {
		tpl, err := template.Parse(name, []byte(text), template.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		return evaluation.Digest(tpl.Resources[0].Node)
	}
	base := digest("a.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Timeout: 3, Role: r}\n")
	for _, same := range []string{
		"Resources:\n  Fn:\n    # a comment\n    Type: 'AWS::Lambda::Function'\n\n    Properties:\n      Role: \"r\"\n      Timeout: 3\n",
	} {
		if d := digest("b.yaml", same); d != base {
			t.Errorf("a reformatting changes the digest:\n%s", same)
		}
	}
	if d := digest("c.json", `{"Resources": {"Fn": {"Properties": {"Role": "r", "Timeout": 3}, "Type": "AWS::Lambda::Function"}}}`); d != base {
		t.Error("the JSON form has another digest")
	}
	if d := digest("d.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Timeout: 4, Role: r}\n"); d == base {
		t.Error("an edit keeps the digest")
	}
}
