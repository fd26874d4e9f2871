package checks

// DeputyService is an AWS service principal that invokes Lambda functions
// on behalf of a resource, and what AWS says scopes its permission.
type DeputyService struct {
	Principal string
	Name      string
	// AccountInARN is false for services whose resource ARNs carry no
	// account (S3 buckets): SourceArn alone does not pin the owner, so AWS
	// asks for SourceAccount as well.
	AccountInARN bool
	Doc          string // AWS's page on the permission for this service
}

// DeputyServices are the services whose Lambda permissions AWS's
// confused-deputy guidance (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html,
// https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html)
// and each service's Lambda permission example scope with SourceArn or
// SourceAccount. TestDeputyServices rejects malformed rows.
var DeputyServices = []DeputyService{
	{"apigateway.amazonaws.com", "API Gateway", true, "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html"},
	{"codecommit.amazonaws.com", "CodeCommit", true, "https://docs.aws.amazon.com/codecommit/latest/userguide/how-to-notify-lambda.html"},
	{"cognito-idp.amazonaws.com", "Cognito user pools", true, "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html"},
	{"config.amazonaws.com", "AWS Config", true, "https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_lambda-functions.html"},
	{"elasticloadbalancing.amazonaws.com", "Elastic Load Balancing", true, "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html"},
	{"events.amazonaws.com", "EventBridge", true, "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html"},
	{"iot.amazonaws.com", "AWS IoT", true, "https://docs.aws.amazon.com/iot/latest/developerguide/lambda-rule-action.html"},
	{"lambda.alarms.cloudwatch.amazonaws.com", "CloudWatch alarms", true, "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html"},
	{"logs.amazonaws.com", "CloudWatch Logs", true, "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html"},
	{"s3.amazonaws.com", "Amazon S3", false, "https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html"},
	{"secretsmanager.amazonaws.com", "Secrets Manager", true, "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html"},
	{"ses.amazonaws.com", "Amazon SES", true, "https://docs.aws.amazon.com/ses/latest/dg/receiving-email-permissions.html"},
	{"sns.amazonaws.com", "Amazon SNS", true, "https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html"},
}

// deputyService returns the row for a principal.
func deputyService(principal string) (DeputyService, bool) {
	for _, s := range DeputyServices {
		if s.Principal == principal {
			return s, true
		}
	}
	return DeputyService{}, false
}
