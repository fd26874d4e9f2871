// Package deployed reads deployed Lambda functions through the AWS APIs and
// fills lambda.Function with what runs in the account: security groups, KMS
// key, tracing mode and the execution role with every policy that grants it
// permissions. The checks then run on them exactly as on a template; this
// package decides nothing about what is allowed. It leaves discovering the
// templates on disk and rendering the findings to its callers.
package deployed

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/smithy-go/middleware"
)

// CloudFormationAPI is the part of the CloudFormation client verify calls.
type CloudFormationAPI interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	ListStackResources(context.Context, *cloudformation.ListStackResourcesInput, ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error)
}

// LambdaAPI is the part of the Lambda client verify calls.
type LambdaAPI interface {
	GetFunctionConfiguration(context.Context, *awslambda.GetFunctionConfigurationInput, ...func(*awslambda.Options)) (*awslambda.GetFunctionConfigurationOutput, error)
	GetPolicy(context.Context, *awslambda.GetPolicyInput, ...func(*awslambda.Options)) (*awslambda.GetPolicyOutput, error)
	ListAliases(context.Context, *awslambda.ListAliasesInput, ...func(*awslambda.Options)) (*awslambda.ListAliasesOutput, error)
	GetAlias(context.Context, *awslambda.GetAliasInput, ...func(*awslambda.Options)) (*awslambda.GetAliasOutput, error)
	ListVersionsByFunction(context.Context, *awslambda.ListVersionsByFunctionInput, ...func(*awslambda.Options)) (*awslambda.ListVersionsByFunctionOutput, error)
	GetFunctionEventInvokeConfig(context.Context, *awslambda.GetFunctionEventInvokeConfigInput, ...func(*awslambda.Options)) (*awslambda.GetFunctionEventInvokeConfigOutput, error)
	ListFunctions(context.Context, *awslambda.ListFunctionsInput, ...func(*awslambda.Options)) (*awslambda.ListFunctionsOutput, error)
	GetFunctionUrlConfig(context.Context, *awslambda.GetFunctionUrlConfigInput, ...func(*awslambda.Options)) (*awslambda.GetFunctionUrlConfigOutput, error)
}

// IAMAPI is the part of the IAM client verify calls.
type IAMAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListRolePolicies(context.Context, *iam.ListRolePoliciesInput, ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

// KMSAPI is the part of the KMS client verify calls.
type KMSAPI interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
	GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

// EC2API is the part of the EC2 client verify calls: the functions'
// security groups (open-security-group).
type EC2API interface {
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
}

// TaggingAPI is the part of the Resource Groups Tagging API client verify
// calls: the functions selected by tags (--tag).
type TaggingAPI interface {
	GetResources(context.Context, *tagging.GetResourcesInput, ...func(*tagging.Options)) (*tagging.GetResourcesOutput, error)
}

// Clients are the services verify reads.
type Clients struct {
	CloudFormation CloudFormationAPI
	Lambda         LambdaAPI
	IAM            IAMAPI
	// KMS reads the functions' customer managed keys (kms-key-rotation);
	// nil skips them.
	KMS KMSAPI
	// EC2 reads the functions' security groups (open-security-group); nil
	// leaves the rule not verified on functions that have some.
	EC2 EC2API
	// Tagging finds the functions of Target.Tags.
	Tagging TaggingAPI
	// Region the clients talk to, for messages and the ARNs built from names.
	Region string
}

// ClientOptions tune the SDK clients. The zero value is the default: the
// SDK's configuration chain decides everything else (AWS_REGION,
// AWS_PROFILE, AWS_ENDPOINT_URL, credentials), as for every AWS tool.
type ClientOptions struct {
	// Region overrides the configured region (--region).
	Region string
	// MaxAttempts bounds the attempts of one call, retries included: the
	// SDK's standard retryer backs off on throttling and 5xx. 0 means 8.
	MaxAttempts int
	// MaxBackoff caps the delay between two attempts. 0 means 20s.
	MaxBackoff time.Duration
	// BaseEndpoint sends every call to this URL (tests, local emulators);
	// "" leaves it to the configuration (AWS_ENDPOINT_URL and friends).
	BaseEndpoint string
	// SkipCredentialCheck skips resolving the credentials up front.
	SkipCredentialCheck bool
}

// Default retry settings: verification is not latency-sensitive, and a
// throttled account should slow it down rather than fail it.
const (
	DefaultMaxAttempts = 8
	DefaultMaxBackoff  = 20 * time.Second
)

// attemptsKey carries an *attempts in a call's context.
type attemptsKey struct{}

// attempts records the error of a call's last attempt, which the SDK's
// retryer does not return when the deadline cuts its backoff short: a call
// throttled until --call-timeout is then reported as throttled, and one
// whose endpoint refuses connections as unreachable, not as slow.
type attempts struct {
	mu   sync.Mutex
	last error
}

func (a *attempts) record(err error) {
	a.mu.Lock()
	a.last = err
	a.mu.Unlock()
}

func (a *attempts) lastErr() error {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// recordAttempts adds a middleware inside the retry loop that records each
// attempt's error in the call's attempts.
func recordAttempts(s *middleware.Stack) error {
	return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("lambdagateAttempts",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleFinalize(ctx, in)
			if a, ok := ctx.Value(attemptsKey{}).(*attempts); ok && err != nil {
				a.record(err)
			}
			return out, md, err
		}), "Retry", middleware.After)
}

// NewClients loads the SDK's default configuration and builds the clients.
// A missing region or missing credentials are reported here, once, rather
// than as one failure per call.
func NewClients(ctx context.Context, o ClientOptions) (Clients, error) {
	attempts, backoff := o.MaxAttempts, o.MaxBackoff
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	if backoff <= 0 {
		backoff = DefaultMaxBackoff
	}
	loads := []func(*config.LoadOptions) error{
		config.WithAPIOptions([]func(*middleware.Stack) error{recordAttempts}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(s *retry.StandardOptions) {
				s.MaxAttempts = attempts
				s.MaxBackoff = backoff
				// No retry quota: the SDK's default bucket (500 tokens,
				// 5 a retry, per client) runs dry after about 100
				// retries, and then a throttled call fails at once. A
				// whole account throttled must slow the run down, not
				// fail it; --concurrency already bounds the load.
				s.RateLimiter = ratelimit.None
			})
		}),
	}
	if o.Region != "" {
		loads = append(loads, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return Clients{}, fmt.Errorf("reading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return Clients{}, errors.New("no AWS region: pass --region, or set AWS_REGION (aws-actions/configure-aws-credentials sets it from aws-region)")
	}
	if o.BaseEndpoint != "" {
		cfg.BaseEndpoint = aws.String(o.BaseEndpoint)
	}
	if !o.SkipCredentialCheck {
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			return Clients{}, fmt.Errorf("no usable AWS credentials: %w; configure them as for the AWS CLI (AWS_PROFILE, AWS_ACCESS_KEY_ID, or aws-actions/configure-aws-credentials in a workflow)", err)
		}
	}
	return Clients{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		Lambda:         awslambda.NewFromConfig(cfg),
		IAM:            iam.NewFromConfig(cfg),
		KMS:            kms.NewFromConfig(cfg),
		EC2:            ec2.NewFromConfig(cfg),
		Tagging:        tagging.NewFromConfig(cfg),
		Region:         cfg.Region,
	}, nil
}
