package checks

import (
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/lambda"
)

// logsActions are what Lambda needs of the execution role to write the
// function's logs (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
var logsActions = []string{"logs:CreateLogStream", "logs:PutLogEvents"}

// LogsManagedPolicies are the AWS managed policies that allow both
// logsActions on a resource that can be a function's log group, and deny
// neither: every one of AWS's published documents that does
// (TestLogsManagedPolicies holds the list to them, both ways).
var LogsManagedPolicies = []string{
	"AWSAppSyncPushToCloudWatchLogs",
	"AWSApplicationMigrationNetworkMigrationMultiAccount",
	"AWSBatchServiceRole",
	"AWSCodeStarServiceRole",
	"AWSControlTowerCloudTrailRolePolicy",
	"AWSControlTowerServiceRolePolicy",
	"AWSDeepRacerServiceRolePolicy",
	"AWSElasticBeanstalkFullAccess",
	"AWSGlueDataBrewServiceRole",
	"AWSIoTLogging",
	"AWSLambdaBasicDurableExecutionRolePolicy",
	"AWSLambdaBasicExecutionRole",
	"AWSLambdaDynamoDBExecutionRole",
	"AWSLambdaExecute",
	"AWSLambdaFullAccess",
	"AWSLambdaKinesisExecutionRole",
	"AWSLambdaMSKExecutionRole",
	"AWSLambdaManagedEC2ResourceOperator",
	"AWSLambdaSQSQueueExecutionRole",
	"AWSLambdaVPCAccessExecutionRole",
	"AWSMediaTailorServiceRolePolicy",
	"AWSObservabilityAdminLogsCentralizationServiceRolePolicy",
	"AWSOpsWorksCloudWatchLogs",
	"AWSQuickSetupPatchPolicyPermissionsBoundary",
	"AWSThinkboxAWSPortalGatewayPolicy",
	"AWSThinkboxAWSPortalWorkerPolicy",
	"AWSThinkboxDeadlineResourceTrackerAccessPolicy",
	"AWSTransferLoggingAccess",
	"AWSTransformNetworkMigrationAgentPolicy",
	"AdministratorAccess",
	"AlexaForBusinessGatewayExecution",
	"AmazonAPIGatewayPushToCloudWatchLogs",
	"AmazonApplicationWizardFullaccess",
	"AmazonBedrockStudioPermissionsBoundary",
	"AmazonDMSCloudWatchLogsRole",
	"AmazonDataZoneEnvironmentRolePermissionsBoundary",
	"AmazonDataZoneProjectRolePermissionsBoundary",
	"AmazonDataZoneSageMakerEnvironmentRolePermissionsBoundary",
	"AmazonEC2ContainerServiceforEC2Role",
	"AmazonEC2RolePolicyForApplicationWizard",
	"AmazonEC2RolePolicyForLaunchWizard",
	"AmazonEC2RoleforSSM",
	"AmazonECSTaskExecutionRolePolicy",
	"AmazonElasticFileSystemsUtils",
	"AmazonLaunchWizardFullAccessV2",
	"AmazonLaunchWizardFullaccess",
	"AmazonLaunchWizard_Fullaccess",
	"AmazonRDSCustomInstanceProfileRolePolicy",
	"AmazonRDSEnhancedMonitoringRole",
	"AmazonS3ObjectLambdaExecutionRolePolicy",
	"AmazonSNSRole",
	"AmazonSSMFullAccess",
	"AmazonSageMakerFullAccess",
	"AmazonSageMakerGroundTruthExecution",
	"AmazonSageMakerHyperPodInferenceAccess",
	"AmazonSageMakerServiceCatalogProductsLambdaServiceRolePolicy",
	"AmazonSecurityLakeMetastoreManager",
	"AmazonWorkMailEventsServiceRolePolicy",
	"ClientVPNServiceRolePolicy",
	"CloudHSMServiceRolePolicy",
	"CloudWatchAgentAdminPolicy",
	"CloudWatchAgentServerPolicy",
	"CloudWatchFullAccess",
	"CloudWatchFullAccessV2",
	"CloudWatchLogsFullAccess",
	"DatabaseAdministrator",
	"GameLiftContainerFleetPolicy",
	"PowerUserAccess",
	"SageMakerStudioAdminIAMDefaultExecutionPolicy",
	"SageMakerStudioAdminIAMPermissiveExecutionPolicy",
	"SageMakerStudioProjectUserRolePermissionsBoundary",
	"SageMakerStudioProjectUserRolePolicy",
	"SageMakerStudioUserIAMDefaultExecutionPolicy",
	"SageMakerStudioUserIAMPermissiveExecutionPolicy",
	"SystemAdministrator",
}

