package iam

import (
	"fmt"
	"strings"
)

// ManagedKind classifies an AWS managed policy for a Lambda execution role.
type ManagedKind int

// Managed policy kinds. Unknown is the zero value: lambdagate has no opinion, which is
// every customer managed policy (the caller analyses its document) and every AWS managed
// policy not in the tables below.
const (
	Unknown ManagedKind = iota
	Accepted
	Broad
)

func (k ManagedKind) String() string {
	switch k {
	case Unknown:
		return "unknown"
	case Accepted:
		return "accepted"
	case Broad:
		return "broad"
	}
	return "invalid kind"
}

// ManagedVerdict is what lambdagate thinks of one managed policy.
type ManagedVerdict struct {
	Kind   ManagedKind
	Name   string // the policy's name, e.g. AWSLambdaBasicExecutionRole; empty when not an AWS managed policy
	Reason string // why, for the message
}

// acceptedPolicy is an AWS managed policy made for Lambda execution roles.
type acceptedPolicy struct {
	Name   string
	Grants string // what it grants, in a few words
	// EveryResource is set for policies that grant actions supporting resource-level
	// permissions on "*" (so Permissions reports errors on their documents), saying why
	// they are accepted anyway. The tests hold the table to this.
	EveryResource string
}

// eventSourceMapping is why the event-source execution policies are accepted although
// they grant on "*": they are what the Lambda console and SAM attach for an event source
// mapping, the mapping (not the code) uses them, and they only read records and manage
// the mapping's position. A policy scoped to the one stream, table or queue is tighter.
const eventSourceMapping = "AWS's execution policy for this event source mapping; the grant is read-and-acknowledge only, though on every stream, table or queue of the account; scope a custom policy to the source for least privilege"

// acceptedPolicies are the AWS managed policies AWS provides for Lambda execution roles
// (https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html), each
// checked against its published document (see managed_test.go).
var acceptedPolicies = []acceptedPolicy{
	{Name: "AWSLambdaBasicExecutionRole", Grants: "writing the function's CloudWatch logs"},
	{Name: "AWSLambdaBasicDurableExecutionRolePolicy", Grants: "writing logs and checkpointing durable executions",
		EveryResource: "AWS's execution policy for durable functions; lambda:CheckpointDurableExecution and lambda:GetDurableExecutionState act only on the calling execution"},
	{Name: "AWSLambdaVPCAccessExecutionRole", Grants: "writing logs and managing the network interfaces of a function in a VPC"},
	{Name: "AWSLambdaENIManagementAccess", Grants: "managing the network interfaces of a function in a VPC"},
	{Name: "AWSXRayDaemonWriteAccess", Grants: "sending X-Ray traces"},
	{Name: "AWSXrayWriteOnlyAccess", Grants: "sending X-Ray traces"},
	{Name: "CloudWatchLambdaInsightsExecutionRolePolicy", Grants: "writing Lambda Insights metrics"},
	{Name: "CloudWatchLambdaApplicationSignalsExecutionRolePolicy", Grants: "writing CloudWatch Application Signals data"},
	{Name: "AWSLambdaKinesisExecutionRole", Grants: "reading Kinesis streams for an event source mapping", EveryResource: eventSourceMapping},
	{Name: "AWSLambdaDynamoDBExecutionRole", Grants: "reading DynamoDB streams for an event source mapping", EveryResource: eventSourceMapping},
	{Name: "AWSLambdaSQSQueueExecutionRole", Grants: "receiving and deleting SQS messages for an event source mapping", EveryResource: eventSourceMapping},
	{Name: "AWSLambdaMSKExecutionRole", Grants: "reading Amazon MSK clusters for an event source mapping", EveryResource: eventSourceMapping},
	{Name: "AmazonS3ObjectLambdaExecutionRolePolicy", Grants: "answering S3 Object Lambda requests",
		EveryResource: "AWS's execution policy for S3 Object Lambda; s3-object-lambda:WriteGetObjectResponse can only answer a request S3 routed to this function"},
}

