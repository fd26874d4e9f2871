package iam

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lambdagate/lambdagate/source"
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

// TestEverySAMTemplate expands all SAM policy templates with a harmless parameter value:
// the ones granting star-only actions on "*" (VPCAccessPolicy, AWSXrayWriteOnlyAccess,
// CloudWatchPutMetricPolicy, ...) must come out clean, the others exactly as listed.
func TestEverySAMTemplate(t *testing.T) {
	at := source.Pos{File: "template.yaml", Line: 9, Column: 11}
	names := SAMTemplateNames()
	if len(names) != 81 {
		t.Errorf("%d SAM policy templates embedded, want the 81 of samtranslator 1.110.0", len(names))
	}
	withErrors := 0
	for _, name := range names {
		def, _ := SAMTemplate(name)
		params := map[string]Str{}
		for _, p := range def.Parameters {
			params[p.Name] = Str{Value: "my-" + strings.ToLower(p.Name), Pos: at}
		}
		pol, probs, err := ExpandSAMTemplate(name, params, at)
		if err != nil {
			t.Errorf("ExpandSAMTemplate(%s): %v", name, err)
			continue
		}
		if len(pol.Statements) == 0 {
			t.Errorf("%s expanded to no statements", name)
		}
		var errs []string
		for _, p := range probs {
			if p.Pos != at {
				t.Errorf("%s: problem at %v, want the template's position %v", name, p.Pos, at)
			}
			if p.Severity == Error {
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
	t.Logf("%d SAM policy templates expanded, %d with (expected) errors", len(names), withErrors)
}

func TestExpandSAMTemplate(t *testing.T) {
	at := source.Pos{File: "t.yaml", Line: 20, Column: 9}
	paramPos := source.Pos{File: "t.yaml", Line: 21, Column: 23}
	tests := []struct {
		name         string
		template     string
		params       map[string]Str
		wantResource []Str // of the first statement
		wantProblems []Problem
	}{
		{
			name:         "a literal bucket name becomes a literal ARN",
			template:     "S3ReadPolicy",
			params:       map[string]Str{"BucketName": {Value: "photos", Pos: paramPos}},
			wantResource: []Str{{Value: "arn:aws:s3:::photos", Pos: at}, {Value: "arn:aws:s3:::photos/*", Pos: at}},
		},
		{
			name:         "an intrinsic bucket name stays intrinsic, in Sub form",
			template:     "S3ReadPolicy",
			params:       map[string]Str{"BucketName": {Value: "!Ref Bucket", Intrinsic: true, Pos: paramPos}},
			wantResource: []Str{{Value: "arn:aws:s3:::${Bucket}", Intrinsic: true, Pos: at}, {Value: "arn:aws:s3:::${Bucket}/*", Intrinsic: true, Pos: at}},
		},
		{
			name:         "region and account stay as pseudo parameters",
			template:     "DynamoDBReadPolicy",
			params:       map[string]Str{"TableName": {Value: "!GetAtt Orders.TableName", Intrinsic: true}},
			wantResource: []Str{{Value: "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders.TableName}", Intrinsic: true, Pos: at}, {Value: "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders.TableName}/index/*", Intrinsic: true, Pos: at}},
		},
		{
			name:         "a star bucket is an error at the parameter, said once",
			template:     "S3CrudPolicy",
			params:       map[string]Str{"BucketName": {Value: "*", Pos: paramPos}},
			wantResource: []Str{{Value: "arn:aws:s3:::*", Pos: at}, {Value: "arn:aws:s3:::*/*", Pos: at}},
			wantProblems: []Problem{{Pos: paramPos, Severity: Error, Kind: KindSAMTemplate, Message: `SAM policy template S3CrudPolicy with BucketName "*" grants it on every bucket; pass the bucket name`}},
		},
		{
			name:         "a missing parameter is an error at the template",
			template:     "DynamoDBCrudPolicy",
			params:       map[string]Str{},
			wantResource: []Str{{Value: "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}", Intrinsic: true, Pos: at}, {Value: "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*", Intrinsic: true, Pos: at}},
			wantProblems: []Problem{{Pos: at, Severity: Error, Kind: KindSAMTemplate, Message: "SAM policy template DynamoDBCrudPolicy needs the parameter TableName (Name of the DynamoDB Table); add it, e.g. DynamoDBCrudPolicy: {TableName: !Ref MyResource}"}},
		},
		{
			name:         "an unknown parameter is a warning",
			template:     "SQSPollerPolicy",
			params:       map[string]Str{"QueueName": {Value: "jobs"}, "Queue": {Value: "jobs", Pos: paramPos}},
			wantResource: []Str{{Value: "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:jobs", Intrinsic: true, Pos: at}},
			wantProblems: []Problem{{Pos: paramPos, Severity: Warning, Kind: KindSAMTemplate, Message: "SAM policy template SQSPollerPolicy has no parameter Queue, so SAM ignores it; its parameters are QueueName"}},
		},
		{
			name:         "VPCAccessPolicy grants only what Lambda needs for ENIs: clean",
			template:     "VPCAccessPolicy",
			params:       map[string]Str{},
			wantResource: []Str{{Value: "*", Pos: at}},
		},
		{
			name:         "KMS key ID gets an ID noun",
			template:     "KMSDecryptPolicy",
			params:       map[string]Str{"KeyId": {Value: "*", Pos: paramPos}},
			wantResource: []Str{{Value: "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/*", Intrinsic: true, Pos: at}},
			wantProblems: []Problem{{Pos: paramPos, Severity: Error, Kind: KindSAMTemplate, Message: `SAM policy template KMSDecryptPolicy with KeyId "*" grants it on every key; pass the key ID`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol, probs, err := ExpandSAMTemplate(tt.template, tt.params, at)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantResource, pol.Statements[0].Resource); diff != "" {
				t.Errorf("first statement's Resource (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantProblems, probs); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpandSAMTemplateUnknownName(t *testing.T) {
	_, _, err := ExpandSAMTemplate("s3readpolicy", nil, source.Pos{})
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