// LogsPermission requires an execution role that can write the function's logs.
var LogsPermission = &Check{
	ID:    "logs-permission",
	Title: "Lambda functions can write their logs",
	Doc: `The execution role must allow ` + "`logs:CreateLogStream`" + ` and ` + "`logs:PutLogEvents`" + ` on a resource that can be
the function's log group (` + "`*`" + `, or a ` + "`logs`" + ` ARN), from any of its policies: inline, managed, attached
(` + "`AWS::IAM::Policy`" + `, ` + "`ManagedPolicy`" + `, ` + "`RolePolicy`" + `), SAM inline statements, or an AWS managed policy
that grants them (` + "`AWSLambdaBasicExecutionRole`" + ` and the others of ` + "`checks.LogsManagedPolicies`" + `); a
` + "`Deny`" + ` of them on every resource, or a permissions boundary without them, takes them away. The role
SAM generates always has ` + "`AWSLambdaBasicExecutionRole`" + `. A role lambdagate cannot read whole (not in
the template, a managed policy it has no document of, a policy known only at deployment) is not
reported. ` + "`lambdagate verify`" + ` checks the deployed role the same way. Default severity: warning.

**Why.** A function whose role cannot write CloudWatch Logs runs blind: its errors, its timeouts
and whatever an incident responder would look for are never recorded, and nothing says so.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    Role: !GetAtt FnRole.Arn
FnRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    Policies:
      - PolicyName: data
        PolicyDocument:
          Statement:
            - {Effect: Allow, Action: dynamodb:GetItem, Resource: !GetAtt Table.Arn}
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    Role: !GetAtt FnRole.Arn
FnRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    ManagedPolicyArns:
      - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
` + "```" + `

**Fix.** Attach ` + "`AWSLambdaBasicExecutionRole`" + `, or allow ` + "`logs:CreateLogStream`" + ` and ` + "`logs:PutLogEvents`" + ` on the
function's log group (` + "`arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/<function>:*`" + `).`,
	Run: func(p *Pass, fn *lambda.Function) {
		seen := map[*lambda.Role]bool{}
		for _, use := range fn.Roles {
			r := use.Role
			if r == nil || seen[r] {
				continue
			}
			seen[r] = true
			missing, known := logsMissing(r)
			if !known || len(missing) == 0 {
				continue
			}
			msg := fmt.Sprintf("role %s does not allow %s on the function's log group, so the function cannot write its logs; attach AWSLambdaBasicExecutionRole or allow them", r.ID, strings.Join(missing, " and "))
			if use.When != "" {
				msg = use.When + ": " + msg
			}
			// The finding is the function's (it runs blind), written where
			// the role is: an exception on the function covers it, as
			// cfn_nag's W58 on the function does.
			p.Report(Warning, r.Pos, msg)
		}
	},
}

