package iam

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lambdagate/lambdagate/source"
)

func TestSAMTemplateData(t *testing.T) {
	names := SAMTemplateNames()
	if len(names) != 81 {
		t.Errorf("%d SAM policy templates embedded, want the 81 of samtranslator 1.110.0", len(names))
	}
	for _, name := range names {
		if def, _ := SAMTemplate(name); len(def.Statements) == 0 {
			t.Errorf("%s has no statements", name)
		}
	}
}

// TestCheckSAMTemplate: what is wrong with the parameters a function gives
// a SAM policy template. (lambda's TestEverySAMTemplate judges every
// template's statements.)
func TestCheckSAMTemplate(t *testing.T) {
	at := source.Pos{File: "t.yaml", Line: 20, Column: 9}
	paramPos := source.Pos{File: "t.yaml", Line: 21, Column: 23}
	ifPos := source.Pos{File: "t.yaml", Line: 21, Column: 35}
	arg := func(values ...Str) SAMArgument { return SAMArgument{Pos: paramPos, Values: values} }
	// Every bucket, as SAM writes S3CrudPolicy with BucketName "*".
	everyBucket := Policy{Name: "SAM policy template S3CrudPolicy", Pos: at, Statements: []Statement{{Pos: at,
		Effect: Str{Value: "Allow", Pos: at}, Action: []Str{{Value: "s3:GetObject", Pos: at}},
		Resource: []Str{{Value: "arn:${AWS::Partition}:s3:::*/*", Intrinsic: true, Pos: at}}}}}
	tests := []struct {
		name         string
		template     string
		args         map[string]SAMArgument
		pol          Policy
		wantProblems []Problem
	}{
		{
			name:     "a literal bucket name",
			template: "S3ReadPolicy",
			args:     map[string]SAMArgument{"BucketName": arg(Str{Value: "photos", Pos: paramPos})},
		},
		{
			name:     "an intrinsic bucket name",
			template: "S3ReadPolicy",
			args:     map[string]SAMArgument{"BucketName": arg(Str{Value: "${Bucket}", Intrinsic: true, Pos: paramPos})},
		},
		{
			name:         "a star bucket is an error at the parameter, said once",
			template:     "S3CrudPolicy",
			args:         map[string]SAMArgument{"BucketName": arg(Str{Value: "*", Pos: paramPos}, Str{Value: "*", Pos: paramPos})},
			pol:          everyBucket,
			wantProblems: []Problem{{Pos: paramPos, Severity: Error, Kind: KindSAMTemplate, Message: `SAM policy template S3CrudPolicy with BucketName "*" grants it on every bucket; pass the bucket name`}},
		},
		{
			name:         "a star on one branch is an error at that value",
			template:     "S3CrudPolicy",
			args:         map[string]SAMArgument{"BucketName": arg(Str{Value: "photos", Pos: paramPos}, Str{Value: "*", Pos: ifPos})},
			pol:          everyBucket,
			wantProblems: []Problem{{Pos: ifPos, Severity: Error, Kind: KindSAMTemplate, Message: `SAM policy template S3CrudPolicy with BucketName "*" grants it on every bucket; pass the bucket name`}},
		},
		{
			name:     "every resource without a wildcard parameter is the statement's finding",
			template: "S3CrudPolicy",
			args:     map[string]SAMArgument{"BucketName": arg(Str{Value: "${B}", Intrinsic: true, Pos: paramPos})},
			pol:      everyBucket,
			wantProblems: []Problem{{Pos: at, Severity: Error, Kind: KindEveryResource,
				Message: permissions(everyBucket)[0].Message}},
		},
		{
			name:         "a missing parameter is an error at the template",
			template:     "DynamoDBCrudPolicy",
			args:         map[string]SAMArgument{},
			wantProblems: []Problem{{Pos: at, Severity: Error, Kind: KindSAMTemplate, Message: "SAM policy template DynamoDBCrudPolicy needs the parameter TableName (Name of the DynamoDB Table); add it, e.g. DynamoDBCrudPolicy: {TableName: !Ref MyResource}"}},
		},
		{
			name:         "a parameter not given on a branch is missing there",
			template:     "S3ReadPolicy",
			args:         map[string]SAMArgument{"BucketName": {Pos: paramPos, Values: []Str{{Value: "photos", Pos: paramPos}}, NotGiven: true}},
			wantProblems: []Problem{{Pos: at, Severity: Error, Kind: KindSAMTemplate, Message: "SAM policy template S3ReadPolicy needs the parameter BucketName (Name of the Bucket); add it, e.g. S3ReadPolicy: {BucketName: !Ref MyResource}"}},
		},
		{
			name:         "an unknown parameter is a warning",
			template:     "SQSPollerPolicy",
			args:         map[string]SAMArgument{"QueueName": arg(Str{Value: "jobs"}), "Queue": arg(Str{Value: "jobs", Pos: paramPos})},
			wantProblems: []Problem{{Pos: paramPos, Severity: Warning, Kind: KindSAMTemplate, Message: "SAM policy template SQSPollerPolicy has no parameter Queue, so SAM ignores it; its parameters are QueueName"}},
		},
		{
			name:         "KMS key ID gets an ID noun",
			template:     "KMSDecryptPolicy",
			args:         map[string]SAMArgument{"KeyId": arg(Str{Value: "*", Pos: paramPos})},
			wantProblems: []Problem{{Pos: paramPos, Severity: Error, Kind: KindSAMTemplate, Message: `SAM policy template KMSDecryptPolicy with KeyId "*" grants it on every key; pass the key ID`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs, err := CheckSAMTemplate(tt.template, tt.args, tt.pol, at)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantProblems, probs); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckSAMTemplateUnknownName(t *testing.T) {
	_, err := CheckSAMTemplate("s3readpolicy", nil, Policy{}, source.Pos{})
	if err == nil || !strings.Contains(err.Error(), "did you mean S3ReadPolicy?") {
		t.Errorf("err = %v, want an error suggesting S3ReadPolicy", err)
	}
	if _, ok := SAMTemplate("NoSuchPolicy"); ok {
		t.Error("SAMTemplate(NoSuchPolicy) found a template")
	}
	def, ok := SAMTemplate("S3CrudPolicy")
	if !ok || len(def.Parameters) != 1 || def.Parameters[0].Name != "BucketName" || def.Description == "" {
		t.Errorf("SAMTemplate(S3CrudPolicy) = %+v, %v", def, ok)
	}
}
