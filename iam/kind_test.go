package iam

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestProblemKinds: each problem says what it is about, and where it is
// written; exceptions of other tools are matched by these kinds.
func TestProblemKinds(t *testing.T) {
	notAction := allow(nil, lit("arn:aws:s3:::b", 30))
	notAction.HasNotAction, notAction.NotAction, notAction.NotActionPos = true, acts("s3:GetObject"), at(20)
	notResource := allow(acts("s3:GetObject"))
	notResource.HasNotResource, notResource.NotResource, notResource.NotResourcePos = true, []Str{lit("arn:aws:s3:::b", 30)}, at(20)
	tests := []struct {
		name string
		st   Statement
		want []Kind
	}{
		{"every action", allow(acts("*"), lit("arn:aws:s3:::b", 30)), []Kind{KindAction}},
		{"a whole service", allow(acts("s3:*"), lit("arn:aws:s3:::b", 30)), []Kind{KindAction}},
		{"NotAction", notAction, []Kind{KindNotAction}},
		{"NotResource", notResource, []Kind{KindNotResource}},
		{"every resource", allow(acts("sqs:SendMessage"), lit("*", 30)), []Kind{KindEveryResource}},
		{"escalation", allow(acts("iam:PassRole"), lit("*", 30)), []Kind{KindEscalation}},
		{"star-only action", allow(acts("xray:PutTraceSegments"), lit("*", 30)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Kind
			for _, p := range Permissions(Policy{Origin: "FnRole", Statements: []Statement{tt.st}}) {
				got = append(got, p.Kind)
				if p.Origin != "FnRole" {
					t.Errorf("problem %q has origin %q, want the policy's, FnRole", p.Message, p.Origin)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("kinds (-want +got):\n%s", diff)
			}
		})
	}
	st := Statement{Pos: at(1), Effect: lit("Allow", 2), Action: acts("sts:AssumeRole"), Principal: []Principal{principal("AWS", "*", 40)}}
	for _, p := range Trust(Policy{Origin: "FnRole", Statements: []Statement{st}}) {
		if p.Kind != KindTrust || p.Origin != "FnRole" {
			t.Errorf("trust problem %q: kind %s, origin %q; want trust-policy, FnRole", p.Message, p.Kind, p.Origin)
		}
	}
	probs, err := CheckSAMTemplate("S3CrudPolicy", map[string]SAMArgument{"BucketName": {Pos: at(50), Values: []Str{lit("*", 50)}}}, Policy{}, at(49))
	if err != nil || len(probs) == 0 {
		t.Fatalf("S3CrudPolicy with BucketName *: %v, %v", probs, err)
	}
	for _, p := range probs {
		if p.Kind != KindSAMTemplate {
			t.Errorf("SAM template problem %q: kind %s, want sam-policy-template", p.Message, p.Kind)
		}
	}
}