// logsMissing returns the logs actions the role does not grant; known is
// false when the role cannot be read whole.
func logsMissing(r *lambda.Role) (missing []string, known bool) {
	switch {
	case r.Kind == lambda.RoleSAMDefault, r.Generated:
		return nil, true
	case r.Kind == lambda.RoleUnresolved, r.Incomplete:
		return nil, false
	}
	if len(r.Problems) > 0 {
		return nil, false // a policy that cannot be read: what it grants is not known
	}
	granted := map[string]bool{}
	for _, m := range r.Managed {
		if m.Intrinsic {
			return nil, false
		}
		v := iam.ManagedPolicy(m.ARN)
		switch {
		case v.Name != "" && containsFold(LogsManagedPolicies, v.Name):
			for _, a := range logsActions {
				granted[a] = true
			}
		case v.Name == "":
			return nil, false // a customer managed policy whose document is not in hand
		}
	}
	for _, pol := range r.Policies {
		for _, a := range logsActions {
			switch allowsLogs(pol, a) {
			case logsAllow:
				granted[a] = true
			case logsUnknown:
				return nil, false
			}
		}
	}
	for _, pol := range r.Policies {
		for _, a := range logsActions {
			if deniesLogs(pol, a) {
				granted[a] = false
			}
		}
	}
	if r.Boundary != nil {
		for _, a := range logsActions {
			if allowsLogs(*r.Boundary, a) != logsAllow {
				granted[a] = false
			}
		}
	}
	for _, a := range logsActions {
		if !granted[a] {
			missing = append(missing, a)
		}
	}
	return missing, true
}

type logsVerdict int

const (
	logsNo logsVerdict = iota
	logsAllow
	logsUnknown
)

// allowsLogs reads whether a policy allows the action on a resource that
// can be a log group.
func allowsLogs(pol iam.Policy, action string) logsVerdict {
	out := logsNo
	for _, st := range pol.Statements {
		if !strings.EqualFold(st.Effect.Value, "Allow") {
			continue
		}
		acts := actionMatch(st, action)
		if acts == logsNo {
			continue
		}
		res := logsResource(st)
		switch {
		case acts == logsAllow && res == logsAllow:
			return logsAllow
		case acts == logsUnknown || res == logsUnknown:
			out = logsUnknown
		}
	}
	return out
}

// deniesLogs reads whether a policy denies the action on every resource.
func deniesLogs(pol iam.Policy, action string) bool {
	for _, st := range pol.Statements {
		if !strings.EqualFold(st.Effect.Value, "Deny") || st.HasCondition || st.HasNotResource {
			continue
		}
		if actionMatch(st, action) != logsAllow {
			continue
		}
		for _, r := range st.Resource {
			if r.Value == "*" {
				return true
			}
		}
	}
	return false
}

func actionMatch(st iam.Statement, action string) logsVerdict {
	if st.HasNotAction {
		for _, a := range st.NotAction {
			if a.Intrinsic {
				return logsUnknown
			}
			if matchGlob(strings.ToLower(a.Value), strings.ToLower(action)) {
				return logsNo
			}
		}
		return logsAllow
	}
	out := logsNo
	for _, a := range st.Action {
		if a.Intrinsic {
			out = logsUnknown
			continue
		}
		if matchGlob(strings.ToLower(a.Value), strings.ToLower(action)) {
			return logsAllow
		}
	}
	return out
}

// logsResource: "*", a logs ARN that can be the function's log group,
// NotResource, or a value known only at deployment.
func logsResource(st iam.Statement) logsVerdict {
	if st.HasNotResource {
		return logsAllow
	}
	out := logsNo
	for _, r := range st.Resource {
		v := r.Value
		switch {
		case v == "*":
			return logsAllow
		case r.Intrinsic && strings.Contains(v, ":logs:"):
			return logsAllow // its parts known only at deployment may name the function's group
		case r.Intrinsic:
			out = logsUnknown
		case lambdaLogGroup(v):
			return logsAllow
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// lambdaLogGroup reports whether a literal ARN pattern can name a
// function's log group: the logs service (or *), and a log group that can
// be a function's (/aws/lambda/...: its name is often known only at
// deployment), or a group outside /aws/ (one LoggingConfig
// names). Another service's group (/aws/lambda-insights) is not.
func lambdaLogGroup(arn string) bool {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" || (parts[2] != "logs" && parts[2] != "*") {
		return false
	}
	if len(parts) < 7 || parts[5] != "log-group" {
		// arn:aws:logs:*:*:* or arn:aws:logs:r:a:log-group* (a glob over the type)
		return matchGlob(strings.Join(parts[5:], ":"), "log-group:/aws/lambda/fn:log-stream:s")
	}
	group, _, _ := strings.Cut(parts[6], ":")
	return strings.HasPrefix(group, "/aws/lambda/") || matchGlob(group, "/aws/lambda/fn") || !strings.HasPrefix(group, "/aws/")
}