// broadPolicies are AWS managed policies, beside AdministratorAccess-like and *FullAccess
// ones, that grant every action of a service (or all but a few services) on every
// resource: nothing a function's role should carry. The value names the widest grant.
// Chosen from the published documents for the policies people attach to functions;
// the tests check each against its document.
var broadPolicies = map[string]string{
	"AdministratorAccess":                          `"*"`,
	"PowerUserAccess":                              `every action except iam, organizations and account ones`,
	"AWSLambdaExecute":                             `logs:*`,
	"SecretsManagerReadWrite":                      `secretsmanager:*`,
	"AmazonSSMAutomationRole":                      `ssm:*`,
	"DatabaseAdministrator":                        `dynamodb:*, rds:* and more`,
	"DataScientist":                                `dynamodb:*, cloudwatch:* and more`,
	"NetworkAdministrator":                         `route53:*, elasticloadbalancing:* and more`,
	"SystemAdministrator":                          `codedeploy:*, cloudwatch:* and more`,
	"AmazonAPIGatewayAdministrator":                `apigateway:*`,
	"AWSAppSyncAdministrator":                      `appsync:*`,
	"AmazonCognitoPowerUser":                       `cognito-idp:*`,
	"AWSCodeBuildAdminAccess":                      `codebuild:*`,
	"AWSGlueServiceRole":                           `glue:*`,
	"AmazonEC2RoleforDataPipelineRole":             `s3:*, dynamodb:* and more`,
	"AmazonElasticMapReduceforEC2Role":             `s3:*, dynamodb:* and more`,
	"AWSCodeStarServiceRole":                       `codecommit:*, codepipeline:* and more`,
	"AWSDataPipeline_PowerUser":                    `datapipeline:*`,
	"AdministratorAccess-Amplify":                  `amplify:* and more`,
	"AdministratorAccess-AWSElasticBeanstalk":      `elasticbeanstalk:*`,
	"AWSSupportAccess":                             `support:*`,
	"AmazonCognitoUnAuthedIdentitiesSessionPolicy": `polly:*, comprehend:* and more`,
}

// ManagedPolicy classifies a managed policy by ARN (any partition, any path, or the
// arn:${AWS::Partition}:... text of a !Sub) or by bare name, as SAM accepts
// ("AmazonS3ReadOnlyAccess").
func ManagedPolicy(arnOrName string) ManagedVerdict {
	name, ok := awsManagedName(arnOrName)
	if !ok {
		return ManagedVerdict{Kind: Unknown, Reason: fmt.Sprintf("%q is not an AWS managed policy; lambdagate analyses a customer managed policy by its document", arnOrName)}
	}
	for _, a := range acceptedPolicies {
		if strings.EqualFold(a.Name, name) {
			return ManagedVerdict{Accepted, a.Name, fmt.Sprintf("%s is AWS's managed policy for %s", a.Name, a.Grants)}
		}
	}
	for n, grant := range broadPolicies {
		if strings.EqualFold(n, name) {
			return ManagedVerdict{Broad, n, fmt.Sprintf("%s grants %s on every resource; replace it with a policy listing the actions and resources the function needs", n, grant)}
		}
	}
	// AWS names its grant-everything-of-a-service policies *FullAccess (AmazonS3FullAccess,
	// AWSLambda_FullAccess, CloudWatchFullAccessV2, AmazonDynamoDBFullAccesswithDataPipeline).
	if strings.Contains(name, "FullAccess") {
		return ManagedVerdict{Broad, name, fmt.Sprintf("%s grants full access to a service; replace it with a policy listing the actions and resources the function needs", name)}
	}
	return ManagedVerdict{Kind: Unknown, Name: name, Reason: fmt.Sprintf("lambdagate has no verdict on the AWS managed policy %s", name)}
}

// awsManagedName extracts the name of an AWS managed policy from an ARN or bare name.
func awsManagedName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	if !strings.HasPrefix(s, "arn:") {
		// A bare name: SAM resolves it among AWS managed policies. Text such as "!Ref P"
		// or a path is no name.
		if strings.ContainsAny(s, "/:!${} ") {
			return "", false
		}
		return s, true
	}
	parts := splitARN(s)
	if len(parts) != 6 || parts[2] != "iam" || parts[3] != "" || parts[4] != "aws" {
		return "", false
	}
	if p := parts[1]; p != "aws" && !strings.HasPrefix(p, "aws-") {
		return "", false
	}
	rest, ok := strings.CutPrefix(parts[5], "policy/")
	if !ok || rest == "" {
		return "", false
	}
	return rest[strings.LastIndex(rest, "/")+1:], true
}
